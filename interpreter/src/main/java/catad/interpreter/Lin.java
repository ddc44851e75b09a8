package catad.interpreter;

import catad.dsl.Catad;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A derivative at a point: a linear map in catad's linear sub-language, its coefficients fixed.
 *
 * <p>Built by {@link Linearize} for a batch of {@code b} points and applied to a batch of {@code b}
 * tangents. Reverse mode is {@link #transpose()}, one structural pass ({@code (g∘f)ᵀ = fᵀ∘gᵀ},
 * {@code (f×g)ᵀ = fᵀ×gᵀ}, a linear program's transpose by {@link Transpose}), not a second set of
 * derivative rules.
 */
sealed interface Lin {

    /** {@return the tangent shape it takes} */
    Shape dom();

    /** {@return the tangent shape it gives} */
    Shape cod();

    /** {@return the map applied to a batch of b tangents} */
    double[] apply(double[] dx, int b);

    /** {@return the transpose} */
    Lin transpose();

    /** A linear program with no point-dependent coefficient. */
    record Of(Prog p) implements Lin {
        @Override public Shape dom() { return p.dom(); }
        @Override public Shape cod() { return p.cod(); }
        @Override public double[] apply(double[] dx, int b) { return Eval.eval(p, dx, b); }
        @Override public Lin transpose() { return new Of(Transpose.transpose(p)); }
        @Override public String toString() { return Printer.expression(p); }
    }

    /** {@code g ∘ f ∘ …}, first applied first. */
    record Seq(List<Lin> steps) implements Lin {
        public Seq { steps = List.copyOf(steps); }
        static Lin of(List<Lin> steps) {
            var flat = new ArrayList<Lin>();
            for (Lin l : steps) {
                if (l instanceof Seq s) flat.addAll(s.steps);
                else if (!(l instanceof Of(Prog.Id id))) flat.add(l);
            }
            if (flat.isEmpty()) return new Of(Catad.id(steps.getFirst().dom()));
            return flat.size() == 1 ? flat.getFirst() : new Seq(flat);
        }
        @Override public Shape dom() { return steps.getFirst().dom(); }
        @Override public Shape cod() { return steps.getLast().cod(); }
        @Override public double[] apply(double[] dx, int b) {
            double[] v = dx;
            for (Lin l : steps) v = l.apply(v, b);
            return v;
        }
        @Override public Lin transpose() {
            var out = new ArrayList<Lin>(steps.size());
            for (int i = steps.size() - 1; i >= 0; i--) out.add(steps.get(i).transpose());
            return new Seq(out);
        }
        @Override public String toString() {
            var sb = new StringBuilder();
            for (int i = steps.size() - 1; i >= 0; i--) {
                sb.append(steps.get(i) instanceof Seq || steps.get(i) instanceof Par ? "(" + steps.get(i) + ")" : steps.get(i).toString());
                if (i > 0) sb.append(" . ");
            }
            return sb.toString();
        }
    }

    /**
     * A product of linear maps {@code f₁ × f₂ × …} over a tree of pairs, kept flat so deeply nested
     * products cost time linear in their size. @param parts the factors, left to right
     * @param dom the input shape (a tree of pairs) @param cod the output shape
     */
    record Par(List<Lin> parts, Shape dom, Shape cod) implements Lin {
        public Par { parts = List.copyOf(parts); }
        static Par of(Lin f, Lin g) { return new Par(List.of(f, g), Shape.pair(f.dom(), g.dom()), Shape.pair(f.cod(), g.cod())); }
        @Override public double[] apply(double[] dx, int b) {
            return Layout.product(parts, f -> f.dom().dim(), f -> f.cod().dim(), dx, b, (f, slice, k) -> f.apply(slice, k));
        }
        @Override public Lin transpose() {
            var ts = new ArrayList<Lin>(parts.size());
            for (Lin f : parts) ts.add(f.transpose());
            return new Par(ts, cod, dom);
        }
        @Override public String toString() {
            var sb = new StringBuilder();
            for (Lin f : parts) sb.append(sb.isEmpty() ? "(" : " *** (").append(f).append(')');
            return sb.toString();
        }
    }

    /** {@code map f} over arrays of n, where f was linearized at all n·b elements at once. */
    record Map(int n, Lin f) implements Lin {
        @Override public Shape dom() { return Shape.arr(n, f.dom()); }
        @Override public Shape cod() { return Shape.arr(n, f.cod()); }
        @Override public double[] apply(double[] dx, int b) { return f.apply(dx, b * n); }
        @Override public Lin transpose() { return new Map(n, f.transpose()); }
        @Override public String toString() { return "map (" + f + ")"; }
    }

    /** {@code R → R}, multiplication by a coefficient per batch item: a scalar primitive's derivative. */
    record Diag(double[] c) implements Lin {
        @Override public Shape dom() { return Shape.R; }
        @Override public Shape cod() { return Shape.R; }
        @Override public double[] apply(double[] dx, int b) {
            var y = new double[b];
            for (int k = 0; k < b; k++) y[k] = c[k] * dx[k];
            return y;
        }
        @Override public Lin transpose() { return this; }
        @Override public String toString() {
            return c.length == 1 ? "scale " + Printer.number(c[0]) : "scale⟨" + c.length + " coefficients⟩";
        }
    }

    /**
     * A primitive's derivative at x by its rules: {@code dx ↦ fwd(x, dx)}; its transpose swaps the
     * forward and reverse rules.
     */
    record Rule(Prog fwd, Prog bwd, double[] x) implements Lin {
        @Override public Shape dom() { return ((Shape.Pair) fwd.dom()).right(); }
        @Override public Shape cod() { return fwd.cod(); }
        @Override public double[] apply(double[] dx, int b) {
            int dxs = ((Shape.Pair) fwd.dom()).left().dim();
            return Eval.eval(fwd, Layout.pair(x, dx, b, dxs, dom().dim()), b);
        }
        @Override public Lin transpose() { return new Rule(bwd, fwd, x); }
        @Override public String toString() { return "(" + Printer.expression(fwd) + ") at x"; }
    }

    /** The derivative of {@code cond}: the branch each item took, linearized at those items only. */
    record Cond(int[] yes, int[] no, Lin f, Lin g) implements Lin {
        @Override public Shape dom() { return f.dom(); }
        @Override public Shape cod() { return f.cod(); }
        @Override public double[] apply(double[] dx, int b) {
            int da = dom().dim(), db = cod().dim();
            var y = new double[b * db];
            if (yes.length > 0) Layout.scatter(y, db, yes, f.apply(Layout.gather(dx, da, yes), yes.length));
            if (no.length > 0) Layout.scatter(y, db, no, g.apply(Layout.gather(dx, da, no), no.length));
            return y;
        }
        @Override public Lin transpose() { return new Cond(yes, no, f.transpose(), g.transpose()); }
        @Override public String toString() { return "cond⟨" + yes.length + " then, " + no.length + " else⟩ (" + f + ") (" + g + ")"; }
    }

    /**
     * The derivative of {@code while}: the steps actually run, each on the items still running
     * ({@code rows[i]}); the other items pass through unchanged.
     */
    record Loop(Shape shape, List<int[]> rows, List<Lin> steps) implements Lin {
        @Override public Shape dom() { return shape; }
        @Override public Shape cod() { return shape; }
        @Override public double[] apply(double[] dx, int b) {
            int d = shape.dim();
            double[] v = Layout.copy(dx);
            for (int i = 0; i < steps.size(); i++) {
                int[] r = rows.get(i);
                Layout.scatter(v, d, r, steps.get(i).apply(Layout.gather(v, d, r), r.length));
            }
            return v;
        }
        @Override public Lin transpose() {
            var rs = new ArrayList<int[]>(rows.size());
            var ss = new ArrayList<Lin>(steps.size());
            for (int i = steps.size() - 1; i >= 0; i--) { rs.add(rows.get(i)); ss.add(steps.get(i).transpose()); }
            return new Loop(shape, rs, ss);
        }
        @Override public String toString() { return "while⟨" + steps.size() + " steps⟩"; }
    }

    /**
     * The derivative of {@code mapAccum}: one linear step {@code C × A → C × B} per element, in the
     * order {@code order} they ran; the transpose runs them backwards with the roles of A and B swapped.
     */
    record Accum(Shape carry, Shape a, Shape bb, int[] order, List<Lin> steps) implements Lin {
        @Override public Shape dom() { return Shape.pair(carry, Shape.arr(order.length, a)); }
        @Override public Shape cod() { return Shape.pair(carry, Shape.arr(order.length, bb)); }
        @Override public double[] apply(double[] dx, int b) {
            int n = order.length, dc = carry.dim(), da = a.dim(), db = bb.dim();
            double[] c = Layout.left(dx, b, dc, n * da);
            double[] as = Layout.right(dx, b, dc, n * da);
            var bs = new double[b * n * db];
            for (int j = 0; j < n; j++) {
                int i = order[j];
                double[] y = steps.get(j).apply(Layout.pair(c, Layout.column(as, b, n, da, i), b, dc, da), b);
                c = Layout.left(y, b, dc, db);
                Layout.setColumn(bs, b, n, db, i, Layout.right(y, b, dc, db));
            }
            return Layout.pair(c, bs, b, dc, n * db);
        }
        @Override public Lin transpose() {
            int n = order.length;
            var o = new int[n];
            var ss = new ArrayList<Lin>(n);
            for (int j = 0; j < n; j++) { o[j] = order[n - 1 - j]; ss.add(steps.get(n - 1 - j).transpose()); }
            return new Accum(carry, bb, a, o, ss);
        }
        @Override public String toString() { return "mapAccum⟨" + order.length + " steps⟩"; }
    }
}
