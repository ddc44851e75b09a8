package catad.laws;

/** The laws of {@link Interpretations#SIMPLIFIED}: evaluation after {@code Simplify.simplify}. */
class SimplifiedLaws implements InterpretationLaws, DerivativeLaws {
    @Override public ProgramInterpretation interpretation() { return Interpretations.SIMPLIFIED; }
}
