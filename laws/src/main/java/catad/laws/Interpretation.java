package catad.laws;

import catad.dsl.Prog;

/**
 * A way of running catad programs whose laws are checked: evaluation, evaluation after
 * simplification, the JIT, … Each law contract asks its implementing test class for one.
 */
public interface Interpretation {

    /** {@return a short name for failure messages} */
    String name();

    /** {@return the value of {@code f} at {@code x}, flat} @param f a program @param x a flat input of {@code f.dom()} */
    double[] run(Prog f, double[] x);

    /**
     * {@return the program this interpretation actually runs for {@code f}}; the numeric
     * derivative laws differentiate it. The identity unless the interpretation rewrites programs.
     * @param f a program
     */
    default Prog view(Prog f) { return f; }
}
