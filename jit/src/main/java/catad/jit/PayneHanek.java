package catad.jit;

/**
 * Reduction of a large argument by π/2 with FDLIBM's results, bit for bit, allocating nothing: the
 * part of {@code StrictMath.sin} and {@code cos} beyond {@link Trig#MEDIUM} (2^20·π/2), where
 * FDLIBM's medium reduction no longer has enough bits of π/2 and it multiplies by as many bits of
 * 2/π as the argument's exponent needs (Payne and Hanek's method, FDLIBM's
 * {@code __kernel_rem_pio2} with two doubles of result).
 *
 * <p>Why: StrictMath's own reduction makes five arrays a call (about 700 bytes), so a kernel whose
 * arguments reach this range allocated on every call, against {@link Kernel}'s promise. The
 * arrays here are made once per thread and reused; every step below is FDLIBM's, in its order, so
 * the two parts of the remainder and the quadrant are its own ({@code TrigTest} compares
 * {@link Trig}'s sin and cos with StrictMath's on random arguments over the whole range and on
 * the hardest ones known).
 */
final class PayneHanek {
    /** 2/π, 24 bits a number, from the first bit after the binary point (FDLIBM's {@code ipio2}). */
    private static final int[] TWO_OVER_PI = {
        0xA2F983, 0x6E4E44, 0x1529FC, 0x2757D1, 0xF534DD, 0xC0DB62, 0x95993C, 0x439041, 0xFE5163, 0xABDEBB,
        0xC561B7, 0x246E3A, 0x424DD2, 0xE00649, 0x2EEA09, 0xD1921C, 0xFE1DEB, 0x1CB129, 0xA73EE8, 0x8235F5,
        0x2EBB44, 0x84E99C, 0x7026B4, 0x5F7E41, 0x3991D6, 0x398353, 0x39F49C, 0x845F8B, 0xBDF928, 0x3B1FF8,
        0x97FFDE, 0x05980F, 0xEF2F11, 0x8B5A0A, 0x6D1F6D, 0x367ECF, 0x27CB09, 0xB74F46, 0x3F669E, 0x5FEA2D,
        0x7527BA, 0xC7EBE5, 0xF17B3D, 0x0739F7, 0x8A5292, 0xEA6BFB, 0x5FB11F, 0x8D5D08, 0x560330, 0x46FC7B,
        0x6BABF0, 0xCFBC20, 0x9AF436, 0x1DA9E3, 0x91615E, 0xE61B08, 0x659985, 0x5F14A0, 0x68408D, 0xFFD880,
        0x4D7327, 0x310606, 0x1556CA, 0x73A8C9, 0x60E27B, 0xC08C6B,
    };

    /** π/2 in parts of 24 bits each (FDLIBM's {@code PIo2}). */
    private static final double[] PIO2 = {
        0x1.921fb4p0, 0x1.4442dp-24, 0x1.846988p-48, 0x1.8cc516p-72,
        0x1.01b838p-96, 0x1.a25204p-120, 0x1.382228p-145, 0x1.9f31dp-169,
    };

    private static final double TWO24 = 0x1p24;
    private static final double TWO_M24 = 0x1p-24;
    /** FDLIBM's jk for two doubles of result: the number of terms of 2/π·x computed at first, less one. */
    private static final int JK = 4;
    /** Its arrays' length: enough for every double (FDLIBM's 20). */
    private static final int TERMS = 20;

    private static final ThreadLocal<PayneHanek> SCRATCH = ThreadLocal.withInitial(PayneHanek::new);

    private final double[] x = new double[3];
    private final double[] f = new double[TERMS];
    private final double[] q = new double[TERMS];
    private final double[] fq = new double[TERMS];
    private final int[] iq = new int[TERMS];
    /** The remainder of the last {@link #reduce}, {@code hi + lo}. */
    double hi, lo;

    private PayneHanek() {}

    /** {@return the calling thread's instance} */
    static PayneHanek get() {
        return SCRATCH.get();
    }

    /**
     * Writes ax − n·π/2 to {@link #hi} and {@link #lo} and returns n mod 8.
     * @param ax a finite double above {@link Trig#MEDIUM}
     */
    int reduce(double ax) {
        long bits = Double.doubleToRawLongBits(ax);
        int high = (int) (bits >>> 32);
        // ax = z 2^e0 with z in [2^23, 2^24): three 24-bit integer digits of ax, the last ones possibly zero
        int e0 = (high >> 20) - 1046;
        double z = Double.longBitsToDouble((long) (high - (e0 << 20)) << 32 | bits & 0xffff_ffffL);
        for (int i = 0; i < 2; i++) {
            x[i] = (int) z;
            z = (z - x[i]) * TWO24;
        }
        x[2] = z;
        int nx = 3;
        while (x[nx - 1] == 0.0) nx--;
        return remainder(e0, nx);
    }

    /** FDLIBM's {@code __kernel_rem_pio2(x, y, e0, nx, 2)}: its variable names, so the steps can be followed. */
    private int remainder(int e0, int nx) {
        int jx = nx - 1, jv = Math.max((e0 - 3) / 24, 0), q0 = e0 - 24 * (jv + 1);
        // f[0..jx+jk] = the digits of 2/π that meet x's
        for (int i = 0, j = jv - jx; i <= jx + JK; i++, j++) f[i] = j < 0 ? 0.0 : TWO_OVER_PI[j];
        for (int i = 0; i <= JK; i++) q[i] = term(jx, i);
        int jz = JK;
        while (true) {
            // q[] into 24-bit integers iq[], from the last
            double z = q[jz];
            for (int i = 0, j = jz; j > 0; i++, j--) {
                double fw = (int) (TWO_M24 * z);
                iq[i] = (int) (z - TWO24 * fw);
                z = q[j - 1] + fw;
            }
            // n: the integer part, mod 8
            z = Math.scalb(z, q0);
            z -= 8.0 * Math.floor(z * 0.125);
            int n = (int) z;
            z -= n;
            int ih = 0;
            if (q0 > 0) {  // iq[jz-1] holds bits of the integer part
                int i = iq[jz - 1] >> (24 - q0);
                n += i;
                iq[jz - 1] -= i << (24 - q0);
                ih = iq[jz - 1] >> (23 - q0);
            } else if (q0 == 0) {
                ih = iq[jz - 1] >> 23;
            } else if (z >= 0.5) {
                ih = 2;
            }
            if (ih > 0) {  // the fraction is over 1/2: take 1 − it and one more quadrant
                n += 1;
                int carry = 0;
                for (int i = 0; i < jz; i++) {
                    int j = iq[i];
                    if (carry == 0) {
                        if (j != 0) {
                            carry = 1;
                            iq[i] = 0x100_0000 - j;
                        }
                    } else {
                        iq[i] = 0xff_ffff - j;
                    }
                }
                if (q0 == 1) iq[jz - 1] &= 0x7f_ffff;
                else if (q0 == 2) iq[jz - 1] &= 0x3f_ffff;
                if (ih == 2) {
                    z = 1.0 - z;
                    if (carry != 0) z -= Math.scalb(1.0, q0);
                }
            }
            if (z == 0.0) {  // every bit so far cancelled: more terms of 2/π
                int j = 0;
                for (int i = jz - 1; i >= JK; i--) j |= iq[i];
                if (j == 0) {
                    int k = 1;
                    while (iq[JK - k] == 0) k++;
                    for (int i = jz + 1; i <= jz + k; i++) {
                        f[jx + i] = TWO_OVER_PI[jv + i];
                        q[i] = term(jx, i);
                    }
                    jz += k;
                    continue;
                }
            }
            // drop zero digits, or split the last one
            if (z == 0.0) {
                jz -= 1;
                q0 -= 24;
                while (iq[jz] == 0) {
                    jz--;
                    q0 -= 24;
                }
            } else {
                z = Math.scalb(z, -q0);
                if (z >= TWO24) {
                    double fw = (int) (TWO_M24 * z);
                    iq[jz] = (int) (z - TWO24 * fw);
                    jz += 1;
                    q0 += 24;
                    iq[jz] = (int) fw;
                } else {
                    iq[jz] = (int) z;
                }
            }
            // the digits as doubles, times π/2
            double fw = Math.scalb(1.0, q0);
            for (int i = jz; i >= 0; i--) {
                q[i] = fw * iq[i];
                fw *= TWO_M24;
            }
            for (int i = jz; i >= 0; i--) {
                fw = 0.0;
                for (int k = 0; k <= JK && k <= jz - i; k++) fw += PIO2[k] * q[i + k];
                fq[jz - i] = fw;
            }
            // two doubles
            fw = 0.0;
            for (int i = jz; i >= 0; i--) fw += fq[i];
            hi = ih == 0 ? fw : -fw;
            fw = fq[0] - fw;
            for (int i = 1; i <= jz; i++) fw += fq[i];
            lo = ih == 0 ? fw : -fw;
            return n & 7;
        }
    }

    /** {@return Σⱼ x[j] f[jx + i − j], j = 0…jx, in that order} */
    private double term(int jx, int i) {
        double fw = 0.0;
        for (int j = 0; j <= jx; j++) fw += x[j] * f[jx + i - j];
        return fw;
    }
}
