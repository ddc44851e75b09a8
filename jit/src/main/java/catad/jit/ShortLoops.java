package catad.jit;

import catad.jit.Ir.Buf;
import catad.jit.Ir.E;
import catad.jit.Ir.Ix;
import catad.jit.Ir.S;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Writes out the short loops that only fill a scratch array, and reads the array's elements from
 * where they were made, so that the loop around them becomes one expression per iteration.
 *
 * <p>Why: a {@code map} whose body needs statements is lowered as a loop even when it is short —
 * a GMM's four components per point, each with its own shared difference vector. Once the
 * difference vectors' stores are dead (their loads were read through by {@link Forward}), what is
 * left is a loop of four iterations storing four distances, which the rest of the point reads at
 * constant places. Written out, each of the four stores is a constant place, and a load of it is
 * the stored expression itself: every element is computed in the same block as its one reader, so
 * the hash-consed node is computed once, as before. With the scratch array gone, the loop over the
 * points stores one expression per point, and runs on vectors across points (gathers for the
 * points' strided coordinates, see {@code Emit}).
 *
 * <p>Nothing changes a number: the same expressions are evaluated, in the same block, each once.
 * Steps: drop the stores into workspace buffers that nothing reads (anywhere in the program);
 * write out loops of at most {@link #SHORT} iterations of at most {@link #NODES} new nodes whose
 * body stores only into the workspace and holds no reduction; read the written-out places through ({@link Forward} in its
 * block mode, for those buffers only); drop the stores that are dead now.
 */
final class ShortLoops {
    private ShortLoops() {}

    /** Loops of at most this many iterations are written out. */
    static final int SHORT = 8;
    /** … when their iterations together are at most this many nodes that depend on the index. */
    static final int NODES = 256;
    /** … and their body has at most this many nodes in all (loop-invariant ones too). */
    static final int SCANNED = 8192;

    /** {@return the statements with short scratch loops written out and their elements read where they were made} @param ir the builder @param body the statements */
    static List<S> run(Ir.Builder ir, List<S> body) {
        body = dropDead(ir, body);
        var unrolled = new BitSet();
        body = block(ir, body, unrolled);
        if (unrolled.isEmpty()) return body;
        // the written-out arrays, and the other short arrays written at constant places only (a
        // point's scores, read inside the loop just written out)
        var values = constantPlaces(ir, body);
        values.or(unrolled);
        body = Forward.run(ir, body, values);
        return dropDead(ir, body);
    }

    /** {@return the workspace buffers that only stores at constant places write} */
    private static BitSet constantPlaces(Ir.Builder ir, List<S> body) {
        BitSet constant = new BitSet(), other = new BitSet();
        for (S s : body) places(s, constant, other);
        for (Buf b : ir.bufs) if (b.kind != Ir.Kind.WS) other.set(b.id);
        constant.andNot(other);
        return constant;
    }

    private static void places(S s, BitSet constant, BitSet other) {
        switch (s) {
            case Ir.Store st -> (st.ix().isConst() ? constant : other).set(st.b().id);
            case Ir.Loop l -> { for (S t : l.body()) places(t, constant, other); }
            case Ir.If i -> { for (S t : i.yes()) places(t, constant, other); for (S t : i.no()) places(t, constant, other); }
            case Ir.While w -> { for (S t : w.test()) places(t, constant, other); for (S t : w.body()) places(t, constant, other); }
            case Ir.Call c -> Ir.writes(c, other);
            case Ir.Copy c -> Ir.writes(c, other);
        }
    }

    private static List<S> block(Ir.Builder ir, List<S> stmts, BitSet unrolled) {
        var out = new ArrayList<S>(stmts.size());
        for (S s : stmts) {
            switch (s) {
                case Ir.Loop l -> {
                    List<S> kept = block(ir, l.body(), unrolled);
                    List<S> inner = stores(ir, kept);
                    if (inner != null && short_(l.v(), inner)) {
                        for (int c = 0; c < l.v().n; c++)
                            for (S t : inner) {
                                var st = (Ir.Store) t;
                                out.add(new Ir.Store(st.b(), st.ix().subst(l.v(), Ix.of(c)), ir.subst(st.e(), l.v(), Ix.of(c))));
                                unrolled.set(st.b().id);
                            }
                    } else out.add(kept == l.body() ? l : new Ir.Loop(l.v(), kept));
                }
                case Ir.If i -> out.add(new Ir.If(i.t(), block(ir, i.yes(), unrolled), block(ir, i.no(), unrolled)));
                case Ir.While w -> out.add(new Ir.While(w.test(), w.t(), block(ir, w.body(), unrolled), w.max(), w.what()));
                case Ir.Store st -> out.add(st);
                case Ir.Call c -> out.add(c);
                case Ir.Copy c -> out.add(c);
            }
        }
        return sameAs(out, stmts) ? stmts : out;
    }

    /** {@return the statements as stores only, a short copy between workspace buffers as its loads and stores; null if there is anything else} */
    private static List<S> stores(Ir.Builder ir, List<S> stmts) {
        var out = new ArrayList<S>(stmts.size());
        for (S s : stmts) {
            switch (s) {
                case Ir.Store st -> out.add(st);
                case Ir.Copy c when c.n() <= SHORT && c.from().kind == Ir.Kind.WS && c.to().kind == Ir.Kind.WS && c.from() != c.to() -> {
                    for (int i = 0; i < c.n(); i++) out.add(new Ir.Store(c.to(), c.toOff().plus(i), ir.load(c.from(), c.fromOff().plus(i))));
                }
                case Ir.Copy c -> { return null; }
                case Ir.Loop l -> { return null; }
                case Ir.If i -> { return null; }
                case Ir.While w -> { return null; }
                case Ir.Call c -> { return null; }
            }
        }
        return out;
    }

    private static boolean sameAs(List<S> a, List<S> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (a.get(i) != b.get(i)) return false;
        return true;
    }

    /** {@return whether the loop is short, stores only into the workspace, and small when written out} */
    private static boolean short_(Ir.Var v, List<S> body) {
        if (v.n == 0 || v.n > SHORT || body.isEmpty()) return false;
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<E>();
        var writes = new BitSet();
        for (S s : body) {
            if (!(s instanceof Ir.Store st) || st.b().kind != Ir.Kind.WS) return false;
            writes.set(st.b().id);
        }
        // the iterations must not talk through memory: what an iteration reads of what the loop writes
        // is only what the same iteration stored before, at constant places (a scratch array, not a
        // loop's state, whose copies would be one load node read at different times)
        var stored = new java.util.HashSet<Object>();
        for (S s : body) {
            var st = (Ir.Store) s;
            if (st.e().reads.intersects(writes) && !readsOnlyStored(st.e(), writes, stored)) return false;
            if (st.ix().isConst()) stored.add(java.util.List.of(st.b(), st.ix()));
            stack.add(st.e());
        }
        // a reduction inside would be written once per iteration over one and the same index of its
        // own, whatever it depends on; a loop without one is plain arithmetic, copied as it is
        long limit = NODES / v.n;
        int dependent = 0;
        while (!stack.isEmpty()) {
            E e = stack.removeLast();
            if (!seen.add(e)) continue;
            if (e instanceof Ir.Reduce || seen.size() > SCANNED) return false;
            if (e.vars.get(v.id) && ++dependent > limit) return false;
            stack.addAll(e.kids());
        }
        return true;
    }

    /** {@return whether every load in e of a buffer in {@code writes} is of a place in {@code stored}} */
    private static boolean readsOnlyStored(E e, BitSet writes, java.util.Set<Object> stored) {
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<E>(List.of(e));
        while (!stack.isEmpty()) {
            E x = stack.removeLast();
            if (!x.reads.intersects(writes) || !seen.add(x)) continue;
            if (x instanceof Ir.Load ld && writes.get(ld.b.id) && !stored.contains(List.of(ld.b, ld.ix))) return false;
            stack.addAll(x.kids());
        }
        return true;
    }

    // ---------------------------------------------------------------- dead stores

    /** {@return the statements without the stores into workspace buffers that nothing in the program reads, and the loops left empty} */
    static List<S> dropDead(Ir.Builder ir, List<S> body) {
        for (int round = 0; round < 8; round++) {
            var read = new BitSet();
            for (S s : body) Ir.reads(s, read);
            var dead = new BitSet();
            for (Buf b : ir.bufs) if (b.kind == Ir.Kind.WS && !read.get(b.id)) dead.set(b.id);
            var written = new BitSet();
            for (S s : body) Ir.writes(s, written);
            dead.and(written);
            if (dead.isEmpty()) return body;
            body = drop(body, dead);
        }
        return body;
    }

    private static List<S> drop(List<S> stmts, BitSet dead) {
        return Ir.keep(stmts, s -> !dead.get(s instanceof Ir.Store st ? st.b().id : ((Ir.Copy) s).to().id));
    }
}
