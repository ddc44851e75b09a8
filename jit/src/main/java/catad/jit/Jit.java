package catad.jit;

import catad.dsl.CatadException;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import catad.interpreter.Deep;
import io.vavr.Function1;
import io.vavr.Tuple;
import io.vavr.Tuple2;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import io.vavr.control.Validation;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * The interpreter's API ({@link AD}) with compilation behind it: the same names and signatures, so
 * switching is one import ({@code import static catad.jit.Jit.*} for {@code catad.interpreter.AD.*}).
 * Every call compiles the program, or its derivative program ({@code AD.grad(f)}, {@code AD.jvp(f)},
 * …), once, and keeps the kernel: calling again with new numbers runs bytecode only.
 *
 * <p>Results are the interpreter's, bit for bit, for the program that runs: {@code Jit.eval(f, x)}
 * equals {@code AD.eval(f, x)}, and {@code Jit.grad(f, x)} equals {@code AD.eval(AD.grad(f), x)}.
 * (The interpreter's own {@code AD.grad(f, x)} transposes a linear map at the point instead of
 * running the gradient program; the two agree to rounding, not always to the bit.)
 *
 * {@snippet :
 * Prog f = compose(sum(vec(3)), map(3, compose(sin, exp)));
 * double[] g = Jit.grad(f, 0.1, 0.2, 0.3);          // compiles AD.grad(f) once
 * double[][] h = Jit.hessian(f, 0.1, 0.2, 0.3);     // forward over reverse, compiled
 * Kernel k = Jit.compile(AD.grad(f));               // the kernel itself
 * }
 */
public final class Jit {
    private Jit() {}

    /**
     * How to compile.
     * @param vectorize use the Vector API for array loops when it is present (the same bits as scalar loops)
     * @param fastMath also vectorize exp, log, sin, cos, tanh, expm1 and log1p with the Vector API's own
     *     versions: faster, but no longer the interpreter's bits (at most 4 ulps apart per function, see docs/jit.md),
     *     and, like any such intrinsic, possibly different before and after the JVM compiles the kernel
     */
    public record Options(boolean vectorize, boolean fastMath) {
        /** The default: vector loops where they give the same bits, {@link StrictMath} for transcendentals. */
        public static final Options DEFAULT = new Options(true, false);
        /** Vectorized transcendentals too. */
        public static final Options FAST = new Options(true, true);
        /** Scalar loops only, as without the incubator module (for comparison). */
        public static final Options SCALAR = new Options(false, false);
    }

    /** Kernels by program and options; bounded so that a program-generating loop cannot fill the heap. */
    private static final Map<Tuple2<Prog, Options>, Kernel> KERNELS = new ConcurrentHashMap<>();
    /** Derivative kernels by (what, program), so that a derivative program is built once too. */
    private static final Map<Tuple2<String, Prog>, Kernel> DERIVED = new ConcurrentHashMap<>();
    private static final int CAPACITY = 1024;

    // ---------------------------------------------------------------- compiling

    /** {@return the kernel of f: compiled on the first call, from the cache after} @param f a program */
    public static Kernel compile(Prog f) { return compile(f, Options.DEFAULT); }

    /** {@return the kernel of f compiled with these options, cached like {@link #compile(Prog)}} @param f a program @param options how */
    public static Kernel compile(Prog f, Options options) {
        if (f == null) throw new CatadException("compile: the program is null");
        // a program's hash and equality recurse over it: deep programs need Deep's big stack
        return Deep.run("jit", () -> cached(f, options));
    }

    private static Kernel cached(Prog f, Options options) {
        var key = Tuple.of(f, options);
        Kernel k = KERNELS.get(key);
        if (k != null) return k;
        k = Compiler.compile(f, options);
        if (KERNELS.size() >= CAPACITY) KERNELS.clear();
        Kernel raced = KERNELS.putIfAbsent(key, k);
        return raced != null ? raced : k;
    }

    private static Kernel derived(String what, Prog f, java.util.function.Function<Prog, Prog> derive) {
        return Deep.run("jit", () -> derivedCached(what, f, derive));
    }

    private static Kernel derivedCached(String what, Prog f, java.util.function.Function<Prog, Prog> derive) {
        var key = Tuple.of(what, f);
        Kernel k = DERIVED.get(key);
        if (k != null) return k;
        k = compile(derive.apply(f));
        if (DERIVED.size() >= CAPACITY) DERIVED.clear();
        Kernel raced = DERIVED.putIfAbsent(key, k);
        return raced != null ? raced : k;
    }

    /** Empties the kernel caches (kernels already handed out keep working). */
    public static void clearCache() { KERNELS.clear(); DERIVED.clear(); }

    // ---------------------------------------------------------------- evaluation

    /** {@return f x} @param f a program @param x its input, flat */
    public static double[] eval(Prog f, double... x) { return compile(f).apply(x); }

    /** {@return f x for a program with scalar output} @param f a program {@code A → R} @param x its input */
    public static double eval1(Prog f, double... x) {
        requireScalar(f, "eval1");
        return eval(f, x)[0];
    }

    // ---------------------------------------------------------------- forward mode

    /** {@return (f x, f'(x) dx), by the compiled program {@code AD.jvp(f)}} @param f a program @param x the point @param dx a tangent */
    public static Tuple2<double[], double[]> jvp(Prog f, double[] x, double[] dx) {
        checkLength(dom(f), x, "input");
        checkLength(dom(f), dx, "tangent");
        double[] ydy = derived("jvp", f, AD::jvp).apply(concat(x, dx));
        int m = cod(f).dim();
        return Tuple.of(Arrays.copyOfRange(ydy, 0, m), Arrays.copyOfRange(ydy, m, 2 * m));
    }

    /**
     * {@return (f x, dx ↦ f'(x) dx)}: the derivative at x as a function, each call one run of the
     * compiled {@code AD.jvp(f)} (the interpreter's {@code linearize} returns a {@code LinearMap} instead)}
     * @param f a program @param x the point
     */
    public static Tuple2<double[], Function1<double[], double[]>> linearize(Prog f, double... x) {
        checkLength(dom(f), x, "input");
        double[] x0 = x.clone();
        double[] y = eval(f, x0);
        Kernel k = derived("jvp", f, AD::jvp);
        int m = cod(f).dim();
        return Tuple.of(y, dx -> {
            checkLength(dom(f), dx, "tangent");
            return Arrays.copyOfRange(k.apply(concat(x0, dx)), m, 2 * m);
        });
    }

    /** {@return the Jacobian at x by forward mode, {@code J[i][j] = ∂fᵢ/∂xⱼ}} @param f a program @param x the point */
    public static double[][] jacfwd(Prog f, double... x) {
        checkLength(dom(f), x, "input");
        Kernel k = derived("jvp", f, AD::jvp);
        int n = x.length, m = cod(f).dim();
        var in = new double[2 * n];
        var out = new double[2 * m];
        System.arraycopy(x, 0, in, 0, n);
        var jac = new double[m][n];
        for (int j = 0; j < n; j++) {
            if (j > 0) in[n + j - 1] = 0;
            in[n + j] = 1;
            k.apply(in, out);
            for (int i = 0; i < m; i++) jac[i][j] = out[m + i];
        }
        return jac;
    }

    // ---------------------------------------------------------------- reverse mode

    /** {@return (f x, ct ↦ f'(x)ᵀ ct)} @param f a program @param x the point */
    public static Tuple2<double[], Function1<double[], double[]>> vjp(Prog f, double... x) {
        checkLength(dom(f), x, "input");
        double[] x0 = x.clone();
        Kernel k = derived("vjp", f, AD::vjp);
        return Tuple.of(eval(f, x0), ct -> {
            checkLength(cod(f), ct, "cotangent");
            return k.apply(concat(x0, ct));
        });
    }

    /** {@return f'(x)ᵀ ct, by the compiled program {@code AD.vjp(f)}} @param f a program @param x the point @param ct a cotangent of the output */
    public static double[] vjp(Prog f, double[] x, double[] ct) {
        checkLength(dom(f), x, "input");
        checkLength(cod(f), ct, "cotangent");
        return derived("vjp", f, AD::vjp).apply(concat(x, ct));
    }

    /** {@return ∇f(x) for a program to R, by the compiled gradient program} @param f a program {@code A → R} @param x the point */
    public static double[] grad(Prog f, double... x) {
        requireScalar(f, "grad");
        return derived("grad", f, AD::grad).apply(x);
    }

    /** {@return (f x, ∇f(x)), by one compiled program computing both} @param f a program {@code A → R} @param x the point */
    public static Tuple2<Double, double[]> valueAndGrad(Prog f, double... x) {
        requireScalar(f, "valueAndGrad");
        double[] yg = derived("valueAndGrad", f, AD::valueAndGrad).apply(x);
        return Tuple.of(yg[0], Arrays.copyOfRange(yg, 1, yg.length));
    }

    /** {@return the Jacobian at x by reverse mode} @param f a program @param x the point */
    public static double[][] jacrev(Prog f, double... x) {
        checkLength(dom(f), x, "input");
        Kernel k = derived("vjp", f, AD::vjp);
        int n = x.length, m = cod(f).dim();
        var in = new double[n + m];
        System.arraycopy(x, 0, in, 0, n);
        var jac = new double[m][];
        for (int i = 0; i < m; i++) {
            if (i > 0) in[n + i - 1] = 0;
            in[n + i] = 1;
            jac[i] = k.apply(in);
        }
        return jac;
    }

    // ---------------------------------------------------------------- second order

    /** {@return the Hessian of a program to R at x: the compiled forward derivative of the gradient program} @param f a program {@code A → R} @param x the point */
    public static double[][] hessian(Prog f, double... x) {
        requireScalar(f, "hessian");
        checkLength(dom(f), x, "input");
        Kernel k = derived("hvp", f, AD::hvp);
        int n = x.length;
        var in = new double[2 * n];
        System.arraycopy(x, 0, in, 0, n);
        var h = new double[n][n];
        var col = new double[n];
        for (int j = 0; j < n; j++) {
            if (j > 0) in[n + j - 1] = 0;
            in[n + j] = 1;
            k.apply(in, col);
            for (int i = 0; i < n; i++) h[i][j] = col[i];
        }
        return h;
    }

    /** {@return the Hessian-vector product ∇²f(x) v, by the compiled {@code AD.hvp(f)}} @param f a program {@code A → R} @param x the point @param v a direction */
    public static double[] hvp(Prog f, double[] x, double[] v) {
        requireScalar(f, "hvp");
        checkLength(dom(f), x, "input");
        checkLength(dom(f), v, "direction");
        return derived("hvp", f, AD::hvp).apply(concat(x, v));
    }

    // ---------------------------------------------------------------- derivatives as programs (the interpreter's)

    /** {@return {@link AD#jvp(Prog)}} @param f a program */
    public static Prog jvp(Prog f) { return AD.jvp(f); }

    /** {@return {@link AD#vjp(Prog)}} @param f a program */
    public static Prog vjp(Prog f) { return AD.vjp(f); }

    /** {@return {@link AD#grad(Prog)}} @param f a program to R */
    public static Prog grad(Prog f) { return AD.grad(f); }

    /** {@return {@link AD#valueAndGrad(Prog)}} @param f a program to R */
    public static Prog valueAndGrad(Prog f) { return AD.valueAndGrad(f); }

    /** {@return {@link AD#hvp(Prog)}} @param f a program to R */
    public static Prog hvp(Prog f) { return AD.hvp(f); }

    /** {@return {@link AD#hessian(Prog)}} @param f a program {@code [n]R → R} */
    public static Prog hessian(Prog f) { return AD.hessian(f); }

    /** {@return {@link AD#simplify(Prog)}} @param f a program */
    public static Prog simplify(Prog f) { return AD.simplify(f); }

    /** {@return {@link AD#size(Prog)}} @param f a program */
    public static long size(Prog f) { return AD.size(f); }

    // ---------------------------------------------------------------- functional Java

    /** {@return the compiled program as a vavr function} @param f a program */
    public static Function1<double[], double[]> function(Prog f) { Kernel k = compile(f); return k::apply; }

    /** {@return a compiled program R → R as a {@code DoubleUnaryOperator}} @param f a program {@code R → R} */
    public static DoubleUnaryOperator unary(Prog f) {
        if (!dom(f).equals(Shape.R) || !cod(f).equals(Shape.R))
            throw new CatadException("unary needs a program R → R, got " + dom(f) + " → " + cod(f) + ": " + Printer.brief(f));
        Kernel k = compile(f);
        return x -> k.apply(x)[0];
    }

    /** {@return a compiled program A → R as a {@code ToDoubleFunction<double[]>}} @param f a program to R */
    public static ToDoubleFunction<double[]> scalar(Prog f) {
        requireScalar(f, "scalar");
        Kernel k = compile(f);
        return k::applyAsDouble;
    }

    /** {@return x ↦ (f x, ∇f(x)), compiled, as a vavr function} @param f a program to R */
    public static Function1<double[], Tuple2<Double, double[]>> valueAndGradFunction(Prog f) {
        requireScalar(f, "valueAndGradFunction");
        Kernel k = derived("valueAndGrad", f, AD::valueAndGrad);
        return x -> {
            double[] yg = k.apply(x);
            return Tuple.of(yg[0], Arrays.copyOfRange(yg, 1, yg.length));
        };
    }

    /** {@return f x, or the error as a value} @param f a program @param x its input */
    public static Either<CatadException, double[]> tryEval(Prog f, double... x) {
        return CatadException.attempt(() -> eval(f, x));
    }

    /** {@return ∇f(x), or the error as a value} @param f a program to R @param x the point */
    public static Either<CatadException, double[]> tryGrad(Prog f, double... x) {
        return CatadException.attempt(() -> grad(f, x));
    }

    /** {@return {@link AD#validate}: the input if it fits f and is finite, else every problem found} @param f a program @param x a candidate input */
    public static Validation<Seq<String>, double[]> validate(Prog f, double... x) { return AD.validate(f, x); }

    // ---------------------------------------------------------------- checks

    private static Shape dom(Prog f) { return Deep.run("jit", f::dom); }

    private static Shape cod(Prog f) { return Deep.run("jit", f::cod); }

    private static double[] concat(double[] a, double[] b) {
        var c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void requireScalar(Prog f, String what) {
        if (!cod(f).equals(Shape.R))
            throw new CatadException(what + " needs a program with output R, but " + Printer.brief(f) + " gives " + cod(f));
    }

    private static void checkLength(Shape s, double[] t, String what) {
        if (t == null || t.length != s.dim())
            throw new CatadException(what + " has " + (t == null ? "no numbers" : t.length == 1 ? "1 number" : t.length + " numbers")
                    + " but must be " + s + " (" + s.dim() + ")");
    }
}
