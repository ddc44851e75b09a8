package catad.examples.bench;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import java.util.SplittableRandom;
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
 * The interpreter's cheap-gradient ratio: for each function, the primal ({@code AD.eval(f, x)}),
 * the gradient by reverse mode at a point ({@code AD.grad(f, x)}), and the gradient program built
 * once and evaluated ({@code AD.eval(AD.grad(f), x)}), side by side on the same input.
 *
 * <p>Run with {@code ./catad bench InterpreterBench -f 1 -wi 3 -i 5 -w 1s -r 1s}; results are in
 * {@code BENCHMARKS.md}. The target is gradient / primal ≤ 4.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class InterpreterBench {

    /** JMH makes the instances. */
    public InterpreterBench() {}

    /** The input length. */
    @Param({"1000", "1000000"})
    public int n;

    private double[] x;
    private Prog sumSinExp;
    private Prog sumSinExpGrad;
    private Prog logSumExp;
    private Prog logSumExpGrad;
    private Prog maxByFold;

    /** Builds the programs and their gradient programs once, and a fixed pseudo-random input in [-2, 2). */
    @Setup
    public void setup() {
        Shape v = Shape.vec(n);
        sumSinExp = compose(sum(v), map(n, compose(sin, exp)));
        // the largest element, by the maximum reduction (a fold of max works too, but its reverse
        // mode runs element by element; see BENCHMARKS.md)
        Prog m = maximum(n);
        Prog logSum = pipe(cross(id(v), repl(n, R)), zip(n, R, R), map(n, compose(exp, sub)), sum(v), log);
        logSumExp = pipe(fork(id(v), m), fork(exr(v, R), logSum), add);
        maxByFold = compose(fold(n, max), fork(constant(v, Double.NEGATIVE_INFINITY), id(v)));
        sumSinExpGrad = AD.grad(sumSinExp);
        logSumExpGrad = AD.grad(logSumExp);
        var rnd = new SplittableRandom(42);
        x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextDouble(-2, 2);
    }

    /** {@return Σ sin(exp xᵢ)} */
    @Benchmark
    public double[] sumSinExpPrimal() { return AD.eval(sumSinExp, x); }

    /** {@return ∇ Σ sin(exp xᵢ) by reverse mode at x} */
    @Benchmark
    public double[] sumSinExpGrad() { return AD.grad(sumSinExp, x); }

    /** {@return the gradient program of Σ sin(exp xᵢ), evaluated at x} */
    @Benchmark
    public double[] sumSinExpGradProgram() { return AD.eval(sumSinExpGrad, x); }

    /** {@return log Σ exp xᵢ, stable} */
    @Benchmark
    public double[] logSumExpPrimal() { return AD.eval(logSumExp, x); }

    /** {@return ∇ log Σ exp xᵢ by reverse mode at x} */
    @Benchmark
    public double[] logSumExpGrad() { return AD.grad(logSumExp, x); }

    /** {@return the gradient program of log Σ exp xᵢ, evaluated at x} */
    @Benchmark
    public double[] logSumExpGradProgram() { return AD.eval(logSumExpGrad, x); }

    /** {@return the largest element by a fold of max from -∞: the sequential loop, one step per element} */
    @Benchmark
    public double[] foldMaxPrimal() { return AD.eval(maxByFold, x); }

    /** {@return ∇ of the fold of max by reverse mode at x} */
    @Benchmark
    public double[] foldMaxGrad() { return AD.grad(maxByFold, x); }
}
