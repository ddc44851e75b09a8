package catad.interpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import catad.dsl.Prog;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

/**
 * Numerical references for the tests: central finite differences (JAX {@code check_grads} style:
 * step relative to |x|, tolerance relative to the magnitudes involved) and comparisons of every
 * derivative mode of a program against each other.
 */
final class Num {
    private Num() {}

    /** Relative finite-difference step; central differences have error O(h²) + O(ε/h), balanced near ε^(1/3). */
    static final double FD_STEP = 1e-5;

    /** Relative tolerance of a derivative against central finite differences. */
    static final double FD_TOL = 1e-6;

    /** Relative tolerance between two exact modes (numeric vs program, forward vs reverse). */
    static final double MODE_TOL = 1e-12;

    /** {@return the step for coordinate value x: relative to |x|, at least FD_STEP} */
    static double step(double x) { return FD_STEP * Math.max(1, Math.abs(x)); }

    /** {@return the Jacobian of a function by central differences, J[i][j] = ∂fᵢ/∂xⱼ} */
    static double[][] fdJacobian(Function<double[], double[]> f, double[] x, int m) {
        int n = x.length;
        var jac = new double[m][n];
        for (int j = 0; j < n; j++) {
            double[] xp = x.clone(), xm = x.clone();
            xp[j] = x[j] + step(x[j]);
            xm[j] = x[j] - step(x[j]);
            double h2 = xp[j] - xm[j];          // the step actually taken, after rounding
            double[] fp = f.apply(xp), fm = f.apply(xm);
            for (int i = 0; i < m; i++) jac[i][j] = (fp[i] - fm[i]) / h2;
        }
        return jac;
    }

    /** {@return the Jacobian of a program by central differences of {@link AD#eval}} */
    static double[][] fdJacobian(Prog f, double[] x) {
        return fdJacobian(y -> AD.eval(f, y), x, f.cod().dim());
    }

    /** {@return the Hessian of a program to R by central differences of its gradient (reverse mode)} */
    static double[][] fdHessian(Prog f, double[] x) {
        return fdJacobian(y -> AD.grad(f, y), x, x.length);
    }

    static double[] mul(double[][] a, double[] u) {
        var y = new double[a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < u.length; j++) y[i] += a[i][j] * u[j];
        return y;
    }

    /** {@return aᵀ v for an m×n matrix a; n is given since a may have no rows} */
    static double[] mulT(double[][] a, double[] v, int n) {
        var y = new double[n];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < n; j++) y[j] += a[i][j] * v[i];
        return y;
    }

    /** {@return |a| applied to |u|: the magnitude of the terms summed in a·u, the natural error scale} */
    static double[] absMul(double[][] a, double[] u) {
        var y = new double[a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < u.length; j++) y[i] += Math.abs(a[i][j] * u[j]);
        return y;
    }

    static double[] absMulT(double[][] a, double[] v, int n) {
        var y = new double[n];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < n; j++) y[j] += Math.abs(a[i][j] * v[i]);
        return y;
    }

    static double dot(double[] a, double[] b) {
        assertEquals(a.length, b.length, "dot of vectors of different lengths");
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double absDot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += Math.abs(a[i] * b[i]);
        return s;
    }

    static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static double[] slice(double[] a, int from, int to) { return Arrays.copyOfRange(a, from, to); }

    static double[] flat(double[][] m) {
        return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
    }

    static double[] random(Random rnd, int n, double lo, double hi) {
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * rnd.nextDouble();
        return x;
    }

    /**
     * Asserts {@code |actual[i] - expected[i]| ≤ rtol · (1 + max(scale[i], |expected[i]|))} for every
     * i, with a message that shows both vectors; scale is the magnitude of what was summed to get the
     * value (so cancellation does not make the check impossibly tight). NaN never passes.
     */
    static void close(String what, double[] expected, double[] actual, double[] scale, double rtol) {
        if (expected.length != actual.length)
            fail(what + ": expected " + expected.length + " numbers, got " + actual.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = rtol * (1 + Math.max(scale[i], Math.abs(expected[i])));
            if (!(Math.abs(expected[i] - actual[i]) <= tol))
                fail(what + ": entry " + i + " differs by " + Math.abs(expected[i] - actual[i]) + " > " + tol
                        + "\n expected " + Arrays.toString(expected) + "\n actual   " + Arrays.toString(actual));
        }
    }

    /** Same, with the values' own magnitudes as the scale. */
    static void close(String what, double[] expected, double[] actual, double rtol) {
        close(what, expected, actual, new double[expected.length], rtol);
    }

    static void close(String what, double expected, double actual, double scale, double rtol) {
        close(what, new double[] {expected}, new double[] {actual}, new double[] {scale}, rtol);
    }

    static void close(String what, double[][] expected, double[][] actual, double rtol) {
        assertEquals(expected.length, actual.length, what + ": row count");
        for (int i = 0; i < expected.length; i++) close(what + " row " + i, expected[i], actual[i], rtol);
    }

    /**
     * {@return t₀ + … + tₙ₋₁ in catad's canonical order ({@link catad.dsl.Sums}), written out plainly
     * from its definition: eight running sums over blocks of 8, combined
     * {@code ((a0+a4) + (a2+a6)) + ((a1+a5) + (a3+a7))}, then the rest in order}
     */
    static double canonicalSum(double... t) {
        double[] a = new double[8];
        int blocks = t.length / 8;
        for (int b = 0; b < blocks; b++)
            for (int l = 0; l < 8; l++) a[l] = a[l] + t[8 * b + l];
        double s = ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
        for (int j = 8 * blocks; j < t.length; j++) s = s + t[j];
        return s;
    }

    /** {@return 0.0 + t₀ + … + tₙ₋₁, strictly left to right: what catad summed before its canonical order} */
    static double leftToRightSum(double... t) {
        double s = 0.0;
        for (double e : t) s = s + e;
        return s;
    }

    /** Asserts the same bits, NaN payloads and signed zeros included. */
    static void sameBits(String what, double[] expected, double[] actual) {
        if (expected.length != actual.length) fail(what + ": lengths " + expected.length + " vs " + actual.length);
        for (int i = 0; i < expected.length; i++)
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i]))
                fail(what + ": entry " + i + " is " + actual[i] + " (bits " + Long.toHexString(Double.doubleToRawLongBits(actual[i]))
                        + ") but was " + expected[i] + " (bits " + Long.toHexString(Double.doubleToRawLongBits(expected[i])) + ")");
    }

    /**
     * Checks every derivative mode of f at x against central finite differences and against each
     * other: jacfwd, jacrev, jvp and vjp (numeric), the jvp and vjp programs, and for f to R grad
     * (numeric and program) and valueAndGrad. Tangent and cotangent come from rnd.
     */
    static void allModes(String name, Prog f, double[] x, Random rnd) {
        int n = f.dom().dim(), m = f.cod().dim();
        double[][] fd = fdJacobian(f, x);
        double[][] jf = AD.jacfwd(f, x), jr = AD.jacrev(f, x);
        for (int i = 0; i < m; i++) {
            close(name + " jacfwd vs finite differences", fd[i], jf[i], FD_TOL);
            close(name + " jacrev vs jacfwd", jf[i], jr[i], MODE_TOL);
        }
        double[] u = random(rnd, n, -1, 1), v = random(rnd, m, -1, 1);
        double[] y = AD.eval(f, x);
        var jvp = AD.jvp(f, x, u);
        sameBits(name + " jvp primal vs eval", y, jvp._1);
        close(name + " jvp vs finite differences", mul(fd, u), jvp._2, absMul(fd, u), FD_TOL);
        double[] vjp = AD.vjp(f, x, v);
        close(name + " vjp vs finite differences", mulT(fd, v, n), vjp, absMulT(fd, v, n), FD_TOL);
        close(name + " vjp·u vs v·jvp", dot(v, jvp._2), dot(vjp, u), absDot(v, absMul(fd, u)), MODE_TOL * 10);
        double[] jvpProg = AD.eval(AD.jvp(f), concat(x, u));
        close(name + " jvp program primal", y, slice(jvpProg, 0, m), MODE_TOL);
        close(name + " jvp program tangent", jvp._2, slice(jvpProg, m, 2 * m), absMul(fd, u), MODE_TOL);
        double[] vjpProg = AD.eval(AD.vjp(f), concat(x, v));
        close(name + " vjp program", vjp, vjpProg, absMulT(fd, v, n), MODE_TOL);
        if (f.cod().equals(catad.dsl.Shape.R)) {
            double[] g = AD.grad(f, x);
            close(name + " grad vs finite differences", fd[0], g, FD_TOL);
            close(name + " grad program", g, AD.eval(AD.grad(f), x), MODE_TOL);
            var vg = AD.valueAndGrad(f, x);
            assertEquals(Double.doubleToRawLongBits(y[0]), Double.doubleToRawLongBits(vg._1), name + " valueAndGrad value");
            sameBits(name + " valueAndGrad gradient", g, vg._2);
            double[] vgProg = AD.eval(AD.valueAndGrad(f), x);
            close(name + " valueAndGrad program", concat(y, g), vgProg, MODE_TOL);
        }
    }
}
