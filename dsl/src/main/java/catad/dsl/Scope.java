package catad.dsl;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A tracing scope of the pointful front end: the body of a {@link Pointful#compile}, of a
 * {@code map}, of a {@code cond} branch or of a loop step. Every node records the scope it was
 * created in; the compiler turns each scope into one sub-program and threads the values a scope
 * uses from enclosing scopes (its free variables) into it.
 *
 * <p>The scope being traced is bound to a {@link ScopedValue}, so a {@link Sym} operation knows where
 * its node belongs without the user passing a context around.
 */
final class Scope {

    /** What a scope is the body of. */
    enum Kind {
        /** The body of {@link Pointful#compile}. */ ROOT,
        /** A {@code map} body, run once per element. */ MAP,
        /** A {@code cond} branch, run only when taken. */ BRANCH,
        /** An {@code iterate}, {@code while}, {@code fold} or {@code scan} step, or a {@code while} test. */ LOOP
    }

    /** The sequence counter of one compile: nodes are numbered in creation order, a topological order. */
    static final class Trace {
        private long next;
        long nextSeq() {
            if (next == Integer.MAX_VALUE) throw new CatadException("a Pointful.compile body may record at most " + Integer.MAX_VALUE + " operations");
            return next++;
        }
    }

    private static final ScopedValue<Scope> CURRENT = ScopedValue.newInstance();

    final Trace trace;
    final Scope parent;
    final Kind kind;
    final String what;
    final int depth;
    /**
     * Whether work that does not depend on the input may be moved to the enclosing scope: true for
     * bodies that run at least once each time the enclosing scope runs, so hoisting never evaluates
     * anything the program would not (a {@code cond} branch or a {@code while} step may not run).
     */
    final boolean hoistable;
    /** The scope's input, or null for a {@code cond} branch. */
    final Node var;
    /** The scope's result, set when its body returns. */
    private Node out;
    private boolean closed;

    private Scope(Trace trace, Scope parent, Kind kind, String what, Shape varShape, boolean hoistable) {
        this.trace = trace;
        this.parent = parent;
        this.kind = kind;
        this.what = what;
        this.hoistable = hoistable;
        this.depth = parent == null ? 0 : parent.depth + 1;
        this.var = varShape == null ? null : Node.var(this, varShape);
    }

    /** {@return a new root scope for one compile} @param in the program's input shape */
    static Scope root(Shape in) { return new Scope(new Trace(), null, Kind.ROOT, "Pointful.compile body", in, false); }

    /**
     * {@return a scope nested in the current one}
     * @param kind its kind @param what its name for messages @param varShape its input shape, or null
     * @param runsAtLeastOnce whether the body surely runs whenever the enclosing scope does, so that
     *     work independent of its input may be hoisted out
     */
    static Scope child(Kind kind, String what, Shape varShape, boolean runsAtLeastOnce) {
        Scope p = current(what);
        return new Scope(p.trace, p, kind, what, varShape, runsAtLeastOnce && kind != Kind.BRANCH);
    }

    /** {@return the scope being traced} @param op the operation asking, for the message */
    static Scope current(String op) {
        if (!CURRENT.isBound())
            throw new CatadException("Sym." + op + " must run inside a Pointful.compile body (only Sym.constant works outside one)");
        return CURRENT.get();
    }

    /** {@return how many nodes this compile has made so far: every node's number is below it} */
    int nodeCount() { return (int) trace.next; }

    /** {@return the scope's result node} */
    Node out() {
        if (out == null) throw new IllegalStateException(what + " has not been traced");
        return out;
    }

    /**
     * {@return the body's result} Runs the body with this scope current, then closes the scope.
     * @param body the user's code
     */
    Sym trace(Supplier<Sym> body) {
        Sym r;
        try {
            r = ScopedValue.where(CURRENT, this).call(body::get);
        } finally {
            closed = true;
        }
        if (r == null) throw new CatadException(what + " returned null; it must return a Sym");
        check(r.node, this, null);
        out = r.node;
        return r;
    }

    /** {@return whether s is this scope or encloses it} @param s a scope */
    boolean within(Scope s) {
        for (Scope p = this; p != null; p = p.parent) if (p == s) return true;
        return false;
    }

    /**
     * Checks that a node may be used while tracing scope {@code at}: it must be a literal or belong
     * to {@code at} or a scope enclosing it.
     * @param n the node @param at the scope using it @param op the Sym operation using it, or null for a body's result
     */
    static void check(Node n, Scope at, String op) {
        Objects.requireNonNull(n);
        if (n.scope == null || at.within(n.scope)) return;
        String use = op == null ? "the result of the " + at.what : "Sym." + op;
        if (n.scope.trace != at.trace)
            throw new CatadException(use + " uses a Sym from a different Pointful.compile; a Sym lives only "
                    + "inside the compile that made it (use Sym.apply(prog) to reuse a compiled program)");
        throw new CatadException(use + " uses a Sym created inside a " + n.scope.what + (n.scope.closed ? " that has returned" : "")
                + "; values made in a body cannot escape it: return them from the body instead");
    }
}
