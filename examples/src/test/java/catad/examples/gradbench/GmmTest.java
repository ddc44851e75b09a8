package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * {@link Gmm} against plain Java: the objective against a direct loop over points and components,
 * the gradient against central differences of that loop, on inputs drawn the way the eval draws
 * them (x and q, l, α normal, μ uniform, m = 0, γ = 1), at the eval's smallest default workload
 * and a middle one, on both backends.
 */
class GmmTest {
    private static final JsonNodeFactory J = JsonNodeFactory.instance;

    /** The eval's input: x, q, l, α ~ N(0, 1), μ ~ U(0, 1); l flat per component (ADBench's order). */
    static ObjectNode input(int d, int k, int n, long seed) {
        var rnd = new SplittableRandom(seed);
        ObjectNode in = J.objectNode();
        in.put("d", d).put("k", k).put("n", n).put("m", 0).put("gamma", 1.0);
        in.set("x", rows(n, d, rnd, false));
        in.set("mu", rows(k, d, rnd, true));
        in.set("q", rows(k, d, rnd, false));
        in.set("l", rows(k, d * (d - 1) / 2, rnd, false));
        in.set("alpha", rows(1, k, rnd, false).get(0));
        return in;
    }

    private static ArrayNode rows(int r, int c, SplittableRandom rnd, boolean uniform) {
        ArrayNode a = J.arrayNode();
        for (int i = 0; i < r; i++) {
            ArrayNode row = a.addArray();
            for (int j = 0; j < c; j++) row.add(uniform ? rnd.nextDouble() : rnd.nextGaussian());
        }
        return a;
    }

    /** The parameters, flat: α, μ, q, l (ADBench's order). */
    private static double[] params(JsonNode in) {
        int d = in.get("d").asInt(), k = in.get("k").asInt(), ld = d * (d - 1) / 2;
        var p = new double[k + 2 * k * d + k * ld];
        int at = 0;
        for (int c = 0; c < k; c++) p[at++] = in.get("alpha").get(c).asDouble();
        for (String f : new String[] {"mu", "q", "l"})
            for (JsonNode row : in.get(f))
                for (JsonNode e : row) p[at++] = e.asDouble();
        return p;
    }

    /** The log posterior, written directly from the eval's definition. */
    static double reference(JsonNode in, double[] p) { return reference(in, p, false); }

    /** The objective; with {@code adbench}, the older eval's prior (ADBench's sign: {@code +½γ²‖Q‖² - mΣq - kC}). */
    static double reference(JsonNode in, double[] p, boolean adbench) {
        int d = in.get("d").asInt(), k = in.get("k").asInt(), n = in.get("n").asInt(), m = in.get("m").asInt();
        double gamma = in.get("gamma").asDouble();
        int ld = d * (d - 1) / 2, muAt = k, qAt = k + k * d, lAt = k + 2 * k * d;
        var qmat = new double[k][d][d];
        var sumQ = new double[k];
        double frob = 0;
        for (int c = 0; c < k; c++) {
            int idx = 0;
            for (int j = 0; j < d; j++) {
                qmat[c][j][j] = Math.exp(p[qAt + c * d + j]);
                sumQ[c] += p[qAt + c * d + j];
                for (int i = j + 1; i < d; i++) qmat[c][i][j] = p[lAt + c * ld + idx++];
            }
            for (double[] row : qmat[c]) for (double e : row) frob += e * e;
        }
        double total = 0;
        var beta = new double[k];
        for (int i = 0; i < n; i++) {
            JsonNode x = in.get("x").get(i);
            for (int c = 0; c < k; c++) {
                double norm = 0;
                for (int r = 0; r < d; r++) {
                    double s = 0;
                    for (int j = 0; j <= r; j++) s += qmat[c][r][j] * (x.get(j).asDouble() - p[muAt + c * d + j]);
                    norm += s * s;
                }
                beta[c] = p[c] + sumQ[c] - 0.5 * norm;
            }
            total += lse(beta, k);
        }
        int wn = d + m + 1;
        double cst = wn * d * (Math.log(gamma) - 0.5 * Math.log(2)) - Gmm.logMultiGamma(0.5 * wn, d);
        double wishart = 0.5 * gamma * gamma * frob - m * java.util.Arrays.stream(sumQ).sum();
        double prior = adbench ? wishart - k * cst : -wishart + k * cst;
        return -n * d * 0.5 * Math.log(2 * Math.PI) + total - n * lse(java.util.Arrays.copyOf(p, k), k) + prior;
    }

    private static double lse(double[] v, int n) {
        double mx = Double.NEGATIVE_INFINITY, s = 0;
        for (int i = 0; i < n; i++) mx = Math.max(mx, v[i]);
        for (int i = 0; i < n; i++) s += Math.exp(v[i] - mx);
        return mx + Math.log(s);
    }

    /** The gradient from the output, flat in the order of {@link #params}. */
    private static double[] flat(JsonNode g, int d, int k) {
        int ld = d * (d - 1) / 2;
        var p = new double[k + 2 * k * d + k * ld];
        int at = 0;
        for (JsonNode e : g.get("alpha")) p[at++] = e.asDouble();
        for (String f : new String[] {"mu", "q", "l"})
            for (JsonNode row : g.get(f))
                for (JsonNode e : row) p[at++] = e.asDouble();
        assertEquals(p.length, at, "gradient size");
        return p;
    }

    @ParameterizedTest
    @CsvSource({"2, 5, 1000, JIT", "2, 5, 1000, INTERPRETER", "10, 10, 1000, JIT", "10, 10, 200, INTERPRETER"})
    void objectiveAndGradientAgreeWithPlainJava(int d, int k, int n, Backend backend) {
        ObjectNode in = input(d, k, n, 31337 + d);
        double[] p = params(in);
        double expected = reference(in, p);
        Job obj = new Gmm().prepare("objective", in, backend);
        obj.run();
        assertEquals(expected, obj.output().asDouble(), 1e-9 * Math.abs(expected));

        Job jac = new Gmm().prepare("jacobian", in, backend);
        jac.run();
        double[] g = flat(jac.output(), d, k);
        var rnd = new SplittableRandom(7);
        for (int t = 0; t < 24; t++) {
            int i = t < 4 ? t * (p.length - 1) / 3 : rnd.nextInt(p.length);   // the ends and random coordinates
            double h = 1e-5 * Math.max(1, Math.abs(p[i]));
            double[] plus = p.clone(), minus = p.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (reference(in, plus) - reference(in, minus)) / (2 * h);
            // rounding in the differences (|f|·ε/h) plus a relative 1e-5 for their truncation error
            assertEquals(fd, g[i], 1e-5 * Math.abs(fd) + 1e-13 * Math.abs(expected) / h + 1e-6, "d/dp[" + i + "]");
        }
    }

    @Test
    void jaggedLIsReadAndWrittenJagged() {
        int d = 3, k = 2, n = 20;
        ObjectNode flat = input(d, k, n, 5);
        ObjectNode jagged = flat.deepCopy();
        ArrayNode ls = J.arrayNode();
        for (JsonNode lk : flat.get("l")) {
            // column order (1,0), (2,0), (2,1) → rows [], [L10], [L20, L21]
            ArrayNode rowsOf = ls.addArray();
            rowsOf.addArray();
            rowsOf.addArray().add(lk.get(0));
            rowsOf.addArray().add(lk.get(1)).add(lk.get(2));
        }
        jagged.set("l", ls);
        Job a = new Gmm().prepare("jacobian", flat, Backend.INTERPRETER), b = new Gmm().prepare("jacobian", jagged, Backend.INTERPRETER);
        a.run();
        b.run();
        JsonNode ga = a.output().get("l"), gb = b.output().get("l");
        for (int c = 0; c < k; c++) {
            assertEquals(0, gb.get(c).get(0).size());
            assertEquals(ga.get(c).get(0).asDouble(), gb.get(c).get(1).get(0).asDouble());
            assertEquals(ga.get(c).get(1).asDouble(), gb.get(c).get(2).get(0).asDouble());
            assertEquals(ga.get(c).get(2).asDouble(), gb.get(c).get(2).get(1).asDouble());
        }
        Job oa = new Gmm().prepare("objective", flat, Backend.INTERPRETER), ob = new Gmm().prepare("objective", jagged, Backend.INTERPRETER);
        oa.run();
        ob.run();
        assertEquals(oa.output().asDouble(), ob.output().asDouble());
    }

    /** The older input ({@code means}, {@code icf} = q then l) and its flat gradient {@code [α, means, icf]}. */
    @Test
    void theOlderAdbenchInputIsReadWithItsSignAndLayout() {
        int d = 3, k = 4, n = 50;
        ObjectNode in = input(d, k, n, 9);
        ObjectNode old = in.deepCopy();
        old.remove(java.util.List.of("mu", "q", "l"));
        old.set("means", in.get("mu"));
        ArrayNode icf = old.putArray("icf");
        for (int c = 0; c < k; c++) {
            ArrayNode row = icf.addArray();
            in.get("q").get(c).forEach(row::add);
            in.get("l").get(c).forEach(row::add);
        }
        double[] p = params(in);
        Job obj = new Gmm().prepare("objective", old, Backend.JIT);
        obj.run();
        double expected = reference(in, p, true);
        assertEquals(expected, obj.output().asDouble(), 1e-9 * Math.abs(expected));
        Job jac = new Gmm().prepare("jacobian", old, Backend.JIT);
        jac.run();
        JsonNode g = jac.output();
        int ld = d * (d - 1) / 2;
        assertEquals(k + k * d + k * (d + ld), g.size());
        // d/d icf[1][d] (component 1's first l) against central differences
        int flatAt = k + k * d + (d + ld) + d, paramAt = k + 2 * k * d + ld;
        double h = 1e-5;
        double[] plus = p.clone(), minus = p.clone();
        plus[paramAt] += h;
        minus[paramAt] -= h;
        double fd = (reference(in, plus, true) - reference(in, minus, true)) / (2 * h);
        assertEquals(fd, g.get(flatAt).asDouble(), 1e-5 * Math.abs(fd) + 1e-6);
    }

    @Test
    void wrongSizesAreRejected() {
        ObjectNode in = input(2, 5, 10, 1);
        in.put("k", 4);
        var e = assertThrows(IllegalArgumentException.class, () -> new Gmm().prepare("objective", in, Backend.JIT));
        assertTrue(e.getMessage().contains("alpha"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Gmm().prepare("hessian", input(2, 5, 10, 1), Backend.JIT));
    }

    /**
     * The smallest workload's gradient kernel has no method of more than 2,500 bytes. Its loop over
     * points (five {@code exp} on vectors) was one 3,923-byte method, on which HotSpot's C1 gave up
     * ("out of virtual registers in linear scan"); the method then stayed in C1's code and in most
     * JVMs ran the gradient at 1 ms instead of 65 µs. The loop is now split (a vector loop with more
     * than four {@code VecMath} calls and a large body is).
     */
    @Test
    void theSmallestGradientKernelHasNoMethodTooLargeForC1() {
        catad.jit.Kernel k = catad.jit.Jit.compile(Gmm.jacobian(Gmm.objective(2, 5, 1000, 0, 1.0, false)));
        if (k.vectorLanes() >= 4)
            assertTrue(k.largestMethodBytes() <= 2_500, () -> "largest method " + k.largestMethodBytes() + " bytes: " + k);
    }
}
