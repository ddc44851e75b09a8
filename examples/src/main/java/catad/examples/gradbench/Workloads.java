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
