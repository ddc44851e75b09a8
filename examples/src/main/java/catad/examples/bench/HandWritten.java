package catad.examples.bench;

/**
 * Hand-written Java twins of the functions in {@link BenchPrograms}, primal and hand-derived
 * gradient, for the JIT / hand-written comparison in {@link JitBench}.
 *
 * <p>They compute the same function the same way as catad, so that the comparison measures the
 * code and not a cheaper formula: transcendentals through {@link StrictMath} (catad's choice, for
 * reproducible bits; {@link Math}'s intrinsics would be faster and would be a different function
 * to the last bit), the same operations in the same order for each element, sums as one loop in
 * index order (the way one writes them, and the order of catad's interpreter; catad's JIT adds in
 * eight interleaved partial sums, which is why results agree to rounding rather than to the bit).
 * The gradients are what a person would derive by hand: the softmax for log-sum-exp, without the
 * zero contribution catad's gradient carries through the maximum, and one fused backward loop per
 * layer. They write into the caller's array and allocate nothing.
 */
public final class HandWritten {
    private HandWritten() {}

    /** {@return Σ sin(exp xᵢ)} @param x the input */
    public static double sumSinExp(double[] x) {
        double s = 0;
        for (double xi : x) s += StrictMath.sin(StrictMath.exp(xi));
        return s;
    }

    /** Writes ∇ Σ sin(exp xᵢ) = cos(exp xᵢ)·exp xᵢ into g. @param x the input @param g the gradient, same length */
    public static void sumSinExpGrad(double[] x, double[] g) {
        for (int i = 0; i < x.length; i++) {
            double e = StrictMath.exp(x[i]);
            g[i] = StrictMath.cos(e) * e;
        }
    }

    /** {@return the stable log-sum-exp m + log Σ exp(xᵢ - m), m the largest element} @param x the input, not empty */
    public static double logSumExp(double[] x) {
        double m = max(x);
        double s = 0;
        for (double xi : x) s += StrictMath.exp(xi - m);
        return m + StrictMath.log(s);
    }

    /** Writes ∇ log-sum-exp, the softmax exp(xᵢ - m) / Σ exp(xⱼ - m), into g. @param x the input, not empty @param g the gradient, same length */
    public static void logSumExpGrad(double[] x, double[] g) {
        double m = max(x);
        double s = 0;
        for (int i = 0; i < x.length; i++) s += g[i] = StrictMath.exp(x[i] - m);
        for (int i = 0; i < x.length; i++) g[i] /= s;
    }

    private static double max(double[] x) {
        double m = x[0];
        for (int i = 1; i < x.length; i++) m = Math.max(m, x[i]);
        return m;
    }

    /**
     * {@return the MLP loss {@code (w₂ · tanh(W₁ x + b₁) + b₂ - y)²}, input laid out as in
     * {@link BenchPrograms#mlp}}
     * @param d inputs @param h hidden units @param in W₁, b₁, w₂, b₂, x, y, flat
     */
    public static double mlp(int d, int h, double[] in) {
        int b1 = h * d, w2 = b1 + h, b2 = w2 + h, x = b2 + 1, y = x + d;
        double out = 0;
        for (int i = 0; i < h; i++) {
            double z = 0;
            for (int j = 0; j < d; j++) z += in[i * d + j] * in[x + j];
            out += in[w2 + i] * StrictMath.tanh(z + in[b1 + i]);
        }
        double r = out + in[b2] - in[y];
        return r * r;
    }

    /**
     * Writes the gradient of {@link #mlp} with respect to all its inputs into g (same layout),
     * by hand: forward through the hidden layer keeping its activations in g's w₂ slots, then
     * back: {@code c = 2r}, {@code ∂w₂ = c·a}, {@code ∂zᵢ = c·w₂ᵢ·(1 - aᵢ²)}, {@code ∂W₁ = ∂z xᵀ},
     * {@code ∂x = W₁ᵀ ∂z}, {@code ∂b₂ = c}, {@code ∂y = -c}.
     * @param d inputs @param h hidden units @param in the input @param g the gradient, same length
     */
    public static void mlpGrad(int d, int h, double[] in, double[] g) {
        int b1 = h * d, w2 = b1 + h, b2 = w2 + h, x = b2 + 1, y = x + d;
        double out = 0;
        for (int i = 0; i < h; i++) {
            double z = 0;
            for (int j = 0; j < d; j++) z += in[i * d + j] * in[x + j];
            double a = StrictMath.tanh(z + in[b1 + i]);
            g[w2 + i] = a;
            out += in[w2 + i] * a;
        }
        double c = 2 * (out + in[b2] - in[y]);
        for (int j = 0; j < d; j++) g[x + j] = 0;
        for (int i = 0; i < h; i++) {
            double a = g[w2 + i];
            double dz = c * in[w2 + i] * (1 - a * a);
            g[w2 + i] = c * a;
            g[b1 + i] = dz;
            for (int j = 0; j < d; j++) {
                g[i * d + j] = dz * in[x + j];
                g[x + j] += in[i * d + j] * dz;
            }
        }
        g[b2] = c;
        g[y] = -c;
    }

    /**
     * {@return {@link BenchPrograms#mlpTrain}: the MLP loss of parameters p on a fixed example}
     * @param d inputs @param h hidden units @param p W₁, b₁, w₂, b₂ flat @param ex x then y
     */
    public static double mlpTrain(int d, int h, double[] p, double[] ex) {
        int b1 = h * d, w2 = b1 + h, b2 = w2 + h;
        double out = 0;
        for (int i = 0; i < h; i++) {
            double z = 0;
            for (int j = 0; j < d; j++) z += p[i * d + j] * ex[j];
            out += p[w2 + i] * StrictMath.tanh(z + p[b1 + i]);
        }
        double r = out + p[b2] - ex[d];
        return r * r;
    }

    /**
     * Writes the gradient of {@link #mlpTrain} with respect to the parameters into g, by hand: as
     * {@link #mlpGrad} without ∂x, one pass over W₁ forward and one writing ∂W₁ = ∂z xᵀ.
     * @param d inputs @param h hidden units @param p W₁, b₁, w₂, b₂ flat @param ex x then y @param g the gradient, p's layout
     */
    public static void mlpTrainGrad(int d, int h, double[] p, double[] ex, double[] g) {
        int b1 = h * d, w2 = b1 + h, b2 = w2 + h;
        double out = 0;
        for (int i = 0; i < h; i++) {
            double z = 0;
            for (int j = 0; j < d; j++) z += p[i * d + j] * ex[j];
            double a = StrictMath.tanh(z + p[b1 + i]);
            g[w2 + i] = a;
            out += p[w2 + i] * a;
        }
        double c = 2 * (out + p[b2] - ex[d]);
        for (int i = 0; i < h; i++) {
            double a = g[w2 + i];
            double dz = c * p[w2 + i] * (1 - a * a);
            g[w2 + i] = c * a;
            g[b1 + i] = dz;
            for (int j = 0; j < d; j++) g[i * d + j] = dz * ex[j];
        }
        g[b2] = c;
    }

    /**
     * {@return the GMM-like objective of {@link BenchPrograms#gmm}}
     * @param points points @param d dimensions @param k components
     * @param in the points, the means, the weights, flat @param work scratch of length k
     */
    public static double gmm(int points, int d, int k, double[] in, double[] work) {
        int mu = points * d, alpha = mu + k * d;
        double total = 0;
        for (int i = 0; i < points; i++) {
            double m = scores(d, k, in, i * d, mu, alpha, work);
            double s = 0;
            for (int c = 0; c < k; c++) s += StrictMath.exp(work[c] - m);
            total += m + StrictMath.log(s);
        }
        return total;
    }

    /** Writes -½‖x - μ_c‖² + α_c for each component c into work; returns the largest. */
    private static double scores(int d, int k, double[] in, int x, int mu, int alpha, double[] work) {
        double m = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double sq = 0;
            for (int j = 0; j < d; j++) {
                double t = in[x + j] - in[mu + c * d + j];
                sq += t * t;
            }
            double sc = -0.5 * sq + in[alpha + c];
            work[c] = sc;
            m = Math.max(m, sc);
        }
        return m;
    }

    /**
     * Writes the gradient of {@link #gmm} with respect to the points, means and weights into g
     * (same layout): with the responsibilities {@code wᵢ꜀ = softmax꜀(scoreᵢ꜀)},
     * {@code ∂α꜀ = Σᵢ wᵢ꜀}, {@code ∂μ꜀ = Σᵢ wᵢ꜀ (xᵢ - μ꜀)}, {@code ∂xᵢ = -Σ꜀ wᵢ꜀ (xᵢ - μ꜀)}.
     * @param points points @param d dimensions @param k components
     * @param in the input @param g the gradient, same length @param work scratch of length k
     */
    public static void gmmGrad(int points, int d, int k, double[] in, double[] g, double[] work) {
        int mu = points * d, alpha = mu + k * d;
        java.util.Arrays.fill(g, mu, g.length, 0);
        for (int i = 0; i < points; i++) {
            int x = i * d;
            double m = scores(d, k, in, x, mu, alpha, work);
            double s = 0;
            for (int c = 0; c < k; c++) s += work[c] = StrictMath.exp(work[c] - m);
            for (int j = 0; j < d; j++) g[x + j] = 0;
            for (int c = 0; c < k; c++) {
                double w = work[c] / s;
                g[alpha + c] += w;
                for (int j = 0; j < d; j++) {
                    double wt = w * (in[x + j] - in[mu + c * d + j]);
                    g[mu + c * d + j] += wt;
                    g[x + j] -= wt;
                }
            }
        }
    }

    /** {@return Σ exp(xᵢ)²} @param x the input */
    public static double sumExpSquared(double[] x) {
        double s = 0;
        for (double xi : x) {
            double e = StrictMath.exp(xi);
            s += e * e;
        }
        return s;
    }

    /** Writes ∇ Σ exp(xᵢ)² = 2 exp(xᵢ)² into g. @param x the input @param g the gradient, same length */
    public static void sumExpSquaredGrad(double[] x, double[] g) {
        for (int i = 0; i < x.length; i++) {
            double e = StrictMath.exp(x[i]);
            g[i] = 2 * e * e;
        }
    }

    /** {@return Σᵢ₌₀ⁿ⁻² sin(xᵢ)·xᵢ₊₁} @param x the input */
    public static double sumSinNext(double[] x) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) s += StrictMath.sin(x[i]) * x[i + 1];
        return s;
    }

    /** Writes ∇ Σ sin(xᵢ)·xᵢ₊₁ into g: {@code gᵢ = cos(xᵢ)·xᵢ₊₁ + sin(xᵢ₋₁)}, the missing neighbour's term left out at the ends. @param x the input @param g the gradient, same length */
    public static void sumSinNextGrad(double[] x, double[] g) {
        int n = x.length;
        double prevSin = 0;
        for (int i = 0; i < n; i++) {
            double next = i + 1 < n ? StrictMath.cos(x[i]) * x[i + 1] : 0;
            g[i] = next + prevSin;
            prevSin = StrictMath.sin(x[i]);
        }
    }
}
