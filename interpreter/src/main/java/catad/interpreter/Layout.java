package catad.interpreter;

import catad.dsl.Sums;
import java.util.Arrays;

/**
 * Moves of flat values. A batch of {@code b} values of a shape of dimension {@code d} is one
 * {@code double[b * d]}, item after item, each in the canonical layout (pairs left then right,
 * arrays element-major). Every method returns a fresh array and never writes its inputs.
 */
final class Layout {
    private Layout() {}

    /** {@return the left parts of b pairs} */
    static double[] left(double[] x, int b, int da, int db) {
        if (db == 0) return x;
        var out = new double[b * da];
        for (int k = 0; k < b; k++) System.arraycopy(x, k * (da + db), out, k * da, da);
        return out;
    }

    /** {@return the right parts of b pairs} */
    static double[] right(double[] x, int b, int da, int db) {
        if (da == 0) return x;
        var out = new double[b * db];
        for (int k = 0; k < b; k++) System.arraycopy(x, k * (da + db) + da, out, k * db, db);
        return out;
    }

    /** {@return b pairs made of b lefts and b rights} */
    static double[] pair(double[] l, double[] r, int b, int da, int db) {
        if (db == 0) return l;
        if (da == 0) return r;
        var out = new double[b * (da + db)];
        for (int k = 0; k < b; k++) {
            System.arraycopy(l, k * da, out, k * (da + db), da);
            System.arraycopy(r, k * db, out, k * (da + db) + da, db);
        }
        return out;
    }

    /** {@return the sum of the two halves of b pairs (a, a')} */
    static double[] jam(double[] x, int b, int d) {
        var out = new double[b * d];
        for (int k = 0; k < b; k++) {
            int o = k * 2 * d;
            for (int i = 0; i < d; i++) out[k * d + i] = x[o + i] + x[o + d + i];
        }
        return out;
    }

    /** {@return each of b items repeated n times in a row} */
    static double[] repl(double[] x, int b, int d, int n) {
        var out = new double[b * n * d];
        for (int k = 0; k < b; k++)
            for (int j = 0; j < n; j++) System.arraycopy(x, k * d, out, (k * n + j) * d, d);
        return out;
    }

    /**
     * {@return the n elements of each of b arrays added up: each of the d components is a sum of n
     * numbers d apart, in the canonical order of {@link Sums}}
     */
    static double[] sum(double[] x, int b, int n, int d) {
        var out = new double[b * d];
        for (int k = 0; k < b; k++) {
            int o = k * n * d;
            for (int i = 0; i < d; i++) out[k * d + i] = Sums.sum(x, o + i, d, n);
        }
        return out;
    }

    /** {@return element i of each of b arrays of n} */
    static double[] ex(double[] x, int b, int n, int d, int i) {
        var out = new double[b * d];
        for (int k = 0; k < b; k++) System.arraycopy(x, (k * n + i) * d, out, k * d, d);
        return out;
    }

    /** {@return b arrays of n, zero but for element i} */
    static double[] in(double[] x, int b, int n, int d, int i) {
        var out = new double[b * n * d];
        for (int k = 0; k < b; k++) System.arraycopy(x, k * d, out, (k * n + i) * d, d);
        return out;
    }

    /** {@return ([n]A, [n]B) items as [n](A × B) items} */
    static double[] zip(double[] x, int b, int n, int da, int db) {
        int d = da + db;
        var out = new double[b * n * d];
        for (int k = 0; k < b; k++) {
            int o = k * n * d;
            for (int j = 0; j < n; j++) {
                System.arraycopy(x, o + j * da, out, o + j * d, da);
                System.arraycopy(x, o + n * da + j * db, out, o + j * d + da, db);
            }
        }
        return out;
    }

    /** {@return [n](A × B) items as ([n]A, [n]B) items} */
    static double[] unzip(double[] x, int b, int n, int da, int db) {
        int d = da + db;
        var out = new double[b * n * d];
        for (int k = 0; k < b; k++) {
            int o = k * n * d;
            for (int j = 0; j < n; j++) {
                System.arraycopy(x, o + j * d, out, o + j * da, da);
                System.arraycopy(x, o + j * d + da, out, o + n * da + j * db, db);
            }
        }
        return out;
    }

    /** {@return [m][n]A items as [n][m]A items} */
    static double[] transpose(double[] x, int b, int m, int n, int d) {
        var out = new double[x.length];
        for (int k = 0; k < b; k++) {
            int o = k * m * n * d;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) System.arraycopy(x, o + (i * n + j) * d, out, o + (j * m + i) * d, d);
        }
        return out;
    }

    /** {@return the value repeated b times} */
    static double[] tile(double[] value, int b) {
        if (b == 1) return value;
        var out = new double[b * value.length];
        for (int k = 0; k < b; k++) System.arraycopy(value, 0, out, k * value.length, value.length);
        return out;
    }

    /** {@return the items at these rows} */
    static double[] gather(double[] x, int d, int[] rows) {
        var out = new double[rows.length * d];
        for (int k = 0; k < rows.length; k++) System.arraycopy(x, rows[k] * d, out, k * d, d);
        return out;
    }

    /** Writes items into these rows of {@code into}. */
    static void scatter(double[] into, int d, int[] rows, double[] items) {
        for (int k = 0; k < rows.length; k++) System.arraycopy(items, k * d, into, rows[k] * d, d);
    }

    /** {@return the rows whose test value is positive (true) or not (false); NaN counts as not positive} */
    static int[] rows(double[] test, boolean positive) {
        int c = 0;
        for (double t : test) if ((t > 0) == positive) c++;
        var out = new int[c];
        c = 0;
        for (int k = 0; k < test.length; k++) if ((test[k] > 0) == positive) out[c++] = k;
        return out;
    }

    /** {@return s · x} */
    static double[] scale(double[] x, double s) {
        var out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = s * x[i];
        return out;
    }

    /** {@return the identity batch: b = n unit vectors of dimension n} */
    static double[] identity(int n) {
        var out = new double[n * n];
        for (int i = 0; i < n; i++) out[i * n + i] = 1;
        return out;
    }

    /** Writes element i of each of b arrays of n. */
    static void setColumn(double[] xs, int b, int n, int d, int i, double[] col) {
        for (int k = 0; k < b; k++) System.arraycopy(col, k * d, xs, (k * n + i) * d, d);
    }

    /** {@return from each of b items of width {@code stride}, the {@code len} numbers at {@code off}} */
    static double[] slice(double[] x, int b, int stride, int off, int len) {
        if (b == 1) return off == 0 && len == x.length ? x : Arrays.copyOfRange(x, off, off + len);
        var out = new double[b * len];
        for (int k = 0; k < b; k++) System.arraycopy(x, k * stride + off, out, k * len, len);
        return out;
    }

    /** Writes b parts of width {@code len} at {@code off} of b items of width {@code stride}. */
    static void put(double[] into, int b, int stride, int off, double[] part, int len) {
        for (int k = 0; k < b; k++) System.arraycopy(part, k * len, into, k * stride + off, len);
    }

    /** Runs one factor of a product on its slice. */
    @FunctionalInterface
    interface Factor<T> {
        /** {@return the factor applied to a batch of b slices} */
        double[] apply(T part, double[] slice, int b);
    }

    /**
     * {@return a product of factors applied to b items: each factor runs on its slice of the
     * input and writes its slice of the output, so nested products cost time linear in their size}
     */
    static <T> double[] product(java.util.List<T> parts, java.util.function.ToIntFunction<T> din,
                                java.util.function.ToIntFunction<T> dout, double[] x, int b, Factor<T> run) {
        int in = 0, out = 0;
        for (T p : parts) { in += din.applyAsInt(p); out += dout.applyAsInt(p); }
        var y = new double[b * out];
        int io = 0, oo = 0;
        for (T p : parts) {
            int di = din.applyAsInt(p), dq = dout.applyAsInt(p);
            put(y, b, out, oo, run.apply(p, slice(x, b, in, io, di), b), dq);
            io += di;
            oo += dq;
        }
        return y;
    }

    /** {@return the leaves of a tree of products, left to right, found without recursion} */
    static java.util.List<catad.dsl.Prog> factors(catad.dsl.Prog.Cross top) {
        var out = new java.util.ArrayList<catad.dsl.Prog>();
        var todo = new java.util.ArrayDeque<catad.dsl.Prog>();
        todo.push(top);
        while (!todo.isEmpty()) {
            catad.dsl.Prog p = todo.pop();
            if (p instanceof catad.dsl.Prog.Cross c) { todo.push(c.g()); todo.push(c.f()); }
            else out.add(p);
        }
        return out;
    }

    /** {@return a copy} */
    static double[] copy(double[] x) { return Arrays.copyOf(x, x.length); }
}
