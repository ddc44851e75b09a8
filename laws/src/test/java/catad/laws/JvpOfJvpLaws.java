package catad.laws;

/** The laws of {@link Interpretations#JVP_OF_JVP}: forward over forward; its derivative laws are third-order checks. */
class JvpOfJvpLaws implements InterpretationLaws, DerivativeLaws {
    @Override public ProgramInterpretation interpretation() { return Interpretations.JVP_OF_JVP; }
}
