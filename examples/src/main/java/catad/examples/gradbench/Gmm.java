package catad.examples.gradbench;

import static catad.examples.gradbench.EvalIo.*;
import static catad.examples.gradbench.Inputs.job;
import static catad.examples.gradbench.Inputs.unknownFunction;

import catad.dsl.Catad;
import catad.dsl.Pointful;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.Sym;
import catad.interpreter.AD;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GradBench's {@code gmm} eval: the log posterior of a Gaussian mixture model with a Wishart prior
 * ({@code objective}) and its gradient ({@code jacobian}), from ADBench.
 *
 * <p>Formulation (the eval's README and reference implementation): weights by log-sum-exp of α;
 * each component's precision factor Q is lower triangular, {@code exp(q)} on the diagonal and the
 * parameters l below it (taken column by column, as ADBench stores them);
 * {@code βᵢₖ = αₖ + Σⱼ qₖⱼ - ½‖Qₖ(xᵢ - μₖ)‖²}; the objective is
 * {@code -nd/2·log 2π + Σᵢ lse(βᵢ) - n·lse(α) + log Wishart prior}. The input's {@code l} may be
 * flat per component (ADBench's column order) or jagged (row i holds the i entries left of the
 * diagonal); the gradient is written back in the same form. The older ADBench input ({@code means},
 * {@code icf}: q then l per component) is read too, with ADBench's sign for the prior and a flat
 * gradient {@code [α, means, icf]}, as that version of the eval expects.
 *
 * <p>The program's input is {@code ((α × μ) × (q × L)) × x} where L is {@code [k][d][d]R}: each
 * component's l laid out as a full matrix (its strictly lower part; catad has no gather, so the
 * parameters are placed when the input is read). The program uses only {@code L ⊙ strictly-lower
 * mask}, so it is a function of l alone and the gradient's entries at l's places are exactly
 * ∂F/∂l. The gradient is {@code exl ∘ grad}, so the compiled kernel drops the (unused) derivative
 * with respect to the points.
 *
 * <p>Per component, {@code Q(xᵢ - μ)} for all points is one {@code matmul} {@code X Qᵀ} less the row
 * {@code Qμ}, computed in a map over the components of its own, and β from it in a second map. Both
 * choices are for the gradient: a map's reverse derivative recomputes the intermediate values of its
 * body, so with one map the product would be computed twice; and written as {@code (X - 1μᵀ) Qᵀ},
 * μ's cotangent would need the n points' cotangents multiplied by Q (a second product as large as the
 * first), where from {@code Qμ} it needs their sum. The price is rounding: {@code Qx - Qμ} loses digits
 * to cancellation where a point is much farther from the origin than from μ (not so for the eval's
 * inputs: standard normal points, means in [0, 1]).
 */
public final class Gmm implements Module {

    /** A new gmm module. */
    public Gmm() {}

    /** What fixes the programs: sizes and the prior's constants. */
    private record Key(int d, int k, int n, int m, double gamma, boolean adbenchPrior) {}

    private record Programs(Prog objective, Prog jacobian) {}

    private static final Map<Key, Programs> PROGRAMS = new ConcurrentHashMap<>();

    @Override public String name() { return "gmm"; }

    @Override
    public Job prepare(String function, JsonNode input, Backend backend) {
        if (!function.equals("objective") && !function.equals("jacobian")) throw unknownFunction("gmm", function, "objective, jacobian");
        int d = integer(input, "d"), k = integer(input, "k"), n = integer(input, "n"), m = integer(input, "m");
        double gamma = number(input, "gamma");
        if (d < 1 || k < 1 || n < 1) throw new IllegalArgumentException("gmm needs d, k, n >= 1, got d=" + d + " k=" + k + " n=" + n);
        if (m < 0 || !(gamma > 0)) throw new IllegalArgumentException("gmm needs m >= 0 and gamma > 0, got m=" + m + " gamma=" + gamma);
        int ld = d * (d - 1) / 2;
        boolean legacy = !input.has("mu") && input.has("icf");
        double[] alpha = vector(field(input, "alpha"), k, "alpha");
        double[][] mu, q, l;
        boolean jagged = false;
        if (legacy) {
            mu = matrix(field(input, "means"), k, d, "means");
            double[][] icf = matrix(field(input, "icf"), k, d + ld, "icf");
            q = new double[k][];
            l = new double[k][];
            for (int c = 0; c < k; c++) {
                q[c] = java.util.Arrays.copyOfRange(icf[c], 0, d);
                l[c] = java.util.Arrays.copyOfRange(icf[c], d, d + ld);
            }
        } else {
            mu = matrix(field(input, "mu"), k, d, "mu");
            q = matrix(field(input, "q"), k, d, "q");
            JsonNode ln = field(input, "l");
            jagged = ln.isArray() && ln.size() > 0 && ln.get(0).isArray() && ln.get(0).size() > 0 && ln.get(0).get(0).isArray();
            l = jagged ? readJagged(ln, k, d) : matrix(ln, k, ld, "l");
        }
        double[][] x = matrix(field(input, "x"), n, d, "x");

        Programs p = PROGRAMS.computeIfAbsent(new Key(d, k, n, m, gamma, legacy), Gmm::build);
        int params = k + 2 * k * d + k * d * d;
        double[] in = new double[params + n * d];
        int at = put(in, 0, alpha);
        at = put(in, at, mu);
        at = put(in, at, q);
        for (int c = 0; c < k; c++, at += d * d)
            for (int i = 1; i < d; i++)
                for (int j = 0; j < i; j++) in[at + i * d + j] = l[c][lowerIndex(d, i, j)];
        put(in, at, x);

        if (function.equals("objective")) return job(backend.compile(p.objective()), in, 1, y -> JSON.numberNode(y[0]));
        boolean asJagged = jagged;
        return job(backend.compile(p.jacobian()), in, params, g -> legacy ? legacyJson(g, d, k) : jacobianJson(g, d, k, asJagged));
    }

    /** {@return l given jagged (row i of component c holds L[i][0..i-1]) in ADBench's column order} */
    private static double[][] readJagged(JsonNode ln, int k, int d) {
        if (ln.size() != k) throw new IllegalArgumentException("l must have " + k + " components, got " + ln.size());
        var l = new double[k][d * (d - 1) / 2];
        for (int c = 0; c < k; c++) {
            JsonNode rows = ln.get(c);
            if (!rows.isArray() || rows.size() != d) throw new IllegalArgumentException("l[" + c + "] must have " + d + " rows");
            for (int i = 0; i < d; i++) {
                double[] row = vector(rows.get(i), i, "l[" + c + "][" + i + "]");
                for (int j = 0; j < i; j++) l[c][lowerIndex(d, i, j)] = row[j];
            }
        }
        return l;
    }

    /** {@return the gradient in the older eval's layout: α, then the means, then per component q and l} */
    private static ArrayNode legacyJson(double[] g, int d, int k) {
        ArrayNode a = JSON.arrayNode();
        for (int c = 0; c < k; c++) a.add(g[c]);
        for (int i = k; i < k + k * d; i++) a.add(g[i]);
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < d; i++) a.add(g[k + k * d + c * d + i]);
            for (int j = 0; j < d; j++)
                for (int i = j + 1; i < d; i++) a.add(g[lAt(d, k) + c * d * d + i * d + j]);
        }
        return a;
    }

    /** {@return where the full matrices L begin in the program's input} */
    private static int lAt(int d, int k) { return k + 2 * k * d; }

    private static ObjectNode jacobianJson(double[] g, int d, int k, boolean jagged) {
        ObjectNode o = JSON.objectNode();
        int alphaAt = 0, muAt = k, qAt = k + k * d, lAt = lAt(d, k), ld = d * (d - 1) / 2;
        o.set("mu", rows(g, muAt, k, d));
        o.set("q", rows(g, qAt, k, d));
        if (jagged) {
            ArrayNode l = JSON.arrayNode(k);
            for (int c = 0; c < k; c++) {
                ArrayNode comp = JSON.arrayNode(d);
                for (int i = 0; i < d; i++) {
                    ArrayNode row = JSON.arrayNode(i);
                    for (int j = 0; j < i; j++) row.add(g[lAt + c * d * d + i * d + j]);
                    comp.add(row);
                }
                l.add(comp);
            }
            o.set("l", l);
        } else {
            ArrayNode l = JSON.arrayNode(k);
            for (int c = 0; c < k; c++) {
                ArrayNode comp = JSON.arrayNode(ld);
                for (int j = 0; j < d; j++)
                    for (int i = j + 1; i < d; i++) comp.add(g[lAt + c * d * d + i * d + j]);
                l.add(comp);
            }
            o.set("l", l);
        }
        o.set("alpha", array(g, alphaAt, k));
        return o;
    }

    /** {@return where L[i][j] (i > j) is among ADBench's strictly-lower parameters, stored column by column} */
    static int lowerIndex(int d, int i, int j) { return j * (d - 1) - j * (j - 1) / 2 + (i - j - 1); }

    // ---------------------------------------------------------------- programs

    private static Programs build(Key key) {
        Prog f = objective(key.d(), key.k(), key.n(), key.m(), key.gamma(), key.adbenchPrior());
        return new Programs(f, jacobian(f));
    }

    /** {@return the gradient of the objective f with respect to the parameters only, simplified} */
    static Prog jacobian(Prog f) {
        var in = (Shape.Pair) f.dom();
        return AD.simplify(Catad.compose(Catad.exl(in.left(), in.right()), AD.grad(f)));
    }

    /**
     * {@return the objective {@code ((α × μ) × (q × L)) × x → R}, L the full matrices of the strictly lower parts}
     * @param adbenchPrior the older eval's sign for the prior ({@code +½γ²‖Q‖² - mΣq - kC} rather than
     *     the log density's {@code -½γ²‖Q‖² + mΣq + kC})
     */
    static Prog objective(int d, int k, int n, int m, double gamma, boolean adbenchPrior) {
        Shape kv = Shape.vec(k), kd = Shape.tensor(k, d), kl = Shape.tensor(k, d, d), nd = Shape.tensor(n, d);
        Shape params = Shape.pair(Shape.pair(kv, kd), Shape.pair(kd, kl));
        int wn = d + m + 1;
        double c = wn * d * (Math.log(gamma) - 0.5 * Math.log(2)) - logMultiGamma(0.5 * wn, d);
        double constant = -n * d * 0.5 * Math.log(2 * Math.PI);
        var strictlyLower = new double[d * d];
        var identity = new double[d * d];
        for (int i = 0; i < d; i++) {
            identity[i * d + i] = 1;
            for (int j = 0; j < i; j++) strictlyLower[i * d + j] = 1;
        }
        return Pointful.compile(params, nd, (theta, x) -> {
            Sym alpha = theta.fst().fst(), mu = theta.fst().snd(), q = theta.snd().fst(), l = theta.snd().snd();
            Sym below = Sym.constant(Shape.tensor(d, d), strictlyLower), diagonal = Sym.constant(Shape.tensor(d, d), identity);
            Sym eq = q.exp();
            Sym sumQ = q.map(Sym::sum);
            // Q = exp(q) on the diagonal + the strictly lower part of L
            Sym qMat = zip(l, eq).map(le -> le.fst().times(below).plus(le.snd().apply(Catad.repl(d, Shape.vec(d))).times(diagonal)));
            // Qₖ(xᵢ - μₖ) for all points as X Qₖᵀ less the row Qₖμₖ, in a map of its own (see the class comment)
            Sym qxs = zip(qMat, mu).map(qm -> {
                Sym qK = qm.fst(), muK = qm.snd();
                Sym qmu = qK.map(row -> row.dot(muK));
                Sym xq = Sym.pair(x, qK.apply(Catad.transpose(d, d, Shape.R))).apply(Catad.matmul(n, d, d));
                return xq.map(r -> r.minus(qmu));
            });
            // β as [k][n]
            Sym beta = zip(qxs, alpha.plus(sumQ)).map(p -> p.fst().map(r -> r.dot(r)).times(-0.5).plus(p.snd()));
            Sym slse = beta.apply(Catad.transpose(k, n, Shape.R)).map(EvalIo::logSumExp).sum();
            Sym frobenius = qMat.map(r -> r.map(e -> e.dot(e)).sum()).sum();
            Sym wishart = frobenius.times(0.5 * gamma * gamma).minus(sumQ.sum().times(m));
            Sym prior = adbenchPrior ? wishart.minus(k * c) : wishart.neg().plus(k * c);
            return slse.minus(logSumExp(alpha).times(n)).plus(constant).plus(prior);
        });
    }

    /** {@return log Γ_p(a), the multivariate gamma function's logarithm} */
    static double logMultiGamma(double a, int p) {
        double r = 0.25 * p * (p - 1) * Math.log(Math.PI);
        for (int j = 1; j <= p; j++) r += logGamma(a + 0.5 * (1 - j));
        return r;
    }

    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    /** {@return log Γ(x) for x > 0, Lanczos' approximation (g = 7), about 15 digits} */
    static double logGamma(double x) {
        if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        x -= 1;
        double a = LANCZOS[0], t = x + 7.5;
        for (int i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (x + i);
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
