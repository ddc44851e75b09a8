package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code lse}: the primal against plain Java (the log-sum-exp trick), the gradient against its
 * closed form, the softmax; at the eval's range of values (uniform in [0, 1)) and at wide ones
 * where an unstable formula would overflow.
 */
class LseTest {

    static double lse(double[] x) {
        double a = Double.NEGATIVE_INFINITY;
        for (double v : x) a = Math.max(a, v);
        double s = 0;
        for (double v : x) s += Math.exp(v - a);
        return a + Math.log(s);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void primalAndGradient(Backend backend) {
        var m = new Lse();
        int[] sizes = {1, 2, 9, 2500};
        for (int k = 0; k < sizes.length; k++) {
            int n = sizes[k];
            for (double width : new double[] {1, 1000}) {
                double[] x = Evals.uniform(n, 10 * k + (long) width, -width, width);
                var in = Evals.input().set("x", Evals.array(x));
                double y = lse(x);
                Evals.close(y, Evals.run(m, "primal", in, backend).doubleValue(), 1e-13, 1e-13, "lse n=" + n);
                var g = new double[n];
                for (int i = 0; i < n; i++) g[i] = Math.exp(x[i] - y);
                Evals.close(g, Evals.numbers(Evals.run(m, "gradient", in, backend)), 1e-11, 1e-15, "gradient n=" + n);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void refusesBadInputs(Backend backend) {
        var m = new Lse();
        assertThrows(IllegalArgumentException.class, () -> m.prepare("primal", Evals.input().set("x", Evals.JSON.arrayNode()), backend));
        assertThrows(IllegalArgumentException.class, () -> m.prepare("primal", Evals.input(), backend));
        var e = assertThrows(IllegalArgumentException.class, () -> m.prepare("primal",
                Evals.input().set("x", Evals.JSON.arrayNode().add(1).add("two")), backend));
        assertTrue(e.getMessage().contains("x'[1]"), e.getMessage());
    }
}
