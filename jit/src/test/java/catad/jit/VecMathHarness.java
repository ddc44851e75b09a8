package catad.jit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VecMath}'s functions over arrays, with inputs and the comparison with {@link StrictMath}, for
 * {@link VecMathTest} and for its check in a JVM without a compiler ({@code -Xint}, {@link #main}).
 *
 * <p>Only this class names vector types, so {@code VecMathTest} loads on a JVM without
 * {@code jdk.incubator.vector} (where it is skipped). Each loop has its species as a constant and
 * calls one function, as a kernel would, so C2 compiles it with the Vector API's intrinsics.
 */
final class VecMathHarness {
    private VecMathHarness() {}

    static final List<String> FUNCTIONS = List.of("exp", "log", "expm1", "tanh");

    static final VectorSpecies<Double> S128 = DoubleVector.SPECIES_128;
    static final VectorSpecies<Double> S256 = DoubleVector.SPECIES_256;
    static final VectorSpecies<Double> S512 = DoubleVector.SPECIES_512;

    /** {@return the vector sizes in bits to test: 128, 256, and 512 where the CPU has such vectors} */
    static List<Integer> widths() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 512 ? List.of(128, 256, 512) : List.of(128, 256);
    }

    /** {@return the bit size of the preferred species} */
    static int preferredWidth() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** {@return the scalar reference} */
    static DoubleUnaryOperator strict(String function) {
        return switch (function) {
            case "exp" -> StrictMath::exp;
            case "log" -> StrictMath::log;
            case "expm1" -> StrictMath::expm1;
            case "tanh" -> StrictMath::tanh;
            default -> throw new IllegalArgumentException(function);
        };
    }

    /** A loop over arrays whose lengths are multiples of 8. */
    interface Loop {
        void run(double[] in, double[] out);
    }

    /** {@return the loop writing function of in to out with vectors of the given bit size} */
    static Loop loop(String function, int width) {
        return switch (function + width) {
            case "exp128" -> VecMathHarness::exp128;
            case "exp256" -> VecMathHarness::exp256;
            case "exp512" -> VecMathHarness::exp512;
            case "log128" -> VecMathHarness::log128;
            case "log256" -> VecMathHarness::log256;
            case "log512" -> VecMathHarness::log512;
            case "expm1128" -> VecMathHarness::expm1128;
            case "expm1256" -> VecMathHarness::expm1256;
            case "expm1512" -> VecMathHarness::expm1512;
            case "tanh128" -> VecMathHarness::tanh128;
            case "tanh256" -> VecMathHarness::tanh256;
            case "tanh512" -> VecMathHarness::tanh512;
            default -> throw new IllegalArgumentException(function + width);
        };
    }

    static void apply(String function, int width, double[] in, double[] out) {
        loop(function, width).run(in, out);
    }

    static void exp128(double[] x, double[] y) { for (int i = 0; i < x.length; i += 2) VecMath.exp(DoubleVector.fromArray(S128, x, i)).intoArray(y, i); }
    static void exp256(double[] x, double[] y) { for (int i = 0; i < x.length; i += 4) VecMath.exp(DoubleVector.fromArray(S256, x, i)).intoArray(y, i); }
    static void exp512(double[] x, double[] y) { for (int i = 0; i < x.length; i += 8) VecMath.exp(DoubleVector.fromArray(S512, x, i)).intoArray(y, i); }
    static void log128(double[] x, double[] y) { for (int i = 0; i < x.length; i += 2) VecMath.log(DoubleVector.fromArray(S128, x, i)).intoArray(y, i); }
    static void log256(double[] x, double[] y) { for (int i = 0; i < x.length; i += 4) VecMath.log(DoubleVector.fromArray(S256, x, i)).intoArray(y, i); }
    static void log512(double[] x, double[] y) { for (int i = 0; i < x.length; i += 8) VecMath.log(DoubleVector.fromArray(S512, x, i)).intoArray(y, i); }
    static void expm1128(double[] x, double[] y) { for (int i = 0; i < x.length; i += 2) VecMath.expm1(DoubleVector.fromArray(S128, x, i)).intoArray(y, i); }
    static void expm1256(double[] x, double[] y) { for (int i = 0; i < x.length; i += 4) VecMath.expm1(DoubleVector.fromArray(S256, x, i)).intoArray(y, i); }
    static void expm1512(double[] x, double[] y) { for (int i = 0; i < x.length; i += 8) VecMath.expm1(DoubleVector.fromArray(S512, x, i)).intoArray(y, i); }
    static void tanh128(double[] x, double[] y) { for (int i = 0; i < x.length; i += 2) VecMath.tanh(DoubleVector.fromArray(S128, x, i)).intoArray(y, i); }
    static void tanh256(double[] x, double[] y) { for (int i = 0; i < x.length; i += 4) VecMath.tanh(DoubleVector.fromArray(S256, x, i)).intoArray(y, i); }
    static void tanh512(double[] x, double[] y) { for (int i = 0; i < x.length; i += 8) VecMath.tanh(DoubleVector.fromArray(S512, x, i)).intoArray(y, i); }

    /** Writes StrictMath's function of in to out, a loop for each function as for the vectors, for the timing. */
    static void strictLoop(String function, double[] in, double[] out) {
        switch (function) {
            case "exp" -> strictExp(in, out);
            case "log" -> strictLog(in, out);
            case "expm1" -> strictExpm1(in, out);
            case "tanh" -> strictTanh(in, out);
            default -> throw new IllegalArgumentException(function);
        }
    }

    static void strictExp(double[] x, double[] y) { for (int i = 0; i < x.length; i++) y[i] = StrictMath.exp(x[i]); }
    static void strictLog(double[] x, double[] y) { for (int i = 0; i < x.length; i++) y[i] = StrictMath.log(x[i]); }
    static void strictExpm1(double[] x, double[] y) { for (int i = 0; i < x.length; i++) y[i] = StrictMath.expm1(x[i]); }
    static void strictTanh(double[] x, double[] y) { for (int i = 0; i < x.length; i++) y[i] = StrictMath.tanh(x[i]); }

    // ---- Comparison ----

    /** {@return whether a and b have the same bits, all NaNs being one} */
    static boolean same(double a, double b) {
        return Double.doubleToRawLongBits(a) == Double.doubleToRawLongBits(b) || (a != a && b != b);
    }

    /** {@return the number of lanes where got differs from want; the first few are described in report} */
    static int mismatches(String function, int width, double[] in, double[] got, double[] want, StringBuilder report) {
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            if (same(got[i], want[i])) continue;
            if (n++ < 10)
                report.append(String.format("%s (%d-bit vectors) of %s [%016x] gave %s [%016x], StrictMath %s [%016x]%n",
                        function, width, in[i], Double.doubleToRawLongBits(in[i]), got[i], Double.doubleToRawLongBits(got[i]),
                        want[i], Double.doubleToRawLongBits(want[i])));
        }
        return n;
    }

    static double[] strictOf(String function, double[] in) {
        DoubleUnaryOperator f = strict(function);
        double[] want = new double[in.length];
        for (int i = 0; i < in.length; i++) want[i] = f.applyAsDouble(in[i]);
        return want;
    }

    // ---- Inputs ----

    /** {@return the lanes of in padded with its first values to a multiple of 8} */
    static double[] padded(double[] in) {
        int n = (in.length + 7) / 8 * 8;
        double[] out = Arrays.copyOf(in, n);
        for (int i = in.length; i < n; i++) out[i] = in[i - in.length];
        return out;
    }

    /** {@return v, its two neighbours on each side, and the same for −v} */
    private static void around(List<Double> out, double v) {
        for (double s : new double[] {v, -v}) {
            out.add(s);
            out.add(Math.nextUp(s));
            out.add(Math.nextUp(Math.nextUp(s)));
            out.add(Math.nextDown(s));
            out.add(Math.nextDown(Math.nextDown(s)));
        }
    }

    private static double bits(long b) {
        return Double.longBitsToDouble(b);
    }

    /**
     * {@return the arguments where FDLIBM changes branch or the result its kind, with neighbours and
     * signs}: zeros, infinities, NaNs, extremes, subnormals, the thresholds of exp, log, expm1 and tanh
     * (overflow, underflow, tiny, reduction by ln2/2 and 1.5 ln2, 56 ln2, 22, 1, 2^-28, 2^-54, 2^-55),
     * the boundaries of exp's k = −1021, expm1's k = ±1, 20 and 56, and expm1's r = −1/4.
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
                bits(0x3ff6147a_00000000L), bits(0x3fe6b852_00000000L), bits(0x3fe6b851_ffffffffL), Math.sqrt(2), Math.sqrt(0.5)})
            around(out, v);
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

    /** {@return 2048 inputs for the warm loops: the hand-picked thresholds, a sample of the rest, random ones of every kind} */
    static double[] core(String function) {
        double[] t = thresholds();
        double[] in = new double[2048];
        System.arraycopy(t, 0, in, 0, 760);
        var r = new SplittableRandom(7);
        for (int i = 760; i < 1200; i++) in[i] = t[r.nextInt(t.length)];
        List<double[]> sets = random(function, 1, 2048);
        for (int i = 1200; i < in.length; i++) in[i] = sets.get(i % sets.size())[i];
        return in;
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
            default -> throw new IllegalArgumentException(function);
        };
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

    /**
     * The warm loop: {@code repeats} passes of loop over in, every pass compared with want, and on
     * (up to {@code seconds}) until a pass allocates nothing if {@code untilNoAllocation}.
     *
     * @return {passes, lanes compared, mismatches, bytes the last pass allocated}
     */
    static long[] warm(String function, int width, double[] in, double[] want, int repeats, boolean untilNoAllocation,
            int seconds, StringBuilder report) {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Loop loop = loop(function, width);
        double[] got = new double[in.length];
        long passes = 0, lanes = 0, bad = 0, allocated = -1, deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (bad == 0 && (passes < repeats || untilNoAllocation && allocated != 0 && System.nanoTime() < deadline)) {
            long before = threads.getCurrentThreadAllocatedBytes();
            loop.run(in, got);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
            bad += mismatches(function, width, in, got, want, report);
            passes++;
            lanes += in.length;
        }
        return new long[] {passes, lanes, bad, allocated};
    }

    /**
     * A check in a JVM of its own. {@code interpreted} (run with {@code -Xint}): every function at
     * every width over the warm-loop inputs. {@code compiled W}: every function with W-bit vectors
     * only, the warm loop until C2's code allocates nothing, then the thresholds, the binades and
     * random inputs. Prints {@code checked N mismatches M} and what differs, and exits with status 1
     * on a mismatch or when the code still allocates.
     */
    public static void main(String[] args) {
        long checked = 0, bad = 0;
        var report = new StringBuilder();
        boolean compiled = args.length == 2 && args[0].equals("compiled");
        for (String f : FUNCTIONS) {
            double[] core = core(f);
            if (!compiled) {
                for (int width : widths()) {
                    double[] got = new double[core.length];
                    apply(f, width, core, got);
                    bad += mismatches(f, width, core, got, strictOf(f, core), report);
                    checked += core.length;
                }
                continue;
            }
            int width = Integer.parseInt(args[1]);
            long[] w = warm(f, width, core, strictOf(f, core), 10_000, true, 120, report);
            checked += w[1];
            bad += w[2];
            if (w[3] != 0) {
                report.append(f).append(" with ").append(width).append("-bit vectors still allocates ").append(w[3])
                        .append(" bytes a pass after ").append(w[0]).append(" passes\n");
                bad++;
            }
            var sets = new ArrayList<>(List.of(thresholds(), binades()));
            sets.addAll(random(f, 3, 1 << 18));
            for (double[] in : sets) {
                double[] got = new double[in.length];
                apply(f, width, in, got);
                bad += mismatches(f, width, in, got, strictOf(f, in), report);
                checked += in.length;
            }
        }
        System.out.print(report);
        System.out.println("checked " + checked + " mismatches " + bad);
        System.exit(bad == 0 ? 0 : 1);
    }
}
