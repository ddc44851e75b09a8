package catad.dsl;

import static catad.dsl.Shape.R;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A catad program: a morphism {@code dom() → cod()} written with category combinators.
 *
 * <p>One record per combinator, each checking its shapes when it is built, so an ill-shaped program
 * cannot exist. Derived forms ({@code fork}, {@code join}, {@code add}, {@code neg}, {@code fold}, …)
 * are built by {@link Catad} from these and cost no rules of their own. Passes over programs are
 * exhaustive pattern {@code switch}es over this sealed type.
 */
public sealed interface Prog
        permits Prog.Id, Prog.Compose, Prog.Cross, Prog.Exl, Prog.Exr, Prog.Dup, Prog.Bang,
                Prog.Inl, Prog.Inr, Prog.Jam, Prog.Const, Prog.Zero, Prog.Scale, Prog.Prim,
                Prog.Map, Prog.Ex, Prog.In, Prog.Repl, Prog.Sum, Prog.Zip, Prog.Unzip,
                Prog.Reshape, Prog.Transpose, Prog.Cond, Prog.Iterate, Prog.While, Prog.MapAccum {

    /** {@return the input shape} */
    Shape dom();

    /** {@return the output shape} */
    Shape cod();

    // ---------------------------------------------------------------- category

    /** {@code id : A → A}. @param a the shape */
    record Id(Shape a) implements Prog {
        public Id { Objects.requireNonNull(a); }
        @Override public Shape dom() { return a; }
        @Override public Shape cod() { return a; }
        @Override public String toString() { return Printer.brief(this); }
    }

    /**
     * Composition of two or more steps, in the order they are applied: {@code steps = [f, g, h]} is
     * {@code h ∘ g ∘ f}. Kept flat (no step is itself a {@code Compose}) so that long chains are
     * lists, not deep trees. @param steps the steps, first applied first
     */
    record Compose(List<Prog> steps) implements Prog {
        public Compose {
            steps = List.copyOf(steps);
            if (steps.size() < 2) throw new IllegalArgumentException("Compose needs two or more steps; use Catad.compose");
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i) instanceof Compose) throw new IllegalArgumentException("nested Compose; use Catad.compose");
                if (i > 0) Check.composable(steps.get(i), steps.get(i - 1));
            }
        }
        @Override public Shape dom() { return steps.getFirst().dom(); }
        @Override public Shape cod() { return steps.getLast().cod(); }
        @Override public String toString() { return Printer.brief(this); }
    }

    // ---------------------------------------------------------------- monoidal, cartesian

    /**
     * {@code f × g : A × C → B × D} (ConCat's {@code ***}). The shapes are stored, not recomputed,
     * so deeply nested products cost constant time per node. @param f left @param g right
     * @param dom {@code A × C} @param cod {@code B × D}
     */
    record Cross(Prog f, Prog g, Shape dom, Shape cod) implements Prog {
        public Cross {
            Objects.requireNonNull(f); Objects.requireNonNull(g);
            if (!(dom instanceof Shape.Pair(Shape a, Shape c)) || !same(a, f.dom()) || !same(c, g.dom())
                    || !(cod instanceof Shape.Pair(Shape b, Shape d)) || !same(b, f.cod()) || !same(d, g.cod()))
                throw new ShapeException("cross: shapes " + dom + " → " + cod + " do not fit " + Printer.brief(f) + " and " + Printer.brief(g));
        }
        /** {@code f × g}, its shapes computed. @param f left @param g right */
        public Cross(Prog f, Prog g) { this(f, g, Shape.pair(f.dom(), g.dom()), Shape.pair(f.cod(), g.cod())); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code exl : A × B → A}. @param a left @param b right */
    record Exl(Shape a, Shape b) implements Prog {
        public Exl { Objects.requireNonNull(a); Objects.requireNonNull(b); }
        @Override public Shape dom() { return Shape.pair(a, b); }
        @Override public Shape cod() { return a; }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code exr : A × B → B}. @param a left @param b right */
    record Exr(Shape a, Shape b) implements Prog {
        public Exr { Objects.requireNonNull(a); Objects.requireNonNull(b); }
        @Override public Shape dom() { return Shape.pair(a, b); }
        @Override public Shape cod() { return b; }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code dup : A → A × A}. @param a the shape */
    record Dup(Shape a) implements Prog {
        public Dup { Objects.requireNonNull(a); }
        @Override public Shape dom() { return a; }
        @Override public Shape cod() { return Shape.pair(a, a); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code ! : A → 1}, the map to the unit. @param a the input shape */
    record Bang(Shape a) implements Prog {
        public Bang { Objects.requireNonNull(a); }
        @Override public Shape dom() { return a; }
        @Override public Shape cod() { return Shape.UNIT; }
        @Override public String toString() { return Printer.brief(this); }
    }

    // ---------------------------------------------------------------- cocartesian (additive)

    /** {@code inl : A → A × B}, {@code a ↦ (a, 0)}. @param a left @param b right */
    record Inl(Shape a, Shape b) implements Prog {
        public Inl { Objects.requireNonNull(a); Objects.requireNonNull(b); }
        @Override public Shape dom() { return a; }
        @Override public Shape cod() { return Shape.pair(a, b); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code inr : B → A × B}, {@code b ↦ (0, b)}. @param a left @param b right */
    record Inr(Shape a, Shape b) implements Prog {
        public Inr { Objects.requireNonNull(a); Objects.requireNonNull(b); }
        @Override public Shape dom() { return b; }
        @Override public Shape cod() { return Shape.pair(a, b); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code jam : A × A → A}, vector addition. @param a the shape */
    record Jam(Shape a) implements Prog {
        public Jam { Objects.requireNonNull(a); }
        @Override public Shape dom() { return Shape.pair(a, a); }
        @Override public Shape cod() { return a; }
        @Override public String toString() { return Printer.brief(this); }
    }

    // ---------------------------------------------------------------- constants and linear maps

    /**
     * {@code const c : A → B}, ignoring its input. @param dom input shape @param cod output shape
     * @param value the constant, flat, of length {@code cod.dim()}
     */
    record Const(Shape dom, Shape cod, double[] value) implements Prog {
        public Const {
            Objects.requireNonNull(dom); Objects.requireNonNull(cod);
            value = value.clone();
            if (value.length != cod.dim())
                throw new ShapeException("const of shape " + cod + " needs " + cod.dim() + " numbers, got " + value.length);
        }
        @Override public double[] value() { return value.clone(); }
        /** {@return the i-th number of the constant, without copying} @param i index */
        public double at(int i) { return value[i]; }
        @Override public boolean equals(Object o) {
            return o instanceof Const c && dom.equals(c.dom) && cod.equals(c.cod) && Arrays.equals(value, c.value);
        }
        @Override public int hashCode() { return Objects.hash(dom, cod, Arrays.hashCode(value)); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code zero : A → B}, the zero linear map. @param dom input @param cod output */
    record Zero(Shape dom, Shape cod) implements Prog {
        public Zero { Objects.requireNonNull(dom); Objects.requireNonNull(cod); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code scale s : A → A}, multiplication by a constant. @param a the shape @param s the factor */
    record Scale(Shape a, double s) implements Prog {
        public Scale { Objects.requireNonNull(a); }
        @Override public Shape dom() { return a; }
        @Override public Shape cod() { return a; }
        @Override public boolean equals(Object o) {
            return o instanceof Scale x && a.equals(x.a) && Double.doubleToLongBits(s) == Double.doubleToLongBits(x.s);
        }
        @Override public int hashCode() { return a.hashCode() * 31 + Double.hashCode(s); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** A primitive operation: scalar functions, {@code dot}, {@code matvec}, user primitives. @param p the primitive */
    record Prim(Primitive p) implements Prog {
        public Prim { Objects.requireNonNull(p); }
        @Override public Shape dom() { return p.dom(); }
        @Override public Shape cod() { return p.cod(); }
        @Override public String toString() { return Printer.brief(this); }
    }

    // ---------------------------------------------------------------- arrays

    /**
     * {@code map f : [n]A → [n]B}; the shapes are stored, not recomputed. @param n length
     * @param f the element program @param dom {@code [n]A} @param cod {@code [n]B}
     */
    record Map(int n, Prog f, Shape dom, Shape cod) implements Prog {
        public Map {
            Check.length(n); Objects.requireNonNull(f);
            if (!(dom instanceof Shape.Arr(int m, Shape a)) || m != n || !same(a, f.dom())
                    || !(cod instanceof Shape.Arr(int k, Shape b)) || k != n || !same(b, f.cod()))
                throw new ShapeException("map: shapes " + dom + " → " + cod + " do not fit " + n + " elements of " + Printer.brief(f));
        }
        /** {@code map f}, its shapes computed. @param n length @param f the element program */
        public Map(int n, Prog f) { this(n, f, Shape.arr(n, f.dom()), Shape.arr(n, f.cod())); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code ex i : [n]A → A}, indexing. @param n length @param a element @param i index */
    record Ex(int n, Shape a, int i) implements Prog {
        public Ex { Check.index(n, i); Objects.requireNonNull(a); }
        @Override public Shape dom() { return Shape.arr(n, a); }
        @Override public Shape cod() { return a; }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code in i : A → [n]A}, one-hot (the transpose of {@code ex i}). @param n length @param a element @param i index */
    record In(int n, Shape a, int i) implements Prog {
        public In { Check.index(n, i); Objects.requireNonNull(a); }
        @Override public Shape dom() { return a; }
        @Override public Shape cod() { return Shape.arr(n, a); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code repl : A → [n]A}, broadcast. @param n length @param a element */
    record Repl(int n, Shape a) implements Prog {
        public Repl { Check.length(n); Objects.requireNonNull(a); }
        @Override public Shape dom() { return a; }
        @Override public Shape cod() { return Shape.arr(n, a); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code sum : [n]A → A}, each component added in the canonical order of {@link Sums}. @param n length @param a element */
    record Sum(int n, Shape a) implements Prog {
        public Sum { Check.length(n); Objects.requireNonNull(a); }
        @Override public Shape dom() { return Shape.arr(n, a); }
        @Override public Shape cod() { return a; }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code zip : [n]A × [n]B → [n](A × B)}. @param n length @param a left element @param b right element */
    record Zip(int n, Shape a, Shape b) implements Prog {
        public Zip { Check.length(n); Objects.requireNonNull(a); Objects.requireNonNull(b); }
        @Override public Shape dom() { return Shape.pair(Shape.arr(n, a), Shape.arr(n, b)); }
        @Override public Shape cod() { return Shape.arr(n, Shape.pair(a, b)); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code unzip : [n](A × B) → [n]A × [n]B}. @param n length @param a left element @param b right element */
    record Unzip(int n, Shape a, Shape b) implements Prog {
        public Unzip { Check.length(n); Objects.requireNonNull(a); Objects.requireNonNull(b); }
        @Override public Shape dom() { return Shape.arr(n, Shape.pair(a, b)); }
        @Override public Shape cod() { return Shape.pair(Shape.arr(n, a), Shape.arr(n, b)); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /**
     * {@code reshape : S → T} between nested arrays with the same flat layout (same innermost
     * element and the same number of elements), e.g. {@code [2][3]R → [6]R}.
     * @param from input shape @param to output shape
     */
    record Reshape(Shape from, Shape to) implements Prog {
        public Reshape { Check.reshapable(from, to); }
        @Override public Shape dom() { return from; }
        @Override public Shape cod() { return to; }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code transpose : [m][n]A → [n][m]A}. @param m outer length @param n inner length @param a element */
    record Transpose(int m, int n, Shape a) implements Prog {
        public Transpose { Check.length(m); Check.length(n); Objects.requireNonNull(a); }
        @Override public Shape dom() { return Shape.arr(m, Shape.arr(n, a)); }
        @Override public Shape cod() { return Shape.arr(n, Shape.arr(m, a)); }
        @Override public String toString() { return Printer.brief(this); }
    }

    // ---------------------------------------------------------------- control

    /**
     * {@code cond p f g : A → B}: {@code f x} where {@code p x > 0}, else {@code g x}; the branch not
     * taken is not evaluated. @param p the test {@code A → R} @param f then @param g else
     */
    record Cond(Prog p, Prog f, Prog g) implements Prog {
        public Cond {
            Check.sameDom(p, f, "cond test", "then-branch");
            Check.sameDom(p, g, "cond test", "else-branch");
            Check.cod(p, R, "cond test");
            Check.sameCod(f, g, "then-branch", "else-branch");
        }
        @Override public Shape dom() { return f.dom(); }
        @Override public Shape cod() { return f.cod(); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@code iterate n f : A → A}, {@code f} applied {@code n} times. @param n count @param f the step */
    record Iterate(int n, Prog f) implements Prog {
        public Iterate { Check.length(n); Check.endo(f, "iterate step"); }
        @Override public Shape dom() { return f.dom(); }
        @Override public Shape cod() { return f.dom(); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /**
     * {@code while p f : A → A}: apply {@code f} while {@code p x > 0}; fails with a clear error
     * after {@code maxIter} steps instead of hanging. @param p test @param f step @param maxIter bound
     */
    record While(Prog p, Prog f, int maxIter) implements Prog {
        public While {
            Check.endo(f, "while step");
            Check.sameDom(p, f, "while test", "while step");
            Check.cod(p, R, "while test");
            if (maxIter < 0) throw new ShapeException("while bound must be >= 0, got " + maxIter);
        }
        @Override public Shape dom() { return f.dom(); }
        @Override public Shape cod() { return f.dom(); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /**
     * {@code mapAccum f : C × [n]A → C × [n]B} (Haskell's {@code mapAccumL}, or {@code mapAccumR}
     * when {@code reverse}): threads a carry through the elements, emitting one output each. Fold and
     * scan are built from it. @param n length @param f the step {@code C × A → C × B}
     * @param reverse run from the last element to the first
     */
    record MapAccum(int n, Prog f, boolean reverse) implements Prog {
        public MapAccum {
            Check.length(n);
            if (!(f.dom() instanceof Shape.Pair(Shape c, Shape a)) || !(f.cod() instanceof Shape.Pair(Shape c2, Shape b)) || !c.equals(c2))
                throw new ShapeException("mapAccum step must be C × A → C × B, got " + f.dom() + " → " + f.cod() + " in " + Printer.brief(f));
        }
        /** {@return the carry shape C} */
        public Shape carry() { return ((Shape.Pair) f.dom()).left(); }
        /** {@return the input element shape A} */
        public Shape in() { return ((Shape.Pair) f.dom()).right(); }
        /** {@return the output element shape B} */
        public Shape out() { return ((Shape.Pair) f.cod()).right(); }
        @Override public Shape dom() { return Shape.pair(carry(), Shape.arr(n, in())); }
        @Override public Shape cod() { return Shape.pair(carry(), Shape.arr(n, out())); }
        @Override public String toString() { return Printer.brief(this); }
    }

    /** {@return the sub-programs this program is built from, in order (none for a leaf)} */
    default List<Prog> children() {
        return switch (this) {
            case Compose c -> c.steps();
            case Cross c -> List.of(c.f(), c.g());
            case Map m -> List.of(m.f());
            case Cond c -> List.of(c.p(), c.f(), c.g());
            case Iterate it -> List.of(it.f());
            case While w -> List.of(w.p(), w.f());
            case MapAccum m -> List.of(m.f());
            case Id i -> List.of();
            case Exl e -> List.of();
            case Exr e -> List.of();
            case Dup d -> List.of();
            case Bang b -> List.of();
            case Inl i -> List.of();
            case Inr i -> List.of();
            case Jam j -> List.of();
            case Const c -> List.of();
            case Zero z -> List.of();
            case Scale s -> List.of();
            case Prim p -> List.of();
            case Ex e -> List.of();
            case In i -> List.of();
            case Repl r -> List.of();
            case Sum s -> List.of();
            case Zip z -> List.of();
            case Unzip u -> List.of();
            case Reshape r -> List.of();
            case Transpose t -> List.of();
        };
    }

    /**
     * {@return this program and all its sub-programs, the bodies of control combinators included,
     * parents before children} The walk uses an explicit stack, so programs of any depth are fine.
     */
    default List<Prog> nodes() {
        var out = new ArrayList<Prog>();
        var todo = new java.util.ArrayDeque<Prog>();
        todo.push(this);
        while (!todo.isEmpty()) {
            Prog f = todo.pop();
            out.add(f);
            var cs = f.children();
            for (int i = cs.size() - 1; i >= 0; i--) todo.push(cs.get(i));
        }
        return out;
    }

    /** {@return the steps of this program seen as a composition, first applied first} */
    default List<Prog> steps() {
        return this instanceof Compose c ? c.steps() : List.of(this);
    }

    /** {@return whether two shapes are equal, by reference first (stored shapes are shared)} */
    private static boolean same(Shape a, Shape b) { return a == b || a.equals(b); }

    /** Shape checks shared by the records; messages name both shapes and both sub-programs. */
    final class Check {
        private Check() {}

        static void composable(Prog g, Prog f) {
            if (!g.dom().equals(f.cod()))
                throw new ShapeException("cannot compose: " + Printer.brief(g) + " expects " + g.dom()
                        + " but " + Printer.brief(f) + " produces " + f.cod());
        }

        static void sameDom(Prog a, Prog b, String an, String bn) {
            if (!a.dom().equals(b.dom()))
                throw new ShapeException(an + " " + Printer.brief(a) + " takes " + a.dom() + " but "
                        + bn + " " + Printer.brief(b) + " takes " + b.dom());
        }

        static void sameCod(Prog a, Prog b, String an, String bn) {
            if (!a.cod().equals(b.cod()))
                throw new ShapeException(an + " " + Printer.brief(a) + " produces " + a.cod() + " but "
                        + bn + " " + Printer.brief(b) + " produces " + b.cod());
        }

        static void cod(Prog p, Shape s, String what) {
            if (!p.cod().equals(s))
                throw new ShapeException(what + " " + Printer.brief(p) + " must produce " + s + " but produces " + p.cod());
        }

        static void endo(Prog f, String what) {
            if (!f.dom().equals(f.cod()))
                throw new ShapeException(what + " " + Printer.brief(f) + " must map a shape to itself, but is "
                        + f.dom() + " → " + f.cod());
        }

        static void length(int n) {
            if (n < 0) throw new ShapeException("array length must be >= 0, got " + n);
        }

        static void index(int n, int i) {
            if (i < 0 || i >= n) throw new ShapeException("index " + i + " out of range for an array of length " + n);
        }

        static void reshapable(Shape from, Shape to) {
            var a = flatten(from);
            var b = flatten(to);
            if (!a.getLast().equals(b.getLast()) || count(a) != count(b))
                throw new ShapeException("cannot reshape " + from + " to " + to + ": they need the same innermost element and element count");
        }

        /** {@return the array lengths of a nested array shape followed by its innermost non-array element} */
        static List<Shape> flatten(Shape s) {
            var out = new ArrayList<Shape>();
            while (s instanceof Shape.Arr(int n, Shape e)) { out.add(s); s = e; }
            out.add(s);
            return out;
        }

        private static long count(List<Shape> nest) {
            long c = 1;
            for (Shape s : nest) if (s instanceof Shape.Arr(int n, Shape e)) c *= n;
            return c;
        }
    }
}
