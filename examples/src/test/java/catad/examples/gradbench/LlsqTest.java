package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code llsq}: the primal against cmpad's loops written in plain Java, the gradient against its
 * closed form {@code ∂y/∂xⱼ = -Σᵢ rᵢ tᵢʲ} (r the residuals).
 */
class LlsqTest {

    static double[] residuals(double[] x, int n) {
        var r = new double[n];
        for (int i = 0; i < n; i++) {
            double t = -1 + i * 2.0 / (n - 1), inner = Math.signum(t);
            for (int j = 0; j < x.length; j++) inner -= x[j] * Math.pow(t, j);
            r[i] = inner;
        }
        return r;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void primalAndGradient(Backend backend) {
        var m = new Llsq();
        int[][] sizes = {{2, 1}, {3, 2}, {16, 8}, {257, 32}};
        for (int[] nm : sizes) {
            int n = nm[0], k = nm[1];
            double[] x = Evals.uniform(k, n + k, 0, 1);
            var in = Evals.input().put("n", n).set("x", Evals.array(x));
            double[] r = residuals(x, n);
            double y = 0;
            for (double v : r) y += v * v;
            Evals.close(y / 2, Evals.run(m, "primal", in, backend).doubleValue(), 1e-12, 1e-12, "llsq n=" + n + " m=" + k);
            var g = new double[k];
            for (int j = 0; j < k; j++)
                for (int i = 0; i < n; i++) g[j] -= r[i] * Math.pow(-1 + i * 2.0 / (n - 1), j);
            Evals.close(g, Evals.numbers(Evals.run(m, "gradient", in, backend)), 1e-10, 1e-10, "gradient n=" + n + " m=" + k);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void refusesBadInputs(Backend backend) {
        var m = new Llsq();
        var e = assertThrows(IllegalArgumentException.class, () -> m.prepare("gradient", Evals.input().put("n", 1).set("x", Evals.array(new double[] {1})), backend));
        assertTrue(e.getMessage().contains("n must be at least 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.prepare("gradient", Evals.input().put("n", 2.5).set("x", Evals.array(new double[] {1})), backend));
        assertTrue(e.getMessage().contains("integer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.prepare("gradient", Evals.input().set("x", Evals.array(new double[] {1})), backend));
        assertTrue(e.getMessage().contains("no field 'n'"), e.getMessage());
    }
}
