package catad.jit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Inputs for checking {@link VecMath} and {@link Trig} against {@link StrictMath}: FDLIBM's branch
 * thresholds with their neighbours, every binade's boundaries, and random sets per function. No
 * vector types here, so the scalar checks run on a JVM without {@code jdk.incubator.vector} too.
 */
final class MathInputs {
    private MathInputs() {}

    /** {@return the lanes of in padded with its first values to a multiple of 8} */
    static double[] padded(double[] in) {
        int n = (in.length + 7) / 8 * 8;
        double[] out = Arrays.copyOf(in, n);
        for (int i = in.length; i < n; i++) out[i] = in[i - in.length];
        return out;
    }

    /** {@return v, its two neighbours on each side, and the same for −v} */
    static void around(List<Double> out, double v) {
        for (double s : new double[] {v, -v}) {
            out.add(s);
            out.add(Math.nextUp(s));
            out.add(Math.nextUp(Math.nextUp(s)));
            out.add(Math.nextDown(s));
            out.add(Math.nextDown(Math.nextDown(s)));
        }
    }

    static double bits(long b) {
        return Double.longBitsToDouble(b);
    }

    /**
     * {@return the arguments where FDLIBM changes branch or the result its kind, with neighbours and
     * signs}: zeros, infinities, NaNs, extremes, subnormals, the thresholds of exp, log, expm1, tanh, sin and cos
     * (overflow, underflow, tiny, reduction by ln2/2 and 1.5 ln2, 56 ln2, 22, 1, 2^-28, 2^-54, 2^-55),
     * the boundaries of exp's k = −1021, expm1's k = ±1, 20 and 56, and expm1's r = −1/4; for sin and
     * cos π/4, 3π/4, π/2's high word, the medium reduction's end, 0.3, 0.78125 and the first 2,048
     * multiples of π/2.
     */
    static double[] thresholds() {
        var out = new ArrayList<Double>();
        out.add(Double.NaN);
        out.add(bits(0x7ff0_0000_0000_0001L));  // signalling NaN
        out.add(bits(0xfff8_0000_0000_0000L));  // negative NaN
        out.add(bits(0x7ff8_0000_dead_beefL));  // NaN with a payload
        for (double v : new double[] {
                0.0, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, Double.POSITIVE_INFINITY,
                bits(0x000f_ffff_ffff_ffffL), bits(0x0008_0000_0000_0000L), 3 * Double.MIN_VALUE, 0x1p-1060,
                1.0, 2.0, 0.5, 0.25, 3.0, 10.0, 100.0, Math.E, Math.PI,
                // exp
                0x1.62e42fefa39efp9, 0x1.74910d52d3051p9, bits(0x40862e42_00000000L), 709.0, 708.0, 745.0, 746.0,
                bits(0x3fd62e43_00000000L), bits(0x3fd62e42_ffffffffL), 0.5 * Math.log(2), 1.5 * Math.log(2),
                bits(0x3ff0a2b2_00000000L), 0x1p-28, 0x1p-29, 0x1p-27, 0x1p-53, 0x1p-52, 1e-300,
                1021.5 * Math.log(2), 1020.5 * Math.log(2), 1022.5 * Math.log(2), 1074.5 * Math.log(2),
                // expm1 and tanh
                bits(0x4043687a_00000000L), 56 * Math.log(2), 0x1p-54, 0x1p-55, 0x1p-56, 22.0, 19.5 * Math.log(2),
                20.5 * Math.log(2), 56.5 * Math.log(2), 55.5 * Math.log(2), Math.log(2) - 0.25, 0.3, 0.75, 1.25,
                // log
                1 + 0x1p-20, 1 - 0x1p-20, 1 + 0x1p-21, 1 - 0x1p-21, bits(0x3ff6a09c_00000000L), bits(0x3fe6a09c_00000000L),
                bits(0x3ff6147a_00000000L), bits(0x3fe6b852_00000000L), bits(0x3fe6b851_ffffffffL), Math.sqrt(2), Math.sqrt(0.5),
                // sin and cos: no reduction up to about π/4, n = 1 below about 3π/4 with π/2's own high word, the
                // medium reduction's end, the kernels' tiny arguments and cos's qx steps at 0.3 and 0.78125
                bits(0x3fe921fc_00000000L), bits(0x4002d97c_00000000L), bits(0x3ff921fb_00000000L),
                bits(0x3ff921fc_00000000L), Math.PI / 4, 3 * Math.PI / 4, bits(0x413921fc_00000000L),
                (1 << 19) * (Math.PI / 2), (1 << 20) * (Math.PI / 2), 0x1p-27, bits(0x3fd33333_00000000L), 0.78125, bits(0x3fe90001_00000000L),
                bits(0x3fd33333_00000000L) + Math.PI / 2, 0.78125 + Math.PI, 0x1p-27 + 2 * Math.PI, 1e6, 1e22, 0x1p1000})
            around(out, v);
        for (int k = 1; k <= 2048; k++) around(out, k * (Math.PI / 2));  // multiples of π/2, where the remainder cancels
        for (int k = -1080; k <= 1030; k++) {  // multiples and half-multiples of ln2: k changes between them
            around(out, k * Math.log(2));
            around(out, (k + 0.5) * Math.log(2));
        }
        for (int j = 1; j <= 64; j++) {  // 1 ± tiny, where log is f − R or 0
            out.add(1 + j * 0x1p-52);
            out.add(1 - j * 0x1p-53);
        }
        return padded(out.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * {@return log's boundaries in every binade, with neighbours}: 2^e, the significand sqrt(2) where m
     * is halved, 1 ± 2^-20 where FDLIBM takes f − R, and the two ends of its hfsq form, for all e; and
     * the subnormals 2^-1074 ... 2^-1023 times those.
     */
    static double[] binades() {
        var out = new ArrayList<Double>();
        double[] significands = {1.0, bits(0x3ff6a09c_00000000L), 1 + 0x1p-20, 2 - 0x1p-19, bits(0x3ff6147a_00000000L),
                bits(0x3ff6b852_00000000L), 1.5};
        for (int e = -1074; e <= 1023; e++)
            for (double s : significands) {
                double v = Math.scalb(s, e);
                if (v != 0 && !Double.isInfinite(v)) around(out, v);
            }
        return padded(out.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * {@return random inputs for the function, several sets of n}: uniform over the meaningful range,
     * over the subranges with special handling, and random bit patterns.
     */
    static List<double[]> random(String function, long seed, int n) {
        var r = new SplittableRandom(seed ^ function.hashCode());
        return switch (function) {
            case "exp" -> List.of(uniform(r, n, -750, 710), uniform(r, n, -745.2, -708), allBits(r, n), logUniform(r, n, -60, 10));
            case "log" -> List.of(positiveBits(r, n), uniform(r, n, 0, 10), uniform(r, n, 1 - 0x1p-17, 1 + 0x1p-17),
                    uniform(r, n, 0.5, 2), allBits(r, n));
            case "expm1" -> List.of(uniform(r, n, -45, 710), uniform(r, n, -3, 3), logUniform(r, n, -60, 6), allBits(r, n));
            case "tanh" -> List.of(uniform(r, n, -25, 25), uniform(r, n, -3, 3), logUniform(r, n, -60, 6), allBits(r, n));
            case "sin", "cos" -> List.of(uniform(r, n, -10, 10), uniform(r, n, -4e6, 4e6), logUniform(r, n, -60, 22),
                    nearPio2Multiples(r, n), cancelling(r, n), allBits(r, n), large(r, n));
            default -> throw new IllegalArgumentException(function);
        };
    }

    /** {@return ± doubles within 8 ulps of k π/2 for k up to 2^20: where sin and cos's reduction cancels most and takes further steps} */
    static double[] nearPio2Multiples(SplittableRandom r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double v = r.nextInt(1, 1 << 20) * (Math.PI / 2);
            for (int k = r.nextInt(-8, 9); k != 0; k -= Integer.signum(k)) v = k > 0 ? Math.nextUp(v) : Math.nextDown(v);
            x[i] = r.nextBoolean() ? v : -v;
        }
        return x;
    }

    /**
     * {@return ± k π/2 + d with |d| about 2^-m |x| for m from 14 to 19 and 47 to 52}: arguments whose
     * first remainder cancels about 16 bits and, near 2^-49 |x|, whose second one cancels about 49 —
     * both sides of the medium reduction's two thresholds for a further step
     */
    static double[] cancelling(SplittableRandom r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double v = r.nextInt(3, 1 << 20) * (Math.PI / 2);
            int m = r.nextBoolean() ? r.nextInt(14, 20) : r.nextInt(47, 53);
            v += Math.scalb(r.nextDouble(-2, 2), Math.getExponent(v) - m);
            x[i] = r.nextBoolean() ? v : -v;
        }
        return x;
    }

    /**
     * {@return ± doubles beyond 2^20 π/2, where sin and cos reduce by Payne and Hanek's method}: half
     * with random significands in every binade, half with significands of at most 10 bits set, give or
     * take an ulp or two, whose remainders' first digits often vanish (the reduction then takes more
     * digits of 2/π) — and Kahan and McDonald's double nearest a multiple of π/2, with neighbours.
     */
    static double[] large(SplittableRandom r, int n) {
        double[] x = new double[n];
        double hardest = 6381956970095103.0 * 0x1p797;
        for (int i = 0; i < n; i++) {
            double v;
            if (i < 16) v = hardest + (i - 8) * Math.ulp(hardest);
            else if (i % 2 == 0) v = Math.scalb(r.nextDouble(1, 2), r.nextInt(21, 1024));
            else {
                v = Math.scalb(1 + r.nextInt(1 << 10) * 0x1p-10, r.nextInt(21, 1024));
                for (int k = r.nextInt(-2, 3); k != 0; k -= Integer.signum(k)) v = k > 0 ? Math.nextUp(v) : Math.nextDown(v);
            }
            x[i] = r.nextBoolean() ? v : -v;
        }
        return x;
    }

    static double[] uniform(SplittableRandom r, int n, double lo, double hi) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextDouble(lo, hi);
        return x;
    }

    static double[] allBits(SplittableRandom r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Double.longBitsToDouble(r.nextLong());
        return x;
    }

    static double[] positiveBits(SplittableRandom r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Double.longBitsToDouble(r.nextLong() & Long.MAX_VALUE);
        return x;
    }

    /** ± 2^u with u uniform in [lo, hi): every scale alike. */
    static double[] logUniform(SplittableRandom r, int n, double lo, double hi) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = (r.nextBoolean() ? 1 : -1) * Math.pow(2, r.nextDouble(lo, hi));
        return x;
    }

}
