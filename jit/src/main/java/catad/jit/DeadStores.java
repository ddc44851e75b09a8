package catad.jit;

import catad.jit.Ir.Buf;
import catad.jit.Ir.E;
import catad.jit.Ir.Ix;
import catad.jit.Ir.S;
import catad.jit.Ir.Term;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drops the stores (and copies) into workspace places that nothing ever reads.
 *
 * <p>Why: a gradient with respect to some inputs only is computed as the whole gradient and then
 * cut. What is cut away is dead, and {@link ShortLoops#dropDead} drops it when it is a buffer of its
 * own; when it is a region of a buffer whose other regions are read, its stores stayed. GradBench's
 * gmm gradient (the parameters only) zeroed the points' cotangent in each component's block of the
 * whole gradient — 20,000 numbers per component at d = 20, 4 MB of stores per call at k = 25 —
 * and read only the 420 numbers of ∂Q and ∂μ beside them.
 *
 * <p>How: the places of each workspace buffer that any load, copy or call may read are enumerated,
 * over every value of their indices' loop variables (a superset of what runs); a store or copy into
 * a workspace buffer none of whose places is among them is dropped, and loops left empty with it.
 * Nothing that is read changes, so no number does. Buffers read by a call (which may read any of
 * its input) and places too many to enumerate are kept whole.
 */
final class DeadStores {
    private DeadStores() {}

    /** Enumerating the places of a buffer's reads, or of one store, stops (and everything is kept) beyond this many. */
    private static final long MAX_PLACES = 1 << 24;

    /** {@return the statements without the stores and copies into workspace places nothing reads} @param ir the builder @param body the program */
    static List<S> run(Ir.Builder ir, List<S> body) {
        for (int round = 0; round < 4; round++) {
            var read = new Reads();   // a fresh budget each round
            for (S s : body) read.statement(s);
            int[] dropped = {0};
            body = drop(body, read, dropped);
            if (dropped[0] == 0) break;
        }
        return body;
    }

    /** The places read, per workspace buffer; a buffer in {@code whole} is taken as read everywhere. */
    private static final class Reads {
        final Map<Buf, BitSet> places = new HashMap<>();
        final BitSet whole = new BitSet();
        final Map<E, Boolean> seen = new IdentityHashMap<>();

        void statement(S s) {
            switch (s) {
                case Ir.Store st -> expr(st.e());
                case Ir.Loop l -> { for (S t : l.body()) statement(t); }
                case Ir.If i -> { expr(i.t()); for (S t : i.yes()) statement(t); for (S t : i.no()) statement(t); }
                case Ir.While w -> { expr(w.t()); for (S t : w.test()) statement(t); for (S t : w.body()) statement(t); }
                case Ir.Call c -> whole.set(c.in().id);
                case Ir.Copy c -> mark(c.from(), c.fromOff(), c.n());
            }
        }

        void expr(E e) {
            var stack = new ArrayList<E>(List.of(e));
            while (!stack.isEmpty()) {
                E x = stack.removeLast();
                if (x.reads.isEmpty() || seen.put(x, Boolean.TRUE) != null) continue;
                if (x instanceof Ir.Load ld) mark(ld.b, ld.ix, 1);
                stack.addAll(x.kids());
            }
        }

        void mark(Buf b, Ix ix, int len) {
            if (b.kind != Ir.Kind.WS || whole.get(b.id)) return;
            BitSet p = places.computeIfAbsent(b, k -> new BitSet(b.size));
            if (!affordable(ix, len) || !each(ix, len, at -> { if (at >= 0 && at < b.size) p.set((int) at); return true; })) whole.set(b.id);
        }

        /** {@return whether a place of {@code ix + [0, len)} may be read}: true when one is, or when there are too many to look */
        boolean anyRead(Buf b, Ix ix, int len) {
            if (b.kind != Ir.Kind.WS || whole.get(b.id)) return true;
            BitSet p = places.get(b);
            if (p == null) return false;
            if (!affordable(ix, len)) return true;
            return !each(ix, len, at -> at >= 0 && at < b.size && !p.get((int) at));
        }

        /** The places all enumerations together may visit; past it, buffers are kept whole. */
        private long budget = 1L << 26;

        private boolean affordable(Ix ix, int len) {
            long count = places(ix, len);
            if (count > MAX_PLACES || count > budget) return false;
            budget -= count;
            return true;
        }
    }

    /** {@return how many places {@code ix + [0, len)} has over every value of its variables, or more than {@link #MAX_PLACES}} */
    private static long places(Ix ix, int len) {
        long count = len;
        for (Term t : ix.terms()) {
            count *= t.v().n;
            if (count > MAX_PLACES) return MAX_PLACES + 1;
        }
        return count;
    }

    /** A place visitor that returns false to stop. */
    private interface Place { boolean at(long place); }

    /** Visits every place of {@code ix + [0, len)} over every value of ix's variables; {@return false if the visitor stopped} */
    private static boolean each(Ix ix, int len, Place visit) {
        return each(ix.terms(), 0, ix.c(), len, visit);
    }

    private static boolean each(List<Term> terms, int k, long base, int len, Place visit) {
        if (k == terms.size()) {
            for (int j = 0; j < len; j++) if (!visit.at(base + j)) return false;
            return true;
        }
        Term t = terms.get(k);
        for (int u = 0; u < t.v().n; u++) if (!each(terms, k + 1, base + (long) t.a() * u, len, visit)) return false;
        return true;
    }

    private static List<S> drop(List<S> stmts, Reads read, int[] dropped) {
        return Ir.keep(stmts, s -> {
            boolean kept = s instanceof Ir.Store st ? read.anyRead(st.b(), st.ix(), 1) : read.anyRead(((Ir.Copy) s).to(), ((Ir.Copy) s).toOff(), ((Ir.Copy) s).n());
            if (!kept) dropped[0]++;
            return kept;
        });
    }
}
