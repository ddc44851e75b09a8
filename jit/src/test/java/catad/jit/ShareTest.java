package catad.jit;

import static catad.dsl.Catad.*;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Primitive;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Element computations shared between loops ({@code Share}), arrays recomputed instead of stored,
 * sums swapped into their own loop, and {@code argmax} as expressions: the bits stay the
 * interpreter's, and an expensive element is computed once.
 */
class ShareTest {

    /** exp, counting its calls: a user primitive, so every call in a kernel is a call of this code. */
    static final AtomicLong CALLS = new AtomicLong();
    static final Primitive.Unary CEXP = Primitive.unary("cexp", x -> { CALLS.incrementAndGet(); return StrictMath.exp(x); },
            () -> ShareTest.CEXP.prog(), Primitive.Interval.ALL);

    /** {@code m + log Σ cexp(xᵢ - m)}, {@code m = maximum x}. */
    static Prog lse(int n) {
        Shape v = Shape.vec(n);
        return pipe(fork(id(v), maximum(n)), fork(exr(v, Shape.R),
                pipe(cross(id(v), repl(n, Shape.R)), zip(n, Shape.R, Shape.R), map(n, compose(CEXP.prog(), sub)), sum(v), log)), add);
    }

    static double[] input(int n, long seed) {
        var r = new SplittableRandom(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextDouble(-3, 3);
        return x;
    }

    static void assertSameBits(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++)
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    what + ": element " + i + " is " + actual[i] + ", the interpreter gives " + expected[i]);
    }

    @Test void theGradientOfLogSumExpComputesEachExponentialOnce() {
        int n = 203;
        Prog g = AD.grad(lse(n));
        var x = input(n, 1);
        double[] expected = AD.eval(g, x);
        Kernel k = Jit.compile(g);
        assertTrue(k.compiled(), k.toString());
        var y = new double[n];
        CALLS.set(0);
        k.apply(x, y);
        // the normalizing sum, the sum of the softmax and the output all need cexp(xᵢ − m)
        assertEquals(n, CALLS.get(), "calls of cexp in one gradient");
        assertSameBits(expected, y, "lse gradient");
    }

    /**
     * A sum of per-row log-sum-exps where each row first runs a loop ({@code iterate}): the map
     * over rows needs statements of its own, and the sharing happens inside its body.
     */
    @Test void sharingWorksInsideALoopWhoseBodyHasStatements() {
        int rows = 13, k = 6;
        Prog row = compose(lse(k), iterate(2, map(k, compose(sin, scale(1.25)))));
        Shape m = Shape.tensor(rows, k);
        Prog f = compose(sum(Shape.vec(rows)), map(rows, row));
        Prog g = AD.grad(f);
        var x = input(m.dim(), 2);
        double[] expected = AD.eval(g, x);
        Kernel kernel = Jit.compile(g);
        var y = new double[m.dim()];
        CALLS.set(0);
        kernel.apply(x, y);
        assertEquals(rows * k, CALLS.get(), "calls of cexp in one gradient");
        assertSameBits(expected, y, "gradient of a sum of row log-sum-exps");
    }

    @Test void aSumAcrossRowsInsideAnExpressionGivesTheInterpretersBits() {
        // sin(Aᵀ v): the transposed product walks A by columns unless it gets a loop of its own
        for (int[] mn : new int[][] {{37, 29}, {8, 8}, {64, 3}, {5, 40}}) {
            int rows = mn[0], cols = mn[1];
            Shape a = Shape.tensor(rows, cols), v = Shape.vec(rows);
            Prog f = pipe(cross(transpose(rows, cols, Shape.R), id(v)), matvec(cols, rows), map(cols, sin));
            var x = input(a.dim() + v.dim(), rows * 100L + cols);
            assertSameBits(AD.eval(f, x), Jit.compile(f).apply(x), "sin(Aᵀv) " + rows + "×" + cols);
            Prog g = AD.vjp(f);
            var xc = input(g.dom().dim(), rows + cols);
            assertSameBits(AD.eval(g, xc), Jit.compile(g).apply(xc), "vjp of sin(Aᵀv) " + rows + "×" + cols);
        }
    }

    @Test void argmaxIsTheInterpretersOnTiesNanAndInfinities() {
        double nan = Double.NaN, inf = Double.POSITIVE_INFINITY;
        double[][] cases = {
            {1, 3, 3, 2}, {3, 3, 3, 3}, {-inf, -inf, -inf}, {1, nan, 3}, {nan, 1, 2}, {7},
            {-0.0, 0.0, -0.0}, {0.0, -0.0}, {inf, 1, inf}, {-inf, -5, -inf},
            {2, 9, 4, 9, 1, 0, 9, 3, 5, 6, 9, 2, 8, 7, 1, 9, 0, 3, 9}, {2, 1, 4, 3, 1, 0, 2, 3, 5, 6, 4, 2, 8, 7, 1, 0, 0, 3, nan},
        };
        for (double[] x : cases) {
            Prog f = argmax(x.length);
            assertSameBits(AD.eval(f, x), Jit.compile(f).apply(x), "argmax " + java.util.Arrays.toString(x));
            // in a loop with other work, vectorized where the length allows
            Prog h = pipe(fork(argmax(x.length), map(x.length, square)), zip(x.length, Shape.R, Shape.R), map(x.length, mul));
            assertSameBits(AD.eval(h, x), Jit.compile(h).apply(x), "argmax · x² " + java.util.Arrays.toString(x));
        }
    }

    @Test void theGradientOfMaximumWithTiesIsTheInterpreters() {
        int n = 24;
        Prog f = compose(maximum(n), map(n, compose(square, scale(0.5))));
        Prog g = AD.grad(f);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = (i % 5) - 2.0;   // ±2 appear several times
        assertSameBits(AD.eval(g, x), Jit.compile(g).apply(x), "gradient of max with ties");
    }

    /**
     * The Jacobian's columns, the jvp program of an elementwise function mapped over tangents: each
     * column needs {@code cexp(sin xᵢ)} for every i, the same in every column. It is computed once
     * per i (lifted out of the loop over columns), not once per column.
     */
    @Test void aComputationTheColumnsShareIsLiftedOutOfTheirLoop() {
        int n = 37, k = 5;
        Shape v = Shape.vec(n);
        Prog f = map(n, compose(CEXP.prog(), sin));
        var tangents = new double[k * n];
        for (int c = 0; c < k; c++) for (int i = 0; i < n; i++) tangents[c * n + i] = (i + c) % 3 - 1;
        Prog columns = pipe(fork(repl(k, v), constant(v, Shape.arr(k, v), tangents)), zip(k, v, v), map(k, compose(exr(v, v), AD.jvp(f))));
        var x = input(n, 4);
        double[] expected = AD.eval(columns, x);
        Kernel kernel = Jit.compile(columns);
        var y = new double[k * n];
        CALLS.set(0);
        kernel.apply(x, y);
        assertEquals(n, CALLS.get(), "calls of cexp for " + k + " columns");
        assertSameBits(expected, y, "columns of the jvp");
    }

    /**
     * A GMM-like objective: per component k, {@code βₖᵢ = -½‖Q(xᵢ - μₖ)‖²} by one {@code matmul} of
     * the centred points, then a log-sum-exp over the components for each point. Lowering stores
     * the centred points (the product reads each of them d times), once in the forward pass and
     * again, into another buffer, in the backward pass. Sharing compares computations through such
     * cheap arrays, so the product's sums, which the backward pass needs again, are computed once:
     * a whole pass of the product (k·n·d sums) fewer than when the copies hide that they are the same.
     */
    @Test void aComputationReadThroughCopiesOfACheapArrayIsShared() {
        long[] saved = gmmLike(2, 5, 20, e -> e instanceof Ir.Reduce r && r.op == Ir.Red.SUM && r.v.n == 20);
        assertTrue(saved[0] + 2 * 5 * 20 <= saved[1], "sums of 20 terms evaluated: " + saved[0] + " when compared through the copies, " + saved[1] + " when not");
    }

    /**
     * The same with points of dimension 10: the product's sums are short, written out term by
     * term, so what is shared is plain arithmetic (large enough to be worth a buffer).
     */
    @Test void arithmeticReadThroughCopiesOfACheapArrayIsShared() {
        long[] saved = gmmLike(2, 5, 10, e -> e instanceof Ir.Bin b && b.op == Ir.Op.MUL);
        assertTrue(saved[0] < saved[1], "multiplications evaluated: " + saved[0] + " when compared through the copies, " + saved[1] + " when not");
    }

    /**
     * Compiles the gradient of the GMM-like objective, checks the kernel against the interpreter,
     * {@return how many nodes matching {@code counted} the statements evaluate with and without comparing through cheap arrays}
     */
    private static long[] gmmLike(int k, int n, int d, java.util.function.Predicate<Ir.E> counted) {
        Shape kd = Shape.tensor(k, d), dd = Shape.tensor(d, d), nd = Shape.tensor(n, d);
        Prog f = catad.dsl.Pointful.compile(Shape.pair(kd, dd), nd, (theta, x) -> {
            catad.dsl.Sym mu = theta.fst(), q = theta.snd();
            catad.dsl.Sym beta = mu.map(muK -> {
                catad.dsl.Sym qx = catad.dsl.Sym.pair(x.map(xi -> xi.minus(muK)), q).apply(matmul(n, d, d));
                return qx.map(r -> r.dot(r)).times(-0.5);
            });
            return beta.apply(transpose(k, n, Shape.R)).map(r -> r.map(catad.dsl.Sym::exp).sum().log()).sum();
        });
        Prog g = AD.grad(f);
        var through = new Lower(g);
        long seen = evaluated(Share.run(through.ir, through.body, true), counted);
        var hidden = new Lower(g);
        long unseen = evaluated(Share.run(hidden.ir, hidden.body, false), counted);

        var in = input(g.dom().dim(), 7);
        for (int i = 0; i < in.length; i++) in[i] *= 0.2;
        Kernel kernel = Jit.compile(g);
        var y = new double[g.cod().dim()];
        kernel.apply(in, y);
        assertSameBits(AD.eval(g, in), y, "gradient of the GMM-like objective");
        return new long[] {seen, unseen};
    }

    /** {@return how many nodes matching {@code counted} the statements evaluate: each distinct one of a store, times the trips of the loops around it} */
    static long evaluated(java.util.List<Ir.S> stmts, java.util.function.Predicate<Ir.E> counted) {
        long count = 0;
        for (Ir.S s : stmts) {
            count += switch (s) {
                case Ir.Store st -> {
                    var seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<Ir.E, Boolean>());
                    var stack = new java.util.ArrayList<Ir.E>(java.util.List.of(st.e()));
                    long c = 0;
                    while (!stack.isEmpty()) {
                        Ir.E e = stack.removeLast();
                        if (!seen.add(e)) continue;
                        if (counted.test(e)) c++;
                        stack.addAll(e.kids());
                    }
                    yield c;
                }
                case Ir.Loop l -> l.v().n * evaluated(l.body(), counted);
                default -> 0L;
            };
        }
        return count;
    }
}
