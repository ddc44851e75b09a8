package catad.laws;

/** The laws of {@link Interpretations#JVP}: forward mode at a point. */
class JvpLaws implements InterpretationLaws {
    @Override public Interpretation interpretation() { return Interpretations.JVP; }
}
