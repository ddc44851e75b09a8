package catad.examples.bench;

import catad.dsl.Printer;
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
 * The JIT's Vector-API loops against its scalar loops on the same kernels: {@code dot}, axpy
 * ({@code a·x + y}), {@code matvec} (a √n × √n matrix), {@code map exp} and {@code map sin}, each compiled with
 * {@link Jit.Options#DEFAULT} (vector loops where they give the interpreter's bits) and
 * {@link Jit.Options#SCALAR}; the maps also with {@link Jit.Options#FAST} (vectorized
 * transcendentals, a few ulps off). Each kernel writes into a reused output array.
 *
 * <p>Run with {@code ./catad bench VectorBench -f 1 -wi 5 -i 3 -w 1s -r 1s}; results are in
 * {@code BENCHMARKS.md}. {@code @Setup} prints each kernel (its vector width, or "scalar loops") and
 * checks it against the interpreter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class VectorBench {

    /** JMH makes the instances. */
    public VectorBench() {}

    /** The number of elements: the length of the vectors, or of the matrix. */
    @Param({"1000", "100000", "1000000"})
    public int n;

    private Kernel dotDefault, dotScalar, axpyDefault, axpyScalar, matvecDefault, matvecScalar, expFast, expDefault, expScalar,
            sinFast, sinDefault, sinScalar;
    private double[] xy, mv, x, out1, outN, outM;

    /** Compiles every kernel both ways and checks it against the interpreter. */
    @Setup
    public void setup() {
        int m = BenchPrograms.side(n);
        xy = BenchPrograms.uniform(2 * n, 46, -2, 2);
        mv = BenchPrograms.uniform(m * m + m, 47, -2, 2);
        x = BenchPrograms.uniform(n, 48, -2, 2);
        out1 = new double[1];
        outN = new double[n];
        outM = new double[m];
        Prog dot = BenchPrograms.dotProduct(n), axpy = BenchPrograms.axpy(n, 2.5), matvec = BenchPrograms.matrixVector(m, m),
                exp = BenchPrograms.mapExp(n), sin = BenchPrograms.mapSin(n);
        dotDefault = checked(dot, Jit.Options.DEFAULT, xy, JitBench.JIT_RTOL);
        dotScalar = checked(dot, Jit.Options.SCALAR, xy, JitBench.JIT_RTOL);
        axpyDefault = checked(axpy, Jit.Options.DEFAULT, xy, 0);
        axpyScalar = checked(axpy, Jit.Options.SCALAR, xy, 0);
        matvecDefault = checked(matvec, Jit.Options.DEFAULT, mv, JitBench.JIT_RTOL);
        matvecScalar = checked(matvec, Jit.Options.SCALAR, mv, JitBench.JIT_RTOL);
        // the Vector API's exp is documented to be within 1 ulp; 1e-14 relative is a few ulps
        expFast = checked(exp, Jit.Options.FAST, x, 1e-14);
        expDefault = checked(exp, Jit.Options.DEFAULT, x, 0);
        expScalar = checked(exp, Jit.Options.SCALAR, x, 0);
        // x in [-2, 2): sin's absolute error of a few ulps of 1 is its relative error near 0 too
        sinFast = checked(sin, Jit.Options.FAST, x, 1e-13);
        sinDefault = checked(sin, Jit.Options.DEFAULT, x, 0);
        sinScalar = checked(sin, Jit.Options.SCALAR, x, 0);
    }

    private Kernel checked(Prog f, Jit.Options options, double[] input, double rtol) {
        Kernel k = Jit.compile(f, options);
        Agreement.check(Printer.brief(f) + " " + options + " n=" + n, AD.eval(f, input), k.apply(input), rtol);
        System.out.println(Printer.brief(f) + " " + options + " n=" + n + ": " + BenchPrograms.describe(k));
        return k;
    }

    /** {@return x · y with the default options (vector loops)} */
    @Benchmark public double[] dotDefault() { dotDefault.apply(xy, out1); return out1; }

    /** {@return x · y with scalar loops} */
    @Benchmark public double[] dotScalar() { dotScalar.apply(xy, out1); return out1; }

    /** {@return 2.5·x + y with the default options (vector loops)} */
    @Benchmark public double[] axpyDefault() { axpyDefault.apply(xy, outN); return outN; }

    /** {@return 2.5·x + y with scalar loops} */
    @Benchmark public double[] axpyScalar() { axpyScalar.apply(xy, outN); return outN; }

    /** {@return A v with the default options (vector loops)} */
    @Benchmark public double[] matvecDefault() { matvecDefault.apply(mv, outM); return outM; }

    /** {@return A v with scalar loops} */
    @Benchmark public double[] matvecScalar() { matvecScalar.apply(mv, outM); return outM; }

    /** {@return exp of every element, the Vector API's exp ({@code Options.FAST})} */
    @Benchmark public double[] expFast() { expFast.apply(x, outN); return outN; }

    /** {@return exp of every element with the default options (VecMath's exp: StrictMath's bits on vectors)} */
    @Benchmark public double[] expDefault() { expDefault.apply(x, outN); return outN; }

    /** {@return exp of every element with scalar loops} */
    @Benchmark public double[] expScalar() { expScalar.apply(x, outN); return outN; }

    /** {@return sin of every element, the Vector API's sin ({@code Options.FAST})} */
    @Benchmark public double[] sinFast() { sinFast.apply(x, outN); return outN; }

    /** {@return sin of every element with the default options (VecMath's sin: StrictMath's bits on vectors)} */
    @Benchmark public double[] sinDefault() { sinDefault.apply(x, outN); return outN; }

    /** {@return sin of every element with scalar loops (Trig's sin: StrictMath's bits)} */
    @Benchmark public double[] sinScalar() { sinScalar.apply(x, outN); return outN; }
}
