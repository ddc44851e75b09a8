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

    /**
     * {@return the map restricted to the batch items {@code from … from + count - 1}, renumbered
     * from 0: the derivative at those points only}
     */
    Lin rows(int from, int count);

    /** {@return the sub-range of sorted row numbers that fall in {@code [from, from + count)}} */
    static int[] range(int[] sorted, int from, int count) {
        int lo = java.util.Arrays.binarySearch(sorted, from);
        if (lo < 0) lo = -lo - 1;
        int hi = java.util.Arrays.binarySearch(sorted, from + count);
        if (hi < 0) hi = -hi - 1;
        return new int[] {lo, hi};
    }

    /** {@return rows {@code [lo, hi)} of sorted row numbers, shifted down by {@code from}} */
    static int[] shift(int[] sorted, int lo, int hi, int from) {
        var out = new int[hi - lo];
        for (int k = lo; k < hi; k++) out[k - lo] = sorted[k] - from;
        return out;
    }

    /** A linear program with no point-dependent coefficient. */
    record Of(Prog p) implements Lin {
        @Override public Shape dom() { return p.dom(); }
        @Override public Shape cod() { return p.cod(); }
        @Override public double[] apply(double[] dx, int b) { return Eval.eval(p, dx, b); }
        @Override public Lin transpose() { return new Of(Transpose.transpose(p)); }
        @Override public Lin rows(int from, int count) { return this; }
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
        @Override public Lin rows(int from, int count) {
            var out = new ArrayList<Lin>(steps.size());
            for (Lin l : steps) out.add(l.rows(from, count));
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
        @Override public Lin rows(int from, int count) {
            var rs = new ArrayList<Lin>(parts.size());
            for (Lin f : parts) rs.add(f.rows(from, count));
            return new Par(rs, dom, cod);
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
        @Override public Lin rows(int from, int count) { return new Map(n, f.rows(from * n, count * n)); }
        @Override public String toString() { return "map (" + f + ")"; }
    }

    /** {@code R → R}, multiplication by a coefficient per batch item: a scalar primitive's derivative. */
    record Diag(double[] c) implements Lin {
        @Override public Shape dom() { return Shape.R; }
        @Override public Shape cod() { return Shape.R; }
        @Override public double[] apply(double[] dx, int b) {
            var y = new double[b];
            for (int k = 0; k < b; k++) y[k] = c[k] * dx[k];
            Magnitude.see(y);
            return y;
        }
        @Override public Lin transpose() { return this; }
        @Override public Lin rows(int from, int count) { return new Diag(java.util.Arrays.copyOfRange(c, from, from + count)); }
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
        @Override public Lin rows(int from, int count) {
            int d = ((Shape.Pair) fwd.dom()).left().dim();
            return new Rule(fwd, bwd, java.util.Arrays.copyOfRange(x, from * d, (from + count) * d));
        }
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
        @Override public Lin rows(int from, int count) {
            int[] y = Lin.range(yes, from, count), n = Lin.range(no, from, count);
            return new Cond(Lin.shift(yes, y[0], y[1], from), Lin.shift(no, n[0], n[1], from),
                    f.rows(y[0], y[1] - y[0]), g.rows(n[0], n[1] - n[0]));
        }
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
        @Override public Lin rows(int from, int count) {
            var rs = new ArrayList<int[]>(rows.size());
            var ss = new ArrayList<Lin>(steps.size());
            for (int i = 0; i < steps.size(); i++) {
                int[] r = Lin.range(rows.get(i), from, count);
                if (r[0] == r[1]) continue;
                rs.add(Lin.shift(rows.get(i), r[0], r[1], from));
                ss.add(steps.get(i).rows(r[0], r[1] - r[0]));
            }
            return new Loop(shape, rs, ss);
        }
        @Override public String toString() { return "while⟨" + steps.size() + " steps⟩"; }
    }

    /**
     * The derivative of {@code mapAccum}: the step {@code C × A → C × B} linearized once, at all
     * its points together ({@code all}), applied one element at a time in the order they ran
     * ({@code order}). Step j is batch items {@code s·stride + offset …} of {@code all}, where s is
     * j, or n-1-j when {@code backwards}. The transpose runs the steps backwards with A and B swapped.
     */
    record Accum(Shape carry, Shape a, Shape bb, int[] order, Lin all, int stride, int offset, boolean backwards) implements Lin {
        @Override public Shape dom() { return Shape.pair(carry, Shape.arr(order.length, a)); }
        @Override public Shape cod() { return Shape.pair(carry, Shape.arr(order.length, bb)); }
        @Override public double[] apply(double[] dx, int b) {
            int n = order.length, dc = carry.dim(), da = a.dim(), db = bb.dim();
            double[] c = Layout.left(dx, b, dc, n * da);
            double[] as = Layout.right(dx, b, dc, n * da);
            var bs = new double[b * n * db];
            for (int j = 0; j < n; j++) {
                int i = order[j];
                int step = backwards ? n - 1 - j : j;
                double[] y = all.rows(step * stride + offset, b).apply(Layout.pair(c, Layout.ex(as, b, n, da, i), b, dc, da), b);
                c = Layout.left(y, b, dc, db);
                Layout.setColumn(bs, b, n, db, i, Layout.right(y, b, dc, db));
            }
            return Layout.pair(c, bs, b, dc, n * db);
        }
        @Override public Lin transpose() {
            int n = order.length;
            var o = new int[n];
            for (int j = 0; j < n; j++) o[j] = order[n - 1 - j];
            return new Accum(carry, bb, a, o, all.transpose(), stride, offset, !backwards);
        }
        @Override public Lin rows(int from, int count) {
            return new Accum(carry, a, bb, order, all, stride, offset + from, backwards);
        }
        @Override public String toString() { return "mapAccum⟨" + order.length + " steps⟩"; }
    }
}
