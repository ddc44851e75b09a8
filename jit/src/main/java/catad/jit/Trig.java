package catad.jit;

/**
 * {@code sin} and {@code cos} on one double, giving exactly {@link StrictMath}'s bits and allocating
 * nothing: the scalar code of kernels (loop tails, loops that do not run on vectors) calls these.
 *
 * <p>Why: {@code StrictMath.sin} and {@code cos} (JDK 25's Java port of FDLIBM) keep the reduced
 * argument in a new {@code double[2]}, and C2 does not inline the reduction that fills it (over
 * 600 bytes), so each call with |x| above π/4 allocates — a kernel's tail of four elements made
 * 256 bytes a call. These follow FDLIBM's steps as {@link VecMath#sin} does on vectors (see there
 * for why each step gives FDLIBM's bits) and keep the two parts of the reduced argument in locals;
 * beyond 2^20 π/2 they reduce with {@link PayneHanek}, which keeps its arrays from call to call.
 */
final class Trig {
    private Trig() {}

    // FDLIBM's constants (e_rem_pio2.c, k_sin.c, k_cos.c), shared with VecMath.
    static final double INV_PIO2 = 0x1.45f306dc9c883p-1;
    static final double PIO2_1 = 0x1.921fb544p0;
    static final double PIO2_1T = 0x1.0b4611a626331p-34;
    static final double PIO2_2 = 0x1.0b4611a6p-34;
    static final double PIO2_2T = 0x1.3198a2e037073p-69;
    static final double PIO2_3 = 0x1.3198a2ep-69;
    static final double PIO2_3T = 0x1.b839a252049c1p-104;
    static final double S1 = -0x1.5555555555549p-3;
    static final double S2 = 0x1.111111110f8a6p-7;
    static final double S3 = -0x1.a01a019c161d5p-13;
    static final double S4 = 0x1.71de357b1fe7dp-19;
    static final double S5 = -0x1.ae5e68a2b9cebp-26;
    static final double S6 = 0x1.5d93a5acfd57cp-33;
    static final double C1 = 0x1.555555555554cp-5;
    static final double C2 = -0x1.6c16c16c15177p-10;
    static final double C3 = 0x1.a01a019cb159p-16;
    static final double C4 = -0x1.27e4f809c52adp-22;
    static final double C5 = 0x1.1ee9ebdb4b1c4p-29;
    static final double C6 = -0x1.8fae9be8838d4p-37;

    /**
     * FDLIBM's medium reduction ends here (high word 0x413921fb, |x| about 2^20 π/2, though FDLIBM's
     * comment says 2^19); above it, Payne and Hanek's ({@link PayneHanek}). {@link VecMath}'s sin and
     * cos compute the lanes below it only.
     */
    static final double MEDIUM = Double.longBitsToDouble(0x413921fc_00000000L);

    /**
     * Replaces each of {@code lanes} doubles of {@code a} from {@code at} by its sin (or cos): a
     * vector loop's fallback for a vector with a lane that {@link VecMath} leaves to the caller
     * (beyond {@link #MEDIUM}, infinite or NaN). Kernels store the argument vector here, call this
     * out of line, and load the result; every lane gets StrictMath's bits, and nothing is allocated.
     */
    static void lanes(double[] a, int at, int lanes, boolean sin) {
        for (int i = at; i < at + lanes; i++) a[i] = sinCos(a[i], sin);
    }

    /** {@return {@code StrictMath.sin(x)}, bit for bit} */
    static double sin(double x) {
        return sinCos(x, true);
    }

    /** {@return {@code StrictMath.cos(x)}, bit for bit} */
    static double cos(double x) {
        return sinCos(x, false);
    }

    private static double sinCos(double x, boolean sin) {
        double ax = Math.abs(x);
        int high = (int) (Double.doubleToRawLongBits(ax) >>> 32);
        if (high >= 0x7ff0_0000) return x - x;                                          // infinite, NaN
        if (high <= 0x3fe9_21fb) return sin ? kernelSin0(x) : kernelCos(x, 0.0);      // |x| <= about π/4
        double y0, y1;
        int n;
        if (high > 0x4139_21fb) {  // large: Payne and Hanek's reduction
            PayneHanek p = PayneHanek.get();
            n = p.reduce(ax);
            y0 = p.hi;
            y1 = p.lo;
        } else {  // |x| = n π/2 + r − w: FDLIBM's medium reduction, its own form below 3π/4
            n = high < 0x4002_d97c ? 1 : (int) (ax * INV_PIO2 + 0.5);
            double fn = n, r = ax - fn * PIO2_1, w = fn * PIO2_1T;
            if (high == 0x3ff9_21fb) {  // near π/2: a second part of π/2 at once
                r -= PIO2_2;
                w = PIO2_2T;
            } else if (high >= 0x4002_d97c && (n >= 32 || high == (int) (Double.doubleToRawLongBits(fn * PIO2_1) >>> 32))) {
                // cancellation possible: a second part of π/2 where more than 16 bits went, a third past 49
                int j = high >>> 20;
                if (j - exponent(r - w) > 16) {
                    double t = r, p = fn * PIO2_2;
                    r = t - p;
                    w = fn * PIO2_2T - ((t - r) - p);
                    if (j - exponent(r - w) > 49) {
                        t = r;
                        p = fn * PIO2_3;
                        r = t - p;
                        w = fn * PIO2_3T - ((t - r) - p);
                    }
                }
            }
            y0 = r - w;
            y1 = (r - y0) - w;
        }
        // by q = n mod 4, sin(|x|) is sin, cos, −sin, −cos of the remainder; cos(|x|) is sin(|x|)'s form
        // for q + 1. sin(x) = ±sin(|x|) and cos(x) = cos(|x|) bit for bit (FDLIBM's steps for −x negate every value).
        int q = (sin ? n : n + 1) & 3;
        double v = (q & 1) == 0 ? kernelSin(y0, y1) : kernelCos(y0, y1);
        return q >= 2 != (sin && x < 0) ? -v : v;
    }

    /** {@return the biased exponent of x} */
    private static int exponent(double x) {
        return (int) (Double.doubleToRawLongBits(x) >>> 52) & 0x7ff;
    }

    /** FDLIBM's __kernel_sin(x, y, 1). */
    private static double kernelSin(double x, double y) {
        if (Math.abs(x) < 0x1p-27) return x;
        double z = x * x, v = z * x, r = sinSeries(z);
        return x - ((z * (0.5 * y - v * r) - y) - v * S1);
    }

    /** FDLIBM's __kernel_sin(x, 0, 0). */
    private static double kernelSin0(double x) {
        if (Math.abs(x) < 0x1p-27) return x;
        double z = x * x, v = z * x;
        return x + v * (S1 + z * sinSeries(z));
    }

    /** {@return the sin kernel's r: S2 + z (S3 + z (S4 + z (S5 + z S6)))} */
    private static double sinSeries(double z) {
        return S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
    }

    /** FDLIBM's __kernel_cos(x, y). */
    private static double kernelCos(double x, double y) {
        double ax = Math.abs(x);
        if (ax < 0x1p-27) return 1.0;
        double z = x * x;
        double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
        int high = (int) (Double.doubleToRawLongBits(ax) >>> 32);
        if (high < 0x3fd3_3333) return 1.0 - (0.5 * z - (z * r - x * y));
        double qx = high > 0x3fe9_0000 ? 0.28125 : Double.longBitsToDouble((long) (high - 0x0020_0000) << 32);
        double hz = 0.5 * z - qx, a = 1.0 - qx;
        return a - (hz - (z * r - x * y));
    }
}
