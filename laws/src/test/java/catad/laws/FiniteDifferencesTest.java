package catad.laws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link FiniteDifferences} against derivatives known in closed form, across scales: the estimate is
 * accurate, its error estimate bounds the true error and is small enough to catch wrong derivatives.
 */
class FiniteDifferencesTest {

    /** A scalar function with its derivative and the open interval where both are defined. */
    record Fn(String name, DoubleUnaryOperator f, DoubleUnaryOperator df, double lo, double hi) {
        boolean defined(double x) { return x > lo && x < hi; }
    }

    static final List<Fn> FUNCTIONS = List.of(
            new Fn("exp", StrictMath::exp, StrictMath::exp, -700, 700),
            new Fn("sin", StrictMath::sin, StrictMath::cos, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY),
            new Fn("log", StrictMath::log, x -> 1 / x, 0, Double.POSITIVE_INFINITY),
            new Fn("1/x", x -> 1 / x, x -> -1 / (x * x), 0, Double.POSITIVE_INFINITY),
            new Fn("-1/x", x -> -1 / x, x -> 1 / (x * x), Double.NEGATIVE_INFINITY, 0),
            new Fn("sqrt", StrictMath::sqrt, x -> 0.5 / StrictMath.sqrt(x), 0, Double.POSITIVE_INFINITY),
            new Fn("atan", StrictMath::atan, x -> 1 / (1 + x * x), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY),
            new Fn("x³", x -> x * x * x, x -> 3 * x * x, -1e100, 1e100));

    /** The points of every scale from 1e-8 to 1e8, both signs, and some in between. */
    static final double[] POINTS = points();

    private static double[] points() {
        var out = new ArrayList<Double>();
        for (int e = -8; e <= 8; e++) for (double m : new double[] {1, 3.7}) { out.add(m * Math.pow(10, e)); out.add(-m * Math.pow(10, e)); }
        out.add(0.0);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static FiniteDifferences.Jacobian scalar(DoubleUnaryOperator f, double x) {
        return FiniteDifferences.jacobian(y -> new double[] {f.applyAsDouble(y[0])}, new double[] {x}, 1);
    }

    @Test
    void theErrorEstimateBoundsTheTrueErrorAtEveryScale() {
        int checked = 0;
        for (var fn : FUNCTIONS)
            for (double x : POINTS) {
                if (!fn.defined(x)) continue;
                var jac = scalar(fn.f(), x);
                double est = jac.j()[0][0], err = jac.error()[0][0], exact = fn.df().applyAsDouble(x);
                String where = fn.name() + "'(" + x + "): exact " + exact + ", estimate " + est + " ± " + err;
                assertTrue(Math.abs(est - exact) <= err, where);
                checked++;
            }
        assertTrue(checked > 150, "only " + checked + " cases");
    }

    @Test
    void theEstimateIsAccurateAtEveryScale() {
        for (var fn : FUNCTIONS)
            for (double x : POINTS) {
                if (!fn.defined(x)) continue;
                var jac = scalar(fn.f(), x);
                double exact = fn.df().applyAsDouble(x), est = jac.j()[0][0], err = jac.error()[0][0];
                // relative to the derivative, or to f's own rate |f|/max(|x|, 1) where the derivative is far smaller (atan far out)
                double scale = Math.max(Math.abs(exact), Math.abs(fn.f().applyAsDouble(x)) / Math.max(Math.abs(x), 1));
                String where = fn.name() + "'(" + x + "): exact " + exact + ", estimate " + est + " ± " + err;
                // plus absolute floors far inside FINITE_DIFFERENCE's atol, for x³ at 0 whose scales all vanish
                assertTrue(Math.abs(est - exact) <= 1e-9 * scale + 1e-12, where);
                assertTrue(err <= 1e-6 * scale + 1e-7, where);
            }
    }

    @Test
    void outsideTheDomainTheEstimateIsNaNNotAGuess() {
        var jac = scalar(StrictMath::log, -1);
        assertTrue(Double.isNaN(jac.j()[0][0]));
        assertEquals(Double.POSITIVE_INFINITY, jac.error()[0][0]);
        // at the edge, the step shrinks with the coordinate and stays inside
        var edge = scalar(StrictMath::log, 1e-300);
        assertEquals(1e300, edge.j()[0][0], 1e300 * 1e-9);
    }

    @Test
    void richardsonIsMoreAccurateThanPlainCentralDifferences() {
        double richardson = 0, sameStep = 0, bestStep = 0;
        // ε^(1/3), the step that balances a plain central difference's truncation and rounding
        double hBest = Math.scalb(1.0, Math.getExponent(Math.cbrt(Math.ulp(1.0))));
        for (int i = 0; i < 50; i++) {
            double x = 0.1 + 0.05 * i;
            DoubleUnaryOperator f = t -> StrictMath.sin(StrictMath.exp(t));
            double exact = StrictMath.cos(StrictMath.exp(x)) * StrictMath.exp(x);
            double h = FiniteDifferences.step(1);
            richardson += Math.abs(scalar(f, x).j()[0][0] - exact);
            sameStep += Math.abs(central(f, x, h) - exact);
            bestStep += Math.abs(central(f, x, hBest) - exact);
        }
        assertTrue(richardson * 100 < sameStep, "Richardson " + richardson + " vs central at the same step " + sameStep);
        assertTrue(richardson * 3 < bestStep, "Richardson " + richardson + " vs central at its best step " + bestStep);
    }

    private static double central(DoubleUnaryOperator f, double x, double h) {
        return (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / ((x + h) - (x - h));
    }

    /** f(x) = (x₀ x₁, exp(x₀/10) sin x₁, log x₂, x₁ / x₂) with its Jacobian, at points mixing scales. */
    static final UnaryOperator<double[]> F = x -> new double[] {
            x[0] * x[1], StrictMath.exp(x[0] / 10) * StrictMath.sin(x[1]), StrictMath.log(x[2]), x[1] / x[2]};

    static double[][] exactJacobian(double[] x) {
        double e = StrictMath.exp(x[0] / 10), s = StrictMath.sin(x[1]), c = StrictMath.cos(x[1]);
        return new double[][] {
                {x[1], x[0], 0},
                {e * s / 10, e * c, 0},
                {0, 0, 1 / x[2]},
                {0, 1 / x[2], -x[1] / (x[2] * x[2])}};
    }

    static double[] mul(double[][] a, double[] u) {
        var out = new double[a.length];
        for (int i = 0; i < a.length; i++) for (int k = 0; k < u.length; k++) out[i] += a[i][k] * u[k];
        return out;
    }

    @Test
    void directionalDerivativesBoundTheirErrorAndAgreeWithTheJacobian() {
        var rnd = new SplittableRandom(7);
        double[][] xs = {{0.5, 1.5, 2}, {1e-6, -3, 1e-7}, {40, 1e-8, 1e6}, {-7, 2e3, 0.3}};
        for (double[] x : xs)
            for (int trial = 0; trial < 20; trial++) {
                var u = new double[3];
                for (int k = 0; k < 3; k++) u[k] = 2 * rnd.nextDouble() - 1;
                var d = FiniteDifferences.directional(F, x, u);
                var exact = mul(exactJacobian(x), d.direction());
                var jac = FiniteDifferences.jacobian(F, x, 4);
                var ju = jac.apply(d.direction());
                var jerr = jac.error(d.direction());
                for (int i = 0; i < 4; i++) {
                    String where = "x = " + java.util.Arrays.toString(x) + ", u = " + java.util.Arrays.toString(u) + ", output " + i;
                    assertTrue(Math.abs(d.value()[i] - exact[i]) <= d.error()[i], where + ": directional " + d.value()[i] + " ± " + d.error()[i] + " vs " + exact[i]);
                    assertTrue(Math.abs(ju[i] - exact[i]) <= jerr[i] + 1e-15 * Math.abs(exact[i]), where + ": jacobian " + ju[i] + " ± " + jerr[i] + " vs " + exact[i]);
                }
                if (x == xs[0]) for (int k = 0; k < 3; k++) assertEquals(u[k], d.direction()[k], 1e-10, "realized direction");
            }
    }

    @Test
    void aZeroDirectionGivesZero() {
        var d = FiniteDifferences.directional(F, new double[] {1, 2, 3}, new double[3]);
        for (double v : d.value()) assertEquals(0, v);
    }

    @Test
    void theDirectionMustFitThePoint() {
        assertThrows(IllegalArgumentException.class, () -> FiniteDifferences.directional(F, new double[] {1, 2, 3}, new double[2]));
    }

    @Test
    void scaleAtTheFiniteDifferenceToleranceAcceptsTheTrueDerivativeAndRejectsAWrongOne() {
        var rnd = new SplittableRandom(11);
        for (int trial = 0; trial < 200; trial++) {
            var x = new double[] {4 * rnd.nextDouble() - 2, 4 * rnd.nextDouble() - 2, 0.1 + 3 * rnd.nextDouble()};
            var u = new double[] {2 * rnd.nextDouble() - 1, 2 * rnd.nextDouble() - 1, 2 * rnd.nextDouble() - 1};
            var jac = FiniteDifferences.jacobian(F, x, 4);
            var exactJ = exactJacobian(x);
            var exact = mul(exactJ, u);
            var fd = jac.apply(u);
            var scale = jac.scale(u);
            var tol = Tolerance.FINITE_DIFFERENCE;
            for (int i = 0; i < 4; i++) {
                assertTrue(tol.close(exact[i], fd[i], scale[i]), "true derivative rejected at " + java.util.Arrays.toString(x));
                // off by a thousandth of the terms summed, the least a derivative rule gets wrong
                double terms = 0;
                for (int k = 0; k < 3; k++) terms += Math.abs(exactJ[i][k] * u[k]);
                double wrong = exact[i] + 1e-3 * terms + 1e-5;
                assertFalse(tol.close(wrong, fd[i], scale[i]), "wrong derivative accepted at " + java.util.Arrays.toString(x));
            }
        }
    }

    @Test
    void roundingInsideTheFunctionWidensTheEstimateHonestly() {
        // (g(t) + c) − c is g with the rounding of c's ulp in every value: far more than the output's ulps
        var rnd = new SplittableRandom(3);
        for (double c : new double[] {1e4, 1e6, 1e8})
            for (int trial = 0; trial < 100; trial++) {
                double x = 0.1 + 1.9 * rnd.nextDouble();
                var noisy = scalar(t -> (StrictMath.sin(t) + c) - c, x);
                var clean = scalar(StrictMath::sin, x);
                double exact = StrictMath.cos(x), err = noisy.error()[0][0];
                String where = "c = " + c + ", x = " + x + ": " + noisy.j()[0][0] + " ± " + err + " vs " + exact;
                assertTrue(Math.abs(noisy.j()[0][0] - exact) <= err, where);
                // the noise is seen: about an ulp of c over the step, far above the clean estimate's
                assertTrue(err >= Math.ulp(c) / FiniteDifferences.step(1), where);
                assertTrue(err > 100 * clean.error()[0][0], where);
            }
    }
}
