package catad.jit;

import catad.jit.Ir.Buf;
import catad.jit.Ir.E;
import catad.jit.Ir.Ix;
import catad.jit.Ir.S;
import catad.jit.Ir.Var;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums the terms of a reduction while the loop that produces them runs, instead of storing every
 * term and summing afterwards.
 *
 * <p>The gradient of a function of many points, with respect to parameters every point shares, is
 * a {@code vjp} mapped over the points — one loop, storing a parameter-shaped cotangent per point —
 * followed by {@code sum} over the points (the transpose of {@code repl}). Lowered directly, that
 * writes {@code points × parameters} numbers and reads them back with strided sums: for a
 * GMM's 125,000 points and 36 parameters, 36 MB of memory traffic a hand-written loop does not
 * have. Here the producing loop accumulates instead, in catad's one summation order
 * ({@link catad.dsl.Sums}): the loop over points is split into blocks of eight, point
 * {@code 8b + l} adds its term to the {@code l}-th of eight partial sums (a place's eight side by
 * side, so that a block's points update them at unit stride, as one vector), the partial sums are
 * combined by the fixed tree, and the points of the last, incomplete block are added in order. Every
 * addition is the one {@code Sums} does, in the same order, so the result is the same bits.
 *
 * <p>A buffer is rewritten only when the whole pattern is certain: it is a workspace buffer written
 * by plain stores inside one loop of a straight-line block, at {@code S·v} plus a place below the
 * stride S for the loop's index v, with no place written twice; the loop itself does not read it;
 * and everywhere else it is read either by a sum over exactly that loop's range whose term is the
 * load alone, at a place below S, or at places no such sum reads. Places that are summed are then
 * accumulated; the other places (a cotangent of the point itself) are still stored.
 */
final class Accumulate {

    /** The stride S (numbers per point) at most this. */
    private static final int MAX_STRIDE = 1 << 16;
    /** Enumerating the places an index reaches stops after this many. */
    private static final int MAX_PLACES = 1 << 16;

    private final Ir.Builder ir;
    /** Every statement of the program, for the global read and write checks. */
    private List<S> program;

    private Accumulate(Ir.Builder ir, List<S> program) { this.ir = ir; this.program = program; }

    /** {@return the statements, with the sums of what a loop stores accumulated by that loop} @param ir the program's builder @param body its statements */
    static List<S> run(Ir.Builder ir, List<S> body) {
        var a = new Accumulate(ir, body);
        for (int round = 0; round < MAX_ROUNDS && a.once(a.program); round++) { }
        return a.program;
    }

    /** At most this many buffers are rewritten per program. */
    private static final int MAX_ROUNDS = 16;

    /** Rewrites the first producer found in list (or in the blocks inside it); false when there is none. */
    private boolean once(List<S> list) {
        for (S s : list) {
            if (!(s instanceof Ir.Loop l)) continue;
            for (Buf b : stored(l)) {
                Rewrite done = rewrite(l, b);
                if (done == null) continue;
                program = replaceSums(splice(program, l, done.stmts()), b, done.sum());
                return true;
            }
            if (once(l.body())) return true;
        }
        return false;
    }

    /** {@return stmts with the statement {@code at} (found by identity, at any depth) replaced by {@code by}} */
    private static List<S> splice(List<S> stmts, S at, List<S> by) {
        var out = new ArrayList<S>();
        for (S s : stmts) {
            if (s == at) out.addAll(by);
            else if (s instanceof Ir.Loop l) out.add(new Ir.Loop(l.v(), splice(l.body(), at, by)));
            else out.add(s);
        }
        return out;
    }

    /** {@return the workspace buffers stores inside l write} */
    private static List<Buf> stored(Ir.Loop l) {
        var found = new java.util.LinkedHashMap<Integer, Buf>();
        storedInto(l.body(), found);
        return new ArrayList<>(found.values());
    }

    private static void storedInto(List<S> stmts, Map<Integer, Buf> into) {
        for (S s : stmts) {
            if (s instanceof Ir.Store st && st.b().kind == Ir.Kind.WS) into.putIfAbsent(st.b().id, st.b());
            else if (s instanceof Ir.Loop l) storedInto(l.body(), into);
        }
    }

    // ---------------------------------------------------------------- checking the pattern

    /** The sums over the producer loop whose term is a load of b. */
    private final java.util.Set<E> sums = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    /** Work budget (statements and expression nodes visited checking readers) per program; a larger one is left as it is. */
    private static final long BUDGET = 4_000_000;
    private long work;

    /**
     * {@return the statements replacing producer l, accumulating the sums of b, or null when the
     * pattern does not hold}
     */
    private Rewrite rewrite(Ir.Loop l, Buf b) {
        Var v = l.v();
        int n = v.n;
        // the producer: plain stores at S·v + a place below S
        var stores = new ArrayList<Ir.Store>();
        if (!producer(l.body(), v, b, stores, new ArrayList<>()) || stores.isEmpty()) return null;
        int stride = stores.get(0).ix().coeff(v);
        if (stride <= 0 || stride > MAX_STRIDE || (long) stride * n > b.size) return null;
        var written = new BitSet(stride);
        for (Ir.Store st : stores) {
            if (st.ix().coeff(v) != stride) return null;
            int[] places = places(st.ix(), v, stride);
            if (places == null) return null;
            for (int p : places) { if (written.get(p)) return null; written.set(p); }
        }
        // the readers: sums over a range like v's of the load alone, or loads of other places
        sums.clear();
        var summed = new BitSet(stride);
        var plain = new BitSet(stride);
        if (!readers(program, l, b, n, stride, summed, plain) || summed.isEmpty() || summed.intersects(plain)) return null;
        var unwritten = (BitSet) summed.clone();
        unwritten.andNot(written);
        if (!unwritten.isEmpty()) return null;
        // each store is all summed places or none
        for (Ir.Store st : stores) {
            boolean any = false, all = true;
            for (int p : places(st.ix(), v, stride)) { boolean s = summed.get(p); any |= s; all &= s; }
            if (any != all) return null;
        }
        return accumulate(l, b, stride, summed);
    }

    /**
     * Collects the stores of b in stmts, reached through loops only (their indices in {@code loops});
     * false when b is written any other way or read inside the producer.
     */
    private static boolean producer(List<S> stmts, Var v, Buf b, List<Ir.Store> into, List<Var> loops) {
        for (S s : stmts) {
            switch (s) {
                case Ir.Store st -> {
                    if (st.e().reads.get(b.id)) return false;
                    if (st.b() == b) {
                        for (Ir.Term t : st.ix().terms()) if (t.v() != v && !loops.contains(t.v())) return false;
                        into.add(st);
                    }
                }
                case Ir.Loop in -> {
                    loops.add(in.v());
                    boolean ok = producer(in.body(), v, b, into, loops);
                    loops.removeLast();
                    if (!ok) return false;
                }
                default -> {
                    var w = new BitSet();
                    Ir.writes(s, w);
                    if (w.get(b.id) || mentions(s, b)) return false;
                }
            }
        }
        return true;
    }

    /**
     * {@return the places below S that an index reaches with v fixed (v's own term left out), or null
     * when one is outside {@code 0 … S-1} or the index has a term in an index other than v that is
     * not bounded by S}
     */
    private static int[] places(Ix ix, Var v, int stride) {
        var rest = new ArrayList<Ir.Term>();
        for (Ir.Term t : ix.terms()) if (t.v() != v) rest.add(t);
        return enumerate(ix.c(), rest, stride);
    }

    /** {@return c + Σ aᵢ·vᵢ over every value of the vᵢ, each in {@code 0 … S-1}, or null} */
    private static int[] enumerate(int c, List<Ir.Term> terms, int stride) {
        long count = 1;
        for (Ir.Term t : terms) { count *= t.v().n; if (count > MAX_PLACES) return null; }
        var out = new int[(int) count];
        for (int k = 0; k < count; k++) {
            long p = c, rem = k;
            for (Ir.Term t : terms) { p += (long) t.a() * (rem % t.v().n); rem /= t.v().n; }
            if (p < 0 || p >= stride) return null;
            out[k] = (int) p;
        }
        return out;
    }

    /**
     * Checks every read of b outside the producer: a sum over a range of n whose term is a load of b
     * at S·u + a place below S (recorded in {@link #sums}, its places in {@code summed}), or a read
     * of places below S in some point (in {@code plain}). False when a read is neither.
     */
    private boolean readers(List<S> stmts, Ir.Loop producer, Buf b, int n, int stride, BitSet summed, BitSet plain) {
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        for (S s : stmts) if (!readersOf(s, producer, b, n, stride, summed, plain, seen)) return false;
        return true;
    }

    private boolean readersOf(S s, Ir.Loop producer, Buf b, int n, int stride, BitSet summed, BitSet plain, java.util.Set<E> seen) {
        if (s == producer) return true;
        if (++work > BUDGET) return false;
        return switch (s) {
            case Ir.Store st -> st.b() != b && root(st.e(), b, n, stride, summed, plain, seen);
            case Ir.Loop l -> l.body().stream().allMatch(t -> readersOf(t, producer, b, n, stride, summed, plain, seen));
            case Ir.If i -> root(i.t(), b, n, stride, summed, plain, seen)
                    && i.yes().stream().allMatch(t -> readersOf(t, producer, b, n, stride, summed, plain, seen))
                    && i.no().stream().allMatch(t -> readersOf(t, producer, b, n, stride, summed, plain, seen));
            case Ir.While w -> root(w.t(), b, n, stride, summed, plain, seen)
                    && w.test().stream().allMatch(t -> readersOf(t, producer, b, n, stride, summed, plain, seen))
                    && w.body().stream().allMatch(t -> readersOf(t, producer, b, n, stride, summed, plain, seen));
            case Ir.Call c -> c.in() != b && c.out() != b;
            case Ir.Copy c -> c.to() != b && (c.from() != b || copied(c, stride, plain));
        };
    }

    /** A copy out of b: the places of one point it reads, into {@code plain}. */
    private static boolean copied(Ir.Copy c, int stride, BitSet plain) {
        var rest = new ArrayList<Ir.Term>();
        for (Ir.Term t : c.fromOff().terms()) if (t.a() % stride != 0) rest.add(t);
        int[] first = enumerate(c.fromOff().c(), rest, stride);
        if (first == null) return false;
        for (int p : first) {
            if (p + c.n() > stride) return false;
            plain.set(p, p + c.n());
        }
        return true;
    }

    /** Checks the reads of b in one expression tree. */
    private boolean root(E e, Buf b, int n, int stride, BitSet summed, BitSet plain, java.util.Set<E> seen) {
        if (!e.reads.get(b.id)) return true;
        if (e instanceof Ir.Load ld) return plainLoad(ld, stride, plain);
        return expr(e, b, n, stride, summed, plain, seen);
    }

    private boolean expr(E e, Buf b, int n, int stride, BitSet summed, BitSet plain, java.util.Set<E> seen) {
        if (!e.reads.get(b.id) || !seen.add(e)) return true;
        if (++work > BUDGET) return false;
        if (e instanceof Ir.Reduce r && r.op == Ir.Red.SUM && r.body instanceof Ir.Load ld && ld.b == b) {
            if (r.v.n == n && ld.ix.coeff(r.v) == stride) {
                int[] places = places(ld.ix, r.v, stride);
                if (places != null) {
                    for (int p : places) summed.set(p);
                    sums.add(r);
                    return true;
                }
            }
            return plainLoad(ld, stride, plain);
        }
        for (E k : e.kids()) {
            if (k instanceof Ir.Load ld && ld.b == b) { if (!plainLoad(ld, stride, plain)) return false; }
            else if (!expr(k, b, n, stride, summed, plain, seen)) return false;
        }
        return true;
    }

    /** A load of b that is not a sum's term: the places it reads, into {@code plain}. */
    private static boolean plainLoad(Ir.Load ld, int stride, BitSet plain) {
        var rest = new ArrayList<Ir.Term>();
        for (Ir.Term t : ld.ix.terms()) if (t.a() % stride != 0) rest.add(t);
        int[] places = enumerate(ld.ix.c(), rest, stride);
        if (places == null) return false;
        for (int p : places) plain.set(p);
        return true;
    }

    /** Whether a statement with control flow or memory moves mentions b at all. */
    private static boolean mentions(S s, Buf b) {
        return switch (s) {
            case Ir.Store st -> st.b() == b || st.e().reads.get(b.id);
            case Ir.Loop l -> l.body().stream().anyMatch(t -> mentions(t, b));
            case Ir.If i -> i.t().reads.get(b.id) || i.yes().stream().anyMatch(t -> mentions(t, b)) || i.no().stream().anyMatch(t -> mentions(t, b));
            case Ir.While w -> w.t().reads.get(b.id) || w.test().stream().anyMatch(t -> mentions(t, b)) || w.body().stream().anyMatch(t -> mentions(t, b));
            case Ir.Call c -> c.in() == b || c.out() == b;
            case Ir.Copy c -> c.from() == b || c.to() == b;
        };
    }

    // ---------------------------------------------------------------- the rewrite

    /** A producer rewritten: the statements replacing it, and the buffer its finished sums are in. @param stmts the statements @param sum the buffer */
    private record Rewrite(List<S> stmts, Buf sum) {}

    /**
     * {@return the statements replacing the producer}: zeroing eight partial sums per place, the
     * loop over full blocks of eight adding each point's terms to its partial sums, the tree that
     * combines them, and the points of the last block added in order
     */
    private Rewrite accumulate(Ir.Loop l, Buf b, int stride, BitSet summed) {
        Var v = l.v();
        int n = v.n, blocks = n / 8, full = blocks * 8;
        Buf acc = ir.buf(Ir.Kind.WS, 8 * stride, null);
        Buf sum = ir.buf(Ir.Kind.WS, stride, null);
        var out = new ArrayList<S>();
        Var z = ir.var(8 * stride);
        out.add(new Ir.Loop(z, List.of(new Ir.Store(acc, Ix.of(z), ir.num(0.0)))));
        if (blocks > 0) {
            Var blk = ir.var(blocks), lane = ir.var(8);
            Ix at = Ix.of(blk).times(8).plus(Ix.of(lane));
            List<S> body = copy(l.body(), v, at, Map.of(), b, summed, stride, acc, lane, false);
            out.add(new Ir.Loop(blk, List.of(new Ir.Loop(lane, body))));
        }
        Var q = ir.var(stride);
        E[] a = new E[8];
        for (int k = 0; k < 8; k++) a[k] = ir.load(acc, Ix.of(q).times(8).plus(k));
        out.add(new Ir.Loop(q, List.of(new Ir.Store(sum, Ix.of(q), ir.combined(a)))));
        if (n > full) {
            Var t = ir.var(n - full);
            List<S> body = copy(l.body(), v, Ix.of(t).plus(full), Map.of(), b, summed, stride, sum, null, true);
            out.add(new Ir.Loop(t, body));
        }
        return new Rewrite(out, sum);
    }

    /**
     * {@return the producer's statements for the point {@code v = at}}: stores of summed places of b
     * become additions to {@code into} (at {@code 8·place + lane}, or at the place without a lane), the others stay stores;
     * with {@code fresh}, every loop gets a new index (a second copy of the same loops)
     */
    private List<S> copy(List<S> stmts, Var v, Ix at, Map<Var, Ix> renamed, Buf b, BitSet summed, int stride, Buf into, Var lane, boolean fresh) {
        var out = new ArrayList<S>();
        for (S s : stmts) out.add(copy(s, v, at, renamed, b, summed, stride, into, lane, fresh));
        return out;
    }

    private S copy(S s, Var v, Ix at, Map<Var, Ix> renamed, Buf b, BitSet summed, int stride, Buf into, Var lane, boolean fresh) {
        return switch (s) {
            case Ir.Store st -> {
                E e = subst(st.e(), v, at, renamed);
                if (st.b() == b && summed.get(places(st.ix(), v, stride)[0])) {
                    // place-major: place p's eight partial sums side by side, at 8p + lane (unit stride across a block's points)
                    Ix p = subst(st.ix(), v, Ix.of(0), renamed);
                    Ix place = lane == null ? p : p.times(8).plus(Ix.of(lane));
                    yield new Ir.Store(into, place, ir.bin(Ir.Op.ADD, ir.load(into, place), e));
                }
                yield new Ir.Store(st.b(), subst(st.ix(), v, at, renamed), e);
            }
            case Ir.Loop l -> {
                Map<Var, Ix> r = renamed;
                Var w = l.v();
                if (fresh) {
                    w = ir.var(l.v().n);
                    r = new IdentityHashMap<>(renamed);
                    r.put(l.v(), Ix.of(w));
                }
                yield new Ir.Loop(w, copy(l.body(), v, at, r, b, summed, stride, into, lane, fresh));
            }
            case Ir.If i -> new Ir.If(subst(i.t(), v, at, renamed), copy(i.yes(), v, at, renamed, b, summed, stride, into, lane, fresh),
                    copy(i.no(), v, at, renamed, b, summed, stride, into, lane, fresh));
            case Ir.While w -> new Ir.While(copy(w.test(), v, at, renamed, b, summed, stride, into, lane, fresh), subst(w.t(), v, at, renamed),
                    copy(w.body(), v, at, renamed, b, summed, stride, into, lane, fresh), w.max(), w.what());
            case Ir.Call c -> new Ir.Call(c.g(), c.in(), subst(c.inOff(), v, at, renamed), c.out(), subst(c.outOff(), v, at, renamed));
            case Ir.Copy c -> new Ir.Copy(c.from(), subst(c.fromOff(), v, at, renamed), c.to(), subst(c.toOff(), v, at, renamed), c.n());
        };
    }

    private E subst(E e, Var v, Ix at, Map<Var, Ix> renamed) {
        E r = ir.subst(e, v, at);
        for (var m : renamed.entrySet()) r = ir.subst(r, m.getKey(), m.getValue());
        return r;
    }

    private static Ix subst(Ix ix, Var v, Ix at, Map<Var, Ix> renamed) {
        Ix r = ix.subst(v, at);
        for (var m : renamed.entrySet()) r = r.subst(m.getKey(), m.getValue());
        return r;
    }

    /** {@return the statements with every recorded sum over b replaced by a load of its finished value} */
    private List<S> replaceSums(List<S> stmts, Buf b, Buf sum) {
        var memo = new IdentityHashMap<E, E>();
        var out = new ArrayList<S>();
        for (S s : stmts) out.add(replace(s, b, sum, memo));
        return out;
    }

    private S replace(S s, Buf b, Buf sum, Map<E, E> memo) {
        return switch (s) {
            case Ir.Store st -> new Ir.Store(st.b(), st.ix(), replace(st.e(), b, sum, memo));
            case Ir.Loop l -> new Ir.Loop(l.v(), l.body().stream().map(t -> replace(t, b, sum, memo)).toList());
            case Ir.If i -> new Ir.If(replace(i.t(), b, sum, memo), i.yes().stream().map(t -> replace(t, b, sum, memo)).toList(),
                    i.no().stream().map(t -> replace(t, b, sum, memo)).toList());
            case Ir.While w -> new Ir.While(w.test().stream().map(t -> replace(t, b, sum, memo)).toList(), replace(w.t(), b, sum, memo),
                    w.body().stream().map(t -> replace(t, b, sum, memo)).toList(), w.max(), w.what());
            case Ir.Call c -> c;
            case Ir.Copy c -> c;
        };
    }

    /** {@return e with each recorded sum replaced by the load of its finished value} */
    private E replace(E e, Buf b, Buf sum, Map<E, E> memo) {
        var bufs = new BitSet();
        bufs.set(b.id);
        return ir.replace(e, x -> sums.contains(x) && x instanceof Ir.Reduce r && r.body instanceof Ir.Load ld
                ? ir.load(sum, ld.ix.subst(r.v, Ix.of(0))) : null, bufs, memo);
    }
}
