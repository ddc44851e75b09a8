package catad.jit;

import catad.jit.Ir.Buf;
import catad.jit.Ir.E;
import catad.jit.Ir.Ix;
import catad.jit.Ir.S;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a stored value from where it was made: a load of {@code b[ix]} after {@code b[ix] = e},
 * with nothing in between that writes b or anything e reads, becomes e itself (when e is cheap) or
 * a load of the first place that still holds the same e; and e computed again, where a place still
 * holds it, becomes a load of that place.
 *
 * <p>Lowering stores an array whenever a loop or an opaque kernel needs it in memory, and a value
 * that reaches two such places is stored twice, in two buffers. Loads of the two copies are
 * different nodes, so everything computed from them is computed twice: in the {@code vjp} of a
 * recurrent network, the input of a layer went into one buffer for the step's forward values and
 * into another for its backward pass, and each gate's {@code sigmoid} ran twice. Read back to the
 * one expression, the two computations are the same hash-consed node and run once.
 *
 * <p>Nothing changes a number: a load is replaced by the very expression whose value was stored
 * there, evaluated where the load was, with every buffer it reads unchanged since the store. Copies
 * that nothing reads any more are dropped afterwards, by {@link Share}.
 */
final class Forward {

    /** Expressions up to this weight (arithmetic on loads) are read from where they were made; larger ones only through an earlier copy. */
    private static final int CHEAP = 7;

    /** Copies of at most this many numbers are followed place by place. */
    private static final int COPIED = 256;

    private final Ir.Builder ir;
    /** Buffers whose values of any size are read where they were made, when the load is in the store's own block ({@link ShortLoops}'s written-out scratch arrays). */
    private final BitSet values;

    private Forward(Ir.Builder ir, BitSet values) { this.ir = ir; this.values = values; }

    /** {@return the statements with loads of stored values read from where the values were made} @param ir the program's builder @param body its statements */
    static List<S> run(Ir.Builder ir, List<S> body) {
        return new Forward(ir, new BitSet()).block(body, new Known());
    }

    /**
     * {@return the statements with loads of stored values read from where they were made, and for
     * the buffers in {@code values} also values too large to compute again, where the load is in the
     * same block as the store} (there the value is the very node the store computes, computed once)
     * @param ir the program's builder @param body its statements @param values the buffers
     */
    static List<S> run(Ir.Builder ir, List<S> body, BitSet values) {
        return new Forward(ir, values).block(body, new Known());
    }

    /** {@return whether the place holds a value of any size that a load in the current block reads as the value itself} */
    private boolean inBlock(Known k, Place p) {
        if (p == null || !values.get(p.b().id)) return false;
        Integer lv = k.level.get(p);
        return lv != null && lv == k.depth;
    }


    /**
     * What each place holds now ({@code b[ix] = e}), the first place holding each e, and for each
     * buffer the places whose value reads it (so a store forgets what it makes stale without a scan).
     */
    private static final class Known {
        final Map<Buf, Map<Ix, E>> at = new HashMap<>();
        final Map<E, Place> holder = new IdentityHashMap<>();
        final Map<Integer, List<Place>> readers = new HashMap<>();
        /** The buffers with an entry. */
        final BitSet bufs = new BitSet();
        /** The block nesting depth at which each place was stored, and this block's. */
        final Map<Place, Integer> level = new HashMap<>();
        int depth;

        /** {@return what is known on entering a block nested in this one} */
        Known copy() {
            var k = new Known();
            at.forEach((b, m) -> k.at.put(b, new HashMap<>(m)));
            k.holder.putAll(holder);
            readers.forEach((b, l) -> k.readers.put(b, new ArrayList<>(l)));
            k.bufs.or(bufs);
            k.level.putAll(level);
            k.depth = depth + 1;
            return k;
        }

        E get(Buf b, Ix ix) {
            Map<Ix, E> m = at.get(b);
            return m == null ? null : m.get(ix);
        }

        void put(Buf b, Ix ix, E e) {
            at.computeIfAbsent(b, x -> new HashMap<>()).put(ix, e);
            level.put(new Place(b, ix), depth);
            if (ix.isConst()) holder.putIfAbsent(e, new Place(b, ix));
            for (int r = e.reads.nextSetBit(0); r >= 0; r = e.reads.nextSetBit(r + 1))
                readers.computeIfAbsent(r, x -> new ArrayList<>()).add(new Place(b, ix));
            bufs.set(b.id);
        }

        private void remove(Buf b, Ix ix) {
            Map<Ix, E> m = at.get(b);
            if (m == null) return;
            E e = m.remove(ix);
            level.remove(new Place(b, ix));
            if (e == null) return;
            Place h = holder.get(e);
            if (h != null && h.b() == b && h.ix().equals(ix)) holder.remove(e);
            if (m.isEmpty()) { at.remove(b); bufs.clear(b.id); }
        }

        /** Forgets the places of b, and the values that read b. */
        private void forget(Buf b) {
            Map<Ix, E> m = at.get(b);
            if (m != null) for (Ix ix : List.copyOf(m.keySet())) remove(b, ix);
            forgetReaders(b);
        }

        private void forgetReaders(Buf b) { forgetReaders(b, null); }

        /** Forgets the values that read {@code b[ix]}, or any place of b when ix is null or not constant. */
        private void forgetReaders(Buf b, Ix ix) {
            List<Place> rs = readers.get(b.id);
            if (rs == null) return;
            var kept = new ArrayList<Place>();
            for (Place p : rs) {
                E e = get(p.b(), p.ix());
                if (e == null || !e.reads.get(b.id)) continue;
                if (ix != null && ix.isConst() && !readsPlace(e, b, ix)) { kept.add(p); continue; }
                remove(p.b(), p.ix());
            }
            if (kept.isEmpty()) readers.remove(b.id); else readers.put(b.id, kept);
        }

        /** {@return whether e may read {@code b[ix]}, ix constant: it loads b there, or at a place that is not constant} */
        private static boolean readsPlace(E e, Buf b, Ix ix) {
            return e.reads.get(b.id) && readsPlace(e, b, ix, new IdentityHashMap<>());
        }

        private static boolean readsPlace(E e, Buf b, Ix ix, Map<E, Boolean> seen) {
            if (!e.reads.get(b.id) || seen.put(e, Boolean.TRUE) != null) return false;
            if (e instanceof Ir.Load l) return l.b == b && (!l.ix.isConst() || l.ix.equals(ix));
            for (E kid : e.kids()) if (readsPlace(kid, b, ix, seen)) return true;
            return false;
        }

        /** Forgets what a write of the buffers in w (anywhere in them) makes stale. @param bs every buffer */
        void written(BitSet w, List<Buf> bs) {
            for (int i = w.nextSetBit(0); i >= 0; i = w.nextSetBit(i + 1)) forget(bs.get(i));
        }

        /** Forgets what a store to {@code b[ix]} makes stale: that place, the places of b it may be, and values that read b. */
        void stored(Buf b, Ix ix) {
            Map<Ix, E> m = at.get(b);
            if (m != null) {
                if (ix.isConst()) {
                    remove(b, ix);
                    m = at.get(b);
                    if (m != null) for (Ix other : List.copyOf(m.keySet())) if (!other.isConst()) remove(b, other);
                } else {
                    for (Ix other : List.copyOf(m.keySet())) remove(b, other);
                }
            }
            forgetReaders(b, ix);
        }
    }

    private record Place(Buf b, Ix ix) {}

    private List<S> block(List<S> list, Known k) {
        var out = new ArrayList<S>(list.size());
        for (S s : list) out.add(stmt(s, k));
        return out;
    }

    private S stmt(S s, Known k) {
        return switch (s) {
            case Ir.Store st -> {
                E e = read(st.e(), k);
                k.stored(st.b(), st.ix());
                if (!e.reads.get(st.b().id)) k.put(st.b(), st.ix(), e);
                yield e == st.e() ? st : new Ir.Store(st.b(), st.ix(), e);
            }
            case Ir.Loop l -> {
                k.written(writes(s), ir.bufs);
                List<S> body = block(l.body(), k.copy());
                yield new Ir.Loop(l.v(), body);
            }
            case Ir.If i -> {
                E t = read(i.t(), k);
                List<S> yes = block(i.yes(), k.copy()), no = block(i.no(), k.copy());
                k.written(writes(s), ir.bufs);
                yield new Ir.If(t, yes, no);
            }
            case Ir.While w -> {
                k.written(writes(s), ir.bufs);
                Known inside = k.copy();
                List<S> test = block(w.test(), inside);
                E t = read(w.t(), inside);
                List<S> body = block(w.body(), inside.copy());
                yield new Ir.While(test, t, body, w.max(), w.what());
            }
            case Ir.Call c -> { k.written(writes(s), ir.bufs); yield c; }
            case Ir.Copy c -> {
                var from = new E[c.n()];
                if (c.fromOff().isConst() && c.toOff().isConst() && c.n() <= COPIED)
                    for (int i = 0; i < c.n(); i++) {
                        Ix ix = c.fromOff().plus(i);
                        E e = k.get(c.from(), ix);
                        from[i] = e != null ? e : ir.load(c.from(), ix);
                    }
                k.written(writes(s), ir.bufs);
                if (c.fromOff().isConst() && c.toOff().isConst() && c.n() <= COPIED && c.from() != c.to())
                    for (int i = 0; i < c.n(); i++) if (!from[i].reads.get(c.to().id)) k.put(c.to(), c.toOff().plus(i), from[i]);
                yield c;
            }
        };
    }

    private static BitSet writes(S s) {
        var w = new BitSet();
        Ir.writes(s, w);
        return w;
    }

    /**
     * {@return e with each load of a place whose value is known replaced by that value when it is
     * cheap, and each larger value that a place holds replaced by a load of that place}
     */
    private E read(E e, Known k) {
        if (k.at.isEmpty()) return e;
        return read(e, k, new IdentityHashMap<>());
    }

    private E read(E e, Known k, Map<E, E> memo) {
        // cheap arithmetic that reads no buffer with an entry has nothing to forward, and places hold no such value
        boolean cheap = cheap(e);
        if (cheap && !e.reads.intersects(k.bufs)) return e;
        E done = memo.get(e);
        if (done != null) return done;
        E r;
        Place p = cheap ? null : k.holder.get(e);
        if (inBlock(k, p)) p = null;
        if (p != null) r = ir.load(p.b(), p.ix());
        else if (e instanceof Ir.Load l) {
            E v = k.get(l.b, l.ix);
            Place h = v == null || cheap(v) ? null : k.holder.get(v);
            r = v == null ? l : cheap(v) || inBlock(k, new Place(l.b, l.ix)) ? v : h == null ? l : ir.load(h.b(), h.ix());
        } else r = ir.rebuilt(e, x -> read(x, k, memo));
        if (r != e && !cheap(r)) {
            // rebuilt from forwarded parts, it may be a value a place holds
            Place q = k.holder.get(r);
            if (q != null && !inBlock(k, q)) r = ir.load(q.b(), q.ix());
        }
        memo.put(e, r);
        return r;
    }

    /** {@return whether e is arithmetic on loads and constants, small enough to compute again where it is read} */
    static boolean cheap(E e) {
        if (e.weight > CHEAP) return false;
        return switch (e) {
            case Ir.Num n -> true;
            case Ir.Load l -> true;
            case Ir.Pos p -> true;
            case Ir.Bin b -> cheap(b.a) && cheap(b.b);
            case Ir.Un u -> false;
            case Ir.Prim2 p -> false;
            case Ir.Reduce r -> false;
            case Ir.Sel x -> false;
        };
    }
}
