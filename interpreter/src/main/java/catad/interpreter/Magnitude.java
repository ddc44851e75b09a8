package catad.interpreter;

/**
 * The largest intermediate value: how far from zero the numbers the interpreter computed on this
 * thread went, since tracking was {@linkplain #start() started}.
 *
 * <p>Two sides of a law that compute the same numbers in a different order differ by rounding
 * errors of the size of their largest <em>intermediate</em> values, not of their results: a result
 * of 1e-13 left after {@code 8,000 − 8,000} carries errors of about {@code 8,000 · 2⁻⁵²}. The
 * {@code laws} module uses this number to scale its tolerances; a user can use it to see that a
 * program's intermediate values explode although its result looks tame:
 *
 * <pre>{@code
 * Magnitude.start();
 * double[] g = AD.grad(f, x);
 * double largest = Magnitude.max();   // the largest |v| of any value computed for g
 * Magnitude.stop();
 * }</pre>
 *
 * <p>Only finite values count (a NaN or an infinity is reported by the value itself). Every value
 * an {@linkplain AD#eval evaluation} produces counts, including those of derivative programs and
 * of the linear maps of {@link AD#jvp(catad.dsl.Prog, double[], double[])} and
 * {@link AD#vjp(catad.dsl.Prog, double[], double[])}; compiled (JIT) kernels are not tracked. Until
 * some thread first tracks, the cost to evaluation is one field read per program node; from then on,
 * a thread-local lookup per node, and a pass over each value on a tracking thread.
 */
public final class Magnitude {
    private Magnitude() {}

    /** Whether any thread has ever tracked: evaluation looks up the thread's tracker only then. */
    private static volatile boolean used;

    /** This thread's largest value so far, in a one-element array; absent when not tracking. */
    private static final ThreadLocal<double[]> LARGEST = new ThreadLocal<>();

    /** Starts tracking on this thread, from 0 (again, if it was tracking already). */
    public static void start() {
        used = true;
        double[] m = LARGEST.get();
        if (m == null) LARGEST.set(new double[1]);
        else m[0] = 0;
    }

    /** Stops tracking on this thread. */
    public static void stop() { LARGEST.remove(); }

    /** {@return the largest finite |v| of any value computed on this thread since {@link #start()}; 0 when not tracking} */
    public static double max() {
        double[] m = LARGEST.get();
        return m == null ? 0 : m[0];
    }

    /** Counts the values of one evaluation step. */
    static void see(double[] v) {
        if (!used) return;
        double[] m = LARGEST.get();
        if (m == null) return;
        double largest = m[0];
        for (double d : v) {
            double a = Math.abs(d);
            if (a > largest && a != Double.POSITIVE_INFINITY) largest = a;
        }
        m[0] = largest;
    }

    /** {@return this thread's tracker, for a pass that moves to another thread; null when not tracking} */
    static double[] tracker() { return used ? LARGEST.get() : null; }

    /** Tracks into the given tracker on this thread (a helper thread of {@link Deep}); null does nothing. */
    static void adopt(double[] tracker) { if (tracker != null) LARGEST.set(tracker); }
}
