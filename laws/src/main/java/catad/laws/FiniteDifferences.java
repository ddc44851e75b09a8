package catad.laws;

import java.util.function.UnaryOperator;

/**
 * Central finite differences with a per-coordinate step {@code h = 1e-6 · max(1, |xᵢ|)}, with an
 * estimate of their rounding noise so that a comparison can be scaled by it.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {}

    /** The relative step. */
    public static final double STEP = 1e-6;

    /**
     * Weight of the rounding-noise estimate in {@link Jacobian#scale}: a comparison at relative
     * tolerance 1e-5 then allows about 100 ulps of the function's value per step, room for the
     * rounding of a chain of a few dozen operations.
     */
    static final double NOISE_WEIGHT = 1e7;

    /**
     * A Jacobian by finite differences.
     * @param j {@code j[i][k] ≈ ∂fᵢ/∂xₖ}
     * @param noise {@code noise[i][k]}, the rounding error to expect in {@code j[i][k]}
     */
    public record Jacobian(double[][] j, double[][] noise) {
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
        /** {@return per output, {@code Σₖ |J[i][k] uₖ| + noise[i][k] |uₖ|}: the scale a comparison of {@code J u} should use} @param u a tangent */
        public double[] scale(double[] u) {
            var out = new double[j.length];
            for (int i = 0; i < j.length; i++) for (int k = 0; k < u.length; k++) out[i] += Math.abs(j[i][k] * u[k]) + NOISE_WEIGHT * noise[i][k] * Math.abs(u[k]);
            return out;
        }
        /** {@return per input, the scale for a comparison of {@code Jᵀ v}} @param v a cotangent @param dom input dimension */
        public double[] scaleTransposed(double[] v, int dom) {
            var out = new double[dom];
            for (int i = 0; i < j.length; i++) for (int k = 0; k < dom; k++) out[k] += Math.abs(j[i][k] * v[i]) + NOISE_WEIGHT * noise[i][k] * Math.abs(v[i]);
            return out;
        }
    }

    /**
     * {@return the Jacobian of {@code f} at {@code x} by central differences}
     * @param f the function, flat to flat
     * @param x the point
     * @param codDim the output dimension
     */
    public static Jacobian jacobian(UnaryOperator<double[]> f, double[] x, int codDim) {
        var j = new double[codDim][x.length];
        var noise = new double[codDim][x.length];
        for (int k = 0; k < x.length; k++) {
            double h = STEP * Math.max(1, Math.abs(x[k]));
            var xp = x.clone(); xp[k] += h;
            var xm = x.clone(); xm[k] -= h;
            double step = xp[k] - xm[k];
            var fp = f.apply(xp);
            var fm = f.apply(xm);
            for (int i = 0; i < codDim; i++) {
                j[i][k] = (fp[i] - fm[i]) / step;
                noise[i][k] = 2 * Math.ulp(Math.max(Math.abs(fp[i]), Math.abs(fm[i]))) / step;
            }
        }
        return new Jacobian(j, noise);
    }
}
