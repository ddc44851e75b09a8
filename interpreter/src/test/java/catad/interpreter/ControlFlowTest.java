package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static catad.interpreter.Num.*;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Control flow differentiates the path actually taken: cond the branch taken, while and iterate
 * the iterations run, fold / scan / mapAccum each element's step in order. Each case is checked in
 * every mode (numeric and program forms, forward and reverse) against finite differences, and its
 * value against a plain Java reference.
 */
class ControlFlowTest {

    static final Shape RR = Shape.pair(R, R);

    // ------------------------------------------------------------------ cond

    /** x > 0 ? log x : sqrt(-x); each branch is NaN on the other's side. */
    static final Prog LOG_OR_SQRT = cond(id(R), log, compose(sqrt, neg));

    static double logOrSqrtDerivative(double x) { return x > 0 ? 1 / x : -0.5 / Math.sqrt(-x); }

    @Test
    void condDifferentiatesOnlyTheBranchTaken() {
        var rnd = new Random(1);
        for (double x : new double[] {-4, -0.3, 0.2, 3, -0.01, 7}) {
            double d = logOrSqrtDerivative(x);
            assertEquals(x > 0 ? Math.log(x) : Math.sqrt(-x), AD.eval1(LOG_OR_SQRT, x), 1e-15);
            assertEquals(d, AD.grad(LOG_OR_SQRT, x)[0], 1e-13 * Math.abs(d), "grad at " + x);
            assertEquals(d, AD.eval1(AD.grad(LOG_OR_SQRT), x), 1e-13 * Math.abs(d), "grad program at " + x);
            assertEquals(d, AD.jvp(LOG_OR_SQRT, new double[] {x}, new double[] {1})._2[0], 1e-13 * Math.abs(d), "jvp at " + x);
            assertEquals(d, AD.eval(AD.jvp(LOG_OR_SQRT), x, 1)[1], 1e-13 * Math.abs(d), "jvp program at " + x);
            assertEquals(d, AD.vjp(LOG_OR_SQRT, new double[] {x}, new double[] {1})[0], 1e-13 * Math.abs(d), "vjp at " + x);
            assertEquals(d, AD.eval(AD.vjp(LOG_OR_SQRT), x, 1)[0], 1e-13 * Math.abs(d), "vjp program at " + x);
            double d2 = x > 0 ? -1 / (x * x) : -0.25 / Math.pow(-x, 1.5);
            assertEquals(d2, AD.hessian(LOG_OR_SQRT, x)[0][0], 1e-12 * Math.abs(d2), "second derivative at " + x);
            allModes("log-or-sqrt at " + x, LOG_OR_SQRT, new double[] {x}, rnd);
        }
    }

    @Test
    void condInsideMapTakesEachElementsBranchInBothModes() {
        Shape v = Shape.vec(5);
        Prog f = compose(sum(v), map(5, LOG_OR_SQRT));
        double[] x = {-4, 3, -0.3, 0.2, 9};
        double[] expected = new double[5];
        for (int i = 0; i < 5; i++) expected[i] = logOrSqrtDerivative(x[i]);
        close("grad", expected, AD.grad(f, x), 1e-13);
        close("grad program", expected, AD.eval(AD.grad(f), x), 1e-13);
        close("jacfwd", expected, AD.jacfwd(f, x)[0], 1e-13);
        close("jacrev", expected, AD.jacrev(f, x)[0], 1e-13);
        double[][] h = AD.hessian(f, x);
        double[] hp = AD.eval(AD.hessian(f), x);
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++) {
                double e = i != j ? 0 : x[i] > 0 ? -1 / (x[i] * x[i]) : -0.25 / Math.pow(-x[i], 1.5);
                assertEquals(e, h[i][j], 1e-12 * (1 + Math.abs(e)), "hessian [" + i + "][" + j + "]");
                assertEquals(e, hp[i * 5 + j], 1e-12 * (1 + Math.abs(e)), "hessian program [" + i + "][" + j + "]");
            }
        allModes("map cond", f, x, new Random(2));
        allModes("map cond, vector out", map(5, LOG_OR_SQRT), x, new Random(3));
    }

    @Test
    void condOnPairsWithATestThatDependsOnBothInputs() {
        // (x, y) ↦ x > y ? x·y : sin(x + y)
        Prog f = cond(sub, mul, compose(sin, add));
        var rnd = new Random(4);
        for (int k = 0; k < 20; k++) {
            double x = -2 + 4 * rnd.nextDouble(), y = -2 + 4 * rnd.nextDouble();
            if (Math.abs(x - y) < 1e-3) continue;
            double[] g = x > y ? new double[] {y, x} : new double[] {Math.cos(x + y), Math.cos(x + y)};
            close("grad at " + x + ", " + y, g, AD.grad(f, x, y), 1e-14);
            allModes("cond on pairs", f, new double[] {x, y}, rnd);
        }
    }

    // ------------------------------------------------------------------ while

    /** x ↦ 1.5x + 0.1 sin x while x < 10: the number of steps depends on x. */
    static final Prog STEP = compose(add, fork(scale(1.5), compose(scale(0.1), sin)));
    static final Prog GROW = whileLoop(compose(offset(10), neg), STEP, 1000);

    /** {@return (value, derivative, steps) of GROW by hand} */
    static double[] growReference(double x) {
        double d = 1;
        int steps = 0;
        while (10 - x > 0) {
            d *= 1.5 + 0.1 * Math.cos(x);
            x = 1.5 * x + 0.1 * Math.sin(x);
            steps++;
        }
        return new double[] {x, d, steps};
    }

    /** {@return whether the trip count is the same throughout the finite-difference stencil} */
    static boolean awayFromTripCountChange(double x) {
        double h = 10 * step(x);
        return growReference(x - h)[2] == growReference(x + h)[2];
    }

    @Test
    void whileDifferentiatesTheIterationsRun() {
        var rnd = new Random(5);
        int distinctTripCounts = 0;
        double lastSteps = -1;
        for (double x = 0.31; x < 12; x += 0.37) {
            if (!awayFromTripCountChange(x)) continue;
            double[] ref = growReference(x);
            if (ref[2] != lastSteps) { distinctTripCounts++; lastSteps = ref[2]; }
            assertEquals(ref[0], AD.eval1(GROW, x), 1e-12 * ref[0], "value at " + x);
            assertEquals(ref[1], AD.grad(GROW, x)[0], 1e-12 * ref[1], "grad at " + x);
            assertEquals(ref[1], AD.eval1(AD.grad(GROW), x), 1e-12 * ref[1], "grad program at " + x);
            assertEquals(ref[1], AD.eval(AD.jvp(GROW), x, 1)[1], 1e-12 * ref[1], "jvp program at " + x);
            allModes("while at " + x, GROW, new double[] {x}, rnd);
        }
        assertTrue(distinctTripCounts >= 5, "the points should exercise several trip counts, got " + distinctTripCounts);
        // x ≥ 10 runs no step: the loop is the identity, derivative 1
        assertEquals(1, AD.grad(GROW, 11.0)[0], 0);
        assertEquals(1, AD.eval1(AD.grad(GROW), 11.0), 0);
    }

    @Test
    void whileInsideMapRunsEachElementItsOwnNumberOfSteps() {
        Shape v = Shape.vec(4);
        Prog f = compose(sum(v), map(4, GROW));
        double[] x = {0.5, 3.3, 7.9, 12};
        double[] g = new double[4];
        for (int i = 0; i < 4; i++) {
            assertTrue(awayFromTripCountChange(x[i]));
            g[i] = growReference(x[i])[1];
        }
        assertNotEquals(growReference(x[0])[2], growReference(x[2])[2], "elements should take different numbers of steps");
        close("grad", g, AD.grad(f, x), 1e-12);
        close("grad program", g, AD.eval(AD.grad(f), x), 1e-12);
        close("jacfwd", g, AD.jacfwd(f, x)[0], 1e-12);
        allModes("map while", f, x, new Random(6));
        allModes("map while, vector out", map(4, GROW), x, new Random(7));
    }

    @Test
    void whileWithADifferentiableCounterInItsState() {
        // state (x, c): (x, c) ↦ (x + 0.3 sin(x·c), c + 1) while c < 4; the trip count depends on c,
        // and the derivative flows into c through sin(x·c)
        Prog stepX = compose(add, fork(exl(R, R), compose(scale(0.3), sin, mul)));
        Prog stepC = compose(offset(1), exr(R, R));
        Prog loop = whileLoop(compose(offset(4), neg, exr(R, R)), fork(stepX, stepC), 100);
        Prog f = compose(mul, loop);   // x_final · c_final
        var rnd = new Random(8);
        for (double c0 : new double[] {-1.6, 0.37, 2.5, 3.9}) {
            double x0 = 0.8;
            double x = x0, c = c0;
            while (4 - c > 0) { x = x + 0.3 * Math.sin(x * c); c = c + 1; }
            assertEquals(x * c, AD.eval1(f, x0, c0), 1e-13, "value from c0 = " + c0);
            allModes("while with counter from c0 = " + c0, f, new double[] {x0, c0}, rnd);
            allModes("while with counter, pair out, from c0 = " + c0, loop, new double[] {x0, c0}, rnd);
        }
    }

    // ------------------------------------------------------------------ iterate

    @Test
    void iterateDifferentiatesEveryStep() {
        // (x, y) ↦ (x + 0.1 sin y, y + 0.1 x y), six times
        Prog step = fork(compose(add, fork(exl(R, R), compose(scale(0.1), sin, exr(R, R)))),
                compose(add, fork(exr(R, R), compose(scale(0.1), mul))));
        Prog f = iterate(6, step);
        var rnd = new Random(9);
        for (int k = 0; k < 5; k++) {
            double[] x0 = random(rnd, 2, -1.5, 1.5);
            double x = x0[0], y = x0[1];
            for (int i = 0; i < 6; i++) {
                double nx = x + 0.1 * Math.sin(y), ny = y + 0.1 * x * y;
                x = nx;
                y = ny;
            }
            close("iterate value", new double[] {x, y}, AD.eval(f, x0), 1e-14);
            allModes("iterate", f, x0, rnd);
            allModes("iterate then mul", compose(mul, f), x0, rnd);
        }
        // iterate 0 is the identity, iterate 1 the step
        assertArrayEquals(new double[] {0.3, 0.4}, AD.eval(iterate(0, step), 0.3, 0.4), 0);
        assertArrayEquals(AD.eval(step, 0.3, 0.4), AD.eval(iterate(1, step), 0.3, 0.4), 0);
        allModes("iterate 0", compose(mul, iterate(0, step)), new double[] {0.3, 0.4}, rnd);
    }

    // ------------------------------------------------------------------ fold, scan, mapAccum

    /** (c, a) ↦ c·cos a + sin(c·a) : R × R → R */
    static final Prog FOLD_STEP = compose(add, fork(compose(mul, cross(id(R), cos)), compose(sin, mul)));

    static double foldStep(double c, double a) { return c * Math.cos(a) + Math.sin(c * a); }

    @Test
    void foldDifferentiatesEachStepInOrder() {
        int n = 6;
        Prog f = fold(n, FOLD_STEP);
        var rnd = new Random(10);
        for (int k = 0; k < 5; k++) {
            double[] x = random(rnd, n + 1, -1.5, 1.5);
            double c = x[0];
            for (int i = 0; i < n; i++) c = foldStep(c, x[1 + i]);
            assertEquals(c, AD.eval1(f, x), 1e-14, "fold value");
            allModes("fold", f, x, rnd);
        }
    }

    @Test
    void scanDifferentiatesEveryCarry() {
        int n = 5;
        Prog f = scan(n, FOLD_STEP);
        var rnd = new Random(11);
        for (int k = 0; k < 5; k++) {
            double[] x = random(rnd, n + 1, -1.5, 1.5);
            double c = x[0];
            double[] expected = new double[n];
            for (int i = 0; i < n; i++) expected[i] = c = foldStep(c, x[1 + i]);
            close("scan value", expected, AD.eval(f, x), 1e-14);
            allModes("scan", f, x, rnd);
            allModes("sum of scan", compose(sum(Shape.vec(n)), f), x, rnd);
        }
    }

    /** ((c, a) ↦ (c·a + sin c, c + a²)) : C × A → C × B with C = A = B = R */
    static final Prog ACCUM_STEP = fork(compose(add, fork(mul, compose(sin, exl(R, R)))),
            compose(add, fork(exl(R, R), compose(square, exr(R, R)))));

    /** {@return mapAccumL or mapAccumR by hand: the carry, then the outputs} */
    static double[] accumReference(double[] x, boolean reverse) {
        int n = x.length - 1;
        double c = x[0];
        double[] out = new double[n + 1];
        for (int j = 0; j < n; j++) {
            int i = reverse ? n - 1 - j : j;
            double a = x[1 + i];
            out[1 + i] = c + a * a;
            c = c * a + Math.sin(c);
        }
        out[0] = c;
        return out;
    }

    @Test
    void mapAccumRRunsRightToLeftInEveryMode() {
        int n = 5;
        var rnd = new Random(12);
        for (boolean reverse : new boolean[] {true, false}) {
            Prog f = reverse ? mapAccumR(n, ACCUM_STEP) : mapAccum(n, ACCUM_STEP);
            for (int k = 0; k < 4; k++) {
                double[] x = random(rnd, n + 1, -1.2, 1.2);
                close((reverse ? "mapAccumR" : "mapAccumL") + " value", accumReference(x, reverse), AD.eval(f, x), 1e-14);
                allModes(reverse ? "mapAccumR" : "mapAccumL", f, x, rnd);
            }
        }
        double[] x = {0.3, 0.1, -0.7, 0.9, 0.4, -0.2};
        assertFalse(java.util.Arrays.equals(AD.eval(mapAccumR(n, ACCUM_STEP), x), AD.eval(mapAccum(n, ACCUM_STEP), x)),
                "left and right must differ on this input, or the test cannot tell them apart");
    }

    @Test
    void mapAccumWithArrayCarryAndPairElements() {
        // carry [2]R, elements R × R: (c, (a, b)) ↦ (c·a + repl b, sum c · b)
        Shape c2 = Shape.vec(2);
        Shape ab = RR;
        Prog c = exl(c2, ab), a = compose(exl(R, R), exr(c2, ab)), b = compose(exr(R, R), exr(c2, ab));
        Prog newC = compose(add(c2), fork(compose(scaleVec(2), fork(a, c)), compose(repl(2, R), b)));
        Prog out = compose(mul, fork(compose(sum(c2), c), compose(sin, b)));
        Prog f = mapAccumR(3, fork(newC, out));
        var rnd = new Random(13);
        for (int k = 0; k < 3; k++) allModes("mapAccumR with array carry", f, random(rnd, 2 + 3 * 2, -1.2, 1.2), rnd);
    }

    @Test
    void loopsNestInsideEachOther() {
        // fold whose step is a cond whose branch is an iterate
        Prog inner = cond(sub, compose(iterate(3, compose(scale(0.9), sin)), mul), compose(tanh, add));
        Prog f = fold(4, inner);
        var rnd = new Random(14);
        for (int k = 0; k < 5; k++) allModes("fold of cond of iterate", f, random(rnd, 5, -1.5, 1.5), rnd);
    }
}
