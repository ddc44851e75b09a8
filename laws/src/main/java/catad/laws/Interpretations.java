package catad.laws;

import catad.dsl.Prog;
import catad.interpreter.AD;
import catad.interpreter.Simplify;

/** The interpretations of the interpreter module. */
public final class Interpretations {
    private Interpretations() {}

    /** Direct evaluation, {@link AD#eval}. */
    public static final Interpretation EVAL = new Interpretation() {
        @Override public String name() { return "eval"; }
        @Override public double[] run(Prog f, double[] x) { return AD.eval(f, x); }
        @Override public String toString() { return name(); }
    };

    /** Evaluation of the simplified program, {@code AD.eval(Simplify.simplify(f), x)}. */
    public static final Interpretation SIMPLIFIED = new Interpretation() {
        @Override public String name() { return "simplified"; }
        @Override public double[] run(Prog f, double[] x) { return AD.eval(Simplify.simplify(f), x); }
        @Override public Prog view(Prog f) { return Simplify.simplify(f); }
        @Override public String toString() { return name(); }
    };
}
