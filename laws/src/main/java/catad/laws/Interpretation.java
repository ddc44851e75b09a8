package catad.laws;

import catad.dsl.Prog;
import catad.dsl.Shape;

/**
 * A meaning of catad programs whose laws are checked: evaluation, forward mode, reverse mode, a
 * derivative program, the JIT, … Each sends a program {@code f : A → B} to a function on flat
 * buffers, from {@link #input(Prog)} to {@link #output(Prog)}: evaluation takes {@code A} to
 * {@code B}; forward mode takes {@code (x, dx) : A × A} to {@code (f x, f'(x) dx) : B × B}; reverse
 * mode takes {@code (x, ct) : A × B} to {@code (f x, f'(x)ᵀ ct) : B × A}.
 *
 * <p>Every such meaning is a functor (DESIGN §6), so the laws that equate two programs hold for it
 * as they hold for evaluation: {@code id ∘ f} and {@code f} have the same meaning in any of them.
 * Its own composition, {@link #runThen}, is what makes the chain rule a law too. For a linear
 * {@code f}, the meaning of {@code fᵀ} goes from {@code output(f)} back to {@code input(f)} and is
 * the adjoint of the meaning of {@code f}, so the transpose laws hold in every meaning as well.
 *
 * {@snippet :
 * class EvalLaws implements CategoryLaws, CartesianLaws, TransposeLaws {
 *     public Interpretation interpretation() { return Interpretations.EVAL; }
 * }
 * }
 */
public interface Interpretation {

    /** {@return a short name for failure messages} */
    String name();

    /** {@return the shape of the inputs this meaning of {@code f} takes} @param f a program */
    default Shape input(Prog f) { return f.dom(); }

    /** {@return the shape of the outputs this meaning of {@code f} gives} @param f a program */
    default Shape output(Prog f) { return f.cod(); }

    /** {@return the meaning of {@code f} applied to {@code in}, flat} @param f a program @param in a flat value of {@link #input(Prog) input(f)} */
    double[] run(Prog f, double[] in);

    /**
     * {@return the meaning of {@code g ∘ f} at {@code in}, computed from the meanings of {@code f}
     * and {@code g} alone}: composition in this meaning's category. The default, {@code g} after
     * {@code f}, is right when meanings compose in the direction of the program (evaluation,
     * forward mode); reverse mode runs its cotangent back through {@code g} and then {@code f}.
     * @param f applied first @param g applied second @param in a flat value of {@code input(g ∘ f)}
     */
    default double[] runThen(Prog f, Prog g, double[] in) { return run(g, run(f, in)); }
}
