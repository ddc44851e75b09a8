package catad.jit;

import catad.jit.Ir.Buf;
import catad.jit.Ir.Ix;
import catad.jit.Ir.S;
import catad.jit.Ir.Term;
import catad.jit.Ir.Var;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Stores values straight where a later copy would move them, and drops the copy.
 *
 * <p>Why: a loop over points that computes a cotangent per point stores it in a workspace buffer
 * laid out like the point's whole cotangent (for a GMM's gradient, 44 numbers a point, of which
 * {@link Accumulate} leaves only the point's own 8 stored), and a copy loop then moves each point's
 * 8 numbers into the output. At 125,000 points that is 16 MB of workspace written sparsely and read
 * back, for 8 MB of output. Here the stores write the output directly.
 *
 * <p>The pattern, at the top level of the program: a loop {@code for u < N: to[b·u + d0 …] =
 * from[a·u + c0 …] (m)} (one copy, segments of m that overlap neither in {@code from} nor in
 * {@code to}: a, b ≥ m), where {@code from} is a workspace buffer that nothing else reads, and every
 * store into it, in loops before the copy, writes places of copied segments: {@code a·u + c0 + j}
 * with u (the segment) made of its index's terms that step by multiples of a and j (the place in
 * the segment, below m) of the others. Each such store becomes a store of the same value at
 * {@code b·u + d0 + j} in {@code to}. It is the same computation provided the stores
 * together write every copied place (checked by enumerating them), and no statement from the first
 * store to the copy reads or writes the copy's target places otherwise (so they hold the same
 * numbers when the copy would have run, and nothing saw them in between; other places of
 * {@code to}, as a gradient's other parts, may be written meanwhile).
 */
final class Copies {
    private Copies() {}

    /** Enumerating the places the stores write stops (and the copy stays) beyond this many. */
    private static final int MAX_PLACES = 1 << 24;

    /** {@return the statements, with copies whose source can be written in place rewritten} @param ir the builder @param body the program */
    static List<S> run(Ir.Builder ir, List<S> body) {
        for (int round = 0; round < 16; round++) {
            List<S> next = once(ir, body);
            if (next == null) break;
            body = next;
        }
        return body;
    }

    /** A copy loop {@code for u < n: to[b·u + d0 …] = from[a·u + c0 …] (m)}. */
    private record Move(Buf from, Buf to, int a, int c0, int b, int d0, int m, int n) {}

    private static List<S> once(Ir.Builder ir, List<S> body) {
        for (int c = 0; c < body.size(); c++) {
            Move mv = move(body.get(c));
            if (mv == null) continue;
            List<S> rewritten = rewrite(body, c, mv);
            if (rewritten != null) return rewritten;
        }
        return null;
    }

    private static Move move(S s) {
        if (!(s instanceof Ir.Loop l) || l.body().size() != 1 || !(l.body().get(0) instanceof Ir.Copy cp)) return null;
        Var u = l.v();
        if (cp.from().kind != Ir.Kind.WS || cp.to().kind == Ir.Kind.CONST || cp.to().kind == Ir.Kind.IN || cp.from() == cp.to()) return null;
        if (cp.fromOff().terms().size() != 1 || cp.toOff().terms().size() != 1) return null;
        if (cp.fromOff().coeff(u) < cp.n() || cp.toOff().coeff(u) < cp.n() || (long) u.n * cp.n() > MAX_PLACES) return null;
        return new Move(cp.from(), cp.to(), cp.fromOff().coeff(u), cp.fromOff().c(), cp.toOff().coeff(u), cp.toOff().c(), cp.n(), u.n);
    }

    /** {@return body with the stores into mv.from before statement c moved to mv.to and c dropped, or null when it does not apply} */
    private static List<S> rewrite(List<S> body, int c, Move mv) {
        int first = -1;
        for (int i = 0; i < body.size(); i++) {
            if (i == c) continue;
            var r = new BitSet();
            Ir.reads(body.get(i), r);
            if (r.get(mv.from().id)) return null;   // read elsewhere
            var w = new BitSet();
            Ir.writes(body.get(i), w);
            if (w.get(mv.from().id)) {
                if (i > c) return null;
                if (first < 0) first = i;
            }
        }
        if (first < 0) return null;
        // the copy's target places: [d0, d0 + b·(n − 1) + m)
        long lo = mv.d0(), hi = mv.d0() + (long) mv.b() * (mv.n() - 1) + mv.m();
        for (int i = first; i < c; i++) if (touches(body.get(i), mv.to(), lo, hi)) return null;
        var covered = new BitSet();
        long[] count = {0};
        var out = new ArrayList<S>(body.size() - 1);
        for (int i = 0; i < body.size(); i++) {
            if (i == c) continue;
            S s = body.get(i);
            if (i >= first && i < c) {
                s = moved(s, mv, new ArrayList<>(), covered, count);
                if (s == null) return null;
            }
            out.add(s);
        }
        if (covered.cardinality() != (long) mv.n() * mv.m()) return null;   // a copied place no store writes
        return out;
    }

    /** {@return s with its stores into mv.from moved, or null when one cannot be}; records the places written in covered */
    private static S moved(S s, Move mv, List<Var> around, BitSet covered, long[] count) {
        return switch (s) {
            case Ir.Store st -> {
                if (st.b() != mv.from()) yield st;
                Ix to = target(st.ix(), mv, around, covered, count);
                yield to == null ? null : new Ir.Store(mv.to(), to, st.e());
            }
            case Ir.Loop l -> {
                around.add(l.v());
                var body = new ArrayList<S>();
                for (S t : l.body()) {
                    S m = moved(t, mv, around, covered, count);
                    if (m == null) { around.removeLast(); yield null; }
                    body.add(m);
                }
                around.removeLast();
                yield new Ir.Loop(l.v(), body);
            }
            // stores under a branch or in a while loop may not run: their places are not certain
            case Ir.If i -> writesInto(s, mv.from()) ? null : s;
            case Ir.While w -> writesInto(s, mv.from()) ? null : s;
            case Ir.Call k -> k.out() == mv.from() ? null : s;
            case Ir.Copy k -> k.to() == mv.from() ? null : s;
        };
    }

    /** {@return whether s may read or write a place of b in [lo, hi)} */
    private static boolean touches(S s, Buf b, long lo, long hi) {
        return switch (s) {
            case Ir.Store st -> st.b() == b && meets(st.ix(), 1, lo, hi) || reads(st.e(), b, lo, hi);
            case Ir.Loop l -> l.body().stream().anyMatch(t -> touches(t, b, lo, hi));
            case Ir.If i -> reads(i.t(), b, lo, hi) || i.yes().stream().anyMatch(t -> touches(t, b, lo, hi))
                    || i.no().stream().anyMatch(t -> touches(t, b, lo, hi));
            case Ir.While w -> reads(w.t(), b, lo, hi) || w.test().stream().anyMatch(t -> touches(t, b, lo, hi))
                    || w.body().stream().anyMatch(t -> touches(t, b, lo, hi));
            case Ir.Call k -> k.in() == b || k.out() == b;
            case Ir.Copy k -> k.from() == b && meets(k.fromOff(), k.n(), lo, hi) || k.to() == b && meets(k.toOff(), k.n(), lo, hi);
        };
    }

    /** {@return whether e may load a place of b in [lo, hi)} */
    private static boolean reads(Ir.E e, Buf b, long lo, long hi) {
        if (!e.reads.get(b.id)) return false;
        var seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<Ir.E, Boolean>());
        var stack = new ArrayList<Ir.E>(List.of(e));
        while (!stack.isEmpty()) {
            Ir.E x = stack.removeLast();
            if (!x.reads.get(b.id) || !seen.add(x)) continue;
            if (x instanceof Ir.Load ld && ld.b == b && meets(ld.ix, 1, lo, hi)) return true;
            stack.addAll(x.kids());
        }
        return false;
    }

    /** {@return whether the places {@code ix + [0, len)}, over every value of ix's variables, meet [lo, hi)} */
    private static boolean meets(Ix ix, int len, long lo, long hi) {
        long min = ix.c(), max = ix.c();
        for (Term t : ix.terms()) {
            long span = (long) t.a() * (t.v().n - 1);
            if (span > 0) max += span; else min += span;
        }
        return min < hi && max + len > lo;
    }

    private static boolean writesInto(S s, Buf b) {
        var w = new BitSet();
        Ir.writes(s, w);
        return w.get(b.id);
    }

    /**
     * {@return the index in mv.to of a store at ix in mv.from, or null}: ix is {@code a·u + c0 + j},
     * u made of the index's terms that step by multiples of a (within {@code [0, n)}), j of the others
     * and the constant (within {@code [0, m)}), for every value of the loop indices — a place's
     * segment and its place in the segment, which the target keeps; the places it writes are added
     * to covered
     */
    private static Ix target(Ix ix, Move mv, List<Var> around, BitSet covered, long[] count) {
        int a = mv.a();
        for (Term t : ix.terms()) if (!around.contains(t.v())) return null;
        int rest = ix.c() - mv.c0();
        int q = Math.floorDiv(rest, a), j0 = rest - q * a;
        List<Term> terms = ix.terms();
        long places = 1;
        for (Term t : terms) places *= t.v().n;
        count[0] += places;
        if (count[0] > MAX_PLACES) return null;
        int[] at = new int[terms.size()];
        while (true) {
            long u = q, j = j0;
            for (int k = 0; k < at.length; k++) {
                int c = terms.get(k).a();
                if (c % a == 0) u += (long) (c / a) * at[k];
                else j += (long) c * at[k];
            }
            if (u < 0 || u >= mv.n() || j < 0 || j >= mv.m()) return null;
            covered.set((int) (u * mv.m() + j));
            int k = 0;
            while (k < at.length && ++at[k] == terms.get(k).v().n) at[k++] = 0;
            if (k == at.length) break;
        }
        var to = new ArrayList<Term>();
        for (Term t : terms) to.add(t.a() % a == 0 ? new Term(t.v(), t.a() / a * mv.b()) : t);
        return new Ix(mv.b() * q + mv.d0() + j0, List.copyOf(to));
    }
}
