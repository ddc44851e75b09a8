package catad.laws;

/** The laws of {@link Interpretations#JVP_OF_VJP}: forward over reverse, as Hessians are computed; its derivative laws are third-order checks. */
class JvpOfVjpLaws implements InterpretationLaws, DerivativeLaws {
    @Override public ProgramInterpretation interpretation() { return Interpretations.JVP_OF_VJP; }
}
