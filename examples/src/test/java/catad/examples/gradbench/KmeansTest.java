package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code kmeans}: the cost against loops in plain Java, the direction {@code J / H} against its
 * closed form: with {@code Sⱼ} the points nearest to centroid j, {@code J = Σᵢ∈Sⱼ 2(Cⱼ - Pᵢ)} and
 * {@code H = 2|Sⱼ|}, so the direction is {@code Cⱼ - mean(Sⱼ)}. Inputs are made as the eval makes
 * them: the centroids are the last k points, so no cluster is empty.
 */
class KmeansTest {

    /** The eval's cost and direction, in plain Java. */
    record Expected(double cost, double[] dir) {
        static Expected of(double[] p, double[] c, int n, int k, int d) {
            double cost = 0;
            var sums = new double[k * d];
            var counts = new int[k];
            for (int i = 0; i < n; i++) {
                int best = -1;
                double bestD = Double.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    double dist = 0;
                    for (int e = 0; e < d; e++) dist += (p[i * d + e] - c[j * d + e]) * (p[i * d + e] - c[j * d + e]);
                    if (dist < bestD) { bestD = dist; best = j; }
                }
                cost += bestD;
                counts[best]++;
                for (int e = 0; e < d; e++) sums[best * d + e] += p[i * d + e];
            }
            var dir = new double[k * d];
            for (int j = 0; j < k; j++) for (int e = 0; e < d; e++) dir[j * d + e] = c[j * d + e] - sums[j * d + e] / counts[j];
            return new Expected(cost, dir);
        }
    }

    /** {@return n points, then as centroids the last k of them, as the eval makes them} */
    static double[][] pointsAndCentroids(int n, int k, int d) {
        double[] p = Evals.uniform(n * d, 31L * n + k + d, 0, 1);
        double[] c = new double[k * d];
        System.arraycopy(p, (n - k) * d, c, 0, k * d);
        return new double[][] {p, c};
    }

    static void check(Module m, int n, int k, int d, Backend backend) {
        double[][] pc = pointsAndCentroids(n, k, d);
        double[] p = pc[0], c = pc[1];
        var in = Evals.JSON.objectNode().put("runs", 1);   // the older form of the eval, without min_runs
        in.set("points", Evals.rows(p, n, d));
        in.set("centroids", Evals.rows(c, k, d));
        var expected = Expected.of(p, c, n, k, d);
        String what = "n=" + n + " k=" + k + " d=" + d;
        Evals.close(expected.cost(), Evals.run(m, "cost", in, backend).doubleValue(), 1e-12, 1e-12, "cost " + what);
        var out = Evals.run(m, "dir", in, backend);
        assertEquals(k, out.size(), "dir has one row per centroid");
        assertEquals(d, out.get(0).size(), "dir rows have d numbers");
        Evals.close(expected.dir(), Evals.numbers(out), 1e-10, 1e-12, "dir " + what);
    }

    /** The programs with points in blocks (as the module makes them for large inputs), with and without a remainder. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void blocksOfPoints(Backend backend) {
        int k = 3, d = 2, b = 5;
        for (int n : new int[] {5, 20, 23}) {
            double[][] pc = pointsAndCentroids(n, k, d);
            var x = new double[(n + k) * d];
            System.arraycopy(pc[0], 0, x, 0, n * d);
            System.arraycopy(pc[1], 0, x, n * d, k * d);
            var expected = Expected.of(pc[0], pc[1], n, k, d);
            var cost = new double[1];
            backend.compile(Kmeans.cost(n, k, d, b)).apply(x, cost);
            Evals.close(expected.cost(), cost[0], 1e-12, 1e-12, "cost in blocks, n=" + n);
            var dir = new double[k * d];
            backend.compile(Kmeans.dir(n, k, d, b)).apply(x, dir);
            Evals.close(expected.dir(), dir, 1e-10, 1e-12, "dir in blocks, n=" + n);
        }
        assertEquals(catad.dsl.Shape.pair(catad.dsl.Shape.tensor(4, 5, 2), catad.dsl.Shape.tensor(3, 2)), Kmeans.points(23, 2, 5));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void costAndDirection(Backend backend) {
        var m = new Kmeans();
        check(m, 1, 1, 1, backend);
        check(m, 5, 2, 3, backend);
        check(m, 200, 10, 8, backend);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void refusesRaggedInputs(Backend backend) {
        var m = new Kmeans();
        var in = Evals.input();
        in.set("points", Evals.rows(new double[] {1, 2, 3, 4}, 2, 2));
        in.set("centroids", Evals.rows(new double[] {1, 2, 3}, 1, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> m.prepare("cost", in, backend));
        assertTrue(e.getMessage().contains("dimensions"), e.getMessage());
        in.set("centroids", Evals.JSON.arrayNode().add(Evals.array(new double[] {1, 2})).add(Evals.array(new double[] {1})));
        e = assertThrows(IllegalArgumentException.class, () -> m.prepare("cost", in, backend));
        assertTrue(e.getMessage().contains("row 1 has 1 numbers"), e.getMessage());
    }
}
