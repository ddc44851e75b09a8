package catad.jit;

import catad.dsl.Primitive;
import catad.dsl.Prims;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.jit.Ir.Buf;
import catad.jit.Ir.E;
import catad.jit.Ir.Ix;
import catad.jit.Ir.Kind;
import catad.jit.Ir.Op;
import catad.jit.Ir.Red;
import catad.jit.Ir.S;
import catad.jit.Ir.Var;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Lowers a program to the dataflow form by running it on symbolic values: the interpreter's
 * {@code Eval}, case for case, with expressions where Eval has numbers.
 *
 * <p>An array is kept <em>delayed</em> — a rule giving element {@code v} — for as long as it can be,
 * so that {@code map g ∘ map f}, {@code sum ∘ map f}, {@code zip}, {@code unzip}, {@code transpose},
 * {@code exl}/{@code exr} and indexing cost no buffer and no loop of their own: a chain of mapped
 * scalar primitives becomes one loop, a sum of a map one reduction. An array is written to memory
 * only when it must be: when it is the output, when it is used more than once with real work in
 * its elements ({@code dup}, the vector of a {@code matvec}), when it is loop state or the result of
 * a loop whose body needs statements, or when an opaque kernel reads it.
 *
 * <p>Every operation is the interpreter's own, in the interpreter's order, so the compiled kernel
 * computes the same bits.
 */
final class Lower {

    /** A symbolic value. */
    sealed interface Val permits Num, Unit, Pair, Arr, Mem {}

    /** A real number. @param e its expression */
    record Num(E e) implements Val {}

    /** The unit value: no numbers. */
    record Unit() implements Val {}

    /** A pair. @param l left @param r right */
    record Pair(Val l, Val r) implements Val {}

    /** A delayed array of {@code v.n} elements: element {@code v} is {@code elem}. @param v the index @param elem the element */
    record Arr(Var v, Val elem) implements Val {}

    /** A value of shape {@code s} in memory, from {@code b[off]}. @param b buffer @param off offset @param s shape */
    record Mem(Buf b, Ix off, Shape s) implements Val {}

    private static final Unit UNIT = new Unit();

    final Ir.Builder ir = new Ir.Builder();
    private List<S> block = new ArrayList<>();
    final Buf in;
    final Buf out;

    /** The lowered program: statements from {@link #in} to {@link #out}, over {@link Ir.Builder#bufs}. */
    List<S> body;

    Lower(Prog f) {
        in = ir.buf(Kind.IN, f.dom().dim(), null);
        out = ir.buf(Kind.OUT, f.cod().dim(), null);
        Val y = lower(f, new Mem(in, Ix.of(0), f.dom()));
        store(y, out, Ix.of(0), f.cod());
        body = block;
    }

    // ---------------------------------------------------------------- the program, case by case

    private Val lower(Prog f, Val x) {
        return switch (f) {
            case Prog.Id p -> x;
            case Prog.Compose p -> {
                Val v = x;
                for (Prog s : p.steps()) v = lower(s, v);
                yield v;
            }
            case Prog.Cross p -> {
                var xy = (Pair) open(x, p.dom());
                yield new Pair(lower(p.f(), xy.l()), lower(p.g(), xy.r()));
            }
            case Prog.Exl p -> ((Pair) open(x, p.dom())).l();
            case Prog.Exr p -> ((Pair) open(x, p.dom())).r();
            case Prog.Dup p -> { Val s = share(x, p.a()); yield new Pair(s, s); }
            case Prog.Bang p -> UNIT;
            case Prog.Inl p -> new Pair(x, zeros(p.b()));
            case Prog.Inr p -> new Pair(zeros(p.a()), x);
            case Prog.Jam p -> { var xy = (Pair) open(x, p.dom()); yield add(xy.l(), xy.r(), p.a()); }
            case Prog.Const p -> new Mem(ir.buf(Kind.CONST, p.value().length, p.value()), Ix.of(0), p.cod());
            case Prog.Zero p -> zeros(p.cod());
            case Prog.Scale p -> scale(x, p.s(), p.a());
            case Prog.Prim p -> prim(p.p(), x);
            case Prog.Map p -> map(p, x);
            case Prog.Ex p -> ex(x, p.dom(), Ix.of(p.i()));
            case Prog.In p -> oneHot(p, x);
            case Prog.Repl p -> { Val s = share(x, p.a()); yield new Arr(ir.var(p.n()), s); }
            case Prog.Sum p -> {
                var a = (Arr) open(x, p.dom());
                yield sum(a.v(), a.elem(), p.a());
            }
            case Prog.Zip p -> {
                var ab = (Pair) open(x, p.dom());
                Var v = ir.var(p.n());
                yield new Arr(v, new Pair(ex(ab.l(), Shape.arr(p.n(), p.a()), Ix.of(v)), ex(ab.r(), Shape.arr(p.n(), p.b()), Ix.of(v))));
            }
            case Prog.Unzip p -> {
                Shape e = Shape.pair(p.a(), p.b());
                Var v = ir.var(p.n()), w = ir.var(p.n());
                yield new Pair(new Arr(v, ((Pair) open(ex(x, p.dom(), Ix.of(v)), e)).l()),
                               new Arr(w, ((Pair) open(ex(x, p.dom(), Ix.of(w)), e)).r()));
            }
            case Prog.Reshape p -> {
                Mem m = memory(x, p.from());
                yield new Mem(m.b(), m.off(), p.to());
            }
            case Prog.Transpose p -> {
                Var j = ir.var(p.n()), i = ir.var(p.m());
                Shape row = Shape.arr(p.n(), p.a());
                yield new Arr(j, new Arr(i, ex(ex(x, p.dom(), Ix.of(i)), row, Ix.of(j))));
            }
            case Prog.Cond p -> cond(p, x);
            case Prog.Iterate p -> iterate(p, x);
            case Prog.While p -> whileLoop(p, x);
            case Prog.MapAccum p -> mapAccum(p, x);
        };
    }

    private Val prim(Primitive prim, Val x) {
        return switch (prim) {
            case Primitive.Unary u -> new Num(ir.un(u, num(x)));
            case Primitive.Binary b -> {
                var uv = (Pair) open(x, b.dom());
                E u = num(uv.l()), v = num(uv.r());
                yield new Num(b.equals(Prims.MUL) ? ir.bin(Op.MUL, u, v) : ir.prim2(b, u, v));
            }
            case Primitive.General g -> general(g, x);
        };
    }

    /** The built-in linear algebra as reductions (so it fuses and vectorizes); any other kernel is called as it is. */
    private Val general(Primitive.General g, Val x) {
        if (g.dom() instanceof Shape.Pair(Shape.Arr(int n, Shape.Real r), Shape.Arr(int n2, Shape.Real r2)) && n == n2 && g.equals(Prims.dot(n))) {
            var uv = (Pair) open(x, g.dom());
            Val u = share(uv.l(), Shape.vec(n)), w = share(uv.r(), Shape.vec(n));
            Var j = ir.var(n);
            return new Num(ir.reduce(Red.SUM, j, ir.bin(Op.MUL, num(ex(u, Shape.vec(n), Ix.of(j))), num(ex(w, Shape.vec(n), Ix.of(j))))));
        }
        if (g.name().equals("matvec") && g.dom() instanceof Shape.Pair(Shape.Arr(int m, Shape.Arr(int n, Shape.Real r)), Shape v)
                && g.equals(Prims.matvec(m, n))) {
            var ax = (Pair) open(x, g.dom());
            Val a = share(ax.l(), Shape.tensor(m, n)), xs = share(ax.r(), Shape.vec(n));
            Var i = ir.var(m), j = ir.var(n);
            E aij = num(ex(ex(a, Shape.tensor(m, n), Ix.of(i)), Shape.vec(n), Ix.of(j)));
            return new Arr(i, new Num(ir.reduce(Red.SUM, j, ir.bin(Op.MUL, aij, num(ex(xs, Shape.vec(n), Ix.of(j)))))));
        }
        if (g.name().equals("matmul") && g.dom() instanceof Shape.Pair(Shape.Arr(int m, Shape.Arr(int k, Shape.Real r)), Shape.Arr(int k2, Shape.Arr(int n, Shape.Real r2)))
                && k == k2 && g.equals(Prims.matmul(m, k, n))) {
            var ab = (Pair) open(x, g.dom());
            Val a = share(ab.l(), Shape.tensor(m, k)), b = share(ab.r(), Shape.tensor(k, n));
            Var i = ir.var(m), j = ir.var(n), l = ir.var(k);
            E ail = num(ex(ex(a, Shape.tensor(m, k), Ix.of(i)), Shape.vec(k), Ix.of(l)));
            E blj = num(ex(ex(b, Shape.tensor(k, n), Ix.of(l)), Shape.vec(n), Ix.of(j)));
            return new Arr(i, new Arr(j, new Num(ir.reduce(Red.SUM, l, ir.bin(Op.MUL, ail, blj)))));
        }
        if (g.name().equals("maximum") && g.dom() instanceof Shape.Arr(int n, Shape.Real r) && n >= 1 && g.equals(Prims.maximum(n))) {
            var a = (Arr) open(x, g.dom());
            return new Num(ir.reduce(Red.MAX, a.v(), num(a.elem())));
        }
        if (g.name().equals("argmax") && g.dom() instanceof Shape.Arr(int n, Shape.Real r) && n >= 1 && g.equals(Prims.argmax(n))) {
            // one-hot at the index of the first largest element: 1 where |w - best| < 1, none when best is -1 (a NaN)
            var a = (Arr) open(x, g.dom());
            E best = ir.reduce(Red.ARGMAX, a.v(), num(a.elem()));
            Var w = ir.var(n);
            E off = ir.un(Prims.ABS, ir.bin(Op.ADD, ir.pos(Ix.of(w)), ir.bin(Op.MUL, ir.num(-1), best)));
            E t = ir.bin(Op.ADD, ir.num(1), ir.bin(Op.MUL, ir.num(-1), off));
            return new Arr(w, new Num(ir.sel(t, ir.num(1), ir.num(0))));
        }
        Mem m = memory(x, g.dom());
        Buf y = ir.buf(Kind.WS, g.cod().dim(), null);
        block.add(new Ir.Call(g, m.b(), m.off(), y, Ix.of(0)));
        return new Mem(y, Ix.of(0), g.cod());
    }

    private Val map(Prog.Map p, Val x) {
        var a = (Arr) open(x, p.dom());
        Var v = ir.var(p.n());
        Val elem = subst(a.elem(), a.v(), Ix.of(v));
        List<S> outer = block;
        block = new ArrayList<>();
        Val y = lower(p.f(), elem);
        List<S> inner = block;
        block = outer;
        inner = hoist(v, inner);
        if (inner.isEmpty()) return new Arr(v, y);
        // The body needs statements of its own: the map is a loop writing its results.
        Buf res = ir.buf(Kind.WS, p.cod().dim(), null);
        int db = p.f().cod().dim();
        storeInto(inner, y, res, Ix.of(v).times(db), p.f().cod());
        block.add(new Ir.Loop(v, inner));
        return new Mem(res, Ix.of(0), p.cod());
    }

    /**
     * {@code in i}: a delayed array, x where the index is i and zeros elsewhere (the interpreter's
     * array of zeros with x written at i, element by element), so that a sum of one-hots (the
     * transpose of reading elements by index) is one loop, or for a short array folds to its terms.
     */
    private Val oneHot(Prog.In p, Val x) {
        Var v = ir.var(p.n());
        E off = ir.un(Prims.ABS, ir.bin(Op.ADD, ir.pos(Ix.of(v)), ir.num(-p.i())));
        E t = ir.bin(Op.ADD, ir.num(0.5), ir.bin(Op.MUL, ir.num(-1), off));   // > 0 exactly at v = i
        return new Arr(v, select(t, x, zeros(p.a()), p.a()));
    }

    /** {@code cond}: a selection when both branches are plain expressions of small values, else a branch writing a buffer. */
    private Val cond(Prog.Cond p, Val x) {
        Val s = share(x, p.dom());
        E t = num(lower(p.p(), s));
        int mark = ir.mark();
        List<S> outer = block;
        block = new ArrayList<>();
        Val yes = lower(p.f(), s);
        List<S> yesBlock = block;
        block = new ArrayList<>();
        Val no = lower(p.g(), s);
        List<S> noBlock = block;
        block = outer;
        if (yesBlock.isEmpty() && noBlock.isEmpty() && p.cod().dim() <= 16
                && fresh(yes, mark) + fresh(no, mark) <= SELECT_NODES) return select(t, yes, no, p.cod());
        Buf res = ir.buf(Kind.WS, p.cod().dim(), null);
        storeInto(yesBlock, yes, res, Ix.of(0), p.cod());
        storeInto(noBlock, no, res, Ix.of(0), p.cod());
        block.add(new Ir.If(t, yesBlock, noBlock));
        return new Mem(res, Ix.of(0), p.cod());
    }

    /**
     * A {@code cond} whose branches together add at most this many operations is a selection, both
     * branches computed (no jump, and a loop of them still runs on vectors); above it, a branch
     * runs only the side taken.
     */
    static final int SELECT_NODES = 32;

    /** {@return how many operations made since mark the value needs (an array's per element, times its length)} */
    private static long fresh(Val x, int mark) {
        var seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<E, Boolean>());
        return fresh(x, mark, seen);
    }

    private static long fresh(Val x, int mark, java.util.Set<E> seen) {
        return switch (x) {
            case Num n -> {
                long c = 0;
                var stack = new ArrayList<E>(List.of(n.e()));
                while (!stack.isEmpty()) {
                    E e = stack.removeLast();
                    if (e.id < mark || e instanceof Ir.Num || !seen.add(e)) continue;
                    c++;
                    stack.addAll(e.kids());
                }
                yield c;
            }
            case Unit u -> 0;
            case Mem m -> 0;
            case Pair p -> fresh(p.l(), mark, seen) + fresh(p.r(), mark, seen);
            case Arr a -> a.v().n * fresh(a.elem(), mark, seen);
        };
    }

    private Val select(E t, Val yes, Val no, Shape s) {
        return switch (s) {
            case Shape.Real r -> new Num(ir.sel(t, num(yes), num(no)));
            case Shape.Unit u -> UNIT;
            case Shape.Pair(Shape a, Shape b) -> {
                var y = (Pair) open(yes, s); var n = (Pair) open(no, s);
                yield new Pair(select(t, y.l(), n.l(), a), select(t, y.r(), n.r(), b));
            }
            case Shape.Arr(int k, Shape a) -> {
                Var v = ir.var(k);
                yield new Arr(v, select(t, ex(yes, s, Ix.of(v)), ex(no, s, Ix.of(v)), a));
            }
        };
    }

    /** {@code iterate n f}: the state in a buffer, one step a loop iteration (one step needs no loop). */
    private Val iterate(Prog.Iterate p, Val x) {
        if (p.n() == 0) return x;
        if (p.n() == 1) return lower(p.f(), x);
        Shape a = p.dom();
        Buf state = ir.buf(Kind.WS, a.dim(), null), next = ir.buf(Kind.WS, a.dim(), null);
        store(x, state, Ix.of(0), a);
        List<S> outer = block;
        block = new ArrayList<>();
        Val y = lower(p.f(), new Mem(state, Ix.of(0), a));
        store(y, next, Ix.of(0), a);
        block.add(new Ir.Copy(next, Ix.of(0), state, Ix.of(0), a.dim()));
        List<S> step = block;
        block = outer;
        Var k = ir.var(p.n());
        block.add(new Ir.Loop(k, hoist(k, step)));
        return new Mem(state, Ix.of(0), a);
    }

    private Val whileLoop(Prog.While p, Val x) {
        Shape a = p.dom();
        Buf state = ir.buf(Kind.WS, a.dim(), null), next = ir.buf(Kind.WS, a.dim(), null);
        store(x, state, Ix.of(0), a);
        List<S> outer = block;
        block = new ArrayList<>();
        E t = num(lower(p.p(), new Mem(state, Ix.of(0), a)));
        List<S> test = block;
        block = new ArrayList<>();
        Val y = lower(p.f(), new Mem(state, Ix.of(0), a));
        store(y, next, Ix.of(0), a);
        block.add(new Ir.Copy(next, Ix.of(0), state, Ix.of(0), a.dim()));
        List<S> step = block;
        block = outer;
        block.add(new Ir.While(test, t, step, p.maxIter(), Printer.brief(p)));
        return new Mem(state, Ix.of(0), a);
    }

    /** A {@code mapAccum} of at most this many steps is written out step by step… */
    static final int UNROLL_STEPS = 8;
    /** … when its step has no loop inside and the steps together are at most this many program nodes. */
    static final int UNROLL_NODES = Integer.getInteger("catad.jit.unrollNodes", 8192);

    /**
     * {@return whether a short {@code mapAccum} is written out step by step}: its carry then stays a
     * symbolic value instead of a buffer, so two loops over the same steps from the same start — a
     * forward pass, and a backward pass that recomputes the carries it needs — build the same
     * expressions, which hash-consing computes once
     */
    private static boolean unrolled(Prog.MapAccum p) {
        if (p.n() > UNROLL_STEPS) return false;
        long[] budget = {UNROLL_NODES / Math.max(1, p.n())};
        return straight(p.f(), budget);
    }

    /** {@return whether f has no loop inside and at most {@code budget[0]} nodes} (counts the budget down) */
    private static boolean straight(Prog f, long[] budget) {
        if (--budget[0] < 0) return false;
        return switch (f) {
            case Prog.Compose c -> {
                for (Prog s : c.steps()) if (!straight(s, budget)) yield false;
                yield true;
            }
            case Prog.Cross c -> straight(c.f(), budget) && straight(c.g(), budget);
            case Prog.Map m -> straight(m.f(), budget);
            case Prog.Cond c -> straight(c.p(), budget) && straight(c.f(), budget) && straight(c.g(), budget);
            case Prog.Iterate i -> false;
            case Prog.While w -> false;
            case Prog.MapAccum m -> false;
            case Prog.Id x -> true;
            case Prog.Exl x -> true;
            case Prog.Exr x -> true;
            case Prog.Dup x -> true;
            case Prog.Bang x -> true;
            case Prog.Inl x -> true;
            case Prog.Inr x -> true;
            case Prog.Jam x -> true;
            case Prog.Const x -> true;
            case Prog.Zero x -> true;
            case Prog.Scale x -> true;
            case Prog.Prim x -> true;
            case Prog.Ex x -> true;
            case Prog.In x -> true;
            case Prog.Repl x -> true;
            case Prog.Sum x -> true;
            case Prog.Zip x -> true;
            case Prog.Unzip x -> true;
            case Prog.Reshape x -> true;
            case Prog.Transpose x -> true;
        };
    }

    /**
     * {@return element {@code at} of {@code elems[lo … hi-1]}}: a tree of selects on the index, which
     * folds to the element itself wherever the index is a constant
     */
    private Val pick(List<Val> elems, int lo, int hi, E at, Shape s) {
        if (hi - lo == 1) return elems.get(lo);
        int mid = (lo + hi) >>> 1;
        E upper = ir.bin(Op.ADD, at, ir.num(0.5 - mid));     // at ≥ mid ⇔ at − (mid − ½) > 0
        return select(upper, pick(elems, mid, hi, at, s), pick(elems, lo, mid, at, s), s);
    }

    /** {@code mapAccum}: the carry in a buffer, outputs written at their index, left to right or right to left. */
    private Val mapAccum(Prog.MapAccum p, Val x) {
        int n = p.n();
        Shape c = p.carry(), a = p.in(), b = p.out();
        var ca = (Pair) open(x, p.dom());
        if (n > 0 && unrolled(p)) {
            var outs = new ArrayList<Val>(java.util.Collections.nCopies(n, (Val) null));
            Val cv = ca.l();
            for (int t = 0; t < n; t++) {
                int at = p.reverse() ? n - 1 - t : t;
                Val y = lower(p.f(), new Pair(cv, ex(ca.r(), Shape.arr(n, a), Ix.of(at))));
                var cy = (Pair) open(y, p.f().cod());
                cv = cy.l();
                outs.set(at, cy.r());
            }
            Var v = ir.var(n);
            return new Pair(cv, new Arr(v, pick(outs, 0, n, ir.pos(Ix.of(v)), b)));
        }
        Buf carry = ir.buf(Kind.WS, c.dim(), null), next = ir.buf(Kind.WS, c.dim(), null), bs = ir.buf(Kind.WS, n * b.dim(), null);
        store(ca.l(), carry, Ix.of(0), c);
        Var j = ir.var(n);
        Ix i = p.reverse() ? Ix.of(n - 1).plus(Ix.of(j).times(-1)) : Ix.of(j);
        List<S> outer = block;
        block = new ArrayList<>();
        Val y = lower(p.f(), new Pair(new Mem(carry, Ix.of(0), c), ex(ca.r(), Shape.arr(n, a), i)));
        var cy = (Pair) open(y, p.f().cod());
        store(cy.l(), next, Ix.of(0), c);
        store(cy.r(), bs, i.times(b.dim()), b);
        block.add(new Ir.Copy(next, Ix.of(0), carry, Ix.of(0), c.dim()));
        List<S> step = block;
        block = outer;
        block.add(new Ir.Loop(j, hoist(j, step)));
        return new Pair(new Mem(carry, Ix.of(0), c), new Mem(bs, Ix.of(0), Shape.arr(n, b)));
    }

    // ---------------------------------------------------------------- loop-invariant statements

    /**
     * {@return the loop body without its loop-invariant statements, which are appended to the
     * current block, before the loop}: a statement moves when nothing in it depends on v and every
     * iteration would compute the same as the first: what it reads is written before the loop or by
     * statements before it that move too, and no statement reads what it writes before it (loop
     * state is written by the step's last statement and read by its first, so it stays). Within a {@code map} the work that depends only on
     * what every element shares (the primal part of a derivative mapped over tangents or
     * cotangents) is thus done once. The statements keep their order; no number changes.
     */
    private List<S> hoist(Var v, List<S> body) {
        if (v.n == 0) return body;   // a loop that never runs: nothing of it may run before it
        int k = body.size();
        var invariant = new boolean[k];
        var reads = new BitSet[k];
        var writes = new BitSet[k];
        boolean any = false;
        for (int i = 0; i < k; i++) {
            var vars = new BitSet();
            reads[i] = new BitSet();
            writes[i] = new BitSet();
            effects(body.get(i), vars, reads[i], writes[i]);
            invariant[i] = !vars.get(v.id);
            any |= invariant[i];
        }
        if (!any) return body;
        // what it reads is final before the loop: written by no statement after it (nor by itself),
        // nor by one before it that stays; what it writes, no statement before it reads (an
        // iteration after the first would see it) and no statement that stays writes
        var writtenFrom = new BitSet[k + 1];
        var readBefore = new BitSet[k + 1];
        writtenFrom[k] = new BitSet();
        for (int i = k - 1; i >= 0; i--) { writtenFrom[i] = (BitSet) writtenFrom[i + 1].clone(); writtenFrom[i].or(writes[i]); }
        readBefore[0] = new BitSet();
        for (int i = 0; i < k; i++) { readBefore[i + 1] = (BitSet) readBefore[i].clone(); readBefore[i + 1].or(reads[i]); }
        for (boolean changed = true; changed; ) {
            changed = false;
            var stays = new BitSet();
            for (int i = 0; i < k; i++) if (!invariant[i]) stays.or(writes[i]);
            for (int i = 0; i < k; i++) {
                if (invariant[i] && (reads[i].intersects(writtenFrom[i]) || reads[i].intersects(stays)
                        || writes[i].intersects(readBefore[i]) || writes[i].intersects(stays))) {
                    invariant[i] = false;
                    changed = true;
                }
            }
        }
        var rest = new ArrayList<S>();
        for (int i = 0; i < k; i++) (invariant[i] ? block : rest).add(body.get(i));
        return rest;
    }

    /** Collects the loop variables a statement depends on, and the buffers it reads and writes. */
    private static void effects(S s, BitSet vars, BitSet reads, BitSet writes) {
        switch (s) {
            case Ir.Store st -> { vars.or(st.e().vars); ixVars(st.ix(), vars); reads.or(st.e().reads); writes.set(st.b().id); }
            case Ir.Loop l -> { for (S t : l.body()) effects(t, vars, reads, writes); }
            case Ir.If i -> {
                vars.or(i.t().vars); reads.or(i.t().reads);
                for (S t : i.yes()) effects(t, vars, reads, writes);
                for (S t : i.no()) effects(t, vars, reads, writes);
            }
            case Ir.While w -> {
                vars.or(w.t().vars); reads.or(w.t().reads);
                for (S t : w.test()) effects(t, vars, reads, writes);
                for (S t : w.body()) effects(t, vars, reads, writes);
            }
            case Ir.Call c -> { ixVars(c.inOff(), vars); ixVars(c.outOff(), vars); reads.set(c.in().id); writes.set(c.out().id); }
            case Ir.Copy c -> { ixVars(c.fromOff(), vars); ixVars(c.toOff(), vars); reads.set(c.from().id); writes.set(c.to().id); }
        }
    }

    private static void ixVars(Ix ix, BitSet vars) { for (Ir.Term t : ix.terms()) vars.set(t.v().id); }

    // ---------------------------------------------------------------- operations on symbolic values

    /** {@return the value with its top level spelled out: memory becomes numbers, pairs or delayed arrays} */
    private Val open(Val x, Shape s) {
        if (!(x instanceof Mem(Buf b, Ix off, Shape ms))) return x;
        return switch (s) {
            case Shape.Real r -> new Num(ir.load(b, off));
            case Shape.Unit u -> UNIT;
            case Shape.Pair(Shape l, Shape rr) -> new Pair(new Mem(b, off, l), new Mem(b, off.plus(l.dim()), rr));
            case Shape.Arr(int n, Shape e) -> {
                Var v = ir.var(n);
                yield new Arr(v, new Mem(b, off.plus(Ix.of(v).times(e.dim())), e));
            }
        };
    }

    private E num(Val x) {
        return switch (x) {
            case Num n -> n.e();
            case Mem m -> ir.load(m.b(), m.off());
            default -> throw new IllegalStateException("not a number: " + x);
        };
    }

    /** {@return element i of an array} */
    private Val ex(Val x, Shape arr, Ix i) {
        var a = (Arr) open(x, arr);
        return subst(a.elem(), a.v(), i);
    }

    private Val subst(Val x, Var v, Ix by) {
        return switch (x) {
            case Num n -> new Num(ir.subst(n.e(), v, by));
            case Unit u -> u;
            case Pair p -> new Pair(subst(p.l(), v, by), subst(p.r(), v, by));
            case Arr a -> new Arr(a.v(), subst(a.elem(), v, by));
            case Mem m -> new Mem(m.b(), m.off().subst(v, by), m.s());
        };
    }

    private Val zeros(Shape s) {
        return switch (s) {
            case Shape.Real r -> new Num(ir.num(0.0));
            case Shape.Unit u -> UNIT;
            case Shape.Pair(Shape a, Shape b) -> new Pair(zeros(a), zeros(b));
            case Shape.Arr(int n, Shape e) -> new Arr(ir.var(n), zeros(e));
        };
    }

    /** {@code jam}: left plus right, number by number. */
    private Val add(Val x, Val y, Shape s) {
        return switch (s) {
            case Shape.Real r -> new Num(ir.bin(Op.ADD, num(x), num(y)));
            case Shape.Unit u -> UNIT;
            case Shape.Pair(Shape a, Shape b) -> {
                var p = (Pair) open(x, s); var q = (Pair) open(y, s);
                yield new Pair(add(p.l(), q.l(), a), add(p.r(), q.r(), b));
            }
            case Shape.Arr(int n, Shape e) -> {
                Var v = ir.var(n);
                yield new Arr(v, add(ex(x, s, Ix.of(v)), ex(y, s, Ix.of(v)), e));
            }
        };
    }

    /** {@code scale c}: {@code c · x}, number by number, as the interpreter multiplies. */
    private Val scale(Val x, double c, Shape s) {
        return switch (s) {
            case Shape.Real r -> new Num(ir.bin(Op.MUL, ir.num(c), num(x)));
            case Shape.Unit u -> UNIT;
            case Shape.Pair(Shape a, Shape b) -> {
                var p = (Pair) open(x, s);
                yield new Pair(scale(p.l(), c, a), scale(p.r(), c, b));
            }
            case Shape.Arr(int n, Shape e) -> {
                var a = (Arr) open(x, s);
                yield new Arr(a.v(), scale(a.elem(), c, e));
            }
        };
    }

    /** {@code sum} over {@code v}: one canonical reduction per number of the element. */
    private Val sum(Var v, Val elem, Shape s) {
        return switch (s) {
            case Shape.Real r -> new Num(ir.reduce(Red.SUM, v, num(elem)));
            case Shape.Unit u -> UNIT;
            case Shape.Pair(Shape a, Shape b) -> {
                var p = (Pair) open(elem, s);
                yield new Pair(sum(v, p.l(), a), sum(v, p.r(), b));
            }
            case Shape.Arr(int n, Shape e) -> {
                var a = (Arr) open(elem, s);
                yield new Arr(a.v(), sum(v, a.elem(), e));
            }
        };
    }

    /**
     * {@return a value that may be used many times without repeating work}: numbers are shared
     * expressions already; a delayed array whose elements cost more than a load is written to memory.
     */
    private Val share(Val x, Shape s) {
        return switch (x) {
            case Num n -> n;
            case Unit u -> u;
            case Mem m -> m;
            case Pair p -> {
                var ab = (Shape.Pair) s;
                yield new Pair(share(p.l(), ab.left()), share(p.r(), ab.right()));
            }
            case Arr a -> cheap(a.elem(), a.v()) ? a : memory(a, s);
        };
    }

    /** {@return whether each element costs at most a load}: values that do not depend on the index are computed once, outside any loop. */
    private static boolean cheap(Val x, Var v) {
        return switch (x) {
            case Num n -> n.e() instanceof Ir.Load || n.e() instanceof Ir.Num || !n.e().vars.get(v.id);
            case Unit u -> true;
            case Mem m -> true;
            case Pair p -> cheap(p.l(), v) && cheap(p.r(), v);
            case Arr a -> cheap(a.elem(), v) && cheap(a.elem(), a.v());
        };
    }

    /** {@return the value in memory, contiguous: as it is if it is already, else written to a new buffer} */
    private Mem memory(Val x, Shape s) {
        if (x instanceof Mem m) return new Mem(m.b(), m.off(), s);
        Buf b = ir.buf(Kind.WS, s.dim(), null);
        store(x, b, Ix.of(0), s);
        return new Mem(b, Ix.of(0), s);
    }

    private void store(Val x, Buf b, Ix off, Shape s) { storeInto(block, x, b, off, s); }

    /** Arrays of at most this many numbers are written without a loop. */
    static final int SHORT_ARRAY = 16;

    /** Arrays of at most this many rows (of at most {@link #ONE_HOT_NUMBERS} numbers in all) whose element depends on its index as a number are written without a loop. */
    static final int ONE_HOT_ROWS = 8;
    /**
     * … of at most this many numbers ({@code -Dcatad.jit.oneHot=N}, for comparison): written out, a
     * row's tests of its index fold away and each number is the one product it selects, where as a
     * loop every number computes all the rows' candidates and selects one (GradBench lstm's four
     * gates' weight cotangents, 4 × 140 numbers a step: 2.7–3.0 → 2.2–2.4 gradient / primal at
     * l = 4, 6). The limit keeps a method's code bounded when the rows do not fold that far.
     */
    static final int ONE_HOT_NUMBERS = Integer.getInteger("catad.jit.oneHot", 1024);

    /** A row of at least this many numbers, each a sum of at least {@link #LONG_SUM} terms, stays a loop (see {@link #rowOfLongSums}). */
    static final int SUM_ROW = 8;
    static final int LONG_SUM = 64;

    /**
     * {@return whether a short array is a row of sums over a long index, each depending on its place
     * in the row} ({@code ∂Q = XᵀG} for a small d: its rows are sums over all the points): kept as
     * a loop, the row runs with the sum's loop outside and the row on vectors (see {@code Emit}'s
     * interchanged sums), where written out it is one strided scalar sum per number.
     */
    private static boolean rowOfLongSums(Arr a, int n, Shape e) {
        if (n < SUM_ROW || !(e instanceof Shape.Real) || !(a.elem() instanceof Num x)) return false;
        var seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<E>(List.of(x.e()));
        while (!stack.isEmpty()) {
            E t = stack.removeLast();
            if (!t.vars.get(a.v().id) || !seen.add(t)) continue;
            if (t instanceof Ir.Reduce r && r.op == Ir.Red.SUM && r.v.n >= LONG_SUM) return true;
            stack.addAll(t.kids());
        }
        return false;
    }

    /** {@return whether x uses the index v as a number ({@code Pos}: a one-hot's test), not only to address memory} */
    private static boolean onIndex(Val x, Var v) {
        var seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<Val>(List.of(x));
        while (!stack.isEmpty()) {
            switch (stack.removeLast()) {
                case Num n -> { if (usesPos(n.e(), v, seen)) return true; }
                case Pair p -> { stack.add(p.l()); stack.add(p.r()); }
                case Arr a -> stack.add(a.elem());
                case Unit u -> { }
                case Mem m -> { }
            }
        }
        return false;
    }

    private static boolean usesPos(E e, Var v, java.util.Set<E> seen) {
        if (!e.vars.get(v.id) || !seen.add(e)) return false;
        if (e instanceof Ir.Pos q) return q.ix.coeff(v) != 0;
        for (E k : e.kids()) if (usesPos(k, v, seen)) return true;
        return false;
    }

    /** Appends to {@code into} the statements writing x (of shape s) to {@code b[off …]}. */
    private void storeInto(List<S> into, Val x, Buf b, Ix off, Shape s) {
        if (s.dim() == 0) return;
        if (x instanceof Mem m) {
            if (m.b() == b && m.off().equals(off)) return;
            // a few numbers are moved as loads and stores, so that a loop of them can still run on vectors
            if (s.dim() > 4) { into.add(new Ir.Copy(m.b(), m.off(), b, off, s.dim())); return; }
            x = open(x, s);
            if (x instanceof Mem) { into.add(new Ir.Copy(m.b(), m.off(), b, off, s.dim())); return; }
        }
        switch (s) {
            case Shape.Real r -> into.add(new Ir.Store(b, off, num(x)));
            case Shape.Unit u -> { }
            case Shape.Pair(Shape l, Shape rr) -> {
                var p = (Pair) x;
                storeInto(into, p.l(), b, off, l);
                storeInto(into, p.r(), b, off.plus(l.dim()), rr);
            }
            case Shape.Arr(int n, Shape e) -> {
                var a = (Arr) x;
                if ((long) n * e.dim() <= SHORT_ARRAY && !rowOfLongSums(a, n, e) || n <= ONE_HOT_ROWS && (long) n * e.dim() <= ONE_HOT_NUMBERS && onIndex(a.elem(), a.v())) {
                    // a short array is written element by element: no loop, constant indices; so is an
                    // array of a few rows whose element tests its own index (a sum of one-hot rows, the
                    // cotangent of w when a program reads w.at(0), w.at(1), …): the tests fold away
                    for (int c = 0; c < n; c++) storeInto(into, subst(a.elem(), a.v(), Ix.of(c)), b, off.plus(c * e.dim()), e);
                    return;
                }
                var body = new ArrayList<S>();
                storeInto(body, a.elem(), b, off.plus(Ix.of(a.v()).times(e.dim())), e);
                into.add(new Ir.Loop(a.v(), body));
            }
        }
    }
}
