package catad.laws;

/** The laws of {@link Interpretations#VJP_PROGRAM}: the reverse derivative program; its derivative laws are second-order checks. */
class VjpProgramLaws implements InterpretationLaws, DerivativeLaws {
    @Override public ProgramInterpretation interpretation() { return Interpretations.VJP_PROGRAM; }
}
