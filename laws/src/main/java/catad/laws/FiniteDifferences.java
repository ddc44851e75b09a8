package catad.laws;

import java.util.function.UnaryOperator;

/**
 * Central finite differences that say how far off they may be.
 *
 * <p>Every estimate is the Richardson extrapolation {@code R = (4 D(h/2) − D(h)) / 3} of two central
 * differences {@code D(h) = (f(x + h) − f(x − h)) / 2h}, which cancels their {@code h²} truncation
 * term. Its error estimate is the sum of
 * <ul>
 * <li>the truncation part {@code |D(h) − D(h/2)|}: three times the error of {@code D(h/2)} while the
 *     expansion in {@code h} holds, so a generous bound on the error of {@code R}; and since the two
 *     differences are taken at different points, rounding noise that the next part underestimates
 *     (cancellation inside {@code f}) shows up here too;</li>
 * <li>the rounding part: {@link #NOISE_ULPS} ulps of each function value, divided by the step, as
 *     the extrapolation weights add it up.</li>
 * </ul>
 *
 * <p>Steps are powers of two near {@link #STEP} times the scale of a coordinate, so {@code h/2} is
 * exact and {@code x ± h} is exactly representable unless it crosses into a wider binade; the
 * differences divide by the step actually taken. {@code STEP ≈ ε^(1/4)} sits between the
 * {@code ε^(1/3)} that balances a plain central difference and the {@code ε^(1/5)} that balances the
 * extrapolated one: the value is then accurate to a few ulps per step, and the estimate (whose
 * truncation part is of order {@code h²}) stays near {@code 1e-9} relative for smooth functions of
 * unit scale, far inside {@link Tolerance#FINITE_DIFFERENCE}.
 *
 * <p>A coordinate's scale is {@code max(|xₖ|, 1)}, and also {@code |xₖ|} when that is smaller:
 * {@code exp} near {@code 1e-8} needs the first (a relative step would drown in rounding), {@code log}
 * and {@code 1/x} there need the second (an absolute step would leave the domain). Both are tried and
 * the estimate with the smaller error is kept, entry by entry.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {}

    /** The step relative to a coordinate's scale, before rounding down to a power of two: {@code 2⁻¹³ ≈ 1.2e-4}. */
    public static final double STEP = 0x1p-13;

    /** How many ulps of rounding error each function value is assumed to carry. */
    public static final double NOISE_ULPS = 8;

    /**
     * How many times its estimated error a finite difference may be off before a comparison fails;
     * above 1 because the rounding part is a typical, not a worst, case.
     */
    public static final double MARGIN = 4;

    /**
     * The weight of the error estimate in {@link Jacobian#scale} and {@link Directional#scale}:
     * compared at {@link Tolerance#FINITE_DIFFERENCE}, the allowed difference is then at least
     * {@link #MARGIN} times the estimated error.
     */
    public static final double ERROR_WEIGHT = MARGIN / Tolerance.FINITE_DIFFERENCE.rtol();

    /** Below this a coordinate is too small to serve as its own scale (the step would be subnormal). */
    private static final double MIN_RELATIVE_SCALE = 0x1p-900;

    // ---------------------------------------------------------------- results

    /**
     * A Jacobian by finite differences, with the error of each entry.
     * @param j {@code j[i][k] ≈ ∂fᵢ/∂xₖ}, NaN where {@code f} could not be differenced
     * @param error {@code error[i][k]}, how far {@code j[i][k]} may be from the true derivative (infinite where NaN)
     */
    public record Jacobian(double[][] j, double[][] error) {
        /** {@return {@code J u}} @param u a tangent */
        public double[] apply(double[] u) {
            var out = new double[j.length];
            for (int i = 0; i < j.length; i++) for (int k = 0; k < u.length; k++) out[i] += j[i][k] * u[k];
            return out;
        }

        /** {@return {@code Jᵀ v}} @param v a cotangent @param dom input dimension */
        public double[] applyTransposed(double[] v, int dom) {
            var out = new double[dom];
            for (int i = 0; i < j.length; i++) for (int k = 0; k < dom; k++) out[k] += j[i][k] * v[i];
            return out;
        }

        /** {@return per output, {@code Σₖ error[i][k] |uₖ|}: how far {@code (J u)ᵢ} may be off} @param u a tangent */
        public double[] error(double[] u) {
            var out = new double[j.length];
            for (int i = 0; i < j.length; i++) for (int k = 0; k < u.length; k++) out[i] += error[i][k] * Math.abs(u[k]);
            return out;
        }

        /** {@return per input, how far {@code (Jᵀ v)ₖ} may be off} @param v a cotangent @param dom input dimension */
        public double[] errorTransposed(double[] v, int dom) {
            var out = new double[dom];
            for (int i = 0; i < j.length; i++) for (int k = 0; k < dom; k++) out[k] += error[i][k] * Math.abs(v[i]);
            return out;
        }

        /**
         * {@return per output, {@code Σₖ |J[i][k] uₖ|} plus {@link #ERROR_WEIGHT} times {@link #error(double[])}:
         * the scale for comparing {@code J u} at {@link Tolerance#FINITE_DIFFERENCE}}
         * @param u a tangent
         */
        public double[] scale(double[] u) {
            var out = error(u);
            for (int i = 0; i < j.length; i++) {
                out[i] *= ERROR_WEIGHT;
                for (int k = 0; k < u.length; k++) out[i] += Math.abs(j[i][k] * u[k]);
            }
            return out;
        }

        /** {@return per input, the scale for comparing {@code Jᵀ v}, as {@link #scale}} @param v a cotangent @param dom input dimension */
        public double[] scaleTransposed(double[] v, int dom) {
            var out = errorTransposed(v, dom);
            for (int k = 0; k < dom; k++) out[k] *= ERROR_WEIGHT;
            for (int i = 0; i < j.length; i++) for (int k = 0; k < dom; k++) out[k] += Math.abs(j[i][k] * v[i]);
            return out;
        }
    }

    /**
     * A directional derivative {@code J w} by finite differences, with its error.
     *
     * <p>The points {@code x ± h u} are rounded coordinate by coordinate, so the difference is exactly
     * along a direction {@code w} that may differ from {@code u} in the last bits (more where
     * {@code |uₖ|} is tiny beside {@code |xₖ|}); {@code direction} is that {@code w}, and a derivative
     * compared with {@code value} should be taken along it.
     *
     * @param value {@code J w}, per output; NaN where {@code f} could not be differenced
     * @param error how far each entry of {@code value} may be off (infinite where NaN)
     * @param direction {@code w}, the direction the differences were taken along
     */
    public record Directional(double[] value, double[] error, double[] direction) {
        /** {@return per output, {@code |value|} plus {@link #ERROR_WEIGHT} times {@code error}, as {@link Jacobian#scale}} */
        public double[] scale() {
            var out = new double[value.length];
            for (int i = 0; i < out.length; i++) out[i] = Math.abs(value[i]) + ERROR_WEIGHT * error[i];
            return out;
        }
    }

    // ---------------------------------------------------------------- entry points

    /**
     * {@return the Jacobian of {@code f} at {@code x}, column by column: 4 evaluations of {@code f} per
     * coordinate, 8 for a coordinate with {@code 0 < |xₖ| < 1}}
     * @param f the function, flat to flat
     * @param x the point
     * @param codDim the output dimension
     */
    public static Jacobian jacobian(UnaryOperator<double[]> f, double[] x, int codDim) {
        int n = x.length;
        var j = new double[codDim][n];
        var error = new double[codDim][n];
        for (int i = 0; i < codDim; i++) java.util.Arrays.fill(error[i], Double.POSITIVE_INFINITY);
        for (int k = 0; k < n; k++) {
            var e = new double[n];
            e[k] = 1;
            for (double scale : scales(x[k])) {
                var c = extrapolate(f, x, e, step(scale), codDim);
                // the span actually stepped along e: divide it out so the column is ∂f/∂xₖ exactly
                double wk = c.direction()[k];
                for (int i = 0; i < codDim; i++) {
                    double err = c.error()[i] / Math.abs(wk);
                    if (err < error[i][k]) { error[i][k] = err; j[i][k] = c.value()[i] / wk; }
                }
            }
            for (int i = 0; i < codDim; i++) if (error[i][k] == Double.POSITIVE_INFINITY) j[i][k] = Double.NaN;
        }
        return new Jacobian(j, error);
    }

    /**
     * {@return the derivative of {@code f} at {@code x} along {@code u}: 4 evaluations of {@code f}, or
     * 8 when some coordinate with {@code uₖ ≠ 0} has {@code 0 < |xₖ| < 1}}; much cheaper than
     * {@link #jacobian} for wide inputs
     * @param f the function, flat to flat
     * @param x the point
     * @param u the direction
     */
    public static Directional directional(UnaryOperator<double[]> f, double[] x, double[] u) {
        if (u.length != x.length) throw new IllegalArgumentException("direction has " + u.length + " numbers but the point has " + x.length);
        // the step along u keeps every coordinate's offset within STEP of its scale
        double absolute = Double.POSITIVE_INFINITY, relative = Double.POSITIVE_INFINITY;
        for (int k = 0; k < x.length; k++) {
            if (u[k] == 0) continue;
            double[] s = scales(x[k]);
            absolute = Math.min(absolute, s[0] / Math.abs(u[k]));
            relative = Math.min(relative, s[s.length - 1] / Math.abs(u[k]));
        }
        if (absolute == Double.POSITIVE_INFINITY) absolute = relative = 1;   // u = 0: any step gives 0
        Directional best = null;
        double bestError = Double.NaN;
        for (double scale : relative < absolute ? new double[] {absolute, relative} : new double[] {absolute}) {
            var c = extrapolate(f, x, u, step(scale), -1);
            double total = 0;
            for (double e : c.error()) total += e;
            if (best == null || total < bestError || Double.isNaN(bestError)) { best = c; bestError = total; }
        }
        return best;
    }

    // ---------------------------------------------------------------- the differences

    /** {@return {@code max(|c|, 1)}, then {@code |c|} when that is a smaller usable scale} */
    private static double[] scales(double c) {
        double a = Math.abs(c);
        return a < 1 && a >= MIN_RELATIVE_SCALE ? new double[] {1, a} : new double[] {Math.max(a, 1)};
    }

    /** {@return the power of two at or just below {@code STEP · scale}} */
    static double step(double scale) {
        return Math.scalb(1.0, Math.getExponent(STEP * scale));
    }

    /**
     * {@return the extrapolated difference along {@code d} at steps {@code h} and {@code h/2}, its error,
     * and the direction it was actually taken along}; a non-finite error makes the value NaN
     * @param codDim the output dimension, or -1 to take it from {@code f}
     */
    private static Directional extrapolate(UnaryOperator<double[]> f, double[] x, double[] d, double h, int codDim) {
        var coarse = central(f, x, d, h);
        var fine = central(f, x, d, h / 2);
        int m = codDim < 0 ? coarse.value().length : codDim;
        var value = new double[m];
        var error = new double[m];
        for (int i = 0; i < m; i++) {
            double dh = coarse.value()[i], dh2 = fine.value()[i];
            value[i] = (4 * dh2 - dh) / 3;
            error[i] = Math.abs(dh - dh2) + (4 * fine.error()[i] + coarse.error()[i]) / 3;
            if (!Double.isFinite(error[i]) || !Double.isFinite(value[i])) { value[i] = Double.NaN; error[i] = Double.POSITIVE_INFINITY; }
        }
        var w = new double[x.length];
        for (int k = 0; k < w.length; k++) w[k] = (4 * fine.direction()[k] - coarse.direction()[k]) / 3;
        return new Directional(value, error, w);
    }

    /** {@return one central difference along {@code d} at step {@code h}, its rounding noise, and the direction of the rounded points} */
    private static Directional central(UnaryOperator<double[]> f, double[] x, double[] d, double h) {
        int n = x.length;
        var xp = new double[n];
        var xm = new double[n];
        var w = new double[n];
        for (int k = 0; k < n; k++) {
            xp[k] = x[k] + h * d[k];
            xm[k] = x[k] - h * d[k];
            w[k] = (xp[k] - xm[k]) / (2 * h);
        }
        var fp = f.apply(xp);
        var fm = f.apply(xm);
        var value = new double[fp.length];
        var noise = new double[fp.length];
        for (int i = 0; i < fp.length; i++) {
            value[i] = (fp[i] - fm[i]) / (2 * h);
            noise[i] = NOISE_ULPS * (Math.ulp(fp[i]) + Math.ulp(fm[i])) / (2 * h);
        }
        return new Directional(value, noise, w);
    }
}
