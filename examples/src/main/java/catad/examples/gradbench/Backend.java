package catad.examples.gradbench;

import catad.dsl.Prog;
import catad.interpreter.AD;
import catad.jit.Jit;
import catad.jit.Kernel;

/**
 * Where the GradBench tool runs its programs: compiled to bytecode by the JIT (the default), or on
 * the interpreter, so that the two can be compared on identical work.
 */
public enum Backend {
    /** Programs compiled by {@link Jit#compile(Prog)}. */
    JIT,
    /** Programs run by {@link AD#eval(Prog, double...)}. */
    INTERPRETER;

    /** A program ready to run: reads {@code x}, writes its result into {@code y}. */
    @FunctionalInterface
    public interface Fn {
        /** Runs the program. @param x input, in the program's domain layout @param y output, in its codomain layout */
        void apply(double[] x, double[] y);
    }

    /** {@return f ready to run on this backend} (the JIT compiles it here, once) @param f a program */
    public Fn compile(Prog f) {
        return switch (this) {
            case JIT -> {
                Kernel k = Jit.compile(f);
                yield k::apply;
            }
            case INTERPRETER -> (x, y) -> {
                double[] r = AD.eval(f, x);
                System.arraycopy(r, 0, y, 0, r.length);
            };
        };
    }
}
