package catad.laws;

import net.jqwik.api.PropertyDefaults;

/**
 * The laws of {@link Interpretations#JIT}: compiled programs are a functor too. Fewer tries than
 * the other contracts: every try compiles a few programs, and {@link JitAgreementLaws} already
 * holds the JIT to the interpreter's bits on thousands of programs.
 */
@PropertyDefaults(tries = 250)
class JitLaws implements InterpretationLaws {
    @Override public Interpretation interpretation() { return Interpretations.JIT; }
}
