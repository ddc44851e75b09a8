package catad.laws;

/** The laws of {@link Interpretations#JVP_PROGRAM}: the forward derivative program; its derivative laws are second-order checks. */
class JvpProgramLaws implements InterpretationLaws, DerivativeLaws {
    @Override public ProgramInterpretation interpretation() { return Interpretations.JVP_PROGRAM; }
}
