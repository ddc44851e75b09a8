package catad.examples.gradbench;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * GradBench's {@code kmeans} eval: {@code cost} is {@code f(P, C) = Σᵢ minⱼ ‖Pᵢ - Cⱼ‖²} (the
 * minimum as {@code -maximum(-d)}); {@code dir} is the Newton direction {@code J / H}, where
 * {@code J = ∇_C f} comes from {@code AD.grad} and H, the Hessian's diagonal (the Hessian is
 * diagonal), from a Hessian-vector product with the all-ones vector: forward mode
 * ({@code AD.jvp}) over the gradient program, with tangent 0 for the points and 1 for the
 * centroids, so one program gives both J and H. The programs take the points and the centroids
 * as their input, the points in blocks ({@link #points}) with the layout of {@code [n][d]R}.
 */
public final class Kmeans implements Module {
    private final Compiled compiled = new Compiled();

    /** A module with no programs compiled yet. */
    public Kmeans() {}

    /**
     * {@return how many points a block holds}: blocks keep the reverse pass's per-point cotangents of
     * the centroids, {@code [block][k][d]}, to about a million numbers (a flat {@code [n][k][d]}
     * would exceed catad's array sizes at the eval's largest inputs)
     * @param k centroids @param d dimensions
     */
    public static int block(int k, int d) { return Math.max(1, (1 << 20) / (k * d)); }

    /**
     * {@return the shape of the points: {@code [n][d]R} when they fit one block of b, else
     * {@code [n/b][b][d]R}, followed by {@code [n mod b][d]R} when b does not divide n} Every form
     * has the row-major layout of {@code [n][d]R}, so the points go in as they come.
     * @param n points @param d dimensions @param b block size
     */
    public static Shape points(int n, int d, int b) {
        if (n <= b) return Shape.tensor(n, d);
        Shape blocks = Shape.tensor(n / b, b, d);
        return n % b == 0 ? blocks : Shape.pair(blocks, Shape.tensor(n % b, d));
    }

    /** {@return the cost program {@code points × [k][d]R → R}, in blocks of {@link #block}} @param n points @param k centroids @param d dimensions */
    public static Prog cost(int n, int k, int d) { return cost(n, k, d, block(k, d)); }

    /** {@return the cost program {@code points(n, d, b) × [k][d]R → R}} @param n points @param k centroids @param d dimensions @param b block size */
    public static Prog cost(int n, int k, int d, int b) {
        Shape cs = Shape.tensor(k, d);
        if (n <= b) return sumNearest(n, k, d);
        int q = n / b, r = n % b;
        Shape blocks = Shape.tensor(q, b, d);
        Prog inBlocks = pipe(cross(id(blocks), repl(q, cs)), zip(q, Shape.tensor(b, d), cs), map(q, sumNearest(b, k, d)), sum(Shape.vec(q)));
        if (r == 0) return inBlocks;
        Shape rest = Shape.tensor(r, d);
        return compose(add, fork(compose(inBlocks, cross(exl(blocks, rest), id(cs))),
                compose(sumNearest(r, k, d), cross(exr(blocks, rest), id(cs)))));
    }

    /** {@return {@code [m][d]R × [k][d]R → R}, {@code Σᵢ minⱼ ‖Pᵢ - Cⱼ‖²}} */
    private static Prog sumNearest(int m, int k, int d) {
        Shape dv = Shape.vec(d), cs = Shape.tensor(k, d), kv = Shape.vec(k);
        Prog sqDist = compose(dot(d), dup(dv), sub(dv));
        // (p, C) ↦ minⱼ ‖p - Cⱼ‖²
        Prog nearest = pipe(cross(repl(k, dv), id(cs)), zip(k, dv, dv), map(k, sqDist), neg(kv), maximum(k), neg);
        return pipe(cross(id(Shape.tensor(m, d)), repl(m, cs)), zip(m, dv, cs), map(m, nearest), sum(Shape.vec(m)));
    }

    /** {@return the program {@code points × [k][d]R → [k][d]R} of the direction {@code J / H}} @param n points @param k centroids @param d dimensions */
    public static Prog dir(int n, int k, int d) { return dir(n, k, d, block(k, d)); }

    /** {@return the direction program with blocks of b points} @param n points @param k centroids @param d dimensions @param b block size */
    public static Prog dir(int n, int k, int d, int b) {
        Shape ps = points(n, d, b), cs = Shape.tensor(k, d), in = Shape.pair(ps, cs), flat = Shape.vec(k * d);
        Prog gradC = compose(exr(ps, cs), AD.grad(cost(n, k, d, b)));
        var ones = new double[k * d];
        java.util.Arrays.fill(ones, 1.0);
        Prog tangent = fork(zero(in, ps), constant(in, cs, ones));
        // jvp gradC : (x, dx) ↦ (J, H dx); with dx = (0, 1), H dx is the Hessian's diagonal
        return AD.simplify(pipe(fork(id(in), tangent), AD.jvp(gradC),
                cross(reshape(cs, flat), reshape(cs, flat)), zip(k * d, R, R), map(k * d, div), reshape(flat, cs)));
    }

    @Override public String name() { return "kmeans"; }

    @Override
    public Job prepare(String function, JsonNode input, Backend backend) {
        JsonNode in = Inputs.object(input, "KMeansInput");
        int[] p = new int[2], c = new int[2];
        double[] points = Inputs.matrix(in, "points", p), centroids = Inputs.matrix(in, "centroids", c);
        int n = p[0], d = p[1], k = c[0];
        if (c[1] != d) throw new IllegalArgumentException("kmeans: points have " + d + " dimensions but centroids have " + c[1]);
        double[] x = new double[points.length + centroids.length];
        System.arraycopy(points, 0, x, 0, points.length);
        System.arraycopy(centroids, 0, x, points.length, centroids.length);
        return switch (function) {
            case "cost" -> Inputs.job(compiled.get(backend, () -> cost(n, k, d), function, n, k, d), x, 1, Inputs::scalar);
            case "dir" -> Inputs.job(compiled.get(backend, () -> dir(n, k, d), function, n, k, d), x, k * d, y -> Inputs.json(y, k, d));
            default -> throw Inputs.unknownFunction(name(), function, "cost, dir");
        };
    }
}
