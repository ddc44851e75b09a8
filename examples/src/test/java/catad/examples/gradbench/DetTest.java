package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code det}: the determinant by minors against Gaussian elimination with partial pivoting in
 * plain Java, and its gradient against the closed form {@code ∇det A = det(A) A⁻ᵀ} (Gauss-Jordan);
 * exactly on small integer matrices, where every partial result is an integer. Sizes on both sides
 * of the scalar expansion of small minors ({@link Det#LEAF}).
 */
class DetTest {

    /** {@return det A and, in inv, A⁻¹ (row-major), by Gauss-Jordan with partial pivoting} */
    static double detAndInverse(double[] a, int n, double[] inv) {
        double[] m = a.clone();
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) inv[i * n + j] = i == j ? 1 : 0;
        double det = 1;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
            if (p != c) {
                det = -det;
                for (int j = 0; j < n; j++) {
                    double t = m[c * n + j]; m[c * n + j] = m[p * n + j]; m[p * n + j] = t;
                    t = inv[c * n + j]; inv[c * n + j] = inv[p * n + j]; inv[p * n + j] = t;
                }
            }
            double piv = m[c * n + c];
            det *= piv;
            for (int j = 0; j < n; j++) { m[c * n + j] /= piv; inv[c * n + j] /= piv; }
            for (int r = 0; r < n; r++) {
                if (r == c) continue;
                double f = m[r * n + c];
                for (int j = 0; j < n; j++) { m[r * n + j] -= f * m[c * n + j]; inv[r * n + j] -= f * inv[c * n + j]; }
            }
        }
        return det;
    }

    static void check(Module m, double[] a, int ell, Backend backend, double rtol) {
        var in = Evals.input().put("ell", ell).set("A", Evals.array(a));
        var inv = new double[ell * ell];
        double det = detAndInverse(a, ell, inv);
        Evals.close(det, Evals.run(m, "primal", in, backend).doubleValue(), rtol, rtol * 1e-3, "det ell=" + ell);
        var g = new double[ell * ell];
        double scale = 0;
        for (int i = 0; i < ell; i++)
            for (int j = 0; j < ell; j++) scale = Math.max(scale, Math.abs(g[i * ell + j] = det * inv[j * ell + i]));
        Evals.close(g, Evals.numbers(Evals.run(m, "gradient", in, backend)), rtol, rtol * scale, "gradient ell=" + ell);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void randomMatrices(Backend backend) {
        var m = new Det();
        for (int ell = 1; ell <= 7; ell++) check(m, Evals.uniform(ell * ell, ell, 0, 1), ell, backend, 1e-9);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void integerMatricesExactly(Backend backend) {
        var m = new Det();
        assertEquals(-2.0, Evals.run(m, "primal", Evals.input().put("ell", 2).set("A", Evals.array(new double[] {1, 2, 3, 4})), backend).doubleValue());
        assertArrayEquals(new double[] {4, -3, -2, 1},
                Evals.numbers(Evals.run(m, "gradient", Evals.input().put("ell", 2).set("A", Evals.array(new double[] {1, 2, 3, 4})), backend)));
        // a 6×6 integer matrix: cofactors and determinant are integers, computed without rounding
        int n = 6;
        var a = new double[n * n];
        var exact = new long[n * n];
        for (int i = 0; i < n * n; i++) a[i] = exact[i] = (i * 7 + 3) % 11 - 5;
        var in = Evals.input().put("ell", n).set("A", Evals.array(a));
        assertEquals((double) exactDet(exact, n), Evals.run(m, "primal", in, backend).doubleValue());
        var cofactors = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                var minor = new long[(n - 1) * (n - 1)];
                int q = 0;
                for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) if (r != i && c != j) minor[q++] = exact[r * n + c];
                cofactors[i * n + j] = ((i + j) % 2 == 0 ? 1 : -1) * exactDet(minor, n - 1);
            }
        assertArrayEquals(cofactors, Evals.numbers(Evals.run(m, "gradient", in, backend)));
    }

    /** {@return the determinant of an integer matrix by Laplace expansion in exact arithmetic} */
    static long exactDet(long[] a, int n) {
        if (n == 1) return a[0];
        long det = 0;
        for (int j = 0; j < n; j++) {
            var minor = new long[(n - 1) * (n - 1)];
            int q = 0;
            for (int r = 1; r < n; r++) for (int c = 0; c < n; c++) if (c != j) minor[q++] = a[r * n + c];
            det += (j % 2 == 0 ? 1 : -1) * a[j] * exactDet(minor, n - 1);
        }
        return det;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void refusesWrongSizes(Backend backend) {
        var m = new Det();
        var e = assertThrows(IllegalArgumentException.class, () -> m.prepare("primal", Evals.input().put("ell", 3).set("A", Evals.array(new double[8])), backend));
        assertTrue(e.getMessage().contains("ell² = 9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.prepare("primal", Evals.input().put("ell", 0).set("A", Evals.array(new double[0])), backend));
    }
}
