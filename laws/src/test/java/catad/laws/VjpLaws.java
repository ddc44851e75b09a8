package catad.laws;

/** The laws of {@link Interpretations#VJP}: reverse mode at a point. */
class VjpLaws implements InterpretationLaws {
    @Override public Interpretation interpretation() { return Interpretations.VJP; }
}
