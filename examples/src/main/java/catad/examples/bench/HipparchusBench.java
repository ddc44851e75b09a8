package catad.examples.bench;

import catad.dsl.Prog;
import catad.interpreter.AD;
import catad.jit.Jit;
import catad.jit.Kernel;
import java.util.concurrent.TimeUnit;
import org.hipparchus.analysis.differentiation.Gradient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * catad's gradient against Hipparchus's forward-mode {@link Gradient} (a value carrying its n
 * partial derivatives, so every operation costs O(n) and a function of n inputs O(n²)), for
 * {@code Σ exp(xᵢ)²} and {@code Σ sin(xᵢ)·xᵢ₊₁} at n = 10, 100, 1,000: {@code …Jit} runs the
 * compiled gradient program into a reused array, {@code …Interp} is the interpreter's reverse
 * mode {@code AD.grad(f, x)}, {@code …Hipparchus} builds the n variables and evaluates the
 * function on them.
 *
 * <p>Hipparchus computes {@code exp} and {@code sin} with its {@code FastMath}, catad with
 * {@link StrictMath}: the gradients agree to rounding (checked in {@code @Setup}), not to the bit.
 *
 * <p>Run with {@code ./catad bench HipparchusBench -f 1 -wi 5 -i 3 -w 1s -r 1s}; results are in
 * {@code BENCHMARKS.md}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HipparchusBench {

    /** JMH makes the instances. */
    public HipparchusBench() {}

    /** The number of inputs. */
    @Param({"10", "100", "1000"})
    public int n;

    private double[] x, g;
    private Prog expSq, sinNext;
    private Kernel expSqGrad, sinNextGrad;

    /** Compiles both gradients and checks them, and Hipparchus's, against the hand-derived ones. */
    @Setup
    public void setup() {
        x = BenchPrograms.uniform(n, 49, -2, 2);
        g = new double[n];
        expSq = BenchPrograms.sumExpSquared(n);
        sinNext = BenchPrograms.sumSinNext(n);
        expSqGrad = Jit.compile(AD.grad(expSq));
        sinNextGrad = Jit.compile(AD.grad(sinNext));
        double[] hand = new double[n];
        HandWritten.sumExpSquaredGrad(x, hand);
        Agreement.check("Σ exp(xᵢ)² n=" + n + ": JIT", hand, expSqGrad.apply(x), JitBench.HAND_RTOL);
        Agreement.check("Σ exp(xᵢ)² n=" + n + ": Hipparchus", hand, sumExpSquared(x).getGradient(), JitBench.HAND_RTOL);
        HandWritten.sumSinNextGrad(x, hand);
        Agreement.check("Σ sin(xᵢ)·xᵢ₊₁ n=" + n + ": JIT", hand, sinNextGrad.apply(x), JitBench.HAND_RTOL);
        Agreement.check("Σ sin(xᵢ)·xᵢ₊₁ n=" + n + ": Hipparchus", hand, sumSinNext(x).getGradient(), JitBench.HAND_RTOL);
        System.out.println("n=" + n + ": gradient of Σ exp(xᵢ)² " + BenchPrograms.describe(expSqGrad)
                + "; gradient of Σ sin(xᵢ)·xᵢ₊₁ " + BenchPrograms.describe(sinNextGrad));
    }

    /** {@return Σ exp(xᵢ)² in Hipparchus's forward mode, value and gradient} @param x the point */
    public static Gradient sumExpSquared(double[] x) {
        int n = x.length;
        Gradient s = Gradient.constant(n, 0);
        for (int i = 0; i < n; i++) s = s.add(Gradient.variable(n, i, x[i]).exp().square());
        return s;
    }

    /** {@return Σ sin(xᵢ)·xᵢ₊₁ in Hipparchus's forward mode, value and gradient} @param x the point */
    public static Gradient sumSinNext(double[] x) {
        int n = x.length;
        Gradient s = Gradient.constant(n, 0);
        if (n == 0) return s;
        Gradient cur = Gradient.variable(n, 0, x[0]);
        for (int i = 0; i + 1 < n; i++) {
            Gradient next = Gradient.variable(n, i + 1, x[i + 1]);
            s = s.add(cur.sin().multiply(next));
            cur = next;
        }
        return s;
    }

    /** {@return ∇ Σ exp(xᵢ)², compiled gradient program} */
    @Benchmark public double[] sumExpSquaredJit() { expSqGrad.apply(x, g); return g; }

    /** {@return ∇ Σ exp(xᵢ)², interpreter reverse mode} */
    @Benchmark public double[] sumExpSquaredInterp() { return AD.grad(expSq, x); }

    /** {@return ∇ Σ exp(xᵢ)², Hipparchus forward mode} */
    @Benchmark public double[] sumExpSquaredHipparchus() { return sumExpSquared(x).getGradient(); }

    /** {@return ∇ Σ sin(xᵢ)·xᵢ₊₁, compiled gradient program} */
    @Benchmark public double[] sumSinNextJit() { sinNextGrad.apply(x, g); return g; }

    /** {@return ∇ Σ sin(xᵢ)·xᵢ₊₁, interpreter reverse mode} */
    @Benchmark public double[] sumSinNextInterp() { return AD.grad(sinNext, x); }

    /** {@return ∇ Σ sin(xᵢ)·xᵢ₊₁, Hipparchus forward mode} */
    @Benchmark public double[] sumSinNextHipparchus() { return sumSinNext(x).getGradient(); }
}
