package catad.dsl;

/**
 * Catad's one summation order, used by every reduction ({@code sum}, {@code dot}, {@code matvec},
 * {@code matmul}, {@code matrix}) so that results are the same bits wherever they are computed.
 *
 * <p>Floating-point addition is not associative, so a sum is defined by its order. Summing strictly
 * left to right cannot be vectorized: a SIMD loop keeps one partial sum per lane. Catad therefore
 * fixes an order that a vector loop of any width reproduces exactly. To sum n terms
 * {@code t₀ … tₙ₋₁}:
 * <pre>{@code
 * a0 = a1 = … = a7 = 0.0
 * for each full block b < n/8 (integer division), for l in 0..7:   a_l = a_l + t_(8b+l)
 * s = ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7))
 * for j from 8·(n/8) to n-1, in order:                             s = s + t_j
 * }</pre>
 * For n &lt; 8 this is {@code 0.0 + t₀ + t₁ + …} in index order. A dot product's term is
 * {@code tⱼ = xⱼ · yⱼ}, one IEEE multiply (never a fused multiply-add); every addition keeps the
 * accumulator on the left.
 *
 * <p>Why these eight accumulators and this combining tree: it is what a vector loop computes at every
 * width. With 4 lanes, two accumulators {@code A = (a0, a1, a2, a3)} and {@code B = (a4, a5, a6, a7)}
 * take a block of 8 each step; at the end {@code A + B = (a0+a4, a1+a5, a2+a6, a3+a7)}, then lanes
 * 0+2 and 1+3 give {@code ((a0+a4) + (a2+a6))} and {@code ((a1+a5) + (a3+a7))}, and their sum is
 * {@code s}. With 8 lanes one accumulator holds {@code a0 … a7} and the same halving (lanes 0..3 +
 * 4..7, then 0,1 + 2,3, then 0 + 1) gives the same tree. With 2 lanes, four accumulators hold
 * {@code (a0,a1), (a2,a3), (a4,a5), (a6,a7)}; adding the first and third, the second and fourth,
 * then those two, then the two lanes is again the same tree. Threads may split work between whole
 * sums, never inside one. The JIT ({@code catad.jit}) implements this order with the Vector API, so
 * its results are bitwise identical to the interpreter's.
 *
 * <p>NaN results are NaN in both, though which NaN (its sign and payload) Java does not pin down:
 * the JVM may swap the operands of an addition when it compiles a method.
 */
public final class Sums {
    private Sums() {}

    /**
     * {@return the canonical sum of {@code x[offset + j·stride]} for {@code j < n}; 0.0 when n ≤ 0}
     * @param x the numbers @param offset where the first term is @param stride the step between terms
     * @param n how many terms
     */
    public static double sum(double[] x, int offset, int stride, int n) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        int full = n / 8 * 8, p = offset;
        for (int j = 0; j < full; j += 8, p += 8 * stride) {
            a0 += x[p];
            a1 += x[p + stride];
            a2 += x[p + 2 * stride];
            a3 += x[p + 3 * stride];
            a4 += x[p + 4 * stride];
            a5 += x[p + 5 * stride];
            a6 += x[p + 6 * stride];
            a7 += x[p + 7 * stride];
        }
        double s = ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));
        for (int j = full; j < n; j++, p += stride) s += x[p];
        return s;
    }

    /**
     * {@return the canonical sum of the products {@code x[xo + j·xs] · y[yo + j·ys]} for {@code j < n};
     * 0.0 when n ≤ 0}
     * @param x the left factors @param xo where the first is @param xs the step between them
     * @param y the right factors @param yo where the first is @param ys the step between them
     * @param n how many terms
     */
    public static double dot(double[] x, int xo, int xs, double[] y, int yo, int ys, int n) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        int full = n / 8 * 8, p = xo, q = yo;
        for (int j = 0; j < full; j += 8, p += 8 * xs, q += 8 * ys) {
            a0 += x[p] * y[q];
            a1 += x[p + xs] * y[q + ys];
            a2 += x[p + 2 * xs] * y[q + 2 * ys];
            a3 += x[p + 3 * xs] * y[q + 3 * ys];
            a4 += x[p + 4 * xs] * y[q + 4 * ys];
            a5 += x[p + 5 * xs] * y[q + 5 * ys];
            a6 += x[p + 6 * xs] * y[q + 6 * ys];
            a7 += x[p + 7 * xs] * y[q + 7 * ys];
        }
        double s = ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));
        for (int j = full; j < n; j++, p += xs, q += ys) s += x[p] * y[q];
        return s;
    }
}
