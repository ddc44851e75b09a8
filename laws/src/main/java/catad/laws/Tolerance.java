package catad.laws;

/**
 * How close two numbers must be, as in JAX's {@code check_grads}:
 * {@code |a − b| ≤ atol + rtol · max(|a|, |b|, scale)}, where {@code scale} is the magnitude of
 * the terms that were added to get {@code a} and {@code b} (so cancellation does not fail a law;
 * {@link Check} takes at least {@link Check#INTERMEDIATE} times the largest intermediate value).
 * NaNs are equal to NaNs and infinities to the same infinity.
 *
 * @param atol absolute tolerance
 * @param rtol relative tolerance
 */
public record Tolerance(double atol, double rtol) {

    /** For laws whose sides compute the same numbers in a different order. */
    public static final Tolerance ROUNDING = new Tolerance(1e-12, 1e-9);
    /** For forward against reverse mode and program against numeric forms of a derivative. */
    public static final Tolerance DERIVATIVE = new Tolerance(1e-10, 1e-8);
    /** For a derivative against central finite differences. */
    public static final Tolerance FINITE_DIFFERENCE = new Tolerance(1e-6, 1e-5);

    public Tolerance {
        if (!(atol >= 0) || !(rtol >= 0)) throw new IllegalArgumentException("tolerances must be >= 0, got " + atol + ", " + rtol);
    }

    /** {@return the allowed difference between {@code a} and {@code b}} @param a one side @param b other side @param scale magnitude of the terms */
    public double allowed(double a, double b, double scale) {
        return atol + rtol * Math.max(Math.max(Math.abs(a), Math.abs(b)), Math.abs(scale));
    }

    /** {@return whether {@code a} and {@code b} are close} @param a one side @param b other side @param scale magnitude of the terms */
    public boolean close(double a, double b, double scale) {
        return close(a, b, scale, 0);
    }

    /**
     * {@return whether {@code a} and {@code b} are close when one of them may also be off by
     * {@code slack}, e.g. the error estimate of a finite difference: {@code |a − b| ≤ allowed + slack}}
     * @param a one side @param b other side @param scale magnitude of the terms @param slack known error of a side, ≥ 0
     */
    public boolean close(double a, double b, double scale, double slack) {
        if (Double.isNaN(a) || Double.isNaN(b)) return Double.isNaN(a) && Double.isNaN(b);
        if (Double.isInfinite(a) || Double.isInfinite(b)) return a == b;
        return Math.abs(a - b) <= allowed(a, b, scale) + slack;
    }

    @Override public String toString() { return "atol=" + atol + " rtol=" + rtol; }
}
