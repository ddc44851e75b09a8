package catad.interpreter;

import catad.dsl.CatadException;
import catad.dsl.Primitive;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;

/**
 * Evaluation: a program as a function on flat values.
 *
 * <p>Programs run on a batch of {@code b} inputs at once ({@code double[b · dim]}), so
 * {@code map f} over an array of {@code n} is {@code f} on a batch of {@code b · n}: array code runs
 * as loops over flat arrays, never one object per element. Every sum ({@code sum}, {@code dot},
 * {@code matvec}, {@code matmul}, {@code matrix}) runs in the one canonical order of
 * {@link catad.dsl.Sums}, which a vectorized loop reproduces at any width, so results are the same
 * bits on every run and thread, and in the JIT.
 */
final class Eval {
    private Eval() {}

    /** {@return f applied to each of the b inputs in x} */
    static double[] eval(Prog f, double[] x, int b) {
        double[] y = switch (f) {
            case Prog.Id p -> x;
            case Prog.Compose p -> {
                double[] v = x;
                for (Prog s : p.steps()) v = eval(s, v, b);
                yield v;
            }
            case Prog.Cross p -> product(p, x, b);
            case Prog.Exl p -> Layout.left(x, b, p.a().dim(), p.b().dim());
            case Prog.Exr p -> Layout.right(x, b, p.a().dim(), p.b().dim());
            case Prog.Dup p -> Layout.pair(x, x, b, p.a().dim(), p.a().dim());
            case Prog.Bang p -> new double[0];
            case Prog.Inl p -> Layout.pair(x, new double[b * p.b().dim()], b, p.a().dim(), p.b().dim());
            case Prog.Inr p -> Layout.pair(new double[b * p.a().dim()], x, b, p.a().dim(), p.b().dim());
            case Prog.Jam p -> Layout.jam(x, b, p.a().dim());
            case Prog.Const p -> Layout.tile(p.value(), b);
            case Prog.Zero p -> new double[b * p.cod().dim()];
            case Prog.Scale p -> Layout.scale(x, p.s());
            case Prog.Prim p -> prim(p.p(), x, b);
            case Prog.Map p -> eval(p.f(), x, b * p.n());
            case Prog.Ex p -> Layout.ex(x, b, p.n(), p.a().dim(), p.i());
            case Prog.In p -> Layout.in(x, b, p.n(), p.a().dim(), p.i());
            case Prog.Repl p -> Layout.repl(x, b, p.a().dim(), p.n());
            case Prog.Sum p -> Layout.sum(x, b, p.n(), p.a().dim());
            case Prog.Zip p -> Layout.zip(x, b, p.n(), p.a().dim(), p.b().dim());
            case Prog.Unzip p -> Layout.unzip(x, b, p.n(), p.a().dim(), p.b().dim());
            case Prog.Reshape p -> x;
            case Prog.Transpose p -> Layout.transpose(x, b, p.m(), p.n(), p.a().dim());
            case Prog.Cond p -> cond(p, x, b);
            case Prog.Iterate p -> {
                double[] v = x;
                for (int i = 0; i < p.n(); i++) v = eval(p.f(), v, b);
                yield v;
            }
            case Prog.While p -> whileLoop(p, x, b);
            case Prog.MapAccum p -> mapAccum(p, x, b);
        };
        Magnitude.see(y);
        return y;
    }

    /** A tree of products, factor by factor on slices: linear in its size, not size times depth. */
    private static double[] product(Prog.Cross top, double[] x, int b) {
        return Layout.product(Layout.factors(top), f -> f.dom().dim(), f -> f.cod().dim(), x, b, Eval::eval);
    }

    static double[] prim(Primitive prim, double[] x, int b) {
        return switch (prim) {
            case Primitive.Unary u -> {
                var y = new double[b];
                for (int k = 0; k < b; k++) y[k] = u.apply(x[k]);
                yield y;
            }
            case Primitive.Binary o -> {
                var y = new double[b];
                for (int k = 0; k < b; k++) y[k] = o.apply(x[2 * k], x[2 * k + 1]);
                yield y;
            }
            case Primitive.General g -> {
                int da = g.dom().dim(), db = g.cod().dim();
                var y = new double[b * db];
                var kernel = g.kernel();
                for (int k = 0; k < b; k++) kernel.apply(x, k * da, y, k * db);
                yield y;
            }
        };
    }

    private static double[] cond(Prog.Cond p, double[] x, int b) {
        double[] t = eval(p.p(), x, b);
        int da = p.dom().dim(), db = p.cod().dim();
        int[] yes = Layout.rows(t, true);
        if (yes.length == b) return eval(p.f(), x, b);
        if (yes.length == 0) return eval(p.g(), x, b);
        int[] no = Layout.rows(t, false);
        var y = new double[b * db];
        Layout.scatter(y, db, yes, eval(p.f(), Layout.gather(x, da, yes), yes.length));
        Layout.scatter(y, db, no, eval(p.g(), Layout.gather(x, da, no), no.length));
        return y;
    }

    private static double[] whileLoop(Prog.While p, double[] x, int b) {
        int d = p.dom().dim();
        double[] v = Layout.copy(x);
        int[] active = new int[b];
        for (int k = 0; k < b; k++) active[k] = k;
        for (int it = 0; ; it++) {
            double[] cur = Layout.gather(v, d, active);
            int[] go = Layout.rows(eval(p.p(), cur, active.length), true);
            if (go.length == 0) return v;
            if (it >= p.maxIter()) throw tooLong(p);
            int[] rows = new int[go.length];
            for (int k = 0; k < go.length; k++) rows[k] = active[go[k]];
            Layout.scatter(v, d, rows, eval(p.f(), Layout.gather(cur, d, go), go.length));
            active = rows;
        }
    }

    static CatadException tooLong(Prog.While p) {
        return new CatadException("while loop did not stop after " + p.maxIter() + " steps: " + Printer.brief(p)
                + " (raise the bound with Catad.whileLoop(p, f, maxIter))");
    }

    private static double[] mapAccum(Prog.MapAccum p, double[] x, int b) {
        int n = p.n(), dc = p.carry().dim(), da = p.in().dim(), dbb = p.out().dim();
        double[] c = Layout.left(x, b, dc, n * da);
        double[] as = Layout.right(x, b, dc, n * da);
        var bs = new double[b * n * dbb];
        for (int j = 0; j < n; j++) {
            int i = p.reverse() ? n - 1 - j : j;
            double[] y = eval(p.f(), Layout.pair(c, Layout.ex(as, b, n, da, i), b, dc, da), b);
            c = Layout.left(y, b, dc, dbb);
            Layout.setColumn(bs, b, n, dbb, i, Layout.right(y, b, dc, dbb));
        }
        return Layout.pair(c, bs, b, dc, n * dbb);
    }

    /** {@return "1 number" or "n numbers"} */
    static String count(int n) { return n == 1 ? "1 number" : n + " numbers"; }

    /** {@return whether x has the length the shape needs, else a clear error} */
    static double[] checkInput(Prog f, double[] x) {
        Shape s = f.dom();
        if (x == null) throw new CatadException("input is null; " + Printer.brief(f) + " takes " + s);
        if (x.length != s.dim())
            throw new CatadException("input has " + Eval.count(x.length) + " but " + Printer.brief(f) + " takes " + s
                    + " (" + count(s.dim()) + ")");
        return x;
    }
}
