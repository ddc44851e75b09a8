package catad.examples.bench;

import catad.dsl.Prog;
import catad.interpreter.AD;
import catad.jit.Jit;
import catad.jit.Kernel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The JIT against the interpreter and against hand-written Java, primal and gradient, side by
 * side on the same input, for four array programs of {@link BenchPrograms}: {@code Σ sin(exp xᵢ)},
 * the stable log-sum-exp, a two-layer MLP's squared error and a GMM-like objective.
 *
 * <p>For each function {@code F}: {@code FPrimalInterp} is {@code AD.eval(f, x)};
 * {@code FPrimalJit} runs {@code Jit.compile(f)} into a reused output array; {@code FPrimalHand}
 * is the {@link HandWritten} twin; {@code FGradInterp} is the interpreter's reverse mode at the
 * point, {@code AD.grad(f, x)}; {@code FGradInterpProgram} evaluates the gradient program
 * {@code AD.grad(f)} on the interpreter, the program {@code FGradJit} runs compiled
 * ({@code Jit.compile(AD.grad(f)).apply(x, g)}); {@code FGradHand} is the hand-derived gradient.
 * For the two functions whose time is transcendentals ({@code Σ sin(exp xᵢ)}, log-sum-exp),
 * {@code FPrimalJitFast} and {@code FGradJitFast} run the same programs compiled with
 * {@link Jit.Options#FAST}: the Vector API's own {@code exp}, {@code log}, {@code sin}, {@code cos}
 * instead of {@link StrictMath}'s bits (within the ulps docs/jit.md states and {@code JitTest}
 * checks), the JIT's documented trade of bits for speed.
 * Every state's {@code @Setup} checks that the kernels agree with the interpreter and the
 * hand-written twins with catad, so no benchmark times code that computes something else.
 *
 * <p>{@code n} is the number of array elements: the length for {@code Σ sin(exp xᵢ)} and
 * log-sum-exp, {@code h = d = √n} (so {@code W₁} has about n numbers) for the MLP, {@code n / 8}
 * points of dimension 8 against 4 components for the GMM.
 *
 * <p>Run with {@code ./catad bench JitBench -f 1 -wi 5 -i 3 -w 1s -r 1s -p n=1000}, and at
 * n = 10⁶ with {@code ./catad bench 'JitBench.*(Jit|Hand)$' -f 1 -wi 5 -i 3 -w 1s -r 1s -p n=1000000}
 * and {@code ./catad bench 'JitBench.*(PrimalInterp|GradInterp)$' -f 1 -wi 1 -i 2 -w 1s -r 1s -p n=1000000}
 * (the interpreter takes up to seconds a call there); results are in {@code BENCHMARKS.md}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JitBench {

    /** JMH makes the instances. */
    public JitBench() {}

    /** Dimension of the GMM's points. */
    public static final int GMM_DIM = 8;
    /** Components of the GMM. */
    public static final int GMM_COMPONENTS = 4;

    /** Relative tolerance of hand-written against catad: the same formulas, sums in another order. */
    static final double HAND_RTOL = 1e-9;
    /** The largest input {@code @Setup} also checks against the interpreter. */
    static final int INTERPRETER_CHECK_LIMIT = 100_000;
    /** Relative tolerance of JIT against interpreter while their sums of eight or more terms are added in different orders. */
    static final double JIT_RTOL = 1e-12;
    /** Relative tolerance of {@link Jit.Options#FAST} kernels against the default ones: a few ulps a transcendental, summed. */
    static final double FAST_RTOL = 1e-10;

    /**
     * One function's programs, kernels and input. Each benchmark's state extends it, so that a
     * fork sets up only the function it measures.
     */
    @State(Scope.Benchmark)
    public abstract static class Case {
        /** For subclasses. */
        protected Case() {}

        /** The number of array elements. */
        @Param({"1000", "1000000"})
        public int n;

        /** The program. */
        protected Prog f;
        /** Its gradient program, {@code AD.grad(f)}. */
        protected Prog gf;
        /** {@code Jit.compile(f)}. */
        protected Kernel primal;
        /** {@code Jit.compile(gf)}. */
        protected Kernel grad;
        /** The input, fixed-seed. */
        protected double[] x;
        /** The primal's output, reused. */
        protected double[] y = new double[1];
        /** The gradient's output, reused. */
        protected double[] g;
        /** {@code Jit.compile(f, FAST)}, made by {@link #prepareFast()}. */
        protected Kernel fastPrimal;
        /** {@code Jit.compile(gf, FAST)}, made by {@link #prepareFast()}. */
        protected Kernel fastGrad;

        /**
         * Derives and compiles f, then checks the hand-written primal and gradient against the
         * JIT's (to {@link #HAND_RTOL}) and, up to {@link #INTERPRETER_CHECK_LIMIT} numbers, the
         * JIT primal against the interpreter (to {@link #JIT_RTOL}) and the JIT gradient against
         * the interpreter's reverse mode (to {@link #HAND_RTOL}: another way to the same numbers).
         * Above that limit the interpreter would take longer than the benchmark in every fork;
         * {@code BenchProgramsTest} checks the JIT against the interpreter on the same programs.
         * @param program the program @param input its input @param handPrimal the hand-written primal at the input
         * @param handGrad the hand-written gradient at the input
         */
        protected void prepare(Prog program, double[] input, double handPrimal, double[] handGrad) {
            f = program;
            x = input;
            gf = AD.grad(f);
            primal = Jit.compile(f);
            grad = Jit.compile(gf);
            g = new double[x.length];
            String name = name();
            primal.apply(x, y);
            grad.apply(x, g);
            if (x.length <= INTERPRETER_CHECK_LIMIT) {
                Agreement.check(name + ": JIT primal vs interpreter", AD.eval(f, x), y, JIT_RTOL);
                Agreement.check(name + ": JIT gradient vs interpreter reverse mode", AD.grad(f, x), g, HAND_RTOL);
            }
            Agreement.check(name + ": hand-written primal vs JIT", y, new double[] {handPrimal}, HAND_RTOL);
            Agreement.check(name + ": hand-written gradient vs JIT", g, handGrad, HAND_RTOL);
            // says whether the kernels are compiled and vectorized, in the benchmark's log
            System.out.println(name + ": program of " + AD.size(f) + " nodes " + BenchPrograms.describe(primal)
                    + "; gradient program of " + AD.size(gf) + " nodes " + BenchPrograms.describe(grad));
        }

        /** {@return the function and size, for the log}: JMH runs a generated subclass (JitBench_Gmm_jmhType…) */
        private String name() { return getClass().getSimpleName().replaceAll("^JitBench_|_jmhType.*$", "") + " n=" + n; }

        /**
         * Compiles f and its gradient program with {@link Jit.Options#FAST} too (after
         * {@link #prepare}), and checks them against the default kernels to {@link #FAST_RTOL}.
         */
        protected void prepareFast() {
            fastPrimal = Jit.compile(f, Jit.Options.FAST);
            fastGrad = Jit.compile(gf, Jit.Options.FAST);
            double[] fy = new double[y.length], fg = new double[g.length];
            fastPrimal.apply(x, fy);
            fastGrad.apply(x, fg);
            String name = name();
            Agreement.check(name + ": FAST primal vs JIT", y, fy, FAST_RTOL);
            Agreement.check(name + ": FAST gradient vs JIT", g, fg, FAST_RTOL);
            System.out.println(name + ": FAST kernels " + BenchPrograms.describe(fastPrimal) + ", " + BenchPrograms.describe(fastGrad)
                    + "; " + Agreement.bitDifferences(g, fg) + " of " + g.length + " gradient entries differ from the default kernel's bits");
        }
    }

    /** {@code Σ sin(exp xᵢ)} on n numbers in [-2, 2). */
    @State(Scope.Benchmark)
    public static class SumSinExp extends Case {
        /** JMH makes the instances. */
        public SumSinExp() {}

        /** Builds, compiles and checks. */
        @Setup
        public void setup() {
            double[] in = BenchPrograms.uniform(n, 42, -2, 2), hg = new double[n];
            HandWritten.sumSinExpGrad(in, hg);
            prepare(BenchPrograms.sumSinExp(n), in, HandWritten.sumSinExp(in), hg);
            prepareFast();
        }
    }

    /** The stable log-sum-exp on n numbers in [-2, 2). */
    @State(Scope.Benchmark)
    public static class LogSumExp extends Case {
        /** JMH makes the instances. */
        public LogSumExp() {}

        /** Builds, compiles and checks. */
        @Setup
        public void setup() {
            double[] in = BenchPrograms.uniform(n, 43, -2, 2), hg = new double[n];
            HandWritten.logSumExpGrad(in, hg);
            prepare(BenchPrograms.logSumExp(n), in, HandWritten.logSumExp(in), hg);
            prepareFast();
        }
    }

    /** The MLP loss with {@code h = d = √n}, parameters and example in [-1, 1). */
    @State(Scope.Benchmark)
    public static class Mlp extends Case {
        /** JMH makes the instances. */
        public Mlp() {}

        /** Inputs and hidden units. */
        public int d;

        /** Builds, compiles and checks. */
        @Setup
        public void setup() {
            d = BenchPrograms.side(n);
            int dim = BenchPrograms.mlpShape(d, d).dim();
            // W₁ scaled by 1/√d keeps tanh off its flat tails, where the gradient would be all zeros
            double[] in = BenchPrograms.uniform(dim, 44, -1, 1);
            for (int i = 0; i < d * d; i++) in[i] /= Math.sqrt(d);
            double[] hg = new double[dim];
            HandWritten.mlpGrad(d, d, in, hg);
            prepare(BenchPrograms.mlp(d, d), in, HandWritten.mlp(d, d, in), hg);
        }
    }

    /**
     * The MLP loss as training differentiates it, {@link BenchPrograms#mlpTrain}: the gradient
     * with respect to the parameters only, the example a constant ({@code h = d = √n}).
     */
    @State(Scope.Benchmark)
    public static class MlpTrain extends Case {
        /** JMH makes the instances. */
        public MlpTrain() {}

        /** Inputs and hidden units. */
        public int d;
        /** The example: x then y. */
        public double[] example;

        /** Builds, compiles and checks. */
        @Setup
        public void setup() {
            d = BenchPrograms.side(n);
            int dim = BenchPrograms.mlpTrainShape(d, d).dim();
            double[] in = BenchPrograms.uniform(dim, 46, -1, 1);
            for (int i = 0; i < d * d; i++) in[i] /= Math.sqrt(d);
            example = BenchPrograms.uniform(d + 1, 47, -1, 1);
            double[] hg = new double[dim];
            HandWritten.mlpTrainGrad(d, d, in, example, hg);
            prepare(BenchPrograms.mlpTrain(d, d, example), in, HandWritten.mlpTrain(d, d, in, example), hg);
        }
    }

    /** The GMM-like objective on {@code n / 8} points of dimension 8 and 4 components, all in [-2, 2). */
    @State(Scope.Benchmark)
    public static class Gmm extends Case {
        /** JMH makes the instances. */
        public Gmm() {}

        /** Points. */
        public int points;
        /** Scratch for the hand-written twin, one number per component. */
        public double[] work = new double[GMM_COMPONENTS];

        /** Builds, compiles and checks. */
        @Setup
        public void setup() {
            points = Math.max(1, n / GMM_DIM);
            int dim = BenchPrograms.gmmShape(points, GMM_DIM, GMM_COMPONENTS).dim();
            double[] in = BenchPrograms.uniform(dim, 45, -2, 2), hg = new double[dim];
            HandWritten.gmmGrad(points, GMM_DIM, GMM_COMPONENTS, in, hg, work);
            prepare(BenchPrograms.gmm(points, GMM_DIM, GMM_COMPONENTS), in, HandWritten.gmm(points, GMM_DIM, GMM_COMPONENTS, in, work), hg);
        }
    }

    // ---------------------------------------------------------------- Σ sin(exp xᵢ)

    /** {@return Σ sin(exp xᵢ) on the interpreter} @param s the state */
    @Benchmark public double[] sumSinExpPrimalInterp(SumSinExp s) { return AD.eval(s.f, s.x); }

    /** {@return Σ sin(exp xᵢ), compiled} @param s the state */
    @Benchmark public double[] sumSinExpPrimalJit(SumSinExp s) { s.primal.apply(s.x, s.y); return s.y; }

    /** {@return Σ sin(exp xᵢ), hand-written} @param s the state */
    @Benchmark public double sumSinExpPrimalHand(SumSinExp s) { return HandWritten.sumSinExp(s.x); }

    /** {@return its gradient by the interpreter's reverse mode} @param s the state */
    @Benchmark public double[] sumSinExpGradInterp(SumSinExp s) { return AD.grad(s.f, s.x); }

    /** {@return its gradient program on the interpreter} @param s the state */
    @Benchmark public double[] sumSinExpGradInterpProgram(SumSinExp s) { return AD.eval(s.gf, s.x); }

    /** {@return its gradient program, compiled} @param s the state */
    @Benchmark public double[] sumSinExpGradJit(SumSinExp s) { s.grad.apply(s.x, s.g); return s.g; }

    /** {@return Σ sin(exp xᵢ), compiled with {@link Jit.Options#FAST}} @param s the state */
    @Benchmark public double[] sumSinExpPrimalJitFast(SumSinExp s) { s.fastPrimal.apply(s.x, s.y); return s.y; }

    /** {@return its gradient program, compiled with {@link Jit.Options#FAST}} @param s the state */
    @Benchmark public double[] sumSinExpGradJitFast(SumSinExp s) { s.fastGrad.apply(s.x, s.g); return s.g; }

    /** {@return its gradient, hand-derived} @param s the state */
    @Benchmark public double[] sumSinExpGradHand(SumSinExp s) { HandWritten.sumSinExpGrad(s.x, s.g); return s.g; }

    // ---------------------------------------------------------------- log-sum-exp

    /** {@return log-sum-exp on the interpreter} @param s the state */
    @Benchmark public double[] logSumExpPrimalInterp(LogSumExp s) { return AD.eval(s.f, s.x); }

    /** {@return log-sum-exp, compiled} @param s the state */
    @Benchmark public double[] logSumExpPrimalJit(LogSumExp s) { s.primal.apply(s.x, s.y); return s.y; }

    /** {@return log-sum-exp, hand-written} @param s the state */
    @Benchmark public double logSumExpPrimalHand(LogSumExp s) { return HandWritten.logSumExp(s.x); }

    /** {@return its gradient by the interpreter's reverse mode} @param s the state */
    @Benchmark public double[] logSumExpGradInterp(LogSumExp s) { return AD.grad(s.f, s.x); }

    /** {@return its gradient program on the interpreter} @param s the state */
    @Benchmark public double[] logSumExpGradInterpProgram(LogSumExp s) { return AD.eval(s.gf, s.x); }

    /** {@return its gradient program, compiled} @param s the state */
    @Benchmark public double[] logSumExpGradJit(LogSumExp s) { s.grad.apply(s.x, s.g); return s.g; }

    /** {@return log-sum-exp, compiled with {@link Jit.Options#FAST}} @param s the state */
    @Benchmark public double[] logSumExpPrimalJitFast(LogSumExp s) { s.fastPrimal.apply(s.x, s.y); return s.y; }

    /** {@return its gradient program, compiled with {@link Jit.Options#FAST}} @param s the state */
    @Benchmark public double[] logSumExpGradJitFast(LogSumExp s) { s.fastGrad.apply(s.x, s.g); return s.g; }

    /** {@return its gradient (the softmax), hand-derived} @param s the state */
    @Benchmark public double[] logSumExpGradHand(LogSumExp s) { HandWritten.logSumExpGrad(s.x, s.g); return s.g; }

    // ---------------------------------------------------------------- MLP

    /** {@return the MLP loss on the interpreter} @param s the state */
    @Benchmark public double[] mlpPrimalInterp(Mlp s) { return AD.eval(s.f, s.x); }

    /** {@return the MLP loss, compiled} @param s the state */
    @Benchmark public double[] mlpPrimalJit(Mlp s) { s.primal.apply(s.x, s.y); return s.y; }

    /** {@return the MLP loss, hand-written} @param s the state */
    @Benchmark public double mlpPrimalHand(Mlp s) { return HandWritten.mlp(s.d, s.d, s.x); }

    /** {@return its gradient by the interpreter's reverse mode} @param s the state */
    @Benchmark public double[] mlpGradInterp(Mlp s) { return AD.grad(s.f, s.x); }

    /** {@return its gradient program on the interpreter} @param s the state */
    @Benchmark public double[] mlpGradInterpProgram(Mlp s) { return AD.eval(s.gf, s.x); }

    /** {@return its gradient program, compiled} @param s the state */
    @Benchmark public double[] mlpGradJit(Mlp s) { s.grad.apply(s.x, s.g); return s.g; }

    /** {@return its gradient (backpropagation), hand-derived} @param s the state */
    @Benchmark public double[] mlpGradHand(Mlp s) { HandWritten.mlpGrad(s.d, s.d, s.x, s.g); return s.g; }

    // ---------------------------------------------------------------- MLP, gradient of the parameters

    /** {@return the MLP loss of the parameters on the interpreter} @param s the state */
    @Benchmark public double[] mlpTrainPrimalInterp(MlpTrain s) { return AD.eval(s.f, s.x); }

    /** {@return the MLP loss of the parameters, compiled} @param s the state */
    @Benchmark public double[] mlpTrainPrimalJit(MlpTrain s) { s.primal.apply(s.x, s.y); return s.y; }

    /** {@return the MLP loss of the parameters, hand-written} @param s the state */
    @Benchmark public double mlpTrainPrimalHand(MlpTrain s) { return HandWritten.mlpTrain(s.d, s.d, s.x, s.example); }

    /** {@return the interpreter's reverse mode at the point} @param s the state */
    @Benchmark public double[] mlpTrainGradInterp(MlpTrain s) { return AD.grad(s.f, s.x); }

    /** {@return the gradient program, compiled} @param s the state */
    @Benchmark public double[] mlpTrainGradJit(MlpTrain s) { s.grad.apply(s.x, s.g); return s.g; }

    /** {@return the hand-derived gradient} @param s the state */
    @Benchmark public double[] mlpTrainGradHand(MlpTrain s) { HandWritten.mlpTrainGrad(s.d, s.d, s.x, s.example, s.g); return s.g; }

    // ---------------------------------------------------------------- GMM

    /** {@return the GMM objective on the interpreter} @param s the state */
    @Benchmark public double[] gmmPrimalInterp(Gmm s) { return AD.eval(s.f, s.x); }

    /** {@return the GMM objective, compiled} @param s the state */
    @Benchmark public double[] gmmPrimalJit(Gmm s) { s.primal.apply(s.x, s.y); return s.y; }

    /** {@return the GMM objective, hand-written} @param s the state */
    @Benchmark public double gmmPrimalHand(Gmm s) { return HandWritten.gmm(s.points, GMM_DIM, GMM_COMPONENTS, s.x, s.work); }

    /** {@return its gradient by the interpreter's reverse mode} @param s the state */
    @Benchmark public double[] gmmGradInterp(Gmm s) { return AD.grad(s.f, s.x); }

    /** {@return its gradient program on the interpreter} @param s the state */
    @Benchmark public double[] gmmGradInterpProgram(Gmm s) { return AD.eval(s.gf, s.x); }

    /** {@return its gradient program, compiled} @param s the state */
    @Benchmark public double[] gmmGradJit(Gmm s) { s.grad.apply(s.x, s.g); return s.g; }

    /** {@return its gradient, hand-derived} @param s the state */
    @Benchmark public double[] gmmGradHand(Gmm s) { HandWritten.gmmGrad(s.points, GMM_DIM, GMM_COMPONENTS, s.x, s.g, s.work); return s.g; }
}
