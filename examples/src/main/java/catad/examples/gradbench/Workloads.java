package catad.examples.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * GradBench's default workloads, as inputs of the sizes each eval sends, for {@link Report}. The
 * workload names and the function pairs are those of GradBench's published runs
 * ({@code evals/<name>/summary.json}); the numbers are fixed-seed uniform draws, not the evals'
 * own data files, which only change the values, not the work.
 */
public final class Workloads {
    private Workloads() {}

    /** One input of an eval. @param name its name in GradBench's runs @param input a maker of its input */
    public record Workload(String name, Supplier<JsonNode> input) {}

    /**
     * An eval with its primal and derivative functions and its workloads.
     * @param name the module @param primal the primal function @param derivative the derivative function @param workloads its inputs
     */
    public record Eval(String name, String primal, String derivative, List<Workload> workloads) {}

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** {@return every eval of the report, in GradBench's order} */
    public static List<Eval> all() {
        var evals = new ArrayList<Eval>();
        evals.add(new Eval("llsq", "primal", "gradient", llsq()));
        evals.add(new Eval("lse", "primal", "gradient", lse()));
        evals.add(new Eval("det", "primal", "gradient", det()));
        evals.add(new Eval("ode", "primal", "gradient", ode()));
        evals.add(new Eval("kmeans", "cost", "dir", kmeans()));
        evals.add(new Eval("gmm", "objective", "jacobian", gmm()));
        evals.add(new Eval("lstm", "objective", "jacobian", lstm()));
        evals.add(new Eval("ba", "objective", "jacobian", ba()));
        evals.add(new Eval("ht", "objective", "jacobian", ht()));
        // saddle and particle have four functions, one per nesting of modes, and no primal: each is timed alone
        for (String f : new String[] {"ff", "fr", "rf", "rr"}) {
            evals.add(new Eval("saddle", f, null, List.of(new Workload(f, () -> { ObjectNode in = input(); in.putArray("start").add(1.0).add(1.0); return in; }))));
        }
        for (String f : new String[] {"ff", "fr", "rf", "rr"}) {
            evals.add(new Eval("particle", f, null, List.of(new Workload(f, () -> input().put("w", 0.0)))));
        }
        return evals;
    }

    static ObjectNode input() { return JSON.objectNode().put("min_runs", 1).put("min_seconds", 0); }

    static ArrayNode numbers(int n, long seed, double lo, double hi) {
        var r = new SplittableRandom(seed);
        ArrayNode a = JSON.arrayNode();
        for (int i = 0; i < n; i++) a.add(r.nextDouble(lo, hi));
        return a;
    }

    static ArrayNode rows(int m, int n, long seed, double lo, double hi) {
        var r = new SplittableRandom(seed);
        ArrayNode a = JSON.arrayNode();
        for (int i = 0; i < m; i++) {
            ArrayNode row = a.addArray();
            for (int j = 0; j < n; j++) row.add(r.nextDouble(lo, hi));
        }
        return a;
    }

    static List<Workload> llsq() {
        var w = new ArrayList<Workload>();
        for (int n : new int[] {16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8196, 16392}) {
            int m = 128;
            w.add(new Workload("n=" + n + ",m=" + m, () -> input().put("n", n).set("x", numbers(m, n, -1, 1))));
        }
        return w;
    }

    static List<Workload> lse() {
        var w = new ArrayList<Workload>();
        for (int n = 2500; n <= 1_280_000; n *= 2) {
            int len = n;
            w.add(new Workload("n=" + n, () -> input().set("x", numbers(len, len, -10, 10))));
        }
        return w;
    }

    static List<Workload> det() {
        var w = new ArrayList<Workload>();
        for (int ell = 5; ell <= 11; ell++) {
            int e = ell;
            w.add(new Workload(Integer.toString(ell), () -> input().put("ell", e).set("A", numbers(e * e, e, -1, 1))));
        }
        return w;
    }

    static List<Workload> ode() {
        var w = new ArrayList<Workload>();
        int[][] ns = {{1000, 1}, {1000, 10}, {10000, 1}, {1000, 100}, {10000, 10}, {100000, 1}, {10000, 100}, {100000, 10}, {100000, 100}};
        for (int[] p : ns) {
            int n = p[0], s = p[1];
            w.add(new Workload("n=" + n + ",s=" + s, () -> input().put("s", s).set("x", numbers(n, n + s, 0, 1))));
        }
        return w;
    }

    static ArrayNode gaussianRows(int m, int n, SplittableRandom r) {
        ArrayNode a = JSON.arrayNode();
        for (int i = 0; i < m; i++) {
            ArrayNode row = a.addArray();
            for (int j = 0; j < n; j++) row.add(r.nextGaussian());
        }
        return a;
    }

    /** GMM's workloads, named {@code d_k_n}: x, q, l, α normal, μ uniform, m = 0, γ = 1, as the eval draws them. */
    static List<Workload> gmm() {
        var w = new ArrayList<Workload>();
        String[] names = {"2_5_1000", "2_10_1000", "2_25_1000", "10_5_1000", "2_50_1000", "10_10_1000", "20_5_1000", "32_5_1000",
                "2_100_1000", "20_10_1000", "10_25_1000", "32_10_1000", "64_5_1000", "10_50_1000", "20_25_1000", "64_10_1000",
                "32_25_1000", "10_100_1000", "20_50_1000", "32_50_1000", "64_25_1000", "20_100_1000", "32_100_1000", "64_50_1000", "64_100_1000"};
        for (String name : names) {
            String[] p = name.split("_");
            int d = Integer.parseInt(p[0]), k = Integer.parseInt(p[1]), n = Integer.parseInt(p[2]);
            w.add(new Workload(name, () -> {
                var r = new SplittableRandom(d * 10_000L + k);
                ObjectNode in = input().put("d", d).put("k", k).put("n", n).put("m", 0).put("gamma", 1.0);
                in.set("x", gaussianRows(n, d, r));
                in.set("mu", rows(k, d, d + k, 0, 1));
                in.set("q", gaussianRows(k, d, r));
                in.set("l", gaussianRows(k, d * (d - 1) / 2, r));
                in.set("alpha", gaussianRows(1, k, r).get(0));
                return in;
            }));
        }
        return w;
    }

    /** LSTM's workloads, {@code l} layers over {@code c} characters of 14 bits (ADBench's data), parameters and state in [0, 1). */
    static List<Workload> lstm() {
        var w = new ArrayList<Workload>();
        int b = 14;
        int[][] lc = {{2, 1024}, {4, 1024}, {6, 1024}, {2, 4096}, {2, 8192}, {4, 4096}, {6, 4096}, {4, 8192}, {6, 8192}};
        for (int[] p : lc) {
            int l = p[0], c = p[1];
            w.add(new Workload("l=" + l + ",c=" + c, () -> {
                var r = new SplittableRandom(l * 100_000L + c);
                ObjectNode in = input();
                in.set("main_params", rows(2 * l, 4 * b, l + c, 0, 1));
                in.set("extra_params", rows(3, b, l + c + 1, 0, 1));
                in.set("state", rows(2 * l, b, l + c + 2, 0, 1));
                ArrayNode seq = in.putArray("sequence");
                for (int t = 0; t < c; t++) {
                    int ch = 32 + r.nextInt(95);
                    ArrayNode bits = seq.addArray();
                    for (int i = b - 1; i >= 0; i--) bits.add((ch >> i) & 1);
                }
                return in;
            }));
        }
        return w;
    }

    /** BA's workloads {@code baK_nN_mM_pP}: one camera, point, weight and feature duplicated, as the eval sends them. */
    static List<Workload> ba() {
        var w = new ArrayList<Workload>();
        String[] names = {"ba1_n49_m7776_p31843", "ba2_n21_m11315_p36455", "ba3_n161_m48126_p182072", "ba4_n372_m47423_p204472",
                "ba5_n257_m65132_p225911", "ba6_n539_m65220_p277273", "ba7_n93_m61203_p287451", "ba8_n88_m64298_p383937",
                "ba9_n810_m88814_p393775", "ba10_n1197_m126327_p563734", "ba11_n1723_m156502_p678718", "ba12_n253_m163691_p899155",
                "ba13_n245_m198739_p1091386", "ba14_n356_m226730_p1255268"};
        double[] cam = {0.0157, -0.0128, -0.0044, -0.034, 0.0412, 0.1039, 399.75, 1.5, -2.5, -3.1e-7, 1.6e-13};
        for (String name : names) {
            String[] p = name.split("_");
            int n = Integer.parseInt(p[1].substring(1)), m = Integer.parseInt(p[2].substring(1)), obs = Integer.parseInt(p[3].substring(1));
            w.add(new Workload(name, () -> {
                ObjectNode in = input().put("n", n).put("m", m).put("p", obs);
                ArrayNode c = in.putArray("cam");
                for (double v : cam) c.add(v);
                in.putArray("x").add(-0.612).add(0.571).add(-1.847);
                in.put("w", 0.9);
                in.putArray("feat").add(-332.65).add(262.09);
                return in;
            }));
        }
        return w;
    }

    /** HT's workloads {@code handK_t26_cC}: C correspondences on a synthetic 22-bone hand of 544 vertices (ADBench's size), simple variant. */
    static List<Workload> ht() {
        var w = new ArrayList<Workload>();
        int[] cs = {100, 192, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 100000};
        for (int i = 0; i < cs.length; i++) {
            int c = cs[i];
            w.add(new Workload("hand" + (i + 1) + "_t26_c" + c, () -> SyntheticHand.input(544, c, false, false, c)));
        }
        return w;
    }

    static List<Workload> kmeans() {
        var w = new ArrayList<Workload>();
        int[][] kns = {{10, 1000, 8}, {10, 1000, 16}, {10, 10000, 8}, {100, 1000, 8}, {10, 10000, 16}, {100, 1000, 16},
                {100, 10000, 8}, {1000, 1000, 8}, {100, 10000, 16}, {1000, 1000, 16}, {1000, 10000, 8}, {1000, 10000, 16}};
        for (int[] p : kns) {
            int k = p[0], n = p[1], d = p[2];
            w.add(new Workload("k=" + k + ",n=" + n + ",d=" + d, () -> {
                ObjectNode in = input();
                in.set("points", rows(n, d, n + d, 0, 1));
                in.set("centroids", rows(k, d, k + d, 0, 1));
                return in;
            }));
        }
        return w;
    }
}
