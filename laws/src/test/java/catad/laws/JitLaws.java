package catad.laws;

/** The laws of {@link Interpretations#JIT}: compiled programs are a functor too. */
class JitLaws implements InterpretationLaws {
    @Override public Interpretation interpretation() { return Interpretations.JIT; }
}
