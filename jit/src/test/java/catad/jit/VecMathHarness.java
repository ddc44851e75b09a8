package catad.jit;

import static catad.jit.MathInputs.*;

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

    static final List<String> FUNCTIONS = List.of("exp", "log", "expm1", "tanh", "sin", "cos");

    /**
     * The functions whose compiled check needs a JVM of its own: sin and cos, warmed after another
     * function in the same JVM, kept allocating in this harness (its shared warm loop, compiled for
     * the first function, ran theirs without the Vector API's intrinsics), though first in a JVM,
     * and in kernels, C2 compiles them allocation-free.
     */
    static final List<String> OWN_JVM = List.of("sin", "cos");

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
            case "sin" -> StrictMath::sin;
            case "cos" -> StrictMath::cos;
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
            case "sin128" -> VecMathHarness::sin128;
            case "sin256" -> VecMathHarness::sin256;
            case "sin512" -> VecMathHarness::sin512;
            case "cos128" -> VecMathHarness::cos128;
            case "cos256" -> VecMathHarness::cos256;
            case "cos512" -> VecMathHarness::cos512;
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
    static void sin128(double[] x, double[] y) { for (int i = 0; i < x.length; i += 2) trig(DoubleVector.fromArray(S128, x, i), y, i, true); }
    static void sin256(double[] x, double[] y) { for (int i = 0; i < x.length; i += 4) trig(DoubleVector.fromArray(S256, x, i), y, i, true); }
    static void sin512(double[] x, double[] y) { for (int i = 0; i < x.length; i += 8) trig(DoubleVector.fromArray(S512, x, i), y, i, true); }
    static void cos128(double[] x, double[] y) { for (int i = 0; i < x.length; i += 2) trig(DoubleVector.fromArray(S128, x, i), y, i, false); }
    static void cos256(double[] x, double[] y) { for (int i = 0; i < x.length; i += 4) trig(DoubleVector.fromArray(S256, x, i), y, i, false); }
    static void cos512(double[] x, double[] y) { for (int i = 0; i < x.length; i += 8) trig(DoubleVector.fromArray(S512, x, i), y, i, false); }

    /**
     * VecMath's sin or cos of v into y at i, as a kernel computes it: lanes VecMath leaves to its
     * caller (beyond {@link Trig#MEDIUM}, infinite, NaN) redone through {@link Trig#lanes}.
     */
    private static void trig(DoubleVector v, double[] y, int i, boolean sin) {
        DoubleVector r = sin ? VecMath.sin(v) : VecMath.cos(v);
        if (v.abs().lt(Trig.MEDIUM).allTrue()) r.intoArray(y, i);
        else {
            v.intoArray(y, i);
            Trig.lanes(y, i, v.length(), sin);
        }
    }

    /** Writes StrictMath's function of in to out, a loop for each function as for the vectors, for the timing. */
    static void strictLoop(String function, double[] in, double[] out) {
        switch (function) {
            case "exp" -> strictExp(in, out);
            case "log" -> strictLog(in, out);
            case "expm1" -> strictExpm1(in, out);
            case "tanh" -> strictTanh(in, out);
            case "sin" -> strictSin(in, out);
            case "cos" -> strictCos(in, out);
            default -> throw new IllegalArgumentException(function);
        }
    }

    static void strictExp(double[] x, double[] y) { for (int i = 0; i < x.length; i++) y[i] = StrictMath.exp(x[i]); }
    static void strictLog(double[] x, double[] y) { for (int i = 0; i < x.length; i++) y[i] = StrictMath.log(x[i]); }
    static void strictExpm1(double[] x, double[] y) { for (int i = 0; i < x.length; i++) y[i] = StrictMath.expm1(x[i]); }
    static void strictTanh(double[] x, double[] y) { for (int i = 0; i < x.length; i++) y[i] = StrictMath.tanh(x[i]); }
    static void strictSin(double[] x, double[] y) { for (int i = 0; i < x.length; i++) y[i] = StrictMath.sin(x[i]); }
    static void strictCos(double[] x, double[] y) { for (int i = 0; i < x.length; i++) y[i] = StrictMath.cos(x[i]); }

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
     * every width over the warm-loop inputs. {@code compiled W [f …]}: every function (or those named) with W-bit vectors
     * only, the warm loop until C2's code allocates nothing, then the thresholds, the binades and
     * random inputs. Prints {@code checked N mismatches M} and what differs, and exits with status 1
     * on a mismatch or when the code still allocates.
     */
    public static void main(String[] args) {
        long checked = 0, bad = 0;
        var report = new StringBuilder();
        boolean compiled = args.length >= 2 && args[0].equals("compiled");
        for (String f : compiled && args.length > 2 ? List.of(args).subList(2, args.length) : FUNCTIONS) {
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
