package catad.examples.gradbench;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * GradBench's {@code det} eval (cmpad's {@code det_by_minor}): the determinant by expansion by
 * minors along the first row, {@code det B = Σⱼ (-1)ʲ B₀ⱼ det Mⱼ}, recursively, without reusing
 * minors (the eval wants its {@code O(ℓ!)} floating-point work); {@code gradient} is
 * {@code AD.grad} of it. Each level is {@code dot(signed first row, map det (minors B))}: one
 * program per size, so the program is linear in ℓ while its work is factorial. catad has no
 * gather or slice, so the minors of a k×k matrix are taken by constant 0/1 selection matrices
 * (catad's {@code matrix}): the first row dropped column by column, then each column dropped from
 * every remaining row. Minors of at most {@value #LEAF}×{@value #LEAF} are expanded in straight-line
 * scalar code, term by term as cmpad's recursion does, reading the entries from a tree of pairs
 * (see {@link #entries}). Why {@value #LEAF}: a map level costs a few microseconds per minor, so
 * the scalar leaves should be large, but the gradient of the scalar expansion grows faster than the
 * expansion (its reverse pass sums the cotangents of all entries at every term), and at 5×5 its
 * kernel is too large for HotSpot to compile well.
 */
public final class Det implements Module {
    /** The largest minor expanded in scalar code rather than by a {@code map} over its minors. */
    static final int LEAF = 4;

    private final Compiled compiled = new Compiled();

    /** A module with no programs compiled yet. */
    public Det() {}

    /** {@return the primal program {@code [ℓ²]R → R}, A row-major} @param ell the edge, at least 1 */
    public static Prog primal(int ell) {
        return compose(det(ell), reshape(Shape.vec(ell * ell), Shape.tensor(ell, ell)));
    }

    /** {@return its gradient program {@code [ℓ²]R → [ℓ²]R}} @param ell the edge, at least 1 */
    public static Prog gradient(int ell) { return AD.grad(primal(ell)); }

    /** {@return the determinant {@code [k][k]R → R}} @param k the edge */
    static Prog det(int k) {
        Shape mat = Shape.tensor(k, k), kv = Shape.vec(k);
        if (k <= LEAF) {
            var cols = new ArrayList<Integer>();
            for (int j = 0; j < k; j++) cols.add(j);
            return compose(expand(k, 0, cols), entries(mat, 0, k * k));
        }
        var signs = new double[k];
        for (int j = 0; j < k; j++) signs[j] = j % 2 == 0 ? 1 : -1;
        Prog signedRow = pipe(fork(ex(mat, 0), constant(mat, kv, signs)), zip(k, R, R), map(k, mul));
        return pipe(fork(signedRow, compose(map(k, det(k - 1)), minors(k))), dot(k));
    }

    /**
     * {@return the minors along the first row, {@code [k][k]R → [k][k-1][k-1]R}} Row 0 is dropped
     * from every column, then every row of the rest gives its k copies with one column dropped.
     * @param k the edge, at least 2
     */
    static Prog minors(int k) {
        var dropFirst = new double[(k - 1) * k];
        for (int i = 0; i < k - 1; i++) dropFirst[i * k + i + 1] = 1;
        var dropEach = new double[k * (k - 1) * k];   // row (j, c) of the matrix picks column c < j ? c : c + 1
        for (int j = 0; j < k; j++)
            for (int c = 0; c < k - 1; c++) dropEach[(j * (k - 1) + c) * k + (c < j ? c : c + 1)] = 1;
        Shape minor = Shape.vec(k - 1);
        Prog lowerRows = pipe(transpose(k, k, R), map(k, matrix(k - 1, k, dropFirst)), transpose(k, k - 1, R));
        Prog eachColumnDropped = map(k - 1, compose(reshape(Shape.vec(k * (k - 1)), Shape.tensor(k, k - 1)), matrix(k * (k - 1), k, dropEach)));
        return pipe(lowerRows, eachColumnDropped, transpose(k - 1, k, minor));
    }

    /**
     * {@return the entries {@code lo..hi} (row-major) of a k×k matrix as a balanced tree of pairs}
     * The scalar expansion reads its entries from this tree rather than from the array: in reverse
     * mode a projection of a pair transposes to an injection into a pair, where an index into an
     * array would transpose to a one-hot array of all k² entries for every term.
     */
    static Prog entries(Shape mat, int lo, int hi) {
        int k = ((Shape.Arr) mat).n();
        if (hi - lo == 1) return compose(ex(Shape.vec(k), lo % k), ex(mat, lo / k));
        int mid = (lo + hi) >>> 1;
        return fork(entries(mat, lo, mid), entries(mat, mid, hi));
    }

    /** {@return the shape of {@link #entries}} */
    private static Shape tree(int lo, int hi) {
        if (hi - lo == 1) return R;
        int mid = (lo + hi) >>> 1;
        return Shape.pair(tree(lo, mid), tree(mid, hi));
    }

    /** {@return entry i of the tree of entries {@code lo..hi}, by projections} */
    private static Prog entry(int lo, int hi, int i) {
        var steps = new ArrayList<Prog>();
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            Shape l = tree(lo, mid), r = tree(mid, hi);
            if (i < mid) { steps.add(exl(l, r)); hi = mid; }
            else { steps.add(exr(l, r)); lo = mid; }
        }
        return steps.isEmpty() ? id(R) : pipe(steps);
    }

    /**
     * {@return the determinant of the minor of rows {@code row..} and columns {@code cols} of a k×k
     * matrix given as its tree of entries, expanded along its first row in straight-line scalar code:
     * {@code ((t₀ - t₁) + t₂) - …}, summed as cmpad sums}
     */
    private static Prog expand(int k, int row, List<Integer> cols) {
        Prog acc = null;
        for (int j = 0; j < cols.size(); j++) {
            Prog entry = entry(0, k * k, row * k + cols.get(j));
            Prog term;
            if (cols.size() == 1) term = entry;
            else {
                var rest = new ArrayList<>(cols);
                rest.remove(j);
                term = compose(mul, fork(entry, expand(k, row + 1, rest)));
            }
            acc = acc == null ? term : compose(j % 2 == 0 ? add : sub, fork(acc, term));
        }
        return acc;
    }

    @Override public String name() { return "det"; }

    @Override
    public Job prepare(String function, JsonNode input, Backend backend) {
        JsonNode in = Inputs.object(input, "DetByMinorInput");
        double[] a = Inputs.vector(in, "A");
        int ell = Inputs.integer(in, "ell");
        if (ell < 1) throw new IllegalArgumentException("det: ell must be at least 1, got " + ell);
        if ((long) ell * ell != a.length)
            throw new IllegalArgumentException("det: A must have ell² = " + (long) ell * ell + " numbers, got " + a.length);
        return switch (function) {
            case "primal" -> Inputs.job(compiled.get(backend, () -> primal(ell), function, ell), a, 1, Inputs::scalar);
            case "gradient" -> Inputs.job(compiled.get(backend, () -> gradient(ell), function, ell), a, a.length, Inputs::json);
            default -> throw Inputs.unknownFunction(name(), function, "primal, gradient");
        };
    }
}
