package catad.laws;

/** The reverse derivative program agrees with reverse mode at a point, within {@link Tolerance#DERIVATIVE}. */
class ReverseProgramAgreementLaws implements AgreementLaws {
    @Override public Interpretation reference() { return Interpretations.VJP; }
    @Override public Interpretation candidate() { return Interpretations.VJP_PROGRAM; }
    @Override public Tolerance tolerance() { return Tolerance.DERIVATIVE; }
}
