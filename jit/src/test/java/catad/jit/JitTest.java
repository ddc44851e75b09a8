package catad.jit;

import static catad.dsl.Catad.*;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hand-picked programs, one per construct, compiled and compared with the interpreter bit for bit. */
class JitTest {

    /** Compiled with vector loops (when the module is present) and with scalar loops: both give the interpreter's bits. */
    static void same(Prog f, double... x) {
        same(f, Jit.Options.DEFAULT, x);
        same(f, Jit.Options.SCALAR, x);
    }

    static void same(Prog f, Jit.Options options, double... x) {
        double[] expected = AD.eval(f, x);
        Kernel k = Jit.compile(f, options);
        assertTrue(k.compiled(), k::toString);
        double[] actual = k.apply(x);
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++)
            assertEquals(Double.doubleToLongBits(expected[i]), Double.doubleToLongBits(actual[i]),
                    () -> "f = " + f + "\nx = " + Arrays.toString(x) + "\ninterpreter " + Arrays.toString(expected) + "\njit         " + Arrays.toString(actual));
    }

    static double[] random(int n, long seed) {
        var r = new SplittableRandom(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextDouble(-2, 2);
        return x;
    }

    @Test void scalars() {
        same(sin, 0.3);
        same(compose(sin, exp, mul), 0.3, 0.7);
        same(fork(sin, cos), 1.1);
        same(compose(add, cross(sin, cos)), 0.2, 0.4);
        same(compose(div, fork(exp, compose(offset(2), square))), -0.3);
        same(sub, 1.0, 3.0);
        same(powr, 2.0, 0.5);
        same(compose(exl(Shape.R, Shape.R), dup(Shape.R)), 2.0);
    }

    @Test void arrays() {
        int n = 37;
        Shape v = Shape.vec(n);
        same(map(n, compose(sin, exp)), random(n, 1));
        same(compose(sum(v), map(n, compose(square, tanh))), random(n, 2));
        same(dot(n), random(2 * n, 3));
        same(compose(dot(n), fork(id(v), map(n, sin))), random(n, 4));
        same(matvec(3, n), random(3 * n + n, 5));
        same(matmul(4, 9, 5), random(4 * 9 + 9 * 5, 6));
        same(maximum(n), random(n, 7));
        same(argmax(n), random(n, 8));
        same(compose(zip(n, Shape.R, Shape.R), fork(id(v), map(n, cos))), random(n, 9));
        same(unzip(n, Shape.R, Shape.R), random(2 * n, 10));
        same(transpose(3, 5, Shape.vec(2)), random(30, 11));
        same(reshape(Shape.tensor(3, 4), Shape.vec(12)), random(12, 12));
        same(repl(5, Shape.vec(2)), random(2, 13));
        same(in(4, Shape.vec(2), 2), random(2, 14));
        same(ex(Shape.tensor(4, 3), 2), random(12, 15));
        same(compose(sum(Shape.tensor(9, 3)), map(9, map(3, sin))), random(27, 16));
        same(matrix(2, 3, 1, 2, 3, 4, 5, 6), 0.5, -1, 2);
    }

    @Test void wideArraysTakeTheVectorPathsWithTheSameBits() {
        if (Vectors.LANES > 0) {
            Kernel k = Jit.compile(map(64, compose(square, sqrt)));
            assertEquals(Vectors.LANES, k.vectorLanes(), k::toString);
            assertEquals(0, Jit.compile(map(64, compose(square, sqrt)), Jit.Options.SCALAR).vectorLanes());
        }
        for (int n : new int[] {1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 1003}) {
            Shape v = Shape.vec(n);
            same(map(n, compose(square, sqrt, offset(1), abs)), random(n, n));
            same(map(n, compose(add, fork(compose(scale(3), recip), id(catad.dsl.Shape.R)))), random(n, n + 1));
            same(map(n, compose(div, fork(id(catad.dsl.Shape.R), compose(offset(2), square)))), random(n, n + 2));
            same(map(n, cond(id(catad.dsl.Shape.R), square, compose(scale(-1), sqrt, abs))), random(n, n + 3));
            same(compose(sum(v), map(n, compose(square, offset(0.5)))), random(n, n + 4));
            same(dot(n), random(2 * n, n + 5));
            same(compose(sum(v), map(n, sin)), random(n, n + 6));
            // VecMath's sin and cos, in a kernel and its gradient; scaled by 10^6 some lanes pass 2^20 π/2 (StrictMath's)
            same(AD.grad(compose(sum(v), map(n, compose(sin, exp)))), random(n, n + 8));
            same(map(n, compose(cos, scale(1e6))), random(n, n + 9));
            same(map(n, compose(sin, scale(1e6))), random(n, n + 10));
            same(compose(map(n, mul), zip(n, catad.dsl.Shape.R, catad.dsl.Shape.R), fork(id(v), map(n, exp))), random(n, n + 7));
        }
        same(matvec(17, 33), random(17 * 33 + 33, 99));
        same(matmul(9, 17, 11), random(9 * 17 + 17 * 11, 98));
    }

    /** Sums along an outer index (a matrix by columns, a sum of arrays) run rows-outside on vectors, with each sum's canonical bits. */
    @Test void sumsAlongTheOuterIndex() {
        for (int[] mn : new int[][] {{8, 8}, {9, 5}, {17, 33}, {3, 40}, {64, 7}, {100, 100}}) {
            int m = mn[0], n = mn[1];
            Shape a = Shape.tensor(m, n), v = Shape.vec(m);
            same(sum(a), random(m * n, m + n));
            // rows of eight partial sums in the workspace: the interchanged loop ran (a sum of at most
            // SHORT_SUM terms is written out term by term instead, and its loop over n is a plain vector loop)
            if (Vectors.LANES > 0 && n >= Vectors.LANES && m > Ir.Builder.SHORT_SUM)
                assertEquals(8 * n, Jit.compile(sum(a)).workspaceSize(), () -> Jit.compile(sum(a)).toString());
            same(compose(matvec(n, m), cross(transpose(m, n, catad.dsl.Shape.R), id(v))), random(m * n + m, m * n));
            same(compose(sum(a), map(m, map(n, compose(square, offset(0.25))))), random(m * n, 3 * m));
            same(compose(sum(Shape.arr(m, Shape.arr(n, Shape.pair(Shape.R, Shape.R)))), map(m, map(n, fork(sin, square)))), random(m * n, 5 * m));
        }
    }

    /**
     * {@code AᵀB + C} and {@code C + AᵀB} (a gradient's two contributions to one matrix): the sum
     * runs interchanged, on vectors along B's rows, and C is added once each sum is complete, in the
     * program's operand order — the interpreter's bits, NaN and ∞ included.
     */
    @Test void aSumPlusAnotherTermRunsInterchangedWithTheSameBits() {
        // the fourth number: whether the loop over q is a loop (small arrays are written out, element
        // by element, unless each element is a long sum: 1000 × 10 × 10 is GradBench gmm's ∂Q for d = 10)
        for (int[] mpq : new int[][] {{100, 9, 40, 1}, {8, 3, 8, 0}, {17, 5, 13, 0}, {1000, 4, 64, 1}, {1000, 10, 10, 1}, {200, 3, 9, 1}}) {
            int m = mpq[0], p = mpq[1], q = mpq[2];
            boolean loop = mpq[3] == 1;
            Shape a = Shape.tensor(m, p), b = Shape.tensor(m, q), ab = Shape.pair(a, b), c = Shape.tensor(p, q);
            Prog atb = compose(matmul(p, m, q), cross(transpose(m, p, catad.dsl.Shape.R), id(b)), exl(ab, c));
            for (Prog terms : new Prog[] {fork(atb, exr(ab, c)), fork(exr(ab, c), atb)}) {
                Prog f = compose(jam(c), terms);
                double[] x = random(m * p + m * q + p * q, m + 31 * q);
                same(f, x);
                x[m * p + m * q + p * q / 2] = Double.NaN;
                x[m * p] = Double.POSITIVE_INFINITY;
                x[m * p + m * q + 1] = Double.NEGATIVE_INFINITY;
                same(f, x);
                // eight rows of partial sums in the workspace: the interchanged loop ran
                if (Vectors.LANES > 0 && loop)
                    assertEquals(8 * q, Jit.compile(f).workspaceSize(), () -> "not interchanged: " + Jit.compile(f));
            }
        }
    }

    /** max, min, relu and maximum run on vectors: their lanewise forms treat NaN and ±0 as Math.max/min do. */
    @Test void maxMinAndReluOnVectorsKeepNaNAndSignedZeros() {
        double[] special = {-0.0, 0.0, Double.NaN, 1, -1, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, 3, -2, 0.0, -0.0, Double.NaN, 7, -7};
        for (int n : new int[] {16, 64}) {
            double[] x = new double[2 * n];
            for (int i = 0; i < x.length; i++) x[i] = special[(i * 7 + i / special.length) % special.length];
            Shape v = Shape.vec(n);
            same(map(n, max), x);
            same(map(n, min), x);
            same(map(2 * n, relu), x);
            same(maximum(2 * n), x);
            same(maximum(2 * n), random(2 * n, 5));
            same(compose(maximum(n), map(n, compose(max, fork(sin, cos)))), random(n, 6));
        }
    }

    /**
     * Vector loops with sin and cos redo a vector through {@link Trig#lanes} when a lane is one
     * VecMath leaves to its caller (beyond 2^20 π/2, infinite, NaN): in a map, in a sum (the
     * partial sums keep their lanes), after another function, in a gradient, with such lanes first,
     * last and alone in their vector — the interpreter's bits in each.
     */
    @Test void sinAndCosLanesBeyondVecMathsRangeAreRedoneWithTheSameBits() {
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, -1e300, Trig.MEDIUM,
                -Trig.MEDIUM, Math.nextDown(Trig.MEDIUM), 0x1p60, -1e7, Double.MAX_VALUE, 3e6};
        for (int n : new int[] {8, 16, 37, 64}) {
            Shape v = Shape.vec(n);
            for (int where : new int[] {0, n / 2, n - 1}) {
                for (double s : special) {
                    double[] x = random(n, n + where);
                    x[where] = s;
                    same(map(n, sin), x);
                    same(map(n, cos), x);
                    same(compose(sum(v), map(n, compose(sin, scale(2)))), x);
                    same(compose(sum(v), map(n, compose(cos, sin, exp))), x);
                    same(AD.grad(compose(sum(v), map(n, compose(sin, cos)))), x);
                }
            }
        }
        if (Vectors.LANES >= 4)  // (shorter arrays are written out element by element)
            for (Prog f : new Prog[] {map(64, sin), compose(sum(Shape.vec(64)), map(64, cos))})
                assertEquals(Vectors.LANES, Jit.compile(f).vectorLanes(), () -> "a vector loop: " + Jit.compile(f));
    }

    /** The documented order, written out independently of the code under test. */
    static double canonical(double[] t) {
        double[] a = new double[8];
        int n8 = t.length / 8 * 8;
        for (int j = 0; j < n8; j++) a[j % 8] += t[j];
        double s = ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
        for (int j = n8; j < t.length; j++) s += t[j];
        return s;
    }

    @Test void sumsFollowTheCanonicalOrderOnEveryPath() {
        // a small body (unrolled partial sums), a large one (partial sums in the workspace), a vectorizable one
        Prog big = sin;
        for (int i = 0; i < 30; i++) big = compose(sin, add, fork(big, compose(square, id(catad.dsl.Shape.R))));
        for (int n : new int[] {0, 3, 8, 13, 64, 1001}) {
            double[] x = random(n, 40 + n);
            for (Prog body : new Prog[] {sin, big, compose(square, offset(1e8))}) {
                var terms = new double[n];
                for (int i = 0; i < n; i++) terms[i] = AD.eval(body, x[i])[0];
                Prog f = compose(sum(Shape.vec(n)), map(n, body));
                for (var o : new Jit.Options[] {Jit.Options.DEFAULT, Jit.Options.SCALAR})
                    assertEquals(Double.doubleToLongBits(canonical(terms)), Double.doubleToLongBits(Jit.compile(f, o).apply(x)[0]),
                            () -> "n = " + n + ", body " + body + ", " + o);
            }
        }
    }

    /** {@link Jit.Options#FAST}'s bound, per transcendental, as docs/jit.md states it. */
    static final double FAST_ULPS = 4;

    @Test void fastMathIsWithinItsDocumentedUlpsForEachTranscendental() {
        int n = 1003;   // a scalar tail too
        // each function on a wide range (log-spaced where it spans many magnitudes) and a narrow one
        record Range(String name, Prog p, double lo, double hi, boolean logSpaced) {
            Range(String name, Prog p, double lo, double hi) { this(name, p, lo, hi, false); }
        }
        var ranges = List.of(
                new Range("exp", exp, -700, 700), new Range("exp", exp, -2, 2),
                new Range("log", log, 1e-300, 1e300, true), new Range("log", log, 0.5, 2),
                new Range("sin", sin, -1e4, 1e4), new Range("sin", sin, -8, 8),
                new Range("cos", cos, -1e4, 1e4), new Range("cos", cos, -8, 8),
                new Range("tanh", tanh, -20, 20), new Range("tanh", tanh, -0.5, 0.5),
                new Range("expm1", expm1, -40, 700), new Range("expm1", expm1, -2, 2), new Range("expm1", expm1, -1e-3, 1e-3),
                new Range("log1p", log1p, -0.999, 1e300), new Range("log1p", log1p, -0.5, 10), new Range("log1p", log1p, -1e-3, 1e-3));
        var rnd = new java.util.Random(91);
        for (Range r : ranges) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++)
                x[i] = r.logSpaced ? Math.exp(Math.log(r.lo) + rnd.nextDouble() * (Math.log(r.hi) - Math.log(r.lo)))
                        : r.lo + rnd.nextDouble() * (r.hi - r.lo);
            Prog f = map(n, r.p);
            Kernel k = Jit.compile(f, Jit.Options.FAST);
            double[] exact = AD.eval(f, x), fast = k.apply(x), late = new double[n];
            // the kernel's loop compiled by C2 too, whose intrinsics may give other bits than the interpreted Vector API
            for (int rep = 0; rep < 3000; rep++) k.apply(x, late);
            double worst = 0;
            for (int i = 0; i < 2 * n; i++) {
                double ulps = ulps(exact[i % n], i < n ? fast[i] : late[i - n]);
                worst = Math.max(worst, ulps);
                int j = i % n;
                assertTrue(ulps <= FAST_ULPS, r.name + "(" + x[j] + "): " + exact[j] + " vs " + (i < n ? fast[j] : late[j]) + " (" + ulps + " ulps)");
            }
            System.out.println("FAST " + r.name + " on [" + r.lo + ", " + r.hi + "]: at most " + worst + " ulps from StrictMath");
        }
    }

    private static double ulps(double exact, double fast) {
        return Double.doubleToLongBits(exact) == Double.doubleToLongBits(fast) ? 0 : Math.abs(exact - fast) / Math.ulp(exact);
    }

    @Test void fastMathIsWithinAFewUlps() {
        int n = 1001;
        Prog f = map(n, compose(exp, sin, tanh, log1p, abs));
        double[] x = random(n, 77);
        double[] exact = AD.eval(f, x), fast = Jit.compile(f, Jit.Options.FAST).apply(x);
        for (int i = 0; i < n; i++) {
            double ulps = ulps(exact[i], fast[i]);
            assertTrue(ulps <= 8, "element " + i + ": " + exact[i] + " vs " + fast[i] + " (" + ulps + " ulps)");
        }
    }

    @Test void tryFormsReturnErrorsAsValues() {
        Prog f = compose(sum(Shape.vec(3)), map(3, compose(sin, exp)));
        var ok = Jit.tryEval(f, 0.1, 0.2, 0.3);
        assertTrue(ok.isRight());
        assertArrayEquals(AD.eval(f, 0.1, 0.2, 0.3), ok.get());
        var bad = Jit.tryEval(f, 1, 2);
        assertTrue(bad.isLeft());
        assertTrue(bad.getLeft().getMessage().contains("3"), bad.getLeft().getMessage());
        assertArrayEquals(AD.grad(f, 0.1, 0.2, 0.3), Jit.tryGrad(f, 0.1, 0.2, 0.3).get());
        assertTrue(Jit.tryGrad(f, 1).isLeft());
    }

    @Test void control() {
        same(cond(sin, exp, cos), 0.4);
        same(cond(sin, exp, cos), -0.4);
        same(map(6, cond(id(Shape.R), compose(log, id(Shape.R)), cos)), -1, 1, -2, 2, 0, Double.NaN);
        same(iterate(5, compose(sin, offset(1))), 0.3);
        same(iterate(3, map(4, tanh)), 0.1, 0.2, 0.3, 0.4);
        Prog count = compose(offset(-1), id(Shape.R));
        same(whileLoop(id(Shape.R), count), 5.5);
        same(map(3, whileLoop(id(Shape.R), count)), 5.5, 1.2, -3);
        Prog step = fork(compose(mul, fork(exl(Shape.R, Shape.R), exr(Shape.R, Shape.R))), compose(add, fork(exl(Shape.R, Shape.R), compose(sin, exr(Shape.R, Shape.R)))));
        same(mapAccum(6, step), random(7, 20));
        same(mapAccumR(6, step), random(7, 21));
        same(constant(Shape.R, Shape.vec(3), 1, 2, 3), 9);
        same(zero(Shape.R, Shape.vec(3)), 9);
    }

    @Test void derivativePrograms() {
        int n = 20;
        Shape v = Shape.vec(n);
        Prog f = compose(sum(v), map(n, compose(sin, exp)));
        same(AD.grad(f), random(n, 30));
        same(AD.jvp(f), random(2 * n, 31));
        same(AD.vjp(f), random(n + 1, 32));
        same(AD.hvp(f), random(2 * n, 33));
        same(AD.hessian(compose(sum(Shape.vec(4)), map(4, compose(sin, exp)))), random(4, 34));
        Prog lse = compose(log, sum(v), map(n, exp));
        same(AD.grad(lse), random(n, 35));
        Shape wx = Shape.pair(Shape.tensor(3, 5), Shape.vec(5));
        Prog mlp = compose(dot(3), fork(constant(wx, Shape.vec(3), 1, 2, 3), compose(map(3, tanh), matvec(3, 5))));
        same(AD.grad(mlp), random(15 + 5, 37));
        same(mlp, random(15 + 5, 36));
    }

    @Test void errorsAreClear() {
        var e = assertThrows(catad.dsl.CatadException.class, () -> Jit.eval(sin, 1, 2));
        assertTrue(e.getMessage().contains("2 numbers"), e.getMessage());
        var w = assertThrows(catad.dsl.CatadException.class, () -> Jit.eval(whileLoop(constant(Shape.R, 1), id(Shape.R), 10), 1));
        assertTrue(w.getMessage().contains("did not stop after 10 steps"), w.getMessage());
    }

    @Test void compilingTwiceCostsNothing() {
        Prog f = compose(sum(Shape.vec(8)), map(8, cos));
        Kernel a = Jit.compile(f);
        Kernel b = Jit.compile(compose(sum(Shape.vec(8)), map(8, cos)));
        assertSame(a, b);
        assertEquals(List.of(), List.of());
    }
}
