package catad.interpreter;

import static catad.dsl.Shape.R;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import catad.dsl.Pointful;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.Sym;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Programs compiled from pointful Java lambdas compute what the same Java code computes on doubles,
 * bit for bit (catad's primitives use {@link StrictMath}, and its sums the canonical order of
 * {@link catad.dsl.Sums}, which the expected values here follow), and differentiate.
 */
class PointfulEvalTest {

    private static double[] random(int n, long seed, double lo, double hi) {
        var r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * r.nextDouble();
        return x;
    }

    /** {@return the gradient of a scalar function by central differences} */
    private static double[] fdGrad(Prog f, double[] x) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double h = 1e-6 * Math.max(1, Math.abs(x[i]));
            double[] p = x.clone(), m = x.clone();
            p[i] += h;
            m[i] -= h;
            g[i] = (AD.eval1(f, p) - AD.eval1(f, m)) / (2 * h);
        }
        return g;
    }

    private static void assertGradMatchesFd(Prog f, double[] x, double tol) {
        double[] g = AD.grad(f, x), fd = fdGrad(f, x);
        for (int i = 0; i < x.length; i++)
            assertEquals(fd[i], g[i], tol * Math.max(1, Math.abs(fd[i])), "d/dx" + i);
    }

    // ---------------------------------------------------------------- the brief's examples

    @Test void sinOfProduct() {
        Prog f = Pointful.compile(Shape.vec(3), x -> x.at(0).times(x.at(1)).sin());
        double[] x = {0.7, -1.3, 5};
        assertEquals(StrictMath.sin(0.7 * -1.3), AD.eval1(f, x));
        assertArrayEquals(new double[] {-1.3 * StrictMath.cos(0.7 * -1.3), 0.7 * StrictMath.cos(0.7 * -1.3), 0}, AD.grad(f, x), 1e-15);
    }

    @Test void mapThenSumOverAThousand() {
        Prog g = Pointful.compile(Shape.vec(1000), x -> x.map(e -> e.exp().sin()).sum());
        double[] x = random(1000, 1, -2, 2);
        double[] terms = new double[x.length];
        for (int i = 0; i < x.length; i++) terms[i] = StrictMath.sin(StrictMath.exp(x[i]));
        assertEquals(Num.canonicalSum(terms), AD.eval1(g, x));
        double[] grad = AD.grad(g, x);
        for (int i = 0; i < x.length; i++) assertEquals(StrictMath.cos(StrictMath.exp(x[i])) * StrictMath.exp(x[i]), grad[i], 1e-14);
    }

    @Test void sharedProduct() {
        Prog h = Pointful.compile(R, R, (x, y) -> {
            Sym t = x.times(y);
            return t.sin().plus(t.cos());
        });
        double x = 0.3, y = 0.7, t = x * y;
        assertEquals(StrictMath.sin(t) + StrictMath.cos(t), AD.eval1(h, x, y));
        double dt = StrictMath.cos(t) - StrictMath.sin(t);
        assertArrayEquals(new double[] {y * dt, x * dt}, AD.grad(h, x, y), 1e-15);
    }

    // ---------------------------------------------------------------- sharing

    @Test void sharedSubexpressionsEvaluateOnceAndCorrectly() {
        Prog f = Pointful.compile(Shape.vec(3), x -> {
            Sym a = x.at(0).sin(), b = x.at(1).exp(), c = a.times(b);
            Sym d = c.plus(a).times(c.minus(b));          // a, b, c each used several times
            return d.plus(x.at(0).sin().times(x.at(1).exp()));   // structurally equal to c
        });
        double[] x = {0.4, -0.2, 1.1};
        double a = StrictMath.sin(0.4), b = StrictMath.exp(-0.2), c = a * b;
        assertEquals((c + a) * (c - b) + c, AD.eval1(f, x));
        assertGradMatchesFd(f, x, 1e-7);
    }

    @Test void manySimultaneouslyLiveValues() {
        int w = 200;
        Prog f = Pointful.compile(Shape.vec(w), x -> {
            Sym[] s = new Sym[w];
            for (int i = 0; i < w; i++) s[i] = x.at(i).sin();
            Sym acc = Sym.constant(0);
            for (int i = 0; i < w; i++) acc = acc.plus(s[i].times(s[w - 1 - i]));
            return acc;
        });
        double[] x = random(w, 2, -1, 1);
        double e = 0;
        for (int i = 0; i < w; i++) e = e + StrictMath.sin(x[i]) * StrictMath.sin(x[w - 1 - i]);
        assertEquals(e, AD.eval1(f, x));
        double[] g = AD.grad(f, x);
        for (int i = 0; i < w; i++) assertEquals(2 * StrictMath.cos(x[i]) * StrictMath.sin(x[w - 1 - i]), g[i], 1e-13);
    }

    // ---------------------------------------------------------------- closures

    @Test void closureInMap() {
        Prog f = Pointful.compile(Shape.vec(5), R, (x, y) -> x.map(e -> e.times(y).plus(e.sin()).times(y.exp())).sum());
        double[] in = {0.1, 0.2, -0.3, 0.4, 2, 0.9};
        double s = 0;
        for (int i = 0; i < 5; i++) s += (in[i] * 0.9 + StrictMath.sin(in[i])) * StrictMath.exp(0.9);
        assertEquals(s, AD.eval1(f, in));
        assertGradMatchesFd(f, in, 1e-7);
    }

    @Test void nestedMapsCaptureTheEnclosingElement() {
        Prog f = Pointful.compile(Shape.tensor(3, 4), R, (m, k) -> m.map(row -> {
            Sym total = row.sum();
            return row.map(e -> e.times(total).plus(k)).sum();
        }));
        double[] in = random(13, 3, -1, 1);
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            double total = 0;
            for (int j = 0; j < 4; j++) total += in[4 * i + j];
            for (int j = 0; j < 4; j++) expected[i] += in[4 * i + j] * total + in[12];
        }
        assertArrayEquals(expected, AD.eval(f, in), 1e-15);
    }

    // ---------------------------------------------------------------- cond

    @Test void condDoesNotEvaluateTheBranchNotTaken() {
        Prog f = Pointful.compile(R, x -> Sym.cond(x.gt(0), () -> x.log(), () -> x.neg().sqrt()));
        // at x = -4 the then-branch would be log(-4) = NaN; it is not evaluated
        assertEquals(2.0, AD.eval1(f, -4));
        assertEquals(-0.25, AD.grad(f, -4)[0], 1e-15);
        assertEquals(StrictMath.log(3), AD.eval1(f, 3));
        assertEquals(1.0 / 3, AD.grad(f, 3)[0], 1e-15);
        // and at x = 3 the else-branch would be sqrt(-3) = NaN
        assertTrue(Double.isFinite(AD.grad(f, 3)[0]));
    }

    @Test void aLoopThatDoesNotRunEvaluatesNothingOfItsStep() {
        Prog f = Pointful.compile(R, R, (x, c) -> x.whileLoop(y -> y.lt(c), y -> y.plus(c.neg().sqrt())));
        // c = 1 > 0: sqrt(-c) would be NaN, but x = 5 >= c so the step never runs
        assertEquals(5.0, AD.eval1(f, 5, 1));
        assertArrayEquals(new double[] {1, 0}, AD.grad(f, 5, 1));
    }

    @Test void condSharesValuesComputedBeforeIt() {
        Prog f = Pointful.compile(R, R, (x, y) -> {
            Sym t = x.times(y).sin();
            return Sym.cond(t.gt(0.1), () -> t.log().times(y), () -> t.plus(x).square());
        });
        for (double[] in : new double[][] {{0.5, 1}, {-0.5, 1}, {2, 1.3}}) {
            double t = StrictMath.sin(in[0] * in[1]);
            double e = t - 0.1 > 0 ? StrictMath.log(t) * in[1] : (t + in[0]) * (t + in[0]);
            assertEquals(e, AD.eval1(f, in));
            assertGradMatchesFd(f, in, 1e-6);
        }
    }

    @Test void condInsideMapAndLoops() {
        Prog f = Pointful.compile(Shape.vec(4), R, (x, c) -> x.map(e -> Sym.cond(e.gt(c), () -> e.minus(c).log(), () -> e.times(c))));
        double[] in = {1, -2, 3, 0.5, 0.7};
        double[] out = AD.eval(f, in);
        for (int i = 0; i < 4; i++)
            assertEquals(in[i] - 0.7 > 0 ? StrictMath.log(in[i] - 0.7) : in[i] * 0.7, out[i]);

        Prog g = Pointful.compile(R, x -> {
            Sym y = x;
            for (int i = 0; i < 3000; i++) {
                Sym v = y;
                y = Sym.cond(v.gt(0), () -> v.times(0.5), () -> v.plus(1));
            }
            return y;
        });
        double y = 3;
        for (int i = 0; i < 3000; i++) y = y - 0 > 0 ? y * 0.5 : y + 1;
        assertEquals(y, AD.eval1(g, 3));
    }

    // ---------------------------------------------------------------- long chains and loops

    @Test void thousandStepRecurrence() {
        Prog f = Pointful.compile(R, x -> {
            Sym y = x;
            for (int i = 0; i < 1000; i++) y = y.sin().times(x);
            return y;
        });
        // measured: 5,365 program nodes (AD.size) for 1,000 steps
        assertTrue(AD.size(f) <= 6000, () -> "size " + AD.size(f));
        double x = 1.5, y = x;
        for (int i = 0; i < 1000; i++) y = StrictMath.sin(y) * x;
        assertEquals(y, AD.eval1(f, x));
        assertGradMatchesFd(f, new double[] {x}, 1e-6);
    }

    @Test void iterateWhileFoldScanWithCaptures() {
        Prog it = Pointful.compile(R, R, (x, c) -> x.iterate(6, y -> y.times(c).plus(y.sin())));
        double y = 0.3;
        for (int i = 0; i < 6; i++) y = y * 0.8 + StrictMath.sin(y);
        assertEquals(y, AD.eval1(it, 0.3, 0.8));
        assertGradMatchesFd(it, new double[] {0.3, 0.8}, 1e-6);

        Prog wl = Pointful.compile(R, R, (x, lim) -> x.whileLoop(z -> z.lt(lim), z -> z.times(2)));
        assertEquals(96.0, AD.eval1(wl, 3, 50));
        assertEquals(32.0, AD.grad(wl, 3, 50)[0]);

        Prog fold = Pointful.compile(Shape.vec(4), R, (x, w) -> x.fold(Sym.constant(0), (c, e) -> c.times(w).plus(e.square())));
        double acc = 0;
        double[] v = {1, -2, 3, 0.5};
        for (double e : v) acc = acc * 1.5 + e * e;
        assertEquals(acc, AD.eval1(fold, 1, -2, 3, 0.5, 1.5));
        assertGradMatchesFd(fold, new double[] {1, -2, 3, 0.5, 1.5}, 1e-6);

        Prog scan = Pointful.compile(Shape.vec(4), x -> x.scan(Sym.constant(1), (c, e) -> c.times(e)));
        assertArrayEquals(new double[] {1, -2, -6, -3}, AD.eval(scan, 1, -2, 3, 0.5));
    }

    @Test void arraysPairsAndBroadcast() {
        Prog f = Pointful.compile(Shape.vec(3), R, (x, s) -> Sym.array(x.at(2), x.at(0).sin(), x.at(1).times(s)).times(s).plus(x).minus(1.0).div(2.0));
        double[] in = {1, 2, 3, 10};
        double[] arr = {3, StrictMath.sin(1), 2 * 10.0};
        double[] out = AD.eval(f, in);
        for (int i = 0; i < 3; i++) assertEquals((arr[i] * 10 + in[i] - 1) / 2, out[i]);

        Prog m = Pointful.compile(Shape.tensor(2, 2), Shape.vec(2), (a, v) -> a.matvec(v).dot(v).plus(Sym.pair(v.at(0), v.at(1)).snd()));
        assertEquals((1 * 5 + 2 * 6) * 5 + (3 * 5 + 4 * 6) * 6 + 6.0, AD.eval1(m, 1, 2, 3, 4, 5, 6));
    }
}
