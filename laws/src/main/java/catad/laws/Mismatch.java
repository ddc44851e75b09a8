package catad.laws;

import java.util.Arrays;

/**
 * The two sides of one law instance where they are not close, or why they could not be computed:
 * the part of a failure that {@link Check}, {@link LawCheck} and {@link GradCheck} share.
 *
 * @param lhsName how the left side is computed @param lhs the left side
 * @param rhsName how the right side is computed @param rhs the right side
 * @param coordinate the first coordinate where they differ too much, -1 when they were not compared
 * @param difference {@code |lhs − rhs|} there
 * @param allowed the allowed difference there, slack included
 * @param tolerance the tolerance
 * @param scale the magnitude of the terms there
 * @param slack how far a side may be off there by construction (a finite difference's error
 *              estimate times {@link FiniteDifferences#MARGIN}), 0 when both sides are exact
 * @param error why a side could not be computed, or null
 */
public record Mismatch(String lhsName, double[] lhs, String rhsName, double[] rhs, int coordinate,
                       double difference, double allowed, Tolerance tolerance, double scale, double slack, String error) {

    /**
     * {@return null when the sides are close in every coordinate ({@link Tolerance#close(double, double, double, double)}),
     * else the first coordinate where they are not}
     * @param lhsName how the left side is computed @param lhs left side
     * @param rhsName how the right side is computed @param rhs right side
     * @param tol the tolerance
     * @param scale per coordinate magnitude of the terms, or null for none
     * @param slack per coordinate known error of a side, or null for none
     */
    public static Mismatch compare(String lhsName, double[] lhs, String rhsName, double[] rhs, Tolerance tol, double[] scale, double[] slack) {
        if (lhs.length != rhs.length)
            return new Mismatch(lhsName, lhs, rhsName, rhs, -1, Double.NaN, Double.NaN, tol, Double.NaN, 0,
                    "lengths differ: " + lhs.length + " vs " + rhs.length);
        for (int i = 0; i < lhs.length; i++) {
            double s = scale == null ? 0 : scale[i];
            double e = slack == null ? 0 : slack[i];
            if (!tol.close(lhs[i], rhs[i], s, e))
                return new Mismatch(lhsName, lhs, rhsName, rhs, i, Math.abs(lhs[i] - rhs[i]), tol.allowed(lhs[i], rhs[i], s) + e, tol, s, e, null);
        }
        return null;
    }

    /** {@return the mismatch of a law whose sides could not be computed} @param e what was thrown */
    public static Mismatch thrown(Throwable e) {
        return new Mismatch(null, null, null, null, -1, Double.NaN, Double.NaN, null, Double.NaN, 0,
                e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** {@return the sides, their difference and the tolerance, one per line, each line indented} @param indent the indentation */
    public String describe(String indent) {
        var sb = new StringBuilder();
        if (lhs != null) {
            sb.append(indent).append("lhs  ").append(lhsName).append(" = ").append(Arrays.toString(lhs)).append('\n');
            sb.append(indent).append("rhs  ").append(rhsName).append(" = ").append(Arrays.toString(rhs)).append('\n');
        }
        if (error != null) return sb.append(indent).append("error      = ").append(error).append('\n').toString();
        sb.append(indent).append("difference = ").append(difference).append(" at coordinate ").append(coordinate)
                .append(", allowed ").append(allowed).append('\n');
        sb.append(indent).append("tolerance  = ").append(tolerance).append(" (scale ").append(scale).append(')');
        if (slack > 0) sb.append(" + ").append(slack).append(" for the error of the finite differences");
        return sb.append('\n').toString();
    }
}
