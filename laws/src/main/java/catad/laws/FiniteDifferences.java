package catad.laws;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.stream.DoubleStream;

/**
 * Central finite differences that say how far off they may be.
 *
 * <p>Every estimate is the Richardson extrapolation {@code R = (4 D(h/2) − D(h)) / 3} of two central
 * differences {@code D(h) = (f(x + h) − f(x − h)) / 2h}, which cancels their {@code h²} truncation
 * term. Its error estimate adds
 * <ul>
 * <li>the truncation part {@code |D(h) − D(h/2)|}: three times the error of {@code D(h/2)} while the
 *     expansion in {@code h} holds, so a generous bound on the error of {@code R};</li>
 * <li>the rounding part, {@code 3 σ / h}, for values off by {@code σ}, as the extrapolation weights
 *     add up their noise. {@code σ} is {@link #NOISE_ULPS} steps of the grid the values lie on (their
 *     ulp, or a coarser power of two that divides every difference between them: {@code f} rounded
 *     at a magnitude far above its output's), plus the residual
 *     {@code |E(h) − 4 E(h/2) + 3 f(x)|} of the even parts {@code E(s) = (f(x+s) + f(x−s))/2}, which is
 *     {@code O(h⁴)} for a smooth {@code f} and so measures the noise of the values themselves.</li>
 * </ul>
 * Rounding inside {@code f} on a grid that is not a power of two in the output's units (a
 * cancellation of large numbers, then a multiplication by 0.7) can still hide: every estimate above
 * is then a combination of grid points, zero more often than its typical size. Such noise is far
 * below the tolerances unless the cancelled magnitudes exceed the output's by a factor of about a
 * million.
 *
 * <p>Steps are powers of two near {@link #STEP} times the scale of a coordinate, so {@code h/2} is
 * exact and {@code x ± h} is exactly representable unless it crosses into a wider binade; the
 * differences divide by the step actually taken. {@code STEP ≈ ε^(1/4)} sits between the
 * {@code ε^(1/3)} that balances a plain central difference and the {@code ε^(1/5)} that balances the
 * extrapolated one: the value is then accurate to a few ulps per step, and the estimate (whose
 * truncation part is of order {@code h²}) stays near {@code 1e-9} relative for smooth functions of
 * unit scale, far inside {@link Tolerance#FINITE_DIFFERENCE}.
 *
 * <p>A coordinate's scale is 1 or {@code |xₖ|}, whichever gives the smaller error estimate, entry by
 * entry: near {@code 1e-8}, {@code exp} needs 1 (a relative step drowns in rounding) while {@code log}
 * and {@code 1/x} need {@code |xₖ|} (an absolute step leaves the domain); near {@code 1e8}, {@code log}
 * needs {@code |xₖ|} (an absolute step drowns in rounding) while {@code sin} needs 1 (a relative step
 * spans many periods). Trying both costs twice the evaluations and spares the caller a guess.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {}

    /** The step relative to a coordinate's scale, before rounding down to a power of two: {@code 2⁻¹³ ≈ 1.2e-4}. */
    public static final double STEP = 0x1p-13;

    /** How many steps of the grid its values lie on (their ulps, or coarser) each function value is assumed to be off. */
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

    /** Below this a coordinate is too small to serve as its own scale: the finer step would no longer be a normal number. */
    private static final double MIN_RELATIVE_SCALE = 0x1p-1000;

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
     * {@return the Jacobian of {@code f} at {@code x}, column by column: 8 evaluations of {@code f} per
     * coordinate, 4 where {@code xₖ} is 0 or ±1, and one at {@code x}}
     * @param f the function, flat to flat
     * @param x the point
     * @param codDim the output dimension
     */
    public static Jacobian jacobian(UnaryOperator<double[]> f, double[] x, int codDim) {
        int n = x.length;
        var j = new double[codDim][n];
        var error = new double[codDim][n];
        for (int i = 0; i < codDim; i++) Arrays.fill(error[i], Double.POSITIVE_INFINITY);
        var f0 = f.apply(x.clone());
        for (int k = 0; k < n; k++) {
            var e = new double[n];
            e[k] = 1;
            for (double scale : scales(x[k])) {
                var c = extrapolate(f, x, f0, e, step(scale));
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
     * {@return the derivative of {@code f} at {@code x} along {@code u}, from at most 13 evaluations of
     * {@code f} whatever the dimension: much cheaper than {@link #jacobian} for wide inputs}
     * The step along {@code u} keeps every coordinate's offset within {@link #STEP} of its scale;
     * the scales tried are all 1, all {@code |xₖ|}, and all {@code max(|xₖ|, 1)} (a point may mix
     * coordinates that want either), keeping the estimate whose total error is smallest.
     * @param f the function, flat to flat
     * @param x the point
     * @param u the direction
     */
    public static Directional directional(UnaryOperator<double[]> f, double[] x, double[] u) {
        if (u.length != x.length) throw new IllegalArgumentException("direction has " + u.length + " numbers but the point has " + x.length);
        double one = Double.POSITIVE_INFINITY, own = Double.POSITIVE_INFINITY, larger = Double.POSITIVE_INFINITY;
        for (int k = 0; k < x.length; k++) {
            if (u[k] == 0) continue;
            double a = Math.abs(u[k]), s = ownScale(x[k]);
            one = Math.min(one, 1 / a);
            own = Math.min(own, s / a);
            larger = Math.min(larger, Math.max(s, 1) / a);
        }
        if (one == Double.POSITIVE_INFINITY) one = own = larger = 1;   // u = 0: any step gives 0
        var f0 = f.apply(x.clone());
        Directional best = null;
        double bestError = Double.POSITIVE_INFINITY;
        for (double h : DoubleStream.of(step(one), step(own), step(larger)).distinct().toArray()) {
            var c = extrapolate(f, x, f0, u, h);
            double total = 0;
            for (double e : c.error()) total += e;
            if (best == null || total < bestError) { best = c; bestError = total; }
        }
        return best;
    }

    // ---------------------------------------------------------------- the differences

    /** {@return 1, then {@code |c|} when that is another usable scale} */
    private static double[] scales(double c) {
        double s = ownScale(c);
        return s == 1 ? new double[] {1} : new double[] {1, s};
    }

    /** {@return {@code |c|} when it can serve as a scale (neither tiny, zero nor infinite), else 1} */
    private static double ownScale(double c) {
        double a = Math.abs(c);
        return a >= MIN_RELATIVE_SCALE && a < Double.POSITIVE_INFINITY ? a : 1;
    }

    /** {@return the power of two at or just below {@code STEP · scale}} */
    static double step(double scale) {
        return Math.scalb(1.0, Math.getExponent(STEP * scale));
    }

    /**
     * {@return the extrapolated difference along {@code d} at steps {@code h} and {@code h/2}, its error,
     * and the direction it was actually taken along}; a non-finite error makes the value NaN
     * @param f0 {@code f(x)}
     */
    private static Directional extrapolate(UnaryOperator<double[]> f, double[] x, double[] f0, double[] d, double h) {
        int n = x.length;
        double[] xp = new double[n], xm = new double[n], xp2 = new double[n], xm2 = new double[n], w = new double[n];
        for (int k = 0; k < n; k++) {
            xp[k] = x[k] + h * d[k];
            xm[k] = x[k] - h * d[k];
            xp2[k] = x[k] + h / 2 * d[k];
            xm2[k] = x[k] - h / 2 * d[k];
            // the rounded points realize this direction, combined as the differences are
            w[k] = (4 * (xp2[k] - xm2[k]) / h - (xp[k] - xm[k]) / (2 * h)) / 3;
        }
        double[] fp = f.apply(xp), fm = f.apply(xm), fp2 = f.apply(xp2), fm2 = f.apply(xm2);
        int m = f0.length;
        var value = new double[m];
        var error = new double[m];
        for (int i = 0; i < m; i++) {
            double dh = (fp[i] - fm[i]) / (2 * h), dh2 = (fp2[i] - fm2[i]) / h;
            double residual = Math.abs((fp[i] + fm[i]) / 2 - 2 * (fp2[i] + fm2[i]) + 3 * f0[i]);
            double noise = NOISE_ULPS * grain(f0[i], fp[i], fm[i], fp2[i], fm2[i]) + residual;
            value[i] = (4 * dh2 - dh) / 3;
            // a value off by noise moves dh by noise/h and dh2 by 2 noise/h, so R by (4·2 + 1)/3 noise/h
            error[i] = Math.abs(dh - dh2) + 3 * noise / h;
            if (!Double.isFinite(error[i]) || !Double.isFinite(value[i])) { value[i] = Double.NaN; error[i] = Double.POSITIVE_INFINITY; }
        }
        return new Directional(value, error, w);
    }

    /**
     * {@return the spacing of the grid {@code f}'s values fall on near {@code x}: their ulp, or, when
     * every difference between them is a multiple of a coarser power of two, half that (the rounding
     * error of a value on that grid)}. A function that rounds at a magnitude far above its output's
     * ({@code (sin t + 1e8) − 1e8}) puts every value on the coarse grid; the spread and the residual,
     * combinations of grid points, are then exactly zero more often than not, while the value is off
     * by up to a grid step over {@code h}. A finer function puts the differences on the coarse grid
     * only by chance, {@code 2⁻⁴ʲ} for a grid {@code 2ʲ} times its ulp.
     * @param f0 the value at x @param others the values at the other points
     */
    static double grain(double f0, double... others) {
        double ulp = Math.ulp(f0), common = Double.POSITIVE_INFINITY;
        for (double o : others) {
            ulp = Math.max(ulp, Math.ulp(o));
            double d = o - f0;
            if (d != 0) common = Math.min(common, lowestBit(d));
        }
        return common == Double.POSITIVE_INFINITY ? ulp : Math.max(ulp, common / 2);
    }

    /** {@return the weight of the lowest set bit of {@code d ≠ 0}: the largest power of two it is a multiple of} */
    private static double lowestBit(double d) {
        long mantissa = Double.doubleToRawLongBits(d) & 0x000F_FFFF_FFFF_FFFFL;
        if (Math.getExponent(d) >= Double.MIN_EXPONENT) mantissa |= 0x0010_0000_0000_0000L;
        return Math.ulp(d) * Math.scalb(1.0, Long.numberOfTrailingZeros(mantissa));
    }
}
