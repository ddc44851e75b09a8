package catad.laws;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;

/**
 * An {@link Interpretation} that works by rewriting: the meaning of {@code f} is the evaluation of
 * another catad program, {@link #view(Prog) view(f)} (the simplified program, the parsed text, the
 * derivative program {@code AD.jvp(f)}, …). Because a view is itself a program, it can be
 * differentiated, so {@link DerivativeLaws} check it against finite differences: for a derivative
 * program that is a check of second derivatives.
 */
public interface ProgramInterpretation extends Interpretation {

    /** {@return the program whose evaluation is this meaning of {@code f}} @param f a program */
    Prog view(Prog f);

    /** {@inheritDoc} The view's domain; override when it is known without building the view. */
    @Override default Shape input(Prog f) { return view(f).dom(); }

    /** {@inheritDoc} The view's codomain; override when it is known without building the view. */
    @Override default Shape output(Prog f) { return view(f).cod(); }

    /** {@inheritDoc} The view, evaluated. */
    @Override default double[] run(Prog f, double[] in) { return AD.eval(view(f), in); }
}
