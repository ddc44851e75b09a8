package catad.interpreter;

import catad.dsl.Catad;
import catad.dsl.Primitive;
import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.ArrayList;

/**
 * Forward mode through derivative pairs: a program at a batch of points becomes its values and its
 * derivative there, {@code x ↦ (f x, f'(x))}, with {@code f'(x)} a {@link Lin}.
 *
 * <p>The chain rule is the {@code Compose} case; each primitive's derivative comes from its own rule
 * (a {@link Primitive.Unary}'s derivative program, a {@link Primitive.Binary}'s gradient, a
 * {@link Primitive.General}'s jvp and vjp rules).
 */
final class Linearize {
    private Linearize() {}

    /** A value and the derivative at it. */
    record Pair(double[] y, Lin d) {}

    static Pair at(Prog f, double[] x, int b) {
        return switch (f) {
            case Prog.Compose p -> {
                double[] v = x;
                var ds = new ArrayList<Lin>(p.steps().size());
                for (Prog s : p.steps()) {
                    Pair r = at(s, v, b);
                    v = r.y();
                    ds.add(r.d());
                }
                yield new Pair(v, Lin.Seq.of(ds));
            }
            case Prog.Cross p -> {
                // factor by factor on slices, as Eval does: linear in the size of nested products
                var ds = new ArrayList<Lin>();
                double[] y = Layout.product(Layout.factors(p), q -> q.dom().dim(), q -> q.cod().dim(), x, b, (q, slice, k) -> {
                    Pair r = at(q, slice, k);
                    ds.add(r.d());
                    return r.y();
                });
                yield new Pair(y, new Lin.Par(ds, p.dom(), p.cod()));
            }
            case Prog.Id p -> linear(p, x, b);
            case Prog.Exl p -> linear(p, x, b);
            case Prog.Exr p -> linear(p, x, b);
            case Prog.Dup p -> linear(p, x, b);
            case Prog.Bang p -> linear(p, x, b);
            case Prog.Inl p -> linear(p, x, b);
            case Prog.Inr p -> linear(p, x, b);
            case Prog.Jam p -> linear(p, x, b);
            case Prog.Zero p -> linear(p, x, b);
            case Prog.Scale p -> linear(p, x, b);
            case Prog.Ex p -> linear(p, x, b);
            case Prog.In p -> linear(p, x, b);
            case Prog.Repl p -> linear(p, x, b);
            case Prog.Sum p -> linear(p, x, b);
            case Prog.Zip p -> linear(p, x, b);
            case Prog.Unzip p -> linear(p, x, b);
            case Prog.Reshape p -> linear(p, x, b);
            case Prog.Transpose p -> linear(p, x, b);
            case Prog.Const p -> new Pair(Eval.eval(p, x, b), new Lin.Of(Catad.zero(p.dom(), p.cod())));
            case Prog.Prim p -> prim(p, x, b);
            case Prog.Map p -> {
                Pair r = at(p.f(), x, b * p.n());
                yield new Pair(r.y(), new Lin.Map(p.n(), r.d()));
            }
            case Prog.Cond p -> cond(p, x, b);
            case Prog.Iterate p -> {
                double[] v = x;
                var ds = new ArrayList<Lin>(p.n());
                for (int i = 0; i < p.n(); i++) {
                    Pair r = at(p.f(), v, b);
                    v = r.y();
                    ds.add(r.d());
                }
                yield new Pair(v, ds.isEmpty() ? new Lin.Of(Catad.id(p.dom())) : Lin.Seq.of(ds));
            }
            case Prog.While p -> whileLoop(p, x, b);
            case Prog.MapAccum p -> mapAccum(p, x, b);
        };
    }

    private static Pair linear(Prog p, double[] x, int b) {
        return new Pair(Eval.eval(p, x, b), new Lin.Of(p));
    }

    private static Pair prim(Prog.Prim p, double[] x, int b) {
        double[] y = Eval.prim(p.p(), x, b);
        return new Pair(y, switch (p.p()) {
            case Primitive.Unary u -> new Lin.Diag(u.outputDerivative()
                    .map(d -> Eval.eval(d, y, b))               // from the value: exp' = exp reuses it
                    .orElseGet(() -> Eval.eval(u.derivative(), x, b)));
            case Primitive.Binary o -> {
                double[] g = Eval.eval(o.gradient(), x, b);
                yield Lin.Seq.of(java.util.List.of(
                        Lin.Par.of(new Lin.Diag(Layout.left(g, b, 1, 1)), new Lin.Diag(Layout.right(g, b, 1, 1))),
                        new Lin.Of(Catad.jam(Shape.R))));
            }
            case Primitive.General g -> g.linear() ? new Lin.Of(p) : new Lin.Rule(g.jvp(), g.vjp(), x);
        });
    }

    private static Pair cond(Prog.Cond p, double[] x, int b) {
        double[] t = Eval.eval(p.p(), x, b);
        int da = p.dom().dim(), db = p.cod().dim();
        int[] yes = Layout.rows(t, true), no = Layout.rows(t, false);
        var y = new double[b * db];
        Lin lf = new Lin.Of(Catad.zero(p.dom(), p.cod())), lg = lf;
        if (yes.length > 0) {
            Pair r = at(p.f(), Layout.gather(x, da, yes), yes.length);
            Layout.scatter(y, db, yes, r.y());
            lf = r.d();
        }
        if (no.length > 0) {
            Pair r = at(p.g(), Layout.gather(x, da, no), no.length);
            Layout.scatter(y, db, no, r.y());
            lg = r.d();
        }
        return new Pair(y, new Lin.Cond(yes, no, lf, lg));
    }

    private static Pair whileLoop(Prog.While p, double[] x, int b) {
        int d = p.dom().dim();
        double[] v = Layout.copy(x);
        int[] active = new int[b];
        for (int k = 0; k < b; k++) active[k] = k;
        var rows = new ArrayList<int[]>();
        var steps = new ArrayList<Lin>();
        for (int it = 0; ; it++) {
            double[] cur = Layout.gather(v, d, active);
            int[] go = Layout.rows(Eval.eval(p.p(), cur, active.length), true);
            if (go.length == 0) return new Pair(v, new Lin.Loop(p.dom(), rows, steps));
            if (it >= p.maxIter()) throw Eval.tooLong(p);
            int[] r = new int[go.length];
            for (int k = 0; k < go.length; k++) r[k] = active[go[k]];
            Pair step = at(p.f(), Layout.gather(cur, d, go), go.length);
            Layout.scatter(v, d, r, step.y());
            rows.add(r);
            steps.add(step.d());
            active = r;
        }
    }

    /**
     * Runs the elements in order, keeping each step's input, then linearizes the step once at all
     * of them together (vectorized coefficients); {@link Lin.Accum} applies it a step at a time.
     */
    private static Pair mapAccum(Prog.MapAccum p, double[] x, int b) {
        int n = p.n(), dc = p.carry().dim(), da = p.in().dim(), dbb = p.out().dim(), dz = dc + da;
        double[] c = Layout.left(x, b, dc, n * da);
        double[] as = Layout.right(x, b, dc, n * da);
        var bs = new double[b * n * dbb];
        var order = new int[n];
        var inputs = new double[n * b * dz];
        for (int j = 0; j < n; j++) {
            int i = p.reverse() ? n - 1 - j : j;
            order[j] = i;
            double[] z = Layout.pair(c, Layout.ex(as, b, n, da, i), b, dc, da);
            System.arraycopy(z, 0, inputs, j * b * dz, b * dz);
            double[] y = Eval.eval(p.f(), z, b);
            c = Layout.left(y, b, dc, dbb);
            Layout.setColumn(bs, b, n, dbb, i, Layout.right(y, b, dc, dbb));
        }
        Lin all = at(p.f(), inputs, n * b).d();
        return new Pair(Layout.pair(c, bs, b, dc, n * dbb), new Lin.Accum(p.carry(), p.in(), p.out(), order, all, b, 0, false));
    }
}
