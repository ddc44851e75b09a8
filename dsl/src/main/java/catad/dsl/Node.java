package catad.dsl;

import java.util.Arrays;

/**
 * A node of the dataflow graph a {@link Sym} stands for: an operation, its argument nodes, its shape
 * and the {@link Scope} it was created in. Immutable; a node is shared by every Sym and node that uses
 * it, so the graph is a DAG and sharing is by identity. Structurally equal nodes are merged when the
 * graph is compiled (see {@link Compiler}).
 */
final class Node {

    /** What a node computes from its arguments. */
    sealed interface Op permits Var, Lit, Apply, Tuple, Array, MapOp, CondOp, IterateOp, WhileOp, FoldOp {}

    /** The input of a scope. */
    record Var() implements Op {}

    /** A constant, in flat layout; belongs to no scope and is rebuilt wherever it is used. @param value the numbers */
    record Lit(double[] value) implements Op {}

    /** A program applied to the one argument. @param f the program */
    record Apply(Prog f) implements Op {}

    /** The pair of the two arguments. */
    record Tuple() implements Op {}

    /** The array of the arguments, all of one shape. */
    record Array() implements Op {}

    /** {@code map} of a body over the one argument. @param body the body, whose input is one element */
    record MapOp(Scope body) implements Op {}

    /** {@code cond} on the one argument, the test. @param then run when the test is > 0 @param otherwise run otherwise */
    record CondOp(Scope then, Scope otherwise) implements Op {}

    /** {@code iterate n step} from the one argument. @param n the count @param step the step */
    record IterateOp(int n, Scope step) implements Op {}

    /** {@code while test step} from the one argument. @param test the test @param step the step @param maxIter the bound */
    record WhileOp(Scope test, Scope step, int maxIter) implements Op {}

    /** {@code fold} (or {@code scan}) of a step over arguments (init, array). @param step step on (carry, element) @param scan whether to keep every carry */
    record FoldOp(Scope step, boolean scan) implements Op {}

    final Op op;
    final Node[] args;
    final Shape shape;
    /** The scope the node was created in; null for literals. */
    final Scope scope;
    /** Creation order within a compile; -1 for literals. Arguments always have smaller numbers. */
    final long seq;

    private Node(Op op, Shape shape, Scope scope, Node... args) {
        this.op = op;
        this.args = args;
        this.shape = shape;
        this.scope = scope;
        this.seq = scope == null ? -1 : scope.trace.nextSeq();
    }

    /** {@return the input node of a scope} @param s the scope @param shape its shape */
    static Node var(Scope s, Shape shape) { return new Node(new Var(), shape, s); }

    /** {@return a literal} @param shape its shape @param value the numbers, flat */
    static Node lit(Shape shape, double[] value) {
        if (value.length != shape.dim())
            throw new ShapeException("a constant of shape " + shape + " needs " + shape.dim() + " numbers, got " + value.length);
        return new Node(new Lit(value.clone()), shape, null);
    }

    /**
     * {@return a new node in the current scope} Checks that every argument may be used there.
     * @param what the Sym operation, for messages @param op the operation @param shape the result shape @param args the arguments
     */
    static Node make(String what, Op op, Shape shape, Node... args) {
        Scope at = Scope.current(what);
        for (Node a : args) Scope.check(a, at, what);
        return new Node(op, shape, at, args);
    }

    /** {@return a node in a given scope, for structured operations whose scopes were made first} */
    static Node make(Scope at, String what, Op op, Shape shape, Node... args) {
        for (Node a : args) Scope.check(a, at, what);
        return new Node(op, shape, at, args);
    }

    /**
     * {@return {@code f} applied to {@code x}} Projections of pairs, arrays and literals are resolved
     * at once, so {@code pair(a, b).fst()} is {@code a} itself.
     * @param what the Sym operation @param f the program @param x the argument
     */
    static Node apply(String what, Prog f, Node x) {
        if (!f.dom().equals(x.shape))
            throw new ShapeException("Sym." + what + ": the program " + Printer.brief(f) + " takes " + f.dom()
                    + " but the value has shape " + x.shape);
        if (f instanceof Prog.Id) return x;
        if (x.op instanceof Tuple) {
            if (f instanceof Prog.Exl) return x.args[0];
            if (f instanceof Prog.Exr) return x.args[1];
        }
        if (x.op instanceof Array && f instanceof Prog.Ex p) return x.args[p.i()];
        if (x.op instanceof Lit(double[] v)) {
            if (f instanceof Prog.Exl p) return lit(p.a(), Arrays.copyOfRange(v, 0, p.a().dim()));
            if (f instanceof Prog.Exr p) return lit(p.b(), Arrays.copyOfRange(v, p.a().dim(), v.length));
            if (f instanceof Prog.Ex p) {
                int d = p.a().dim();
                return lit(p.a(), Arrays.copyOfRange(v, p.i() * d, (p.i() + 1) * d));
            }
        }
        return make(what, new Apply(f), f.cod(), x);
    }

    /** {@return whether the node is a projection ({@code exl exr ex id}) of its argument} */
    boolean isProjection() {
        return op instanceof Apply(Prog f) && (f instanceof Prog.Exl || f instanceof Prog.Exr || f instanceof Prog.Ex || f instanceof Prog.Id);
    }

    @Override public String toString() {
        String name = switch (op) {
            case Var v -> "var";
            case Lit l -> "const " + Printer.numbers(l.value());
            case Apply a -> Printer.brief(a.f());
            case Tuple t -> "pair";
            case Array a -> "array";
            case MapOp m -> "map";
            case CondOp c -> "cond";
            case IterateOp i -> "iterate " + i.n();
            case WhileOp w -> "while";
            case FoldOp f -> f.scan() ? "scan" : "fold";
        };
        return "#" + seq + " " + name + " : " + shape;
    }
}
