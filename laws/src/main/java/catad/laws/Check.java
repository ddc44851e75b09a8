package catad.laws;

import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.interpreter.Magnitude;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Comparisons that fail with a message a person can act on: the law, the programs in catad text,
 * the inputs, both sides, where and by how much they differ, and the tolerance.
 *
 * <p>A law's sides may cancel: {@code 8,000 − 8,000} computed in two orders leaves 1e-13 on one side
 * and −3e-13 on the other, both correct to the rounding of 8,000. So from {@link #law(String)} on,
 * the interpreter's {@link Magnitude} tracks the largest intermediate value M computed on this
 * thread, and {@link Context#close} compares every coordinate with a scale of at least
 * {@link #INTERMEDIATE}{@code · M}: with {@link Tolerance#ROUNDING} that allows {@code 1e-12 · M},
 * about 4,500 ulps of the largest intermediate, far below what a wrong law produces.
 */
public final class Check {
    private Check() {}

    /** The weight of the largest intermediate value in every coordinate's scale. */
    public static final double INTERMEDIATE = 1e-3;

    /** Named programs and inputs of one law instance, in the order they are shown. */
    public static final class Context {
        private final String law;
        private final Map<String, String> items = new LinkedHashMap<>();

        private Context(String law) {
            this.law = law;
            Magnitude.start();
        }

        /** {@return this, with a program shown in catad text} @param name its name in the law @param f the program */
        public Context prog(String name, Prog f) { items.put(name, Printer.print(f)); return this; }

        /** {@return this, with a vector shown} @param name its name in the law @param x the vector */
        public Context vec(String name, double[] x) { items.put(name, Arrays.toString(x)); return this; }

        /** {@return this, with any note shown} @param name a label @param text the note */
        public Context note(String name, String text) { items.put(name, text); return this; }

        /**
         * Fails unless the two sides are close in every coordinate, each with a scale of at least
         * {@link #INTERMEDIATE} times the largest intermediate value since the context was made.
         * @param lhsName how the left side is computed @param lhs left side
         * @param rhsName how the right side is computed @param rhs right side
         * @param tol the tolerance @param scale per coordinate magnitude of the terms, or null
         */
        public void close(String lhsName, double[] lhs, String rhsName, double[] rhs, Tolerance tol, double[] scale) {
            double floor = INTERMEDIATE * Magnitude.max();
            double[] s = new double[lhs.length];
            for (int i = 0; i < s.length; i++) s[i] = Math.max(floor, scale == null || i >= scale.length ? 0 : scale[i]);
            var m = Mismatch.compare(lhsName, lhs, rhsName, rhs, tol, s, null);
            if (m != null) throw new AssertionError(header() + m.describe("  ")
                    + (floor > 0 ? "  (the scale is at least " + INTERMEDIATE + " × the largest intermediate value, " + Magnitude.max() + ")\n" : ""));
        }

        /** Fails unless the two sides are close; see {@link #close(String, double[], String, double[], Tolerance, double[])}. */
        public void close(String lhsName, double[] lhs, String rhsName, double[] rhs, Tolerance tol) {
            close(lhsName, lhs, rhsName, rhs, tol, null);
        }

        /** Fails unless two scalars are close. */
        public void close(String lhsName, double lhs, String rhsName, double rhs, Tolerance tol, double scale) {
            close(lhsName, new double[] {lhs}, rhsName, new double[] {rhs}, tol, new double[] {scale});
        }

        /** Fails unless the condition holds. @param what the condition in words @param ok whether it holds */
        public void that(String what, boolean ok) {
            if (!ok) throw new AssertionError(header() + "  expected: " + what + "\n");
        }

        private String header() {
            var sb = new StringBuilder("law violated: ").append(law).append('\n');
            items.forEach((k, v) -> sb.append("  ").append(k).append(" = ").append(v).append('\n'));
            return sb.toString();
        }
    }

    /** {@return a context for one instance of a law} @param law the law, e.g. {@code "id ∘ f = f [eval]"} */
    public static Context law(String law) { return new Context(law); }

    /** {@return the dot product} @param a vector @param b vector */
    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** {@return the sum of |aᵢ bᵢ|, the scale of a dot product} @param a vector @param b vector */
    public static double dotScale(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += Math.abs(a[i] * b[i]);
        return s;
    }

    /** {@return {@code x[from, to)}, a part of a flat value} @param x a flat value @param from first index @param to end index */
    public static double[] slice(double[] x, int from, int to) { return Arrays.copyOfRange(x, from, to); }

    /** {@return the two vectors one after the other, the flat layout of a pair} @param a left @param b right */
    public static double[] concat(double[] a, double[] b) {
        var out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
