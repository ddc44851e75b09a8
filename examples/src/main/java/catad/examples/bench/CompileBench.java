package catad.examples.bench;

import catad.dsl.Prog;
import catad.interpreter.AD;
import catad.jit.Jit;
import catad.jit.Kernel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What it costs to compile a gradient: for a program of about a thousand nodes, a chain of
 * scalar primitives ({@link BenchPrograms#chain}) or a balanced tree of them
 * ({@link BenchPrograms#tree}) (the parameter {@code shape}), {@code derive} times
 * {@code AD.grad(f)} (derivation and simplification), {@code compileGrad} times {@code Jit.compile}
 * of that gradient program and {@code compilePrimal} of the program itself. Every invocation gets a structurally new program
 * (its constants come from a counter) and {@code Jit.clearCache()} runs before it, so no cache
 * answers. The time is the steady state, with the JVM's own JIT warm; the first (cold)
 * compilation's {@code Kernel.compileNanos()}, the sizes and whether the kernel is really
 * compiled ({@code Kernel.compiled()}) are printed by the trial's {@code @Setup}.
 *
 * <p>Run with {@code ./catad bench CompileBench -f 1 -wi 5 -i 3 -w 1s -r 1s}; results are in
 * {@code BENCHMARKS.md}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CompileBench {

    /** JMH makes the instances. */
    public CompileBench() {}

    /** Primitives in the chain. */
    public static final int CHAIN = 1000;
    /** Levels of the tree: 2⁸ leaves of three nodes and 255 inner nodes of two. */
    public static final int TREE_DEPTH = 8;

    /** {@return the program of this shape with this salt} @param shape "chain" or "tree" @param salt makes it new */
    static Prog program(String shape, long salt) {
        return shape.equals("chain") ? BenchPrograms.chain(CHAIN, salt) : BenchPrograms.tree(TREE_DEPTH, salt);
    }

    /** A fresh program per invocation, and its gradient program. */
    @State(Scope.Thread)
    public static class Fresh {
        /** JMH makes the instances. */
        public Fresh() {}

        /** Which program: a chain or a tree. */
        @Param({"chain", "tree"})
        public String shape;

        private long salt;
        /** The program of this invocation. */
        public Prog f;
        /** Its gradient program. */
        public Prog gf;

        /** Prints the sizes and a cold compilation, once per trial. */
        @Setup(Level.Trial)
        public void describe() {
            Prog p = program(shape, -1);
            long t0 = System.nanoTime();
            Prog gp = AD.grad(p);
            long derive = System.nanoTime() - t0;
            Jit.clearCache();
            Kernel k = Jit.compile(gp);
            Agreement.check(shape + " gradient: JIT vs interpreter", AD.eval(gp, input(p)), k.apply(input(p)), JitBench.JIT_RTOL);
            System.out.printf("%s: program %d nodes, gradient program %d nodes; cold: AD.grad %.1f ms, Jit.compile %.1f ms, compiled()=%b, %s%n",
                    shape, AD.size(p), AD.size(gp), derive / 1e6, k.compileNanos() / 1e6, k.compiled(), BenchPrograms.describe(k));
        }

        /** Builds the next program, and its gradient program, outside the timed region. */
        @Setup(Level.Invocation)
        public void next() {
            f = program(shape, salt++);
            gf = AD.grad(f);
            Jit.clearCache();
        }
    }

    /** {@return a fixed-seed input for p} @param p a program */
    static double[] input(Prog p) { return BenchPrograms.uniform(p.dom().dim(), 50, -1, 1); }

    /** {@return the gradient program of a new program: {@code AD.grad(f)}} @param s the state */
    @Benchmark public Prog derive(Fresh s) { return AD.grad(s.f); }

    /** {@return the compiled gradient program} @param s the state */
    @Benchmark public Kernel compileGrad(Fresh s) { return Jit.compile(s.gf); }

    /** {@return the compiled program itself} @param s the state */
    @Benchmark public Kernel compilePrimal(Fresh s) { return Jit.compile(s.f); }
}
