package catad.laws;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import catad.dsl.Catad;
import catad.dsl.Primitive;
import catad.dsl.Prims;
import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

/**
 * The interval analysis behind {@link Generators}: what a program's output can be, given what its
 * input can be. The generator keeps, for every coordinate of every intermediate value, an interval
 * that holds whatever the program's input, and uses it to guard restricted primitives into their
 * domains and to keep fast-growing ones bounded.
 */
final class Ranges {
    private Ranges() {}

    private static final NoData NONE = new NoData();

    /** {@return the range of a value of shape s whose every coordinate is in x} */
    static Range all(Shape s, Num x) {
        return switch (s) {
            case Shape.Real r -> x;
            case Shape.Unit u -> NONE;
            case Shape.Pair(Shape a, Shape b) -> new Both(all(a, x), all(b, x));
            case Shape.Arr(int n, Shape e) -> new Each(n, all(e, x));
        };
    }

    static Range left(Range r) { return ((Both) r).l(); }

    static Range right(Range r) { return ((Both) r).r(); }

    static Range each(Range r) { return ((Each) r).e(); }

    /** {@return one interval holding every coordinate} */
    static Num hull(Range r) {
        return switch (r) {
            case Num x -> x;
            case NoData u -> Num.ZERO;
            case Both b -> hull(b.l()).join(hull(b.r()));
            case Each e -> hull(e.e());
        };
    }

    static Range map(Range r, UnaryOperator<Num> f) {
        return switch (r) {
            case Num x -> f.apply(x);
            case NoData u -> u;
            case Both b -> new Both(map(b.l(), f), map(b.r(), f));
            case Each e -> new Each(e.n(), map(e.e(), f));
        };
    }

    /** {@return two ranges of one shape combined coordinate by coordinate} */
    static Range zipWith(Range a, Range b, BinaryOperator<Num> f) {
        return switch (a) {
            case Num x -> f.apply(x, hull(b));
            case NoData u -> u;
            case Both p -> b instanceof Both q ? new Both(zipWith(p.l(), q.l(), f), zipWith(p.r(), q.r(), f)) : map(a, x -> f.apply(x, hull(b)));
            case Each p -> b instanceof Each q ? new Each(p.n(), zipWith(p.e(), q.e(), f)) : map(a, x -> f.apply(x, hull(b)));
        };
    }

    static Range join(Range a, Range b) { return zipWith(a, b, Num::join); }

    /** {@return the range of a constant} */
    static Range ofValue(Shape s, double[] v) {
        var xs = new Num[v.length];
        for (int i = 0; i < v.length; i++) xs[i] = Num.point(v[i]);
        return fromCoords(s, xs, 0);
    }

    /** {@return the coordinates of a range, in the flat layout of its shape} */
    static List<Num> coords(Range r, Shape s) {
        var out = new ArrayList<Num>();
        coords(r, s, out);
        return out;
    }

    private static void coords(Range r, Shape s, List<Num> out) {
        switch (s) {
            case Shape.Real x -> out.add(hull(r));
            case Shape.Unit u -> {}
            case Shape.Pair(Shape a, Shape b) -> { coords(left(r), a, out); coords(right(r), b, out); }
            case Shape.Arr(int n, Shape e) -> { for (int i = 0; i < n; i++) coords(each(r), e, out); }
        }
    }

    /** {@return the range of shape s holding the coordinates xs from {@code at}} */
    static Range fromCoords(Shape s, Num[] xs, int at) {
        return switch (s) {
            case Shape.Real r -> xs[at];
            case Shape.Unit u -> NONE;
            case Shape.Pair(Shape a, Shape b) -> new Both(fromCoords(a, xs, at), fromCoords(b, xs, at + a.dim()));
            case Shape.Arr(int n, Shape e) -> {
                Range x = all(e, Num.ZERO);
                for (int i = 0; i < n; i++) x = i == 0 ? fromCoords(e, xs, at) : join(x, fromCoords(e, xs, at + i * e.dim()));
                yield new Each(n, x);
            }
        };
    }

    /** {@return tanh on every coordinate of {@code s} that may lie outside [-1, 1]; id if none does} */
    static Prog squash(Shape s, Range r) {
        return switch (s) {
            case Shape.Real x -> hull(r).within(1) ? id(R) : tanh;
            case Shape.Unit u -> id(s);
            case Shape.Pair(Shape a, Shape b) -> {
                Prog l = squash(a, left(r)), q = squash(b, right(r));
                yield l instanceof Prog.Id && q instanceof Prog.Id ? id(s) : cross(l, q);
            }
            case Shape.Arr(int n, Shape e) -> {
                Prog f = squash(e, each(r));
                yield f instanceof Prog.Id ? id(s) : Catad.map(n, f);
            }
        };
    }

    /** {@return the range of {@code f}'s output when its input is in {@code in}} */
    static Range of(Prog f, Range in) {
        return switch (f) {
            case Prog.Id p -> in;
            case Prog.Compose p -> {
                Range r = in;
                for (Prog s : p.steps()) r = of(s, r);
                yield r;
            }
            case Prog.Cross p -> new Both(of(p.f(), left(in)), of(p.g(), right(in)));
            case Prog.Exl p -> left(in);
            case Prog.Exr p -> right(in);
            case Prog.Dup p -> new Both(in, in);
            case Prog.Bang p -> NONE;
            case Prog.Inl p -> new Both(in, all(p.b(), Num.ZERO));
            case Prog.Inr p -> new Both(all(p.a(), Num.ZERO), in);
            case Prog.Jam p -> zipWith(left(in), right(in), Num::plus);
            case Prog.Const p -> ofValue(p.cod(), p.value());
            case Prog.Zero p -> all(p.cod(), Num.ZERO);
            case Prog.Scale p -> map(in, x -> x.times(p.s()));
            case Prog.Prim p -> primitive(p.p(), in);
            case Prog.Map p -> new Each(p.n(), of(p.f(), each(in)));
            case Prog.Ex p -> each(in);
            case Prog.In p -> new Each(p.n(), p.n() > 1 ? join(in, all(p.a(), Num.ZERO)) : in);
            case Prog.Repl p -> new Each(p.n(), in);
            case Prog.Sum p -> p.n() == 0 ? all(p.a(), Num.ZERO) : map(each(in), x -> x.times((double) p.n()));
            case Prog.Zip p -> new Each(p.n(), new Both(each(left(in)), each(right(in))));
            case Prog.Unzip p -> new Both(new Each(p.n(), left(each(in))), new Each(p.n(), right(each(in))));
            case Prog.Reshape p -> {
                Range inner = in;
                for (Shape s = p.from(); s instanceof Shape.Arr(int n, Shape e); s = e) inner = each(inner);
                yield nest(p.to(), inner);
            }
            case Prog.Transpose p -> new Each(p.n(), new Each(p.m(), each(each(in))));
            case Prog.Cond p -> join(of(p.f(), in), of(p.g(), in));
            case Prog.Iterate p -> {
                Range r = in;
                for (int i = 0; i < p.n(); i++) r = of(p.f(), r);
                yield r;
            }
            case Prog.While p -> {
                // every state the loop may stop in: the input and up to maxIter steps of it
                int cap = Math.min(p.maxIter(), 64);
                Range r = in, seen = in;
                for (int i = 0; i < cap; i++) {
                    r = of(p.f(), r);
                    seen = join(seen, r);
                }
                yield p.maxIter() <= cap ? seen : all(p.dom(), Num.ALL);
            }
            case Prog.MapAccum p -> {
                Range c = left(in), a = each(right(in)), outs = null;
                for (int j = 0; j < Math.max(p.n(), 1); j++) {
                    Range y = of(p.f(), new Both(c, a));
                    if (j < p.n()) c = left(y);
                    outs = outs == null ? right(y) : join(outs, right(y));
                }
                yield new Both(c, new Each(p.n(), outs));
            }
        };
    }

    /** {@return the range nested in the arrays of {@code to} down to its innermost element, which is {@code inner}} */
    private static Range nest(Shape to, Range inner) {
        return to instanceof Shape.Arr(int n, Shape e) ? new Each(n, nest(e, inner)) : inner;
    }

    /** {@return the range of a primitive's output}: exact interval rules for the built-ins, unbounded for unknown user primitives */
    static Range primitive(Primitive p, Range in) {
        return switch (p) {
            case Primitive.Unary u -> unary(u, hull(in));
            case Primitive.Binary b -> binary(b, hull(left(in)), hull(right(in)));
            case Primitive.General g -> general(g, in);
        };
    }

    private static Num unary(Primitive.Unary u, Num x) {
        if (!Prims.SCALARS.contains(u) && !u.name().equals("pow")) return Num.ALL;
        return switch (u.name()) {
            case "exp", "tanh", "sigmoid", "softplus", "expm1", "relu", "step", "sign" -> x.map(u::apply);
            case "log", "sqrt", "recip" -> x.lo() > 0 ? (u.name().equals("recip") ? new Num(1 / x.hi(), 1 / x.lo()) : x.map(u::apply)) : Num.ALL;
            case "log1p" -> x.lo() > -1 ? x.map(u::apply) : Num.ALL;
            case "sin", "cos" -> new Num(-1, 1);
            case "abs", "square" -> {
                double a = x.lo() >= 0 ? x.lo() : x.hi() <= 0 ? -x.hi() : 0, b = x.magnitude();
                yield u.name().equals("abs") ? new Num(a, b) : new Num(a * a, b * b);
            }
            case "pow" -> {
                double c = u.param();
                if (!(x.lo() > 0)) yield Num.ALL;
                double a = StrictMath.pow(x.lo(), c), b = StrictMath.pow(x.hi(), c);
                yield new Num(Math.min(a, b), Math.max(a, b));
            }
            default -> Num.ALL;
        };
    }

    private static Num binary(Primitive.Binary b, Num x, Num y) {
        if (!Prims.SCALARS.contains(b)) return Num.ALL;
        return switch (b.name()) {
            case "mul" -> x.times(y);
            // the quotients at the corners, not x · (1/y): that rounds twice, and a program's quotient can fall an ulp outside it
            case "div" -> y.lo() > 0 ? x.dividedBy(y) : Num.ALL;
            case "max" -> new Num(Math.max(x.lo(), y.lo()), Math.max(x.hi(), y.hi()));
            case "min" -> new Num(Math.min(x.lo(), y.lo()), Math.min(x.hi(), y.hi()));
            case "powr" -> x.lo() > 0 ? y.times(x.map(StrictMath::log)).map(StrictMath::exp) : Num.ALL;
            default -> Num.ALL;
        };
    }

    private static Range general(Primitive.General g, Range in) {
        if (g.linear()) return linear(g, in);
        Shape d = g.dom();
        if (d instanceof Shape.Arr(int n, Shape.Real e) && n > 0) {
            if (g.equals(Prims.maximum(n))) return hull(in);
            if (g.equals(Prims.argmax(n))) return new Each(n, new Num(0, 1));
        }
        if (d instanceof Shape.Pair(Shape a, Shape b)) {
            Num prod = hull(left(in)).times(hull(right(in)));
            if (a instanceof Shape.Arr(int n, Shape.Real x) && b.equals(a) && g.equals(Prims.dot(n)))
                return n == 0 ? Num.ZERO : prod.times((double) n);
            if (a instanceof Shape.Arr(int m, Shape.Arr(int n, Shape.Real x)) && g.equals(Prims.matvec(m, n)))
                return new Each(m, n == 0 ? Num.ZERO : prod.times((double) n));
            if (a instanceof Shape.Arr(int m, Shape.Arr(int k, Shape.Real x)) && b instanceof Shape.Arr(int k2, Shape.Arr(int n, Shape.Real y))
                    && g.equals(Prims.matmul(m, k, n)))
                return new Each(m, new Each(n, k == 0 ? Num.ZERO : prod.times((double) k)));
        }
        return all(g.cod(), Num.ALL);
    }

    /** {@return the range of a linear primitive, from its matrix (the kernel applied to unit vectors)} */
    private static Range linear(Primitive.General g, Range in) {
        int n = g.dom().dim(), m = g.cod().dim();
        var xs = coords(in, g.dom());
        var out = new Num[m];
        Arrays.fill(out, Num.ZERO);
        var e = new double[n];
        var y = new double[m];
        for (int j = 0; j < n; j++) {
            Arrays.fill(e, 0);
            Arrays.fill(y, 0);
            e[j] = 1;
            g.kernel().apply(e, 0, y, 0);
            for (int i = 0; i < m; i++) if (y[i] != 0) out[i] = out[i].plus(xs.get(j).times(y[i]));
        }
        return fromCoords(g.cod(), out, 0);
    }

    /** Bounds of every coordinate of a value, structured like its shape (one interval for all elements of an array). */
    sealed interface Range permits Num, NoData, Both, Each {}

    /**
     * An interval of reals, possibly unbounded; NaN ends are read as unbounded.
     * @param lo lower end @param hi upper end
     */
    record Num(double lo, double hi) implements Range {
        static final Num ZERO = new Num(0, 0);
        static final Num ALL = new Num(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

        Num {
            if (Double.isNaN(lo)) lo = Double.NEGATIVE_INFINITY;
            if (Double.isNaN(hi)) hi = Double.POSITIVE_INFINITY;
        }

        static Num point(double x) { return new Num(x, x); }

        Num plus(Num o) { return new Num(lo + o.lo, hi + o.hi); }

        Num times(double s) { return s >= 0 ? new Num(mul(lo, s), mul(hi, s)) : new Num(mul(hi, s), mul(lo, s)); }

        Num times(Num o) { return corners(mul(lo, o.lo), mul(lo, o.hi), mul(hi, o.lo), mul(hi, o.hi)); }

        /**
         * {@return the quotients, for o > 0}: rounded division is monotone in each argument, so the
         * corners bound every rounded quotient. An ∞/∞ corner (NaN) is never the extreme one: an
         * infinite end of this range makes the quotient at o's finite end infinite too.
         */
        Num dividedBy(Num o) { return corners(lo / o.lo, lo / o.hi, hi / o.lo, hi / o.hi); }

        /** {@return the smallest range holding the four values, NaNs left out} */
        private static Num corners(double... v) {
            double a = Double.POSITIVE_INFINITY, b = Double.NEGATIVE_INFINITY;
            for (double x : v) if (!Double.isNaN(x)) { a = Math.min(a, x); b = Math.max(b, x); }
            return a <= b ? new Num(a, b) : ALL;
        }

        Num join(Num o) { return new Num(Math.min(lo, o.lo), Math.max(hi, o.hi)); }

        /** {@return the image under an increasing function} */
        Num map(DoubleUnaryOperator f) { return new Num(f.applyAsDouble(lo), f.applyAsDouble(hi)); }

        double magnitude() { return Math.max(Math.abs(lo), Math.abs(hi)); }

        boolean bounded() { return Double.isFinite(lo) && Double.isFinite(hi); }

        boolean within(double limit) { return lo >= -limit && hi <= limit; }

        /** A product where 0 times an unbounded end is 0: the end stands for finite numbers. */
        private static double mul(double a, double b) { return a == 0 || b == 0 ? 0 : a * b; }
    }

    /** The unit: no coordinates. */
    record NoData() implements Range {}

    /** A pair. @param l left @param r right */
    record Both(Range l, Range r) implements Range {}

    /** An array of n elements, all within e. @param n the length @param e the elements' range */
    record Each(int n, Range e) implements Range {}
}
