package catad.laws;

/** A program read back from its text computes the same bits as the program itself. */
class TextAgreementLaws implements AgreementLaws {
    @Override public Interpretation reference() { return Interpretations.EVAL; }
    @Override public Interpretation candidate() { return Interpretations.TEXT; }
}
