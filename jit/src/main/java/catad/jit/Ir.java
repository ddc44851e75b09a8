package catad.jit;

import catad.dsl.Primitive;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JIT's dataflow form: scalar expressions over flat {@code double[]} buffers, inside a few
 * structured statements (stores, counted loops, branches, while loops, calls of opaque kernels).
 *
 * <p>Expressions are hash-consed: building the same operation on the same operands twice gives the
 * same node, so common subexpressions are shared by construction and a value used twice is
 * computed once. Every node knows the loop variables it depends on and the buffers it reads, which
 * is what code generation needs to hoist loop-invariant work and to forget cached loads after a
 * store.
 *
 * <p>Nothing here changes a number: the only rewrite is folding an operation whose operands are
 * all constants, with the same Java operation the interpreter would run.
 */
final class Ir {

    // ---------------------------------------------------------------- variables, indices, buffers

    /** A loop index running over {@code 0 … n-1}. Identity matters: each loop has its own. */
    static final class Var {
        final int id;
        final int n;
        Var(int id, int n) { this.id = id; this.n = n; }
        @Override public String toString() { return "v" + id; }
    }

    /** One term {@code a·v} of an index. @param v the variable @param a its coefficient */
    record Term(Var v, int a) {}

    /**
     * An affine index {@code c + Σ aᵢ·vᵢ} into a buffer, terms ordered by variable id.
     * @param c the constant part @param terms the variable part
     */
    record Ix(int c, List<Term> terms) {
        static Ix of(int c) { return new Ix(c, List.of()); }
        static Ix of(Var v) { return new Ix(0, List.of(new Term(v, 1))); }

        boolean isConst() { return terms.isEmpty(); }

        /** {@return the coefficient of v, 0 when it does not occur} */
        int coeff(Var v) {
            for (Term t : terms) if (t.v() == v) return t.a();
            return 0;
        }

        Ix plus(int k) { return k == 0 ? this : new Ix(c + k, terms); }

        Ix plus(Ix o) {
            if (o.terms.isEmpty()) return plus(o.c);
            var sum = new ArrayList<Term>(terms);
            for (Term t : o.terms) add(sum, t.v(), t.a());
            return new Ix(c + o.c, List.copyOf(sum));
        }

        Ix times(int k) {
            if (k == 1) return this;
            if (k == 0) return of(0);
            var ts = new ArrayList<Term>();
            for (Term t : terms) ts.add(new Term(t.v(), t.a() * k));
            return new Ix(c * k, List.copyOf(ts));
        }

        /** {@return this index with v replaced by {@code by}} */
        Ix subst(Var v, Ix by) {
            int a = coeff(v);
            if (a == 0) return this;
            var rest = new ArrayList<Term>();
            for (Term t : terms) if (t.v() != v) rest.add(t);
            return new Ix(c, List.copyOf(rest)).plus(by.times(a));
        }

        private static void add(List<Term> ts, Var v, int a) {
            for (int i = 0; i < ts.size(); i++) {
                if (ts.get(i).v() == v) {
                    int s = ts.get(i).a() + a;
                    if (s == 0) ts.remove(i); else ts.set(i, new Term(v, s));
                    return;
                }
                if (ts.get(i).v().id > v.id) { if (a != 0) ts.add(i, new Term(v, a)); return; }
            }
            if (a != 0) ts.add(new Term(v, a));
        }

        @Override public String toString() {
            var sb = new StringBuilder().append(c);
            for (Term t : terms) sb.append(" + ").append(t.a()).append('·').append(t.v());
            return sb.toString();
        }
    }

    /** Where a buffer lives: the caller's input, the caller's output, the workspace, or constant data. */
    enum Kind { IN, OUT, WS, CONST }

    /** A buffer of {@code size} numbers. Workspace buffers get their offset when code is generated. */
    static final class Buf {
        final int id;
        final Kind kind;
        final int size;
        final double[] data;
        int offset;
        Buf(int id, Kind kind, int size, double[] data) { this.id = id; this.kind = kind; this.size = size; this.data = data; }
        @Override public String toString() { return kind.name().toLowerCase() + id; }
    }

    // ---------------------------------------------------------------- expressions

    /** The scalar binary operations the JIT knows as instructions. */
    enum Op { ADD, MUL }

    /**
     * The reductions: {@link #SUM} in catad's canonical order ({@code catad.dsl.Sums}), {@link #MAX}
     * in any order, {@link #ARGMAX} the index of the first largest term as a number, -1 if any term
     * is NaN (as {@code Prims.argmax} decides).
     */
    enum Red { SUM, MAX, ARGMAX }

    /** A scalar expression node. Nodes are interned: compare them with {@code ==}. */
    abstract static sealed class E permits Num, Load, Pos, Un, Bin, Prim2, Reduce, Sel {
        final int id;
        /** The loop variables the value depends on. */
        final BitSet vars;
        /** The buffers it reads. */
        final BitSet reads;
        /** Number of distinct nodes below and including this one, capped, as a size estimate. */
        final int weight;
        E(int id, BitSet vars, BitSet reads, int weight) { this.id = id; this.vars = vars; this.reads = reads; this.weight = weight; }
        abstract List<E> kids();
    }

    /** A constant. */
    static final class Num extends E {
        final double v;
        Num(int id, double v) { super(id, EMPTY, EMPTY, 1); this.v = v; }
        @Override List<E> kids() { return List.of(); }
        @Override public String toString() { return Double.toString(v); }
    }

    /** {@code b[ix]}. */
    static final class Load extends E {
        final Buf b;
        final Ix ix;
        Load(int id, Buf b, Ix ix, BitSet vars, BitSet reads) { super(id, vars, reads, 1); this.b = b; this.ix = ix; }
        @Override List<E> kids() { return List.of(); }
        @Override public String toString() { return b + "[" + ix + "]"; }
    }

    /** The value of an index, {@code (double) ix}: where an element is, for a one-hot array. */
    static final class Pos extends E {
        final Ix ix;
        Pos(int id, Ix ix, BitSet vars) { super(id, vars, EMPTY, 1); this.ix = ix; }
        @Override List<E> kids() { return List.of(); }
        @Override public String toString() { return "(double) (" + ix + ")"; }
    }

    /** A unary primitive, run by its own Java code. */
    static final class Un extends E {
        final Primitive.Unary p;
        final E a;
        Un(int id, Primitive.Unary p, E a) { super(id, a.vars, a.reads, cap(1 + a.weight)); this.p = p; this.a = a; }
        @Override List<E> kids() { return List.of(a); }
        @Override public String toString() { return p.name() + "(#" + a.id + ")"; }
    }

    /** {@code a + b} or {@code a · b}, as the interpreter computes them (operand order kept). */
    static final class Bin extends E {
        final Op op;
        final E a, b;
        Bin(int id, Op op, E a, E b) { super(id, or(a.vars, b.vars), or(a.reads, b.reads), cap(1 + a.weight + b.weight)); this.op = op; this.a = a; this.b = b; }
        @Override List<E> kids() { return List.of(a, b); }
        @Override public String toString() { return op + "(#" + a.id + ", #" + b.id + ")"; }
    }

    /** A binary primitive, run by its own Java code. */
    static final class Prim2 extends E {
        final Primitive.Binary p;
        final E a, b;
        Prim2(int id, Primitive.Binary p, E a, E b) { super(id, or(a.vars, b.vars), or(a.reads, b.reads), cap(1 + a.weight + b.weight)); this.p = p; this.a = a; this.b = b; }
        @Override List<E> kids() { return List.of(a, b); }
        @Override public String toString() { return p.name() + "(#" + a.id + ", #" + b.id + ")"; }
    }

    /** The reduction over {@code v = 0 … v.n-1} of {@code body}. */
    static final class Reduce extends E {
        final Red op;
        final Var v;
        final E body;
        Reduce(int id, Red op, Var v, E body) { super(id, without(body.vars, v.id), body.reads, cap(1 + body.weight)); this.op = op; this.v = v; this.body = body; }
        @Override List<E> kids() { return List.of(body); }
        @Override public String toString() { return op + "[" + v + " < " + v.n + "](#" + body.id + ")"; }
    }

    /** {@code t > 0 ? a : b}; only the branch taken is evaluated (NaN in t takes b). */
    static final class Sel extends E {
        final E t, a, b;
        Sel(int id, E t, E a, E b) { super(id, or(or(t.vars, a.vars), b.vars), or(or(t.reads, a.reads), b.reads), cap(1 + t.weight + a.weight + b.weight)); this.t = t; this.a = a; this.b = b; }
        @Override List<E> kids() { return List.of(t, a, b); }
        @Override public String toString() { return "(#" + t.id + " > 0 ? #" + a.id + " : #" + b.id + ")"; }
    }

    private static final BitSet EMPTY = new BitSet();
    private static int cap(int w) { return Math.min(w, 1 << 20); }
    private static BitSet or(BitSet a, BitSet b) {
        if (b.isEmpty() || a.equals(b)) return a;
        if (a.isEmpty()) return b;
        var c = (BitSet) a.clone(); c.or(b); return c;
    }
    private static BitSet without(BitSet a, int bit) {
        if (!a.get(bit)) return a;
        var c = (BitSet) a.clone(); c.clear(bit); return c;
    }

    // ---------------------------------------------------------------- statements

    /** A statement. */
    sealed interface S permits Store, Loop, If, While, Call, Copy {}

    /** {@code b[ix] = e}. */
    record Store(Buf b, Ix ix, E e) implements S {}

    /** {@code for v in 0 … v.n-1: body}. */
    record Loop(Var v, List<S> body) implements S {}

    /** {@code if t > 0: yes else: no}. */
    record If(E t, List<S> yes, List<S> no) implements S {}

    /**
     * {@code for (it = 0;; it++) { test; if !(t > 0) break; if it == max: fail; body }}.
     * @param test statements computing {@code t} @param t the condition @param body one step
     * @param max the bound on steps @param what the loop's text, for the error
     */
    record While(List<S> test, E t, List<S> body, int max, String what) implements S {}

    /** An opaque kernel {@code g} reading {@code in[inOff …]} and writing {@code out[outOff …]}. */
    record Call(Primitive.General g, Buf in, Ix inOff, Buf out, Ix outOff) implements S {}

    /** {@code to[toOff + i] = from[fromOff + i]} for {@code i < n}: a loop-carried state moves. */
    record Copy(Buf from, Ix fromOff, Buf to, Ix toOff, int n) implements S {}

    /** Adds to {@code into} the buffers s writes, anywhere inside it. @param s a statement @param into the set */
    static void writes(S s, BitSet into) {
        switch (s) {
            case Store st -> into.set(st.b().id);
            case Loop l -> { for (S t : l.body()) writes(t, into); }
            case If i -> { for (S t : i.yes()) writes(t, into); for (S t : i.no()) writes(t, into); }
            case While w -> { for (S t : w.test()) writes(t, into); for (S t : w.body()) writes(t, into); }
            case Call c -> into.set(c.out().id);
            case Copy c -> into.set(c.to().id);
        }
    }

    /**
     * {@return the statements without the stores and copies {@code keep} rejects, anywhere inside
     * them, and without the loops that leaves empty} (a loop left as it was is the same object)
     * @param stmts statements @param keep asked of each store and copy
     */
    static List<S> keep(List<S> stmts, java.util.function.Predicate<S> keep) {
        var out = new ArrayList<S>(stmts.size());
        for (S s : stmts) {
            switch (s) {
                case Store st -> { if (keep.test(st)) out.add(st); }
                case Copy c -> { if (keep.test(c)) out.add(c); }
                case Loop l -> {
                    List<S> b = keep(l.body(), keep);
                    if (!b.isEmpty()) out.add(b.equals(l.body()) ? l : new Loop(l.v(), b));
                }
                case If i -> out.add(new If(i.t(), keep(i.yes(), keep), keep(i.no(), keep)));
                case While w -> out.add(new While(keep(w.test(), keep), w.t(), keep(w.body(), keep), w.max(), w.what()));
                case Call c -> out.add(c);
            }
        }
        return out;
    }

    /** Adds to {@code into} the buffers s reads, anywhere inside it. @param s a statement @param into the set */
    static void reads(S s, BitSet into) {
        switch (s) {
            case Store st -> into.or(st.e().reads);
            case Loop l -> { for (S t : l.body()) reads(t, into); }
            case If i -> { into.or(i.t().reads); for (S t : i.yes()) reads(t, into); for (S t : i.no()) reads(t, into); }
            case While w -> { into.or(w.t().reads); for (S t : w.test()) reads(t, into); for (S t : w.body()) reads(t, into); }
            case Call c -> into.set(c.in().id);
            case Copy c -> into.set(c.from().id);
        }
    }

    // ---------------------------------------------------------------- the builder

    /** Makes variables, buffers and interned nodes for one compilation. */
    static final class Builder {
        private int ids;
        private final Map<Object, E> interned = new HashMap<>();
        final List<Buf> bufs = new ArrayList<>();

        Var var(int n) { return new Var(ids++, n); }

        /** {@return a mark: every node made after this call has an id at least this} */
        int mark() { return ids; }

        Buf buf(Kind kind, int size, double[] data) {
            var b = new Buf(bufs.size(), kind, size, data);
            bufs.add(b);
            return b;
        }

        private record NumKey(long bits) {}
        private record LoadKey(Buf b, Ix ix) {}
        private record PosKey(Ix ix) {}
        private record UnKey(Primitive.Unary p, E a) {}
        private record BinKey(Op op, E a, E b) {}
        private record Prim2Key(Primitive.Binary p, E a, E b) {}
        private record ReduceKey(Red op, Var v, E body) {}
        private record SelKey(E t, E a, E b) {}

        Num num(double v) { return (Num) interned.computeIfAbsent(new NumKey(Double.doubleToRawLongBits(v)), k -> new Num(ids++, v)); }

        E load(Buf b, Ix ix) {
            if (b.kind == Kind.CONST && ix.isConst()) return num(b.data[ix.c()]);
            return interned.computeIfAbsent(new LoadKey(b, ix), k -> {
                var vars = new BitSet();
                for (Term t : ix.terms()) vars.set(t.v().id);
                var reads = new BitSet();
                reads.set(b.id);
                return new Load(ids++, b, ix, vars, reads);
            });
        }

        E pos(Ix ix) {
            if (ix.isConst()) return num(ix.c());
            return interned.computeIfAbsent(new PosKey(ix), k -> {
                var vars = new BitSet();
                for (Term t : ix.terms()) vars.set(t.v().id);
                return new Pos(ids++, ix, vars);
            });
        }

        E un(Primitive.Unary p, E a) {
            if (a instanceof Num n) return num(p.apply(n.v));
            if (p == catad.dsl.Prims.SIGMOID) return sigmoid(a);
            // |−x| = |x|, bit for bit (abs clears the sign bit; −1·x only flips it)
            if (p == catad.dsl.Prims.ABS && negated(a) != null) return un(p, negated(a));
            return interned.computeIfAbsent(new UnKey(p, a), k -> new Un(ids++, p, a));
        }

        /**
         * {@return {@code sigmoid x} written out as {@code Prims.sigmoid} computes it}: {@code 1 / (1 + e)}
         * for {@code x ≥ 0} and {@code e / (1 + e)} otherwise, where e is {@code exp(-x)} in the first
         * case and {@code exp(x)} in the second, both {@code exp(-|x|)}. Written out, the one
         * exponential is shared: {@code sigmoid' x = sigmoid x · sigmoid (-x)} costs one {@code exp}
         * and two divisions instead of two calls with an {@code exp} each.
         */
        private E sigmoid(E x) {
            E e = un(catad.dsl.Prims.EXP, bin(Op.MUL, num(-1), un(catad.dsl.Prims.ABS, x)));
            E minusX = negated(x) != null ? negated(x) : bin(Op.MUL, num(-1), x);   // −x > 0 exactly when x < 0
            return prim2(catad.dsl.Prims.DIV, sel(minusX, e, num(1)), bin(Op.ADD, num(1), e));
        }

        /** {@return y when e is {@code −1 · y} (how {@code neg} lowers), else null} */
        private static E negated(E e) {
            return e instanceof Bin b && b.op == Op.MUL && b.a instanceof Num n && n.v == -1 ? b.b : null;
        }

        E bin(Op op, E a, E b) {
            if (a instanceof Num x && b instanceof Num y) return num(op == Op.ADD ? x.v + y.v : x.v * y.v);
            // identities that hold for every double, NaN, infinities and signed zeros included:
            // x · 1 = x, and x + 0 = x when x cannot be -0 (the sums of one-hot arrays are chains of these)
            if (op == Op.MUL && isOne(b)) return a;
            if (op == Op.MUL && isOne(a)) return b;
            if (op == Op.ADD && isPlusZero(b) && notMinusZero(a, 4)) return a;
            if (op == Op.ADD && isPlusZero(a) && notMinusZero(b, 4)) return b;
            return interned.computeIfAbsent(new BinKey(op, a, b), k -> new Bin(ids++, op, a, b));
        }

        private static boolean isOne(E e) { return e instanceof Num n && Double.doubleToRawLongBits(n.v) == Double.doubleToRawLongBits(1.0); }

        private static boolean isPlusZero(E e) { return e instanceof Num n && Double.doubleToRawLongBits(n.v) == 0L; }

        /** {@return whether e is surely not -0.0}: a constant other than -0, or a sum with an operand that is not (−0 + −0 is the only sum giving −0) */
        private static boolean notMinusZero(E e, int depth) {
            if (e instanceof Num n) return Double.doubleToRawLongBits(n.v) != Double.doubleToRawLongBits(-0.0);
            return depth > 0 && e instanceof Bin b && b.op == Op.ADD && (notMinusZero(b.a, depth - 1) || notMinusZero(b.b, depth - 1));
        }

        E prim2(Primitive.Binary p, E a, E b) {
            if (a instanceof Num x && b instanceof Num y) return num(p.apply(x.v, y.v));
            return interned.computeIfAbsent(new Prim2Key(p, a, b), k -> new Prim2(ids++, p, a, b));
        }

        /**
         * {@return the reduction of body over v}; a short sum is written out term by term instead, in
         * the canonical order ({@link catad.dsl.Sums}), a short maximum as {@code maximum}'s chain
         * of {@code Math.max}, a short argmax as the selections of its loop: no loop, and their terms meet the rest of the expression (constant
         * indices, shared loads, folded constants)
         */
        E reduce(Red op, Var v, E body) {
            if (v.n <= SHORT_SUM && (long) v.n * body.weight <= SHORT_SUM_NODES) {
                var terms = new E[v.n];
                for (int j = 0; j < v.n; j++) terms[j] = subst(body, v, Ix.of(j));
                if (op == Red.SUM) return writtenOut(terms);
                if (op == Red.ARGMAX) return argmaxWrittenOut(terms);
                // maximum's own order, term by term: m = x0, then m = max(m, xj) (Math.max, as the interpreter)
                E m = terms[0];
                for (int j = 1; j < v.n; j++) m = prim2(catad.dsl.Prims.MAX, m, terms[j]);
                return m;
            }
            return interned.computeIfAbsent(new ReduceKey(op, v, body), k -> new Reduce(ids++, op, v, body));
        }

        /** Sums over at most this many terms are written out. */
        static final int SHORT_SUM = 16;
        /** … when the terms together are at most this many nodes. */
        static final int SHORT_SUM_NODES = 256;

        /**
         * {@return the index of the first largest term, -1 if a term is NaN: the emitted loop's
         * steps written out} {@code t > top} is {@code t − top > 0} for every pair of doubles that
         * are not NaN (a difference of doubles is 0 only when they are equal, and ∞ − ∞ is NaN
         * exactly where the two are equal), and {@code |t| + 1 > 0} is "t is not NaN".
         */
        private E argmaxWrittenOut(E[] terms) {
            E best = num(0), top = num(Double.NEGATIVE_INFINITY);
            for (int j = 0; j < terms.length; j++) {
                E larger = bin(Op.ADD, terms[j], bin(Op.MUL, num(-1), top));
                best = sel(larger, num(j), best);
                top = sel(larger, terms[j], top);
            }
            for (E t : terms) best = sel(bin(Op.ADD, un(catad.dsl.Prims.ABS, t), num(1)), best, num(-1));
            return best;
        }

        /** The canonical sum, term by term: eight partial sums over the blocks of eight, combined as a tree, then the tail in order. */
        private E writtenOut(E[] terms) {
            int n = terms.length, full = n / 8 * 8;
            E s;
            if (full == 0) s = num(0.0);
            else {
                var a = new E[8];
                java.util.Arrays.fill(a, num(0.0));
                for (int j = 0; j < full; j++) a[j % 8] = bin(Op.ADD, a[j % 8], terms[j]);
                s = combined(a);
            }
            for (int j = full; j < n; j++) s = bin(Op.ADD, s, terms[j]);
            return s;
        }

        /** {@return the eight partial sums of {@link catad.dsl.Sums} combined by its tree: ((a0+a4)+(a2+a6))+((a1+a5)+(a3+a7))} @param a the partial sums */
        E combined(E[] a) {
            return bin(Op.ADD, bin(Op.ADD, bin(Op.ADD, a[0], a[4]), bin(Op.ADD, a[2], a[6])),
                               bin(Op.ADD, bin(Op.ADD, a[1], a[5]), bin(Op.ADD, a[3], a[7])));
        }

        E sel(E t, E a, E b) {
            if (t instanceof Num n) return n.v > 0 ? a : b;
            if (a == b) return a;
            return interned.computeIfAbsent(new SelKey(t, a, b), k -> new Sel(ids++, t, a, b));
        }

        /**
         * {@return e with each node that reads a buffer in {@code bufs} replaced by {@code at} of it,
         * where that is not null, and the nodes above rebuilt} @param e an expression
         * @param at the replacement of a node, or null to look inside it @param bufs the buffers
         * @param memo the nodes already done (share it between the expressions of one rewrite)
         */
        E replace(E e, java.util.function.Function<E, E> at, BitSet bufs, Map<E, E> memo) {
            if (!e.reads.intersects(bufs)) return e;
            E done = memo.get(e);
            if (done != null) return done;
            E r = at.apply(e);
            if (r == null) r = rebuilt(e, k -> replace(k, at, bufs, memo));
            memo.put(e, r);
            return r;
        }

        /** {@return e with the variable v replaced by the index {@code by}} */
        E subst(E e, Var v, Ix by) {
            if (!e.vars.get(v.id)) return e;
            return subst(e, v, by, new IdentityHashMap<>());
        }

        private E subst(E e, Var v, Ix by, Map<E, E> memo) {
            if (!e.vars.get(v.id)) return e;
            E done = memo.get(e);
            if (done != null) return done;
            E r = switch (e) {
                case Load l -> load(l.b, l.ix.subst(v, by));
                case Pos q -> pos(q.ix.subst(v, by));
                case Num n -> n;
                case Un u -> rebuilt(u, k -> subst(k, v, by, memo));
                case Bin b -> rebuilt(b, k -> subst(k, v, by, memo));
                case Prim2 p -> rebuilt(p, k -> subst(k, v, by, memo));
                case Reduce rd -> rebuilt(rd, k -> subst(k, v, by, memo));
                case Sel x -> rebuilt(x, k -> subst(k, v, by, memo));
            };
            memo.put(e, r);
            return r;
        }

        /** {@return e built again from its operands mapped by {@code kid} (a leaf as it is); folds and sharing apply to the result} */
        E rebuilt(E e, java.util.function.UnaryOperator<E> kid) {
            return switch (e) {
                case Un u -> un(u.p, kid.apply(u.a));
                case Bin x -> bin(x.op, kid.apply(x.a), kid.apply(x.b));
                case Prim2 x -> prim2(x.p, kid.apply(x.a), kid.apply(x.b));
                case Reduce x -> reduce(x.op, x.v, kid.apply(x.body));
                case Sel x -> sel(kid.apply(x.t), kid.apply(x.a), kid.apply(x.b));
                case Num n -> n;
                case Load l -> l;
                case Pos q -> q;
            };
        }
    }

    // ---------------------------------------------------------------- printing, for -Dcatad.jit.trace

    /** {@return the statements as text, every expression node defined once by its id} @param stmts statements */
    static String dump(List<S> stmts) {
        var sb = new StringBuilder();
        var done = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        dump(stmts, "", sb, done);
        return sb.toString();
    }

    private static void dump(List<S> stmts, String in, StringBuilder sb, java.util.Set<E> done) {
        for (S s : stmts) {
            switch (s) {
                case Store st -> { define(st.e(), in, sb, done); sb.append(in).append(st.b()).append('[').append(st.ix()).append("] = #").append(st.e().id).append('\n'); }
                case Loop l -> { sb.append(in).append("for ").append(l.v()).append(" < ").append(l.v().n).append('\n'); dump(l.body(), in + "  ", sb, done); }
                case If i -> { define(i.t(), in, sb, done); sb.append(in).append("if #").append(i.t().id).append('\n'); dump(i.yes(), in + "  ", sb, done); sb.append(in).append("else\n"); dump(i.no(), in + "  ", sb, done); }
                case While w -> { sb.append(in).append("while (").append(w.what()).append(")\n"); dump(w.test(), in + "  ", sb, done); dump(w.body(), in + "  ", sb, done); }
                case Call c -> sb.append(in).append(c.out()).append('[').append(c.outOff()).append("…] = ").append(c.g().name()).append('(').append(c.in()).append('[').append(c.inOff()).append("…])\n");
                case Copy c -> sb.append(in).append(c.to()).append('[').append(c.toOff()).append("…] = ").append(c.from()).append('[').append(c.fromOff()).append("…] (").append(c.n()).append(")\n");
            }
        }
    }

    private static void define(E e, String in, StringBuilder sb, java.util.Set<E> done) {
        if (!done.add(e)) return;
        for (E k : e.kids()) define(k, in, sb, done);
        sb.append(in).append("  #").append(e.id).append(" = ").append(e).append('\n');
    }

    private Ir() {}
}
