package catad.jit;

import catad.jit.Ir.Buf;
import catad.jit.Ir.E;
import catad.jit.Ir.Ix;
import catad.jit.Ir.S;
import catad.jit.Ir.Term;
import catad.jit.Ir.Var;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes a cheap array where it is read instead of storing it: a workspace array written by one
 * store, {@code B[ix(v₁ … vₘ)] = e(v₁ … vₘ)} in a loop nest, whose every load comes in a later
 * top-level statement, has each load {@code B[ix']} replaced by e at the indices that ix' names.
 *
 * <p>Why: a reverse pass materializes cotangents that are cheap elementwise arithmetic on values
 * already in memory — GradBench gmm's {@code G = 2·w·(Qx − Qμ)}, 500,000 numbers at 20_25_1000 —
 * and then reads them back in two places (∂Q's sum over the points and ΣG): a pass that writes 4 MB
 * and two that read it. Computed where it is read, G costs a few multiplications on numbers those
 * passes are near anyway, and the array is gone.
 *
 * <p>When: e is at most {@link #CHEAP} distinct nodes of additions, multiplications, selections,
 * constants and loads (no reduction, and no call: a transcendental or a user's primitive is not
 * cheap), and depends only on the store's index variables; the index is a mixed radix of those
 * variables (each place written once: the coefficients, largest first, each at least the next
 * one's span); nothing else writes B; no load of B is in the store's own top-level statement or
 * before it, and no copy or call reads B; no statement from there on writes a buffer e reads; and
 * each load's index splits into the store's digits exactly, every digit within its variable's
 * range. Then the load reads the very value the store would have put there, computed from the same
 * numbers: the same bits.
 */
final class Recompute {
    private Recompute() {}

    /** Expressions of up to this many distinct nodes are computed where they are read. */
    static final int CHEAP = 7;

    /** At most this many arrays are computed where they are read, in one program. */
    private static final int MAX_INLINED = 256;

    /** {@return the statements with cheap stored arrays computed where they are read} @param ir the builder @param body the program */
    static List<S> run(Ir.Builder ir, List<S> body) {
        body = new ArrayList<>(body);
        for (int done = 0; done < MAX_INLINED; done++) {
            List<S> next = once(ir, body);
            if (next == null) break;
            body = next;
        }
        return body;
    }

    /** {@return the program with the first array that can be computed where it is read so computed, or null if none can} */
    private static List<S> once(Ir.Builder ir, List<S> body) {
        var facts = new Facts(body);
        for (int t = 0; t < body.size(); t++) {
            for (Found f : stores(body.get(t))) {
                List<S> next = inline(ir, body, t, f, facts);
                if (next != null) return next;
            }
        }
        return null;
    }

    /**
     * Per top-level statement, what is known without looking again: the buffers read up to it, those
     * written from it on, those copied or called on after it, and how many statements write each
     * buffer (a copy or a call counts twice: it is never the one store).
     */
    private static final class Facts {
        final BitSet[] readUpTo, writtenFrom, movedAfter;
        final Map<Integer, Integer> writers = new HashMap<>();

        Facts(List<S> body) {
            int n = body.size();
            readUpTo = new BitSet[n];
            writtenFrom = new BitSet[n + 1];
            movedAfter = new BitSet[n + 1];
            var r = new BitSet();
            for (int i = 0; i < n; i++) {
                Ir.reads(body.get(i), r);
                readUpTo[i] = (BitSet) r.clone();
                count(body.get(i));
            }
            writtenFrom[n] = new BitSet();
            movedAfter[n] = new BitSet();
            for (int i = n - 1; i >= 0; i--) {
                writtenFrom[i] = (BitSet) writtenFrom[i + 1].clone();
                Ir.writes(body.get(i), writtenFrom[i]);
                movedAfter[i] = (BitSet) movedAfter[i + 1].clone();
                if (i + 1 < n) moved(body.get(i + 1), movedAfter[i]);
            }
        }

        private void count(S s) {
            switch (s) {
                case Ir.Store st -> writers.merge(st.b().id, 1, Integer::sum);
                case Ir.Loop l -> { for (S t : l.body()) count(t); }
                case Ir.If i -> { for (S t : i.yes()) count(t); for (S t : i.no()) count(t); }
                case Ir.While w -> { for (S t : w.test()) count(t); for (S t : w.body()) count(t); }
                case Ir.Call c -> writers.merge(c.out().id, 2, Integer::sum);
                case Ir.Copy c -> writers.merge(c.to().id, 2, Integer::sum);
            }
        }

        /** Adds the buffers s copies from or calls a kernel on: reads no load can stand for. */
        private static void moved(S s, BitSet into) {
            switch (s) {
                case Ir.Store st -> { }
                case Ir.Loop l -> { for (S t : l.body()) moved(t, into); }
                case Ir.If i -> { for (S t : i.yes()) moved(t, into); for (S t : i.no()) moved(t, into); }
                case Ir.While w -> { for (S t : w.test()) moved(t, into); for (S t : w.body()) moved(t, into); }
                case Ir.Call c -> into.set(c.in().id);
                case Ir.Copy c -> into.set(c.from().id);
            }
        }
    }

    /** A store and the variables of the loops around it (within its top-level statement). */
    private record Found(Ir.Store st, List<Var> around) {}

    private static List<Found> stores(S s) {
        var out = new ArrayList<Found>();
        collect(s, new ArrayList<>(), out);
        return out;
    }

    private static void collect(S s, List<Var> around, List<Found> out) {
        switch (s) {
            case Ir.Store st -> { if (st.b().kind == Ir.Kind.WS) out.add(new Found(st, List.copyOf(around))); }
            case Ir.Loop l -> {
                around.add(l.v());
                for (S t : l.body()) collect(t, around, out);
                around.removeLast();
            }
            // under a branch or a while loop a store may not run
            case Ir.If i -> { }
            case Ir.While w -> { }
            case Ir.Call c -> { }
            case Ir.Copy c -> { }
        }
    }

    /** {@return body with f's array computed at its loads and f's store gone, or null when it does not apply} */
    private static List<S> inline(Ir.Builder ir, List<S> body, int t, Found f, Facts facts) {
        Ir.Store st = f.st();
        Buf b = st.b();
        E e = st.e();
        if (!cheap(e)) return null;
        // e depends on the index's variables only, and the index is a mixed radix of them
        var ixVars = new BitSet();
        for (Term term : st.ix().terms()) ixVars.set(term.v().id);
        var extra = (BitSet) e.vars.clone();
        extra.andNot(ixVars);
        if (!extra.isEmpty()) return null;
        List<Term> digits = digits(st.ix(), f.around());
        if (digits == null) return null;
        // one store writes b; no load of b up to and including statement t; no copy or call reads b after
        // it; nothing from t on writes what e reads
        if (facts.writers.getOrDefault(b.id, 0) != 1 || facts.readUpTo[t].get(b.id) || facts.movedAfter[t].get(b.id)
                || facts.writtenFrom[t].intersects(e.reads)) return null;
        // every load of b splits into the store's digits
        var bufs = new BitSet();
        bufs.set(b.id);
        boolean[] ok = {true};
        Map<E, E> memo = new IdentityHashMap<>();
        java.util.function.Function<E, E> at = x -> {
            if (!(x instanceof Ir.Load ld) || ld.b != b) return null;
            E r = at(ir, e, st.ix(), digits, ld.ix);
            if (r == null) { ok[0] = false; return x; }
            return r;
        };
        var out = new ArrayList<S>(body.size());
        for (int i = 0; i < body.size(); i++) {
            S s = body.get(i);
            if (i == t) out.addAll(Ir.keep(List.of(s), x -> x != st));
            else if (i > t) out.add(rewrite(ir, s, at, bufs, memo));
            else out.add(s);
            if (!ok[0]) return null;
        }
        return out;
    }

    /**
     * {@return the index's terms as the digits of a mixed radix, largest coefficient first, or null}:
     * each term's variable is one of {@code vars}, its coefficient positive and at least the span of
     * the next smaller digit, so that each place is written once
     */
    static List<Term> digits(Ix ix, List<Var> vars) {
        for (Term term : ix.terms()) if (!vars.contains(term.v()) || term.a() <= 0) return null;
        List<Term> digits = new ArrayList<>(ix.terms());
        digits.sort(Comparator.comparingInt(Term::a).reversed());
        for (int d = 0; d + 1 < digits.size(); d++) {
            Term lower = digits.get(d + 1);
            if ((long) digits.get(d).a() < (long) lower.a() * lower.v().n) return null;
        }
        return digits;
    }

    /** {@return e at the place {@code load} of the store's index, or null when load does not split into its digits} */
    private static E at(Ir.Builder ir, E e, Ix store, List<Term> digits, Ix load) {
        Map<Var, Ix> by = split(store, digits, load);
        if (by == null) return null;
        E r = e;
        for (Term d : digits) r = ir.subst(r, d.v(), by.get(d.v()));
        return r;
    }

    /**
     * {@return for each digit's variable the index (in the load's variables) at which {@code store}
     * names the place {@code load} names, or null}: null when the load's index does not split into
     * the digits exactly, a digit could leave its variable's range, or a digit's variable occurs in
     * the load (it is another loop's)
     * @param store an index whose terms are {@code digits} @param digits from {@link #digits}
     * @param load the index of a load of the same buffer
     */
    static Map<Var, Ix> split(Ix store, List<Term> digits, Ix load) {
        long rest = (long) load.c() - store.c();
        if (rest < 0) return null;
        var by = new HashMap<Var, Ix>();
        for (Term d : digits) by.put(d.v(), Ix.of(0));
        for (Term u : load.terms()) {
            if (u.a() <= 0) return null;
            Term into = null;
            for (Term d : digits) if (u.a() % d.a() == 0) { into = d; break; }   // the largest digit dividing it
            if (into == null) return null;
            by.put(into.v(), by.get(into.v()).plus(Ix.of(u.v()).times(u.a() / into.a())));
        }
        for (Term d : digits) {
            long q = rest / d.a();
            rest -= q * d.a();
            by.put(d.v(), by.get(d.v()).plus((int) q));
        }
        if (rest != 0) return null;
        for (Term d : digits) {
            Ix x = by.get(d.v());
            long max = x.c();
            for (Term u : x.terms()) {
                if (by.containsKey(u.v())) return null;   // a store's variable inside a load: not another loop's
                max += (long) u.a() * (u.v().n - 1);
            }
            if (x.c() < 0 || max > d.v().n - 1) return null;
        }
        return by;
    }

    /** {@return whether e is at most {@link #CHEAP} distinct nodes of arithmetic, selections and loads} */
    private static boolean cheap(E e) {
        var stack = new ArrayList<E>(List.of(e));
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        while (!stack.isEmpty()) {
            E x = stack.removeLast();
            if (!seen.add(x)) continue;
            // arithmetic on loads: no reduction, no call (a transcendental, a user's primitive)
            if (!(x instanceof Ir.Num || x instanceof Ir.Load || x instanceof Ir.Pos || x instanceof Ir.Bin || x instanceof Ir.Sel) || seen.size() > CHEAP) return false;
            stack.addAll(x.kids());
        }
        return true;
    }

    /** {@return s with its expressions' nodes replaced as {@link Ir.Builder#replace} does} */
    static S rewrite(Ir.Builder ir, S s, java.util.function.Function<E, E> at, BitSet bufs, Map<E, E> memo) {
        return switch (s) {
            case Ir.Store st -> new Ir.Store(st.b(), st.ix(), ir.replace(st.e(), at, bufs, memo));
            case Ir.Loop l -> new Ir.Loop(l.v(), l.body().stream().map(x -> rewrite(ir, x, at, bufs, memo)).toList());
            case Ir.If i -> new Ir.If(ir.replace(i.t(), at, bufs, memo), i.yes().stream().map(x -> rewrite(ir, x, at, bufs, memo)).toList(),
                    i.no().stream().map(x -> rewrite(ir, x, at, bufs, memo)).toList());
            case Ir.While w -> new Ir.While(w.test().stream().map(x -> rewrite(ir, x, at, bufs, memo)).toList(), ir.replace(w.t(), at, bufs, memo),
                    w.body().stream().map(x -> rewrite(ir, x, at, bufs, memo)).toList(), w.max(), w.what());
            case Ir.Call c -> c;
            case Ir.Copy c -> c;
        };
    }
}
