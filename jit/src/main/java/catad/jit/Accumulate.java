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
 * {@code 8b + l} adds its term to the {@code l}-th of eight partial sums, the partial sums are
 * combined by the fixed tree, and the points of the last, incomplete block are added in order. Every
 * addition is the one {@code Sums} does, in the same order, so the result is the same bits.
 *
 * <p>A buffer is rewritten only when the whole pattern is certain: it is a workspace buffer written
 * by plain stores inside one loop of a straight-line block, at {@code S·v} plus a place below the
 * stride S for the loop's index v, with no place written twice; the loop itself does not read it;
 * and everywhere else it is read either by a sum over exactly that loop's range whose term is the
 * load alone, at a place below S, or at places no such sum reads. Places that are summed are then
 * accumulated; the other places (a cotangent of the point itself) are still stored.
 *
 * <p>A second rewrite ({@link #onceTerms}) takes sums whose term is any expression that reads what
 * a loop stores only at the same iteration, and other buffers only if nothing from that loop on
 * writes them (the products of two stored per-point arrays that a matrix's gradient sums): the loop
 * keeps its stores and also adds the terms up, at every value of the sum's free indices.
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
        int round = 0;
        while (round < MAX_ROUNDS && a.once(a.program)) round++;
        while (round < MAX_ROUNDS && a.work <= BUDGET && a.onceTerms(a.program, new BitSet())) round++;
        return a.program;
    }

    /** At most this many buffers are rewritten per program. */
    private static final int MAX_ROUNDS = 16;

    /** Rewrites the first producer found in list (or in the blocks inside it); false when there is none. */
    private boolean once(List<S> list) {
        for (S s : list) {
            if (!(s instanceof Ir.Loop l)) continue;
            for (Buf b : stored(l)) {
                List<S> done = rewrite(l, b);
                if (done == null) continue;
                program = replaceSums(splice(program, l, done), b);
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
    private List<S> rewrite(Ir.Loop l, Buf b) {
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

    /** The buffer the finished sums are in, per rewritten buffer. */
    private final Map<Integer, Buf> results = new java.util.HashMap<>();

    /**
     * {@return the statements replacing the producer}: zeroing eight partial sums per place, the
     * loop over full blocks of eight adding each point's terms to its partial sums, the tree that
     * combines them, and the points of the last block added in order
     */
    private List<S> accumulate(Ir.Loop l, Buf b, int stride, BitSet summed) {
        Var v = l.v();
        int n = v.n, blocks = n / 8, full = blocks * 8;
        Buf acc = ir.buf(Ir.Kind.WS, 8 * stride, null);
        Buf sum = ir.buf(Ir.Kind.WS, stride, null);
        results.put(b.id, sum);
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
        for (int k = 0; k < 8; k++) a[k] = ir.load(acc, Ix.of(q).plus(k * stride));
        E tree = ir.bin(Ir.Op.ADD, ir.bin(Ir.Op.ADD, ir.bin(Ir.Op.ADD, a[0], a[4]), ir.bin(Ir.Op.ADD, a[2], a[6])),
                                   ir.bin(Ir.Op.ADD, ir.bin(Ir.Op.ADD, a[1], a[5]), ir.bin(Ir.Op.ADD, a[3], a[7])));
        out.add(new Ir.Loop(q, List.of(new Ir.Store(sum, Ix.of(q), tree))));
        if (n > full) {
            Var t = ir.var(n - full);
            List<S> body = copy(l.body(), v, Ix.of(t).plus(full), Map.of(), b, summed, stride, sum, null, true);
            out.add(new Ir.Loop(t, body));
        }
        return out;
    }

    /**
     * {@return the producer's statements for the point {@code v = at}}: stores of summed places of b
     * become additions to {@code into} (at {@code lane·S} plus the place), the others stay stores;
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
                    Ix place = subst(st.ix(), v, lane == null ? Ix.of(0) : Ix.of(lane), renamed);
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
    private List<S> replaceSums(List<S> stmts, Buf b) {
        Buf sum = results.get(b.id);
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
            default -> s;
        };
    }

    /** {@return e with each recorded sum replaced by the load of its finished value} */
    private E replace(E e, Buf b, Buf sum, Map<E, E> memo) {
        var bufs = new BitSet();
        bufs.set(b.id);
        return ir.replace(e, x -> sums.contains(x) && x instanceof Ir.Reduce r && r.body instanceof Ir.Load ld
                ? ir.load(sum, ld.ix.subst(r.v, Ix.of(0))) : null, bufs, memo);
    }

    // ---------------------------------------------------------------- sums of terms made from what a loop stores

    /** At most this many partial-sum places per producing loop (eight numbers each). */
    private static final int MAX_SLOTS = 1 << 14;

    /** What a producer stores each iteration into one buffer: at {@code S·v} plus the places below S. */
    private record Same(int stride, BitSet places) {}

    /** A sum accumulated by the producer: the node, its free indices (bound where it is used), its first slot. */
    private record Term(Ir.Reduce r, List<Var> free, int base) {}

    /**
     * Rewrites the first loop found (in list, or the blocks inside it) that produces the terms of
     * sums later in its block: sums over its range whose term reads what it stores only in the same
     * iteration, and otherwise only buffers that nothing from the loop on writes. The loop then also
     * adds those terms up, in {@code Sums}' order, and the sums become loads. Its stores stay.
     * @param outer the indices of the loops around list, fixed while it runs
     */
    private boolean onceTerms(List<S> list, BitSet outer) {
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Ir.Loop l)) continue;
            List<S> done = terms(list, i, l, outer);
            if (done != null) {
                program = replaceBlock(program, list, done);
                return true;
            }
        }
        for (S s : list) {
            if (!(s instanceof Ir.Loop l)) continue;
            var o = (BitSet) outer.clone();
            o.set(l.v().id);
            if (onceTerms(l.body(), o)) return true;
        }
        return false;
    }

    /** {@return stmts with the block {@code blk} (found by identity, at any depth) replaced by {@code by}} */
    private static List<S> replaceBlock(List<S> stmts, List<S> blk, List<S> by) {
        if (stmts == blk) return by;
        var out = new ArrayList<S>();
        for (S s : stmts) out.add(s instanceof Ir.Loop l ? new Ir.Loop(l.v(), replaceBlock(l.body(), blk, by)) : s);
        return out;
    }

    /** {@return the block with producer {@code list[i]} accumulating the terms of later sums, or null when there are none} */
    private List<S> terms(List<S> list, int i, Ir.Loop l, BitSet outer) {
        Var v = l.v();
        int n = v.n;
        var written = new BitSet();
        Ir.writes(l, written);
        var same = new java.util.HashMap<Integer, Same>();
        for (int x = written.nextSetBit(0); x >= 0; x = written.nextSetBit(x + 1)) {
            Same sm = same(l, ir.bufs.get(x));
            if (sm != null) same.put(x, sm);
        }
        if (same.isEmpty()) return null;
        var later = new BitSet();
        for (int q = i; q < list.size(); q++) Ir.writes(list.get(q), later);
        // the sums, in the statements after the producer
        var found = new java.util.LinkedHashMap<Ir.Reduce, List<Var>>();
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        for (int q = i + 1; q < list.size(); q++) for (E root : roots(list.get(q))) sums(root, n, written, same, later, outer, seen, found);
        if (found.isEmpty()) return null;
        var terms = new ArrayList<Term>();
        int slots = 0;
        for (var f : found.entrySet()) {
            long size = 1;
            for (Var w : f.getValue()) size *= w.n;
            if (slots + size > MAX_SLOTS) continue;
            terms.add(new Term(f.getKey(), f.getValue(), slots));
            slots += (int) size;
        }
        if (terms.isEmpty()) return null;
        int k = slots, blocks = n / 8, full = blocks * 8;
        Buf acc = ir.buf(Ir.Kind.WS, 8 * k, null), res = ir.buf(Ir.Kind.WS, k, null);
        var out = new ArrayList<S>(list.subList(0, i));
        Var z = ir.var(8 * k);
        out.add(new Ir.Loop(z, List.of(new Ir.Store(acc, Ix.of(z), ir.num(0.0)))));
        if (blocks > 0) {
            Var blk = ir.var(blocks), lane = ir.var(8);
            Ix at = Ix.of(blk).times(8).plus(Ix.of(lane));
            var body = new ArrayList<>(copy(l.body(), v, at, Map.of(), null, new BitSet(), 1, null, null, false));
            for (Term t : terms) body.add(add(t, at, acc, Ix.of(lane).times(k)));
            out.add(new Ir.Loop(blk, List.of(new Ir.Loop(lane, body))));
        }
        Var q = ir.var(k);
        E[] a = new E[8];
        for (int j = 0; j < 8; j++) a[j] = ir.load(acc, Ix.of(q).plus(j * k));
        E tree = ir.bin(Ir.Op.ADD, ir.bin(Ir.Op.ADD, ir.bin(Ir.Op.ADD, a[0], a[4]), ir.bin(Ir.Op.ADD, a[2], a[6])),
                                   ir.bin(Ir.Op.ADD, ir.bin(Ir.Op.ADD, a[1], a[5]), ir.bin(Ir.Op.ADD, a[3], a[7])));
        out.add(new Ir.Loop(q, List.of(new Ir.Store(res, Ix.of(q), tree))));
        if (n > full) {
            Var t = ir.var(n - full);
            Ix at = Ix.of(t).plus(full);
            var body = new ArrayList<>(copy(l.body(), v, at, Map.of(), null, new BitSet(), 1, null, null, true));
            for (Term tm : terms) body.add(add(tm, at, res, Ix.of(0)));
            out.add(new Ir.Loop(t, body));
        }
        // the sums become loads of their finished values
        var byNode = new IdentityHashMap<E, Term>();
        for (Term t : terms) byNode.put(t.r(), t);
        var memo = new IdentityHashMap<E, E>();
        java.util.function.Function<E, E> at = e -> {
            Term t = byNode.get(e);
            return t == null ? null : ir.load(res, slot(t, t.free()));
        };
        for (int p = i + 1; p < list.size(); p++) out.add(mapExprs(list.get(p), e -> ir.replace(e, at, written, memo)));
        return out;
    }

    /** {@return what producer l stores into b each iteration, or null when that is not plain stores at S·v plus places below S, none twice} */
    private static Same same(Ir.Loop l, Buf b) {
        Var v = l.v();
        var stores = new ArrayList<Ir.Store>();
        if (!producer(l.body(), v, b, stores, new ArrayList<>()) || stores.isEmpty()) return null;
        int stride = stores.get(0).ix().coeff(v);
        if (stride <= 0 || stride > MAX_STRIDE) return null;
        var places = new BitSet(stride);
        for (Ir.Store st : stores) {
            if (st.ix().coeff(v) != stride) return null;
            int[] ps = places(st.ix(), v, stride);
            if (ps == null) return null;
            for (int p : ps) { if (places.get(p)) return null; places.set(p); }
        }
        return new Same(stride, places);
    }

    /** Collects the sums below e that the producer can accumulate, with their free indices. */
    private void sums(E e, int n, BitSet written, Map<Integer, Same> same, BitSet later, BitSet outer,
                      java.util.Set<E> seen, Map<Ir.Reduce, List<Var>> found) {
        if (!e.reads.intersects(written) || !seen.add(e) || ++work > BUDGET) return;
        if (e instanceof Ir.Reduce r && r.op == Ir.Red.SUM && r.v.n == n && accumulable(r, written, same, later)) {
            var free = new ArrayList<Var>();
            collectFree(r, outer, free);
            found.put(r, free);
            return;
        }
        for (E k : e.kids()) sums(k, n, written, same, later, outer, seen, found);
    }

    /** Whether r's term reads the producer's buffers only at the same iteration, and other buffers nothing from the producer on writes. */
    private boolean accumulable(Ir.Reduce r, BitSet written, Map<Integer, Same> same, BitSet later) {
        var stack = new ArrayList<E>(List.of(r.body));
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        while (!stack.isEmpty()) {
            E e = stack.removeLast();
            if (!seen.add(e)) continue;
            if (++work > BUDGET) return false;
            if (e instanceof Ir.Load ld) {
                if (written.get(ld.b.id)) {
                    Same sm = same.get(ld.b.id);
                    if (sm == null || ld.ix.coeff(r.v) != sm.stride()) return false;
                    int[] ps = places(ld.ix, r.v, sm.stride());
                    if (ps == null) return false;
                    for (int p : ps) if (!sm.places().get(p)) return false;
                } else if (later.get(ld.b.id)) return false;
            }
            stack.addAll(e.kids());
        }
        return r.body.reads.intersects(written);
    }

    /** The indices r depends on that are neither its own nor fixed around the block, in the order of their ids. */
    private static void collectFree(Ir.Reduce r, BitSet outer, List<Var> into) {
        var ids = (BitSet) r.vars.clone();
        ids.andNot(outer);
        var stack = new ArrayList<E>(List.of(r.body));
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var byId = new java.util.TreeMap<Integer, Var>();
        while (!stack.isEmpty()) {
            E e = stack.removeLast();
            if (!seen.add(e)) continue;
            List<Ir.Term> ts = e instanceof Ir.Load ld ? ld.ix.terms() : e instanceof Ir.Pos p ? p.ix.terms() : List.of();
            for (Ir.Term t : ts) if (ids.get(t.v().id)) byId.put(t.v().id, t.v());
            stack.addAll(e.kids());
        }
        into.addAll(byId.values());
    }

    /** {@return a term's place among the slots, at the given values of its free indices} */
    private static Ix slot(Term t, List<Var> at) {
        Ix ix = Ix.of(t.base());
        int stride = 1;
        for (int j = at.size() - 1; j >= 0; j--) {
            ix = ix.plus(Ix.of(at.get(j)).times(stride));
            stride *= t.free().get(j).n;
        }
        return ix;
    }

    /** {@return the statements adding the term of t at {@code v = at} into {@code into[off + slot]}, one loop per free index} */
    private S add(Term t, Ix at, Buf into, Ix off) {
        var fresh = new ArrayList<Var>();
        E e = ir.subst(t.r().body, t.r().v, at);
        for (Var f : t.free()) {
            Var g = ir.var(f.n);
            fresh.add(g);
            e = ir.subst(e, f, Ix.of(g));
        }
        Ix place = off.plus(slot(t, fresh));
        S s = new Ir.Store(into, place, ir.bin(Ir.Op.ADD, ir.load(into, place), e));
        for (int j = fresh.size() - 1; j >= 0; j--) s = new Ir.Loop(fresh.get(j), List.of(s));
        return s;
    }

    /** {@return the expressions a statement evaluates directly (not those of the statements inside it)} */
    private static List<E> roots(S s) {
        var out = new ArrayList<E>();
        switch (s) {
            case Ir.Store st -> out.add(st.e());
            case Ir.Loop l -> { for (S t : l.body()) out.addAll(roots(t)); }
            case Ir.If f -> { out.add(f.t()); for (S t : f.yes()) out.addAll(roots(t)); for (S t : f.no()) out.addAll(roots(t)); }
            case Ir.While w -> { out.add(w.t()); for (S t : w.test()) out.addAll(roots(t)); for (S t : w.body()) out.addAll(roots(t)); }
            case Ir.Call c -> { }
            case Ir.Copy c -> { }
        }
        return out;
    }

    /** {@return s with every expression in it mapped} */
    private static S mapExprs(S s, java.util.function.UnaryOperator<E> f) {
        return switch (s) {
            case Ir.Store st -> new Ir.Store(st.b(), st.ix(), f.apply(st.e()));
            case Ir.Loop l -> new Ir.Loop(l.v(), l.body().stream().map(t -> mapExprs(t, f)).toList());
            case Ir.If i -> new Ir.If(f.apply(i.t()), i.yes().stream().map(t -> mapExprs(t, f)).toList(), i.no().stream().map(t -> mapExprs(t, f)).toList());
            case Ir.While w -> new Ir.While(w.test().stream().map(t -> mapExprs(t, f)).toList(), f.apply(w.t()),
                    w.body().stream().map(t -> mapExprs(t, f)).toList(), w.max(), w.what());
            case Ir.Call c -> c;
            case Ir.Copy c -> c;
        };
    }
}
