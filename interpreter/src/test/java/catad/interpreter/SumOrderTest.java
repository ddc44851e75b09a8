package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.interpreter.Num.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every reduction the interpreter runs ({@code sum}, {@code dot}, {@code matvec}, {@code matmul},
 * {@code matrix}) adds in catad's canonical order ({@link catad.dsl.Sums}), bit for bit, so the JIT
 * can match it with vector loops. Each test also checks that its inputs tell the canonical order
 * from left to right, so it fails if a reduction goes back to adding left to right.
 */
class SumOrderTest {

    /** Lengths of at least 8, with and without a tail after the blocks of 8. */
    static final int[] LENGTHS = {8, 9, 15, 16, 40, 67};

    /** {@return n numbers of magnitudes from 1e-4 to 1e4, so that the order of a sum shows in its last bits} */
    static double[] numbers(Random r, int n) {
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = (2 * r.nextDouble() - 1) * Math.pow(10, r.nextInt(9) - 4);
        return x;
    }

    /** Records whether some expected sum differs from the left-to-right sum of the same terms. */
    static final class Shows {
        boolean order;
        double expect(double... terms) {
            double s = canonicalSum(terms);
            order |= Double.doubleToRawLongBits(s) != Double.doubleToRawLongBits(leftToRightSum(terms));
            return s;
        }
        void check() { assertTrue(order, "no input told the canonical order from left to right: the test would not notice a revert"); }
    }

    @Test
    void theOrderShows() {
        // left to right the first 1 is lost in 1e17 (whose ulp is 16) and the sum is 5; the canonical
        // order adds it to lane 1 and cancels 1e17 in lanes 0 + 2 + 4 + 6 first, and gets 4
        double[] x = {1e17, 1, -1e17, 1, 1, 1, 1, 1};
        assertEquals(5.0, leftToRightSum(x));
        assertEquals(4.0, AD.eval1(sum(Shape.vec(8)), x));
        assertEquals(4.0, AD.eval1(dot(8), concat(x, new double[] {1, 1, 1, 1, 1, 1, 1, 1})));
        // fewer than 8 terms add left to right
        assertEquals(1.0, AD.eval1(sum(Shape.vec(4)), 1e17, 1, -1e17, 1));
    }

    @Test
    void sumOfNumbers() {
        var r = new Random(1);
        var shows = new Shows();
        for (int n : LENGTHS) {
            double[] x = numbers(r, n);
            sameBits("sum " + n, new double[] {shows.expect(x)}, AD.eval(sum(Shape.vec(n)), x));
        }
        shows.check();
    }

    @Test
    void sumOfVectorsAddsEachComponentInTheCanonicalOrder() {
        var r = new Random(2);
        var shows = new Shows();
        int d = 3;
        for (int n : LENGTHS) {
            double[] x = numbers(r, n * d);
            var expected = new double[d];
            for (int i = 0; i < d; i++) {
                var t = new double[n];
                for (int j = 0; j < n; j++) t[j] = x[j * d + i];
                expected[i] = shows.expect(t);
            }
            sameBits("sum " + n + " of [3]R", expected, AD.eval(sum(n, Shape.vec(d)), x));
        }
        shows.check();
    }

    @Test
    void sumUnderMapAddsEachItemInTheCanonicalOrder() {
        // map runs sum on a batch of 5 arrays at once
        var r = new Random(3);
        var shows = new Shows();
        int b = 5, n = 11;
        double[] x = numbers(r, b * n);
        var expected = new double[b];
        for (int k = 0; k < b; k++) expected[k] = shows.expect(slice(x, k * n, (k + 1) * n));
        sameBits("map sum", expected, AD.eval(map(b, sum(Shape.vec(n))), x));
        shows.check();
    }

    @Test
    void dotIsTheCanonicalSumOfTheProducts() {
        var r = new Random(4);
        var shows = new Shows();
        for (int n : LENGTHS) {
            double[] x = numbers(r, n), y = numbers(r, n), t = new double[n];
            for (int j = 0; j < n; j++) t[j] = x[j] * y[j];
            sameBits("dot " + n, new double[] {shows.expect(t)}, AD.eval(dot(n), concat(x, y)));
        }
        shows.check();
    }

    @Test
    void matvecRowsAreCanonicalDots() {
        var r = new Random(5);
        var shows = new Shows();
        int m = 4;
        for (int n : LENGTHS) {
            double[] a = numbers(r, m * n), v = numbers(r, n);
            var expected = new double[m];
            for (int i = 0; i < m; i++) {
                var t = new double[n];
                for (int j = 0; j < n; j++) t[j] = a[i * n + j] * v[j];
                expected[i] = shows.expect(t);
            }
            sameBits("matvec " + m + " " + n, expected, AD.eval(matvec(m, n), concat(a, v)));
        }
        shows.check();
    }

    @Test
    void matmulEntriesAreCanonicalDotsOverTheInnerIndex() {
        var r = new Random(6);
        var shows = new Shows();
        int m = 3, n = 2;
        for (int k : LENGTHS) {
            double[] a = numbers(r, m * k), b = numbers(r, k * n);
            var expected = new double[m * n];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    var t = new double[k];
                    for (int l = 0; l < k; l++) t[l] = a[i * k + l] * b[l * n + j];
                    expected[i * n + j] = shows.expect(t);
                }
            sameBits("matmul " + m + " " + k + " " + n, expected, AD.eval(matmul(m, k, n), concat(a, b)));
        }
        shows.check();
    }

    @Test
    void matrixRowsAreCanonicalDotsWithTheInput() {
        var r = new Random(7);
        var shows = new Shows();
        int m = 3;
        for (int n : LENGTHS) {
            double[] c = numbers(r, m * n), x = numbers(r, n);
            var expected = new double[m];
            for (int i = 0; i < m; i++) {
                var t = new double[n];
                for (int j = 0; j < n; j++) t[j] = c[i * n + j] * x[j];
                expected[i] = shows.expect(t);
            }
            Prog f = matrix(m, n, c);
            sameBits("matrix " + m + " " + n, expected, AD.eval(f, x));
            // its transpose is the transposed matrix, whose rows are the columns: canonical dots too
            var back = new double[n];
            double[] ct = numbers(r, m);
            for (int j = 0; j < n; j++) {
                var t = new double[m];
                for (int i = 0; i < m; i++) t[i] = c[i * n + j] * ct[i];
                back[j] = canonicalSum(t);
            }
            sameBits("matrix " + m + " " + n + " transposed", back, AD.vjp(f, x, ct));
        }
        shows.check();
    }
}
