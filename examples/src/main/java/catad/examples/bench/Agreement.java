package catad.examples.bench;

import java.util.Arrays;

/**
 * Checks that two computations of the same numbers agree, so that a benchmark never times code
 * that computes something else: the benchmarks call it in their {@code @Setup}, and
 * {@code BenchProgramsTest} at small sizes.
 */
public final class Agreement {
    private Agreement() {}

    /**
     * Throws unless every {@code actual[i]} is within {@code rtol} of {@code expected[i]}, relative
     * to {@code max(|expected[i]|, 10⁻³·‖expected‖∞)}: relative per element, with a floor so that an
     * element that is a small difference of large terms (a gradient entry that nearly cancels) is
     * judged on the scale of its neighbours rather than on its own.
     * @param what names the comparison in the message @param expected the reference
     * @param actual the numbers checked @param rtol the relative tolerance, 0 for the same bits
     * @throws IllegalStateException at the first element that is too far, naming it
     */
    public static void check(String what, double[] expected, double[] actual, double rtol) {
        if (expected.length != actual.length)
            throw new IllegalStateException(what + ": " + expected.length + " numbers expected, " + actual.length + " computed");
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.doubleToLongBits(e) == Double.doubleToLongBits(a)) continue;
            double allowed = rtol * Math.max(Math.abs(e), 1e-3 * scale);
            if (!(Math.abs(e - a) <= allowed))
                throw new IllegalStateException(what + ": element " + i + " of " + expected.length + " is " + a + ", expected " + e
                        + " (difference " + Math.abs(e - a) + ", allowed " + allowed + ")"
                        + (expected.length <= 8 ? "; expected " + Arrays.toString(expected) + ", computed " + Arrays.toString(actual) : ""));
        }
    }

    /** {@return how many elements differ in their bits (a NaN equals a NaN with the same bits only)} @param a some numbers @param b as many numbers */
    public static int bitDifferences(double[] a, double[] b) {
        int d = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++)
            if (Double.doubleToLongBits(a[i]) != Double.doubleToLongBits(b[i])) d++;
        return d + Math.abs(a.length - b.length);
    }
}
