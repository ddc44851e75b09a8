package catad.jit;

import catad.jit.Ir.Buf;
import catad.jit.Ir.E;
import catad.jit.Ir.Ix;
import catad.jit.Ir.S;
import catad.jit.Ir.Term;
import catad.jit.Ir.Var;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an expensive array where it was stored instead of computing it again: after a loop nest
 * {@code for u…: B[ix(u)] = g(u)} whose g is expensive (a transcendental, a user's primitive, a
 * reduction of some size), a later statement of
 * the same block that computes g at some place, {@code g(w)}, loads {@code B[ix(w)]} instead. And a
 * loop {@code for u: B[u] = e} whose e holds both {@code h(u)} and a reduction {@code Σᵥ h(v)} over
 * the same range (a softmax: {@code exp(xᵤ) / Σᵥ exp(xᵥ)}) first stores {@code T[u] = h(u)}, so that
 * both read T.
 *
 * <p>Why: lowering keeps arrays delayed, and the derivative of a log-sum-exp over the components of
 * a mixture uses {@code exp(βₖ − max β)} three times — in the sum, in the softmax it stores, and in
 * the softmax's sum in the cotangent of the max — each a loop of its own over k, each with its own
 * variable, so hash-consing cannot see that they are the same numbers. GradBench gmm's gradient
 * evaluated three exponentials a point and component where its primal evaluates one (d = 2, k = 50:
 * 150,000 exponentials a call for 50,000).
 *
 * <p>How a later {@code g(w)} is found: g loads some buffer A at an index that is a mixed radix of
 * the nest's variables (an anchor); every load of A in the later statements names a place, which
 * determines the variables ({@link Recompute#split}); g at those values, built by substitution and
 * interned, either is a node of the later statements or is not. Only the statements that follow
 * the nest in its block, up to the first that writes B or a buffer g reads, are rewritten: there B
 * holds g's value at every place the nest wrote, computed from the same numbers — the same bits.
 */
final class Reuse {
    private Reuse() {}

    /** At most this many rewrites in one program. */
    private static final int MAX_REUSES = 1024;

    /** {@return the statements with expensive stored arrays read where they are computed again} @param ir the builder @param body the program */
    static List<S> run(Ir.Builder ir, List<S> body) {
        return block(ir, body, new int[] {MAX_REUSES});
    }

    private static List<S> block(Ir.Builder ir, List<S> stmts, int[] budget) {
        var out = new ArrayList<S>(stmts.size());
        for (S s : stmts) out.add(inner(ir, s, budget));
        for (int t = 0; t < out.size() && budget[0] > 0; t++) {
            if (reuse(ir, out, t)) budget[0]--;
            S softmax = split(ir, out.get(t));
            if (softmax == null) continue;
            out.add(t, softmax);   // T's loop, then the loop that reads it
            if (reuse(ir, out, t)) budget[0]--;
            t++;
        }
        return out;
    }

    private static S inner(Ir.Builder ir, S s, int[] budget) {
        return switch (s) {
            case Ir.Loop l -> new Ir.Loop(l.v(), block(ir, l.body(), budget));
            case Ir.If i -> new Ir.If(i.t(), block(ir, i.yes(), budget), block(ir, i.no(), budget));
            case Ir.While w -> new Ir.While(w.test(), w.t(), block(ir, w.body(), budget), w.max(), w.what());
            case Ir.Store st -> st;
            case Ir.Call c -> c;
            case Ir.Copy c -> c;
        };
    }

    /**
     * {@return whether e costs more to compute than to load}: some node of it is worth a buffer of
     * its own by {@link Share#candidate} (a transcendental or a user's primitive, a reduction of
     * some size, a long chain of arithmetic) — what {@link Recompute} would not compute again
     */
    static boolean expensive(E e) {
        for (E x : nodes(e)) if (Share.candidate(x)) return true;
        return false;
    }

    /** A perfect loop nest around one store. */
    private record Nest(List<Var> vars, Ir.Store st) {}

    private static Nest nest(S s) {
        var vars = new ArrayList<Var>();
        while (s instanceof Ir.Loop l && l.body().size() == 1) {
            vars.add(l.v());
            s = l.body().get(0);
        }
        return !vars.isEmpty() && s instanceof Ir.Store st ? new Nest(vars, st) : null;
    }

    /**
     * {@return a loop {@code for u': T[u'] = h(u')} to put before s, or null}: s is {@code for u: B[…] = e}
     * with e holding a reduction over u's range of an expensive h that does not depend on u, and
     * {@code h(u)} itself (T is a new workspace array; {@link #reuse} then has both read it)
     */
    private static S split(Ir.Builder ir, S s) {
        if (!(s instanceof Ir.Loop l) || l.body().size() != 1 || !(l.body().get(0) instanceof Ir.Store st)) return null;
        Var u = l.v();
        if (u.n == 0) return null;
        var nodes = nodes(st.e());
        for (E x : nodes) {
            if (!(x instanceof Ir.Reduce r) || r.v.n != u.n || r.vars.get(u.id) || r.body.reads.get(st.b().id) || !expensive(r.body)) continue;
            if (!nodes.contains(ir.subst(r.body, r.v, Ix.of(u)))) continue;
            Var v = ir.var(u.n);
            Buf t = ir.buf(Ir.Kind.WS, u.n, null);
            return new Ir.Loop(v, List.of(new Ir.Store(t, Ix.of(v), ir.subst(r.body, r.v, Ix.of(v)))));
        }
        return null;
    }

    /** {@return whether the statements after {@code stmts[t]} were rewritten to load what it stores} (in place) */
    private static boolean reuse(Ir.Builder ir, List<S> stmts, int t) {
        Nest n = nest(stmts.get(t));
        if (n == null) return false;
        Ir.Store st = n.st();
        Buf b = st.b();
        E g = st.e();
        if (b.kind != Ir.Kind.WS || g.reads.get(b.id) || !expensive(g)) return false;
        if (Recompute.digits(st.ix(), n.vars()) == null || st.ix().terms().size() != n.vars().size()) return false;
        Ir.Load anchor = anchor(g, n.vars());
        if (anchor == null) return false;
        List<Term> digits = Recompute.digits(anchor.ix, n.vars());   // not null: anchor checked it
        // the statements after t up to the first that writes b or what g reads
        var guarded = (BitSet) g.reads.clone();
        guarded.set(b.id);
        int end = t + 1;
        for (; end < stmts.size(); end++) {
            var w = new BitSet();
            Ir.writes(stmts.get(end), w);
            if (w.intersects(guarded)) break;
        }
        if (end == t + 1) return false;
        var a = new BitSet();
        a.set(anchor.b.id);
        Set<E> later = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = t + 1; i < end; i++) collect(stmts.get(i), a, later);
        Map<E, E> by = new HashMap<>();
        for (E x : later) {
            if (!(x instanceof Ir.Load ld) || ld.b != anchor.b) continue;
            Map<Var, Ix> at = Recompute.split(anchor.ix, digits, ld.ix);
            if (at == null) continue;
            E again = g;
            Ix place = st.ix();
            for (Var v : n.vars()) {
                again = ir.subst(again, v, at.get(v));
                place = place.subst(v, at.get(v));
            }
            if (later.contains(again)) by.put(again, ir.load(b, place));
        }
        if (by.isEmpty()) return false;
        var memo = new IdentityHashMap<E, E>();
        for (int i = t + 1; i < end; i++) stmts.set(i, Recompute.rewrite(ir, stmts.get(i), by::get, a, memo));
        return true;
    }

    /** {@return a load in g of a buffer other than g's own whose index is a mixed radix of all the nest's variables, or null} */
    private static Ir.Load anchor(E g, List<Var> vars) {
        for (E x : nodes(g))
            if (x instanceof Ir.Load ld && ld.ix.terms().size() == vars.size() && Recompute.digits(ld.ix, vars) != null) return ld;
        return null;
    }

    private static Set<E> nodes(E e) {
        Set<E> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        var stack = new ArrayList<E>(List.of(e));
        while (!stack.isEmpty()) {
            E x = stack.removeLast();
            if (seen.add(x)) stack.addAll(x.kids());
        }
        return seen;
    }

    /** Adds the nodes of s's expressions that read a buffer in bufs. */
    private static void collect(S s, BitSet bufs, Set<E> into) {
        switch (s) {
            case Ir.Store st -> reading(st.e(), bufs, into);
            case Ir.Loop l -> { for (S x : l.body()) collect(x, bufs, into); }
            case Ir.If i -> { reading(i.t(), bufs, into); for (S x : i.yes()) collect(x, bufs, into); for (S x : i.no()) collect(x, bufs, into); }
            case Ir.While w -> { reading(w.t(), bufs, into); for (S x : w.test()) collect(x, bufs, into); for (S x : w.body()) collect(x, bufs, into); }
            case Ir.Call c -> { }
            case Ir.Copy c -> { }
        }
    }

    private static void reading(E e, BitSet bufs, Set<E> into) {
        var stack = new ArrayList<E>(List.of(e));
        while (!stack.isEmpty()) {
            E x = stack.removeLast();
            if (x.reads.intersects(bufs) && into.add(x)) stack.addAll(x.kids());
        }
    }
}
