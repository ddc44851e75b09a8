package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ode}: the primal against cmpad's Runge-Kutta loops written in plain Java, the gradient of
 * the last element against central finite differences of that Java code.
 */
class OdeTest {

    static double[] solve(double[] x, int s) {
        int n = x.length;
        double h = 2.0 / s;
        double[] y = new double[n], k1 = new double[n], k2 = new double[n], k3 = new double[n], k4 = new double[n], t = new double[n];
        for (int step = 0; step < s; step++) {
            f(x, y, k1);
            for (int i = 0; i < n; i++) t[i] = y[i] + h * k1[i] / 2;
            f(x, t, k2);
            for (int i = 0; i < n; i++) t[i] = y[i] + h * k2[i] / 2;
            f(x, t, k3);
            for (int i = 0; i < n; i++) t[i] = y[i] + h * k3[i];
            f(x, t, k4);
            for (int i = 0; i < n; i++) y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) / 6;
        }
        return y;
    }

    static void f(double[] x, double[] y, double[] z) {
        z[0] = x[0];
        for (int i = 1; i < x.length; i++) z[i] = x[i] * y[i - 1];
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void primalAndGradient(Backend backend) {
        var m = new Ode();
        int[][] sizes = {{1, 1}, {2, 3}, {8, 10}, {50, 20}};
        for (int[] ns : sizes) {
            int n = ns[0], s = ns[1];
            double[] x = Evals.uniform(n, n * 100L + s, 0, 2);
            var in = Evals.input().put("s", s).set("x", Evals.array(x));
            String what = "n=" + n + " s=" + s;
            Evals.close(solve(x, s), Evals.numbers(Evals.run(m, "primal", in, backend)), 1e-12, 1e-14, "primal " + what);
            var g = new double[n];
            double eps = 1e-6;
            for (int j = 0; j < n; j++) {
                double[] up = x.clone(), down = x.clone();
                up[j] += eps;
                down[j] -= eps;
                g[j] = (solve(up, s)[n - 1] - solve(down, s)[n - 1]) / (2 * eps);
            }
            Evals.close(g, Evals.numbers(Evals.run(m, "gradient", in, backend)), 1e-6, 1e-8, "gradient " + what);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void refusesBadInputs(Backend backend) {
        var m = new Ode();
        var e = assertThrows(IllegalArgumentException.class, () -> m.prepare("primal", Evals.input().put("s", 0).set("x", Evals.array(new double[] {1})), backend));
        assertTrue(e.getMessage().contains("s must be at least 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.prepare("jacobian", Evals.input().put("s", 1).set("x", Evals.array(new double[] {1})), backend));
        assertTrue(e.getMessage().contains("no function 'jacobian'"), e.getMessage());
    }
}
