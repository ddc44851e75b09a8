package catad.dsl;

import static catad.dsl.Shape.R;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A symbolic value: what a {@link Pointful#compile} body computes with instead of numbers.
 *
 * <p>Each operation records a node in a dataflow graph and returns a new, immutable {@code Sym};
 * the compiler turns the graph into an equivalent point-free {@link Prog}. A {@code Sym} used twice is
 * computed once (the program {@code dup}s it), and structurally equal sub-expressions are merged, so
 * writing ordinary Java with local variables costs nothing in the program. Shapes are checked as each
 * operation is recorded: a mismatch throws {@link ShapeException} naming both shapes.
 *
 * {@snippet :
 * Prog f = Pointful.compile(Shape.vec(3), x -> x.at(0).times(x.at(1)).sin());   // sin(x0·x1)
 * Prog g = Pointful.compile(Shape.vec(1000), x -> x.map(e -> e.exp().sin()).sum());
 * Prog h = Pointful.compile(Shape.R, Shape.R, (x, y) -> {
 *     Sym t = x.times(y);                        // computed once, used twice
 *     return t.sin().plus(t.cos());
 * });
 * Prog k = Pointful.compile(Shape.R, x ->       // the branch not taken is not evaluated
 *     Sym.cond(x.gt(0), () -> x.log(), () -> x.neg().log1p()));
 * }
 *
 * <p>Scalar functions ({@code sin}, {@code exp}, …) apply elementwise to arrays and pairs;
 * {@code plus minus times div pow max min} work elementwise on equal shapes and broadcast a scalar
 * over an array. Bodies given to {@link #map}, {@link #cond}, {@link #iterate}, {@link #whileLoop},
 * {@link #fold} and {@link #scan} may use any {@code Sym} of the enclosing code (closures); a
 * {@code Sym} created inside a body must not be used outside it. Operations other than
 * {@link #constant} must run inside a compile body.
 */
public final class Sym {
    final Node node;

    Sym(Node node) { this.node = Objects.requireNonNull(node); }

    /** {@return the shape of the value} */
    public Shape shape() { return node.shape; }

    @Override public String toString() { return "Sym" + node; }

    // ---------------------------------------------------------------- constants and structure

    /** {@return the scalar constant c; usable anywhere, also outside a compile body} @param c the number */
    public static Sym constant(double c) { return new Sym(Node.lit(R, new double[] {c})); }

    /** {@return a constant of any shape} @param shape its shape @param value its numbers, flat, in canonical layout */
    public static Sym constant(Shape shape, double... value) { return new Sym(Node.lit(shape, value)); }

    /** {@return the pair {@code (a, b)}} @param a left @param b right */
    public static Sym pair(Sym a, Sym b) {
        if (a.node.op instanceof Node.Lit(double[] u) && b.node.op instanceof Node.Lit(double[] v)) {
            double[] w = Arrays.copyOf(u, u.length + v.length);
            System.arraycopy(v, 0, w, u.length, v.length);
            return constant(Shape.pair(a.shape(), b.shape()), w);
        }
        return new Sym(Node.make("pair", new Node.Tuple(), Shape.pair(a.shape(), b.shape()), a.node, b.node));
    }

    /** {@return the array of the elements, which must all have one shape} @param elems one or more elements */
    public static Sym array(Sym... elems) {
        if (elems.length == 0) throw new ShapeException("Sym.array needs at least one element (its shape gives the element shape)");
        Shape e = elems[0].shape();
        boolean lit = true;
        for (int i = 0; i < elems.length; i++) {
            if (!elems[i].shape().equals(e))
                throw new ShapeException("Sym.array: element 0 has shape " + e + " but element " + i + " has shape " + elems[i].shape());
            lit &= elems[i].node.op instanceof Node.Lit;
        }
        Shape s = Shape.arr(elems.length, e);
        if (lit) {
            double[] w = new double[s.dim()];
            for (int i = 0; i < elems.length; i++) {
                double[] v = ((Node.Lit) elems[i].node.op).value();
                System.arraycopy(v, 0, w, i * e.dim(), v.length);
            }
            return constant(s, w);
        }
        Node[] ns = new Node[elems.length];
        for (int i = 0; i < ns.length; i++) ns[i] = elems[i].node;
        return new Sym(Node.make("array", new Node.Array(), s, ns));
    }

    /** {@return the left component of a pair} */
    public Sym fst() { return apply("fst", Catad.exl(pair("fst"))); }

    /** {@return the right component of a pair} */
    public Sym snd() { return apply("snd", Catad.exr(pair("snd"))); }

    /** {@return the i-th element of an array} @param i the index */
    public Sym at(int i) { return apply("at", Catad.ex(arr("at"), i)); }

    /** {@return the length of an array} */
    public int length() { return arr("length").n(); }

    /** {@return the program applied to this value: how sub-programs and user primitives are used} @param f a program whose input shape is this value's shape */
    public Sym apply(Prog f) { return apply("apply", f); }

    private Sym apply(String what, Prog f) { return new Sym(Node.apply(what, f, node)); }

    private Sym apply2(String what, Prog f, Sym other) { return pair(this, other).apply(what, f); }

    // ---------------------------------------------------------------- arithmetic

    /** {@return the sum; elementwise on equal shapes, or a scalar broadcast over an array} @param y the other summand */
    public Sym plus(Sym y) {
        return shape().equals(y.shape()) ? apply2("plus", Catad.jam(shape()), y) : binary("plus", Catad.add, y);
    }

    /** {@return this plus a constant, elementwise} @param c the constant */
    public Sym plus(double c) {
        if (Double.doubleToRawLongBits(c) == Double.doubleToRawLongBits(-0.0)) return this;   // x + -0.0 is x, bit for bit
        return binary("plus", Catad.add, constant(c));
    }

    /** {@return the difference; elementwise on equal shapes, or broadcast} @param y the subtrahend */
    public Sym minus(Sym y) {
        return shape().equals(y.shape()) ? apply2("minus", Catad.sub(shape()), y) : binary("minus", Catad.sub, y);
    }

    /** {@return this minus a constant, elementwise (the same number as Java's {@code x - c})} @param c the constant */
    public Sym minus(double c) { return plus(-c); }

    /** {@return the product, elementwise on arrays of reals, or a scalar times an array} @param y the other factor */
    public Sym times(Sym y) { return binary("times", Catad.mul, y); }

    /** {@return this scaled by a constant; any shape} @param c the factor */
    public Sym times(double c) { return c == 1.0 ? this : apply("times", Catad.scale(shape(), c)); }

    /** {@return the quotient, elementwise or broadcast} @param y the divisor */
    public Sym div(Sym y) { return binary("div", Catad.div, y); }

    /** {@return this divided by a constant, elementwise (the same number as Java's {@code x / c})} @param c the divisor */
    public Sym div(double c) { return binary("div", Catad.div, constant(c)); }

    /** {@return the negation; any shape} */
    public Sym neg() { return apply("neg", Catad.neg(shape())); }

    /** {@return {@code this^c}, elementwise} @param c the exponent */
    public Sym pow(double c) { return unary("pow", Catad.pow(c)); }

    /** {@return {@code this^y} (the primitive {@code powr}), elementwise or broadcast} @param y the exponent */
    public Sym pow(Sym y) { return binary("pow", Catad.powr, y); }

    /** {@return the larger of the two, elementwise or broadcast} @param y the other value */
    public Sym max(Sym y) { return binary("max", Catad.max, y); }

    /** {@return the larger of this and a constant, elementwise} @param c the constant */
    public Sym max(double c) { return max(constant(c)); }

    /** {@return the smaller of the two, elementwise or broadcast} @param y the other value */
    public Sym min(Sym y) { return binary("min", Catad.min, y); }

    /** {@return the smaller of this and a constant, elementwise} @param c the constant */
    public Sym min(double c) { return min(constant(c)); }

    // ---------------------------------------------------------------- scalar functions, elementwise

    /** {@return sin, elementwise} */ public Sym sin() { return unary("sin", Catad.sin); }
    /** {@return cos, elementwise} */ public Sym cos() { return unary("cos", Catad.cos); }
    /** {@return exp, elementwise} */ public Sym exp() { return unary("exp", Catad.exp); }
    /** {@return the natural log, elementwise} */ public Sym log() { return unary("log", Catad.log); }
    /** {@return tanh, elementwise} */ public Sym tanh() { return unary("tanh", Catad.tanh); }
    /** {@return the square root, elementwise} */ public Sym sqrt() { return unary("sqrt", Catad.sqrt); }
    /** {@return the logistic sigmoid, elementwise} */ public Sym sigmoid() { return unary("sigmoid", Catad.sigmoid); }
    /** {@return {@code log(1 + e^x)}, elementwise} */ public Sym softplus() { return unary("softplus", Catad.softplus); }
    /** {@return {@code log(1 + x)}, elementwise} */ public Sym log1p() { return unary("log1p", Catad.log1p); }
    /** {@return {@code e^x - 1}, elementwise} */ public Sym expm1() { return unary("expm1", Catad.expm1); }
    /** {@return the absolute value, elementwise} */ public Sym abs() { return unary("abs", Catad.abs); }
    /** {@return {@code max(x, 0)}, elementwise} */ public Sym relu() { return unary("relu", Catad.relu); }
    /** {@return {@code x²}, elementwise} */ public Sym square() { return unary("square", Catad.square); }
    /** {@return {@code 1/x}, elementwise} */ public Sym recip() { return unary("recip", Catad.recip); }

    // ---------------------------------------------------------------- comparisons, for cond tests

    /** {@return {@code this - y}, positive exactly when {@code this > y}: a test for {@link #cond}} @param y a scalar */
    public Sym gt(Sym y) { scalars("gt", y); return minus(y); }

    /** {@return {@code this - c}, positive exactly when {@code this > c}} @param c the bound */
    public Sym gt(double c) { scalars("gt", constant(c)); return minus(c); }

    /** {@return {@code y - this}, positive exactly when {@code this < y}} @param y a scalar */
    public Sym lt(Sym y) { scalars("lt", y); return y.minus(this); }

    /** {@return {@code c - this}, positive exactly when {@code this < c}} @param c the bound */
    public Sym lt(double c) { scalars("lt", constant(c)); return neg().plus(c); }

    // ---------------------------------------------------------------- linear algebra, reductions

    /** {@return the sum of the elements of an array} */
    public Sym sum() { return apply("sum", Catad.sum(arr("sum"))); }

    /** {@return the dot product of two vectors {@code [n]R}} @param y the other vector */
    public Sym dot(Sym y) {
        int n = vec("dot", this);
        if (!y.shape().equals(shape())) throw new ShapeException("Sym.dot: vectors of shapes " + shape() + " and " + y.shape() + " differ");
        return apply2("dot", Catad.dot(n), y);
    }

    /** {@return this matrix {@code [m][n]R} times the vector {@code y : [n]R}} @param y the vector */
    public Sym matvec(Sym y) {
        if (!(shape() instanceof Shape.Arr(int m, Shape.Arr(int n, Shape.Real r))) || !y.shape().equals(Shape.vec(n)))
            throw new ShapeException("Sym.matvec: needs a matrix [m][n]R and a vector [n]R, got " + shape() + " and " + y.shape());
        return apply2("matvec", Catad.matvec(m, n), y);
    }

    // ---------------------------------------------------------------- arrays and control

    /**
     * {@return the body applied to each element of an array} The body is traced once, on a symbolic
     * element; it may use values of the enclosing code, which are passed to every element.
     * @param body the element function
     */
    public Sym map(Function<Sym, Sym> body) {
        Shape.Arr a = arr("map");
        Scope s = Scope.child(Scope.Kind.MAP, "map body", a.elem(), a.n() > 0);
        Sym r = s.trace(() -> body.apply(new Sym(s.var)));
        return new Sym(Node.make("map", new Node.MapOp(s), Shape.arr(a.n(), r.shape()), node));
    }

    /**
     * {@return {@code then} where {@code test > 0}, else {@code otherwise}} Compiles to
     * {@link Prog.Cond}: only the branch taken is evaluated, so work done only inside a branch (a
     * {@code log} of a value that is negative when the other branch is taken) cannot poison the
     * result. Values computed before the {@code cond} are passed in and shared.
     * @param test a scalar @param then the value where test > 0 @param otherwise the value elsewhere
     */
    public static Sym cond(Sym test, Supplier<Sym> then, Supplier<Sym> otherwise) {
        if (!test.shape().equals(R)) throw new ShapeException("Sym.cond: the test must have shape R, got " + test.shape());
        Scope t = Scope.child(Scope.Kind.BRANCH, "cond then-branch", null, false);
        Sym a = t.trace(then);
        Scope e = Scope.child(Scope.Kind.BRANCH, "cond else-branch", null, false);
        Sym b = e.trace(otherwise);
        if (!a.shape().equals(b.shape()))
            throw new ShapeException("Sym.cond: the then-branch has shape " + a.shape() + " but the else-branch has shape " + b.shape());
        return new Sym(Node.make("cond", new Node.CondOp(t, e), a.shape(), test.node));
    }

    /**
     * {@return the step applied n times, starting from this value} The step may use values of the
     * enclosing code; they are threaded through the loop state.
     * @param n the count, >= 0 @param step the step, from and to this value's shape
     */
    public Sym iterate(int n, Function<Sym, Sym> step) {
        if (n < 0) throw new ShapeException("Sym.iterate: the count must be >= 0, got " + n);
        Scope s = loop("iterate step", step, n > 0);
        return new Sym(Node.make("iterate", new Node.IterateOp(n, s), shape(), node));
    }

    /**
     * {@return the step applied while {@code test > 0}, starting from this value} Fails at run time
     * after {@link Catad#WHILE_BOUND} steps rather than hanging.
     * @param test a scalar of the state @param step the step, from and to this value's shape
     */
    public Sym whileLoop(Function<Sym, Sym> test, Function<Sym, Sym> step) { return whileLoop(test, step, Catad.WHILE_BOUND); }

    /**
     * {@return the step applied while {@code test > 0}, failing after maxIter steps}
     * @param test a scalar of the state @param step the step @param maxIter the bound
     */
    public Sym whileLoop(Function<Sym, Sym> test, Function<Sym, Sym> step, int maxIter) {
        if (maxIter < 0) throw new ShapeException("Sym.whileLoop: the bound must be >= 0, got " + maxIter);
        Scope t = Scope.child(Scope.Kind.LOOP, "while test", shape(), true);
        Sym p = t.trace(() -> test.apply(new Sym(t.var)));
        if (!p.shape().equals(R)) throw new ShapeException("Sym.whileLoop: the test must give R, got " + p.shape());
        Scope s = loop("while step", step, false);
        return new Sym(Node.make("whileLoop", new Node.WhileOp(t, s, maxIter), shape(), node));
    }

    /**
     * {@return the carry after folding the step over the elements of this array, left to right}
     * @param init the initial carry @param step {@code (carry, element) ↦ carry}
     */
    public Sym fold(Sym init, BiFunction<Sym, Sym, Sym> step) {
        Scope s = foldStep("fold step", init, step);
        return new Sym(Node.make("fold", new Node.FoldOp(s, false), init.shape(), init.node, node));
    }

    /**
     * {@return the array of carries after each element: a fold that keeps its intermediate results}
     * @param init the initial carry @param step {@code (carry, element) ↦ carry}
     */
    public Sym scan(Sym init, BiFunction<Sym, Sym, Sym> step) {
        Scope s = foldStep("scan step", init, step);
        return new Sym(Node.make("scan", new Node.FoldOp(s, true), Shape.arr(length(), init.shape()), init.node, node));
    }

    // ---------------------------------------------------------------- helpers

    private Scope loop(String what, Function<Sym, Sym> step, boolean runsAtLeastOnce) {
        Scope s = Scope.child(Scope.Kind.LOOP, what, shape(), runsAtLeastOnce);
        Sym r = s.trace(() -> step.apply(new Sym(s.var)));
        if (!r.shape().equals(shape()))
            throw new ShapeException("Sym." + what + " must map the state shape " + shape() + " to itself, but gives " + r.shape());
        return s;
    }

    private Scope foldStep(String what, Sym init, BiFunction<Sym, Sym, Sym> step) {
        Shape.Arr a = arr(what.startsWith("fold") ? "fold" : "scan");
        Scope s = Scope.child(Scope.Kind.LOOP, what, Shape.pair(init.shape(), a.elem()), a.n() > 0);
        Sym r = s.trace(() -> {
            Sym v = new Sym(s.var);
            return step.apply(v.fst(), v.snd());
        });
        if (!r.shape().equals(init.shape()))
            throw new ShapeException("Sym." + what + " must return the carry shape " + init.shape() + ", but gives " + r.shape());
        return s;
    }

    private Sym unary(String what, Prog scalar) { return apply(what, lift1(what, scalar, shape())); }

    private Sym binary(String what, Prog scalar, Sym y) {
        if (!broadcasts(shape(), y.shape()))
            throw new ShapeException("Sym." + what + ": shapes " + shape() + " and " + y.shape()
                    + " do not match elementwise (they must be equal, or one of them R)");
        return apply2(what, lift2(scalar, shape(), y.shape()), y);
    }

    private void scalars(String what, Sym y) {
        if (!shape().equals(R) || !y.shape().equals(R))
            throw new ShapeException("Sym." + what + " compares scalars (R and R), got " + shape() + " and " + y.shape());
    }

    private Shape.Pair pair(String what) {
        if (shape() instanceof Shape.Pair p) return p;
        throw new ShapeException("Sym." + what + " needs a pair A × B, got " + shape());
    }

    private Shape.Arr arr(String what) {
        if (shape() instanceof Shape.Arr a) return a;
        throw new ShapeException("Sym." + what + " needs an array [n]A, got " + shape());
    }

    private static int vec(String what, Sym x) {
        if (x.shape() instanceof Shape.Arr(int n, Shape.Real r)) return n;
        throw new ShapeException("Sym." + what + " needs a vector [n]R, got " + x.shape());
    }

    /** {@return a scalar function lifted over arrays and pairs of reals} */
    private static Prog lift1(String what, Prog f, Shape s) {
        return switch (s) {
            case Shape.Real r -> f;
            case Shape.Unit u -> Catad.id(u);
            case Shape.Arr(int n, Shape e) -> Catad.map(n, lift1(what, f, e));
            case Shape.Pair(Shape l, Shape r) -> Catad.cross(lift1(what, f, l), lift1(what, f, r));
        };
    }

    /** {@return whether a binary scalar function lifts to a × b: equal structure, with R allowed to broadcast} */
    private static boolean broadcasts(Shape a, Shape b) {
        if (a.equals(R) || b.equals(R)) return true;
        return switch (a) {
            case Shape.Arr(int n, Shape e) -> b instanceof Shape.Arr(int m, Shape f) && n == m && broadcasts(e, f);
            case Shape.Pair(Shape l, Shape r) -> b instanceof Shape.Pair(Shape l2, Shape r2) && broadcasts(l, l2) && broadcasts(r, r2);
            case Shape.Unit u -> b instanceof Shape.Unit;
            case Shape.Real r -> true;
        };
    }

    /** {@return a binary scalar function {@code R × R → R} lifted to {@code a × b → c}, elementwise with scalar broadcast} */
    private static Prog lift2(Prog f, Shape a, Shape b) {
        if (a.equals(R) && b.equals(R)) return f;
        if (a instanceof Shape.Unit u) return Catad.exl(u, b);
        if (a.equals(R)) {
            return switch (b) {
                case Shape.Arr(int n, Shape e) -> Catad.pipe(Catad.cross(Catad.repl(n, R), Catad.id(b)), Catad.zip(n, R, e), Catad.map(n, lift2(f, R, e)));
                case Shape.Pair(Shape l, Shape r) -> Catad.pipe(
                        Catad.fork(Catad.cross(Catad.id(R), Catad.exl(l, r)), Catad.cross(Catad.id(R), Catad.exr(l, r))),
                        Catad.cross(lift2(f, R, l), lift2(f, R, r)));
                case Shape.Unit u -> Catad.exr(R, u);
                case Shape.Real r -> f;
            };
        }
        if (b.equals(R)) {
            return switch (a) {
                case Shape.Arr(int n, Shape e) -> Catad.pipe(Catad.cross(Catad.id(a), Catad.repl(n, R)), Catad.zip(n, e, R), Catad.map(n, lift2(f, e, R)));
                case Shape.Pair(Shape l, Shape r) -> Catad.pipe(
                        Catad.fork(Catad.cross(Catad.exl(l, r), Catad.id(R)), Catad.cross(Catad.exr(l, r), Catad.id(R))),
                        Catad.cross(lift2(f, l, R), lift2(f, r, R)));
                case Shape.Unit u -> Catad.exl(u, R);
                case Shape.Real r -> f;
            };
        }
        if (a instanceof Shape.Arr(int n, Shape e) && b instanceof Shape.Arr(int m, Shape g))
            return Catad.pipe(Catad.zip(n, e, g), Catad.map(n, lift2(f, e, g)));
        var p = (Shape.Pair) a;
        var q = (Shape.Pair) b;
        Prog exlexl = Catad.pipe(Catad.exl(a, b), Catad.exl(p.left(), p.right()));
        Prog exlexr = Catad.pipe(Catad.exr(a, b), Catad.exl(q.left(), q.right()));
        Prog exrexl = Catad.pipe(Catad.exl(a, b), Catad.exr(p.left(), p.right()));
        Prog exrexr = Catad.pipe(Catad.exr(a, b), Catad.exr(q.left(), q.right()));
        return Catad.pipe(Catad.fork(Catad.fork(exlexl, exlexr), Catad.fork(exrexl, exrexr)),
                Catad.cross(lift2(f, p.left(), q.left()), lift2(f, p.right(), q.right())));
    }
}
