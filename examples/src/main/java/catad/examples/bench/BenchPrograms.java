package catad.examples.bench;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.jit.Kernel;
import java.util.SplittableRandom;

/**
 * The catad programs the JIT benchmarks measure, built in one place so that the benchmarks and
 * {@code BenchProgramsTest} (which checks them against the interpreter and against their
 * hand-written twins in {@link HandWritten}) measure and check the same programs.
 *
 * <p>All are written point-free with catad's combinators. Each names its input layout, which is
 * also the layout {@link HandWritten} reads: values are flat {@code double[]}s, pairs left then
 * right, arrays element-major.
 */
public final class BenchPrograms {
    private BenchPrograms() {}

    // ---------------------------------------------------------------- inputs

    /** {@return n fixed-seed pseudo-random numbers uniform in [lo, hi)} @param n how many @param seed the seed @param lo lower bound @param hi upper bound */
    public static double[] uniform(int n, long seed, double lo, double hi) {
        var rnd = new SplittableRandom(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextDouble(lo, hi);
        return x;
    }

    /** {@return the side of the square closest to n elements, at least 1} @param n a number of elements */
    public static int side(int n) { return Math.max(1, (int) Math.round(Math.sqrt(n))); }

    /**
     * {@return how a kernel runs, in a few words: compiled or on the interpreter, its class size, its
     * vector width} For the benchmarks' logs, where the whole {@link Kernel#toString()} (which
     * prints the program) would be too long.
     * @param k a kernel
     */
    public static String describe(Kernel k) {
        return k.compiled()
                ? "compiled, " + k.classBytes() + " bytes of class, " + (k.vectorLanes() > 0 ? "vector loops of " + k.vectorLanes() : "scalar loops")
                : "NOT compiled, runs on the interpreter: " + k;
    }

    // ---------------------------------------------------------------- array programs of JitBench

    /** {@return {@code Σ sin(exp xᵢ) : [n]R → R}, the interpreter benchmark's first function} @param n length */
    public static Prog sumSinExp(int n) { return compose(sum(Shape.vec(n)), map(n, compose(sin, exp))); }

    /**
     * {@return the stable log-sum-exp {@code [n]R → R}: {@code m = maximum xᵢ}, then
     * {@code m + log Σ exp(xᵢ - m)}, with m computed once (as in {@code InterpreterBench})}
     * @param n length, at least 1
     */
    public static Prog logSumExp(int n) {
        Shape v = Shape.vec(n);
        Prog logSum = pipe(cross(id(v), repl(n, R)), zip(n, R, R), map(n, compose(exp, sub)), sum(v), log);
        return pipe(fork(id(v), maximum(n)), fork(exr(v, R), logSum), add);
    }

    /** {@return the input shape of {@link #mlp}: {@code (([h][d]R × [h]R) × ([h]R × R)) × ([d]R × R)}} @param d inputs @param h hidden units */
    public static Shape mlpShape(int d, int h) {
        return Shape.pair(params(d, h), Shape.pair(Shape.vec(d), R));
    }

    private static Shape params(int d, int h) {
        return Shape.pair(Shape.pair(Shape.tensor(h, d), Shape.vec(h)), Shape.pair(Shape.vec(h), R));
    }

    /**
     * {@return a two-layer perceptron's squared error {@code (w₂ · tanh(W₁ x + b₁) + b₂ - y)²}} Its
     * input is the parameters and one example as a pair, {@link #mlpShape}: flat, W₁ (h·d numbers,
     * row-major), b₁ (h), w₂ (h), b₂, then x (d) and y. The gradient is with respect to all of them.
     * @param d inputs @param h hidden units
     */
    public static Prog mlp(int d, int h) {
        Shape w1s = Shape.tensor(h, d), hv = Shape.vec(h), dv = Shape.vec(d);
        Shape l1 = Shape.pair(w1s, hv), l2 = Shape.pair(hv, R), p = params(d, h), data = Shape.pair(dv, R);
        Prog layer1 = compose(exl(l1, l2), exl(p, data)), layer2 = compose(exr(l1, l2), exl(p, data));
        Prog w1 = compose(exl(w1s, hv), layer1), b1 = compose(exr(w1s, hv), layer1);
        Prog w2 = compose(exl(hv, R), layer2), b2 = compose(exr(hv, R), layer2);
        Prog x = compose(exl(dv, R), exr(p, data)), y = compose(exr(dv, R), exr(p, data));
        Prog hidden = pipe(fork(compose(matvec(h, d), fork(w1, x)), b1), zip(h, R, R), map(h, compose(tanh, add)));
        Prog out = compose(add, fork(compose(dot(h), fork(w2, hidden)), b2));
        return compose(square, sub, fork(out, y));
    }

    /**
     * {@return the MLP loss as a training loop differentiates it: a function of the parameters
     * only, {@code p ↦ mlp(p, example)}, the example a constant of the program} Its input is the
     * parameters of {@link #mlp} (W₁, b₁, w₂, b₂, flat); its gradient has no ∂x.
     * @param d inputs @param h hidden units @param example x (d numbers) then y
     */
    public static Prog mlpTrain(int d, int h, double[] example) {
        Shape p = params(d, h), data = Shape.pair(Shape.vec(d), R);
        return compose(mlp(d, h), fork(id(p), constant(p, data, example)));
    }

    /** {@return the input shape of {@link #mlpTrain}: the parameters} @param d inputs @param h hidden units */
    public static Shape mlpTrainShape(int d, int h) { return params(d, h); }

    /** {@return the input shape of {@link #gmm}: {@code [points][d]R × ([k][d]R × [k]R)}} @param points points @param d dimensions @param k components */
    public static Shape gmmShape(int points, int d, int k) {
        return Shape.pair(Shape.tensor(points, d), Shape.pair(Shape.tensor(k, d), Shape.vec(k)));
    }

    /**
     * {@return a GMM-like objective {@code Σᵢ log Σₖ exp(-½‖xᵢ - μₖ‖² + αₖ)}, the inner log-sum-exp
     * stable (by {@link #logSumExp})} Its input, {@link #gmmShape}, is the points (row-major), then
     * the means μ (k·d, row-major) and the weights α (k); the gradient is with respect to all of
     * them. Written with {@code repl}/{@code zip}/{@code map}/{@code sum}/{@code dot}: the
     * parameters are replicated to every point and every point to every component.
     * @param points points @param d dimensions @param k components
     */
    public static Prog gmm(int points, int d, int k) {
        Shape dv = Shape.vec(d), mus = Shape.tensor(k, d), kv = Shape.vec(k), theta = Shape.pair(mus, kv);
        // one point against the parameters: (x, (μ, α)) ↦ lse_k(-½‖x - μₖ‖² + αₖ)
        Prog xs = compose(repl(k, dv), exl(dv, theta));
        Prog mu = compose(exl(mus, kv), exr(dv, theta)), alpha = compose(exr(mus, kv), exr(dv, theta));
        Prog sqDist = compose(dot(d), dup(dv), sub(dv));
        Prog dists = pipe(fork(xs, mu), zip(k, dv, dv), map(k, sqDist));
        Prog scores = pipe(fork(dists, alpha), zip(k, R, R), map(k, compose(add, cross(scale(-0.5), id(R)))));
        Prog perPoint = compose(logSumExp(k), scores);
        return pipe(cross(id(Shape.tensor(points, d)), repl(points, theta)), zip(points, dv, theta),
                map(points, perPoint), sum(Shape.vec(points)));
    }

    // ---------------------------------------------------------------- kernels of VectorBench

    /** {@return {@code dot : [n]R × [n]R → R}} @param n length */
    public static Prog dotProduct(int n) { return dot(n); }

    /** {@return {@code axpy : [n]R × [n]R → [n]R}, {@code (x, y) ↦ a·x + y} with a fixed} @param n length @param a the scale */
    public static Prog axpy(int n, double a) { return compose(map(n, compose(add, cross(scale(a), id(R)))), zip(n, R, R)); }

    /** {@return {@code matvec : [m][n]R × [n]R → [m]R}} @param m rows @param n columns */
    public static Prog matrixVector(int m, int n) { return matvec(m, n); }

    /** {@return {@code map exp : [n]R → [n]R}} @param n length */
    public static Prog mapExp(int n) { return map(n, exp); }

    /** {@return x ↦ sin of every element, on [n]R} @param n length */
    public static Prog mapSin(int n) { return map(n, sin); }

    // ---------------------------------------------------------------- functions of HipparchusBench

    /** {@return {@code Σ exp(xᵢ)² : [n]R → R}} @param n length */
    public static Prog sumExpSquared(int n) { return compose(sum(Shape.vec(n)), map(n, compose(square, exp))); }

    /**
     * {@return {@code Σᵢ₌₀ⁿ⁻² sin(xᵢ)·xᵢ₊₁ : [n]R → R}} catad has no slices, so the neighbour comes
     * from a {@code mapAccum} whose carry is {@code sin} of the previous element (0 before the
     * first): it emits {@code sin(xᵢ₋₁)·xᵢ}, and the sum of those is the sum above (its first term
     * is {@code 0·x₀ = 0}).
     * @param n length, at least 1
     */
    public static Prog sumSinNext(int n) {
        Shape rr = Shape.pair(R, R);
        // (c, x) ↦ (sin x, c·x)
        Prog step = fork(compose(sin, exr(rr)), mul);
        return pipe(fork(constant(Shape.vec(n), 0), id(Shape.vec(n))), mapAccum(n, step), exr(R, Shape.vec(n)), sum(Shape.vec(n)));
    }

    // ---------------------------------------------------------------- programs of CompileBench

    /**
     * {@return a chain of {@code length} scalar primitives {@code R → R} (sin, tanh, cos, sigmoid,
     * scale in turn), the scales' factors taken from the salt so that every salt gives a structurally
     * new program (the JIT's and the simplifier's caches cannot help)}
     * @param length primitives in the chain @param salt makes the program unique
     */
    public static Prog chain(int length, long salt) {
        var steps = new Prog[length];
        var rnd = new SplittableRandom(salt);
        for (int i = 0; i < length; i++)
            steps[i] = switch (i % 5) {
                case 0 -> sin;
                case 1 -> tanh;
                case 2 -> cos;
                case 3 -> sigmoid;
                default -> scale(rnd.nextDouble(0.5, 1.5));
            };
        return pipe(steps);
    }

    /**
     * {@return a balanced binary tree {@code [2^depth]R → R}: leaf i is {@code sin(a·xᵢ)}, inner
     * nodes are {@code mul} and {@code add} on alternate levels} The factors a come from the salt,
     * as in {@link #chain}, so the leaves differ and nothing is shared.
     * @param depth levels of inner nodes @param salt makes the program unique
     */
    public static Prog tree(int depth, long salt) {
        int n = 1 << depth;
        Shape v = Shape.vec(n);
        var rnd = new SplittableRandom(salt);
        var level = new Prog[n];
        for (int i = 0; i < n; i++) level[i] = compose(sin, scale(rnd.nextDouble(0.5, 1.5)), ex(v, i));
        for (int d = 0; level.length > 1; d++) {
            var up = new Prog[level.length / 2];
            Prog op = d % 2 == 0 ? mul : add;
            for (int i = 0; i < up.length; i++) up[i] = compose(op, fork(level[2 * i], level[2 * i + 1]));
            level = up;
        }
        return level[0];
    }
}
