package catad.jit;

import catad.dsl.Primitive;
import catad.dsl.Prims;
import catad.jit.Ir.Buf;
import catad.jit.Ir.E;
import catad.jit.Ir.Ix;
import catad.jit.Ir.S;
import catad.jit.Ir.Var;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shares element computations between loops: an expensive element expression (a transcendental, a
 * user primitive, a sum with a free index) that two loops both compute is computed once, by a
 * loop of its own that stores it in a workspace buffer, and both loops load it.
 *
 * <p>Lowering gives every loop its own index variable, so the same element computation in two
 * loops is two different expression nodes. Here each candidate is renamed into a canonical form
 * (its free indices numbered in the order a depth-first walk meets them, its bound indices too),
 * which hash-conses to the same node exactly when the two computations are the same up to the
 * names of their indices. The gradient of log-sum-exp, for instance, needs {@code exp(xᵢ − m)} in
 * the normalizing sum, in the sum of the softmax and in the output: after this pass it is computed
 * once per element instead of three times. Candidates are compared through the cheap arrays they
 * read ({@link Def}): a load from a buffer a loop nest fills with cheap elements counts as that
 * element, so two copies of one array (a forward and a backward pass each storing the centred
 * points of a GMM) do not hide that the computations made from them are the same.
 *
 * <p>Nothing changes a number: the stored value is the same expression, computed by the same code,
 * loaded back bit for bit. A computation is shared only when every loop that is rewritten computes
 * it unconditionally over its whole range (never from a branch of a {@code cond}), and only when
 * the buffers it reads are not written again after the point where it is stored. Statements with
 * control flow inside ({@code while}, branches, calls, loop state) are left as they are.
 */
final class Share {

    /** At most this many computations are shared per program (each round shares one). */
    private static final int MAX_ROUNDS = 32;
    /** A shared computation's buffer holds at most this many numbers. */
    private static final long MAX_BUFFER = 1 << 22;
    /** Work budget (expression nodes visited) per round; a larger program is left as it is. */
    private static final int BUDGET = 2_000_000;

    private final Ir.Builder ir;
    private List<S> body;
    /** The indices of the loops around this block: fixed while it runs, never renamed. */
    private final BitSet outer;
    private final Map<String, Var> canonicalVars;

    /** The buffers that statements outside this block mention: these are never inlined away. */
    private final BitSet seenOutside;

    private Share(Ir.Builder ir, List<S> body, BitSet outer, Map<String, Var> canonicalVars, BitSet seenOutside) {
        this.ir = ir;
        this.body = new ArrayList<>(body);
        this.outer = outer;
        this.canonicalVars = canonicalVars;
        this.seenOutside = seenOutside;
    }

    /** {@return the statements, with the element computations that several loops need computed once} @param ir the program's builder @param body its statements */
    static List<S> run(Ir.Builder ir, List<S> body) { return run(ir, body, true); }

    /**
     * {@return the statements, with the element computations that several loops need computed once}
     * @param ir the program's builder @param body its statements
     * @param seeThrough whether computations are compared through the cheap arrays they read ({@link Def}); tests turn it off to compare
     */
    static List<S> run(Ir.Builder ir, List<S> body, boolean seeThrough) {
        var mentions = new IdentityHashMap<List<S>, BitSet>();
        mentions(body, body, mentions);
        return block(ir, body, new BitSet(), new java.util.HashMap<>(), mentions, seeThrough);
    }

    /** Records, per block, the buffers its own statements mention (a nested block's statements count for it alone). */
    private static void mentions(List<S> blk, List<S> stmts, Map<List<S>, BitSet> into) {
        BitSet m = into.computeIfAbsent(blk, k -> new BitSet());
        for (S s : stmts) {
            if (s instanceof Ir.Loop l && !eligible(l)) { mentions(l.body(), l.body(), into); continue; }
            if (s instanceof Ir.Loop l) { mentions(blk, l.body(), into); continue; }
            var w = new BitSet();
            Ir.writes(s, w);
            m.or(w);
            for (Buf b : allBufs(s)) m.set(b.id);
        }
    }

    /** {@return the buffers a statement reads or writes, anywhere inside it} */
    private static List<Buf> allBufs(S s) {
        var out = new ArrayList<Buf>();
        var roots = new ArrayList<E>();
        collect(s, roots);
        var r = new BitSet();
        for (E e : roots) r.or(e.reads);
        moves(s, out);
        for (int b = r.nextSetBit(0); b >= 0; b = r.nextSetBit(b + 1)) out.add(new Buf(b, Ir.Kind.WS, 0, null));
        return out;
    }

    /** Adds the buffers that calls and copies anywhere inside s read or write. */
    private static void moves(S s, List<Buf> out) {
        switch (s) {
            case Ir.Call c -> { out.add(c.in()); out.add(c.out()); }
            case Ir.Copy c -> { out.add(c.from()); out.add(c.to()); }
            case Ir.Loop l -> { for (S t : l.body()) moves(t, out); }
            case Ir.If i -> { for (S t : i.yes()) moves(t, out); for (S t : i.no()) moves(t, out); }
            case Ir.While w -> { for (S t : w.test()) moves(t, out); for (S t : w.body()) moves(t, out); }
            case Ir.Store st -> { }
        }
    }

    private static void collect(S s, List<E> into) {
        switch (s) {
            case Ir.Store st -> into.add(st.e());
            case Ir.Loop l -> { for (S t : l.body()) collect(t, into); }
            case Ir.If i -> { into.add(i.t()); for (S t : i.yes()) collect(t, into); for (S t : i.no()) collect(t, into); }
            case Ir.While w -> { into.add(w.t()); for (S t : w.test()) collect(t, into); for (S t : w.body()) collect(t, into); }
            case Ir.Call c -> { }
            case Ir.Copy c -> { }
        }
    }

    /**
     * One block of statements: the top level, or the body of a loop with statements of its own (a
     * {@code map} whose elements need loops, or loop state), which is straight-line code for one
     * iteration of the loops around it.
     */
    private static List<S> block(Ir.Builder ir, List<S> body, BitSet outer, Map<String, Var> canonicalVars, Map<List<S>, BitSet> mentions, boolean seeThrough) {
        var inner = new ArrayList<S>();
        for (S s : body) {
            if (s instanceof Ir.Loop l && !eligible(l)) {
                var around = (BitSet) outer.clone();
                around.set(l.v().id);
                var done = new Ir.Loop(l.v(), block(ir, l.body(), around, canonicalVars, mentions, seeThrough));
                inner.add(new Share(ir, List.of(), outer, canonicalVars, new BitSet()).lift(done, inner));
            } else if (s instanceof Ir.Loop l) {
                inner.add(new Share(ir, List.of(), outer, canonicalVars, new BitSet()).lift(l, inner));
            } else {
                inner.add(s);
            }
        }
        var outside = new BitSet();
        for (var m : mentions.entrySet()) if (m.getKey() != body) outside.or(m.getValue());
        var sh = new Share(ir, inner, outer, canonicalVars, outside);
        sh.inlineCheap();
        for (int r = 0; r < MAX_ROUNDS; r++) {
            if (seeThrough) sh.findDefs();
            if (!sh.round()) break;
        }
        sh.defs = Map.of();
        sh.dropDead();
        sh.inlineCheap();
        return sh.body;
    }

    // ---------------------------------------------------------------- computations that do not depend on an enclosing loop

    /** At most this many computations are lifted out of one loop. */
    private static final int MAX_LIFTED = 8;

    /**
     * {@return the loop l, with the expensive element computations of its body that do not depend on
     * its index computed before it} — each by a loop nest of its own over the indices it does depend
     * on (those of loops inside l's body), appended to {@code before}, and loaded in l's body. The
     * Jacobian's columns of a {@code jvp} program mapped over tangents need, inside their loop over
     * points, each point's primal values: the same in every column, computed once instead of once
     * per column. A computation is lifted only when it is computed unconditionally over the whole
     * range of its indices and reads nothing l writes.
     */
    private S lift(Ir.Loop l, List<S> before) {
        if (l.v().n < 2) return l;
        var written = new BitSet();
        Ir.writes(l, written);
        Ir.Loop cur = l;
        for (int k = 0; k < MAX_LIFTED; k++) {
            work = 0;
            var uses = new java.util.LinkedHashMap<E, Use>();
            var seen = new HashSet<Seen>();
            // the largest computations not depending on l's index: lifted if worth it, else looked into
            Visit lifts = (e, f) -> {
                if (e.vars.get(l.v().id) || !candidate(e) || !liftable(e, f, written)) return false;
                Canon c = canon(e);
                if (c != null) {
                    Use u = uses.computeIfAbsent(c.node(), x -> new Use(x, e.weight, c.own().stream().map(w -> w.n).toList()));
                    u.lightest = Math.min(u.lightest, e.weight);
                }
                return true;
            };
            for (S s : cur.body()) {
                if (!eligible(s)) continue;
                if (!walk(s, new Frame(null, null, 0, null), seen, lifts)) return cur;
            }
            Use best = largest(uses.values(), false);
            if (best == null) return cur;
            Nest n = nest(best);
            Buf t = n.t();
            before.add(n.loops());
            var memo = new IdentityHashMap<E, E>();
            var b = new ArrayList<S>();
            for (S s : cur.body()) b.add(eligible(s) ? rewrite(s, best, t, strides(best), memo) : s);
            cur = new Ir.Loop(cur.v(), b);
        }
        return cur;
    }

    /** {@return whether e's indices are all bound inside the loop being lifted from (or fixed around it), at least one, and it reads nothing the loop writes} */
    private boolean liftable(E e, Frame f, BitSet written) {
        if (e.reads.intersects(written)) return false;
        boolean inside = false;
        for (int v = e.vars.nextSetBit(0); v >= 0; v = e.vars.nextSetBit(v + 1)) {
            if (outer.get(v)) continue;
            if (f.boundBy(v) == null) return false;
            inside = true;
        }
        return inside;
    }

    private static int[] strides(Use u) {
        int d = u.sizes.size();
        int[] stride = new int[d];
        long size = 1;
        for (int j = d - 1; j >= 0; j--) { stride[j] = (int) size; size *= u.sizes.get(j); }
        return stride;
    }

    // ---------------------------------------------------------------- arrays cheaper to recompute than to store

    /** At most this many arrays are inlined, and only in programs of at most this many statements. */
    private static final int MAX_INLINED = 64, MAX_STATEMENTS = 4_000;
    /** Dead stores are looked for in blocks of at most this many statements. */
    private static final int MAX_DEAD_STATEMENTS = 1_000_000;
    /** An element computed by at most this many operations (loads included, nothing expensive) is recomputed where it is read. */
    private static final int CHEAP_ELEMENT = 8;

    /**
     * Undoes the writes of arrays whose elements are cheaper to compute again than to store and
     * load: a loop {@code for v: B[c + v] = e(v)} that is the only writer of a workspace buffer B
     * read only by loads in later loops is removed, and each load {@code B[ix]} becomes
     * {@code e(ix - c)}. Lowering writes an array when two loops read it; once sharing has moved
     * the expensive part of its elements into a buffer of its own, what is left (a product, a
     * negation, a sum with zero) costs less than the store and the loads.
     */
    private void inlineCheap() {
        if (body.size() > MAX_STATEMENTS) return;
        for (int k = 0; k < MAX_INLINED; k++) {
            int[] lastWrite = lastWrites();
            int[] writers = new int[ir.bufs.size()];
            for (S s : body) { var w = new BitSet(); Ir.writes(s, w); for (int b = w.nextSetBit(0); b >= 0; b = w.nextSetBit(b + 1)) writers[b]++; }
            boolean changed = false;
            for (int p = 0; p < body.size() && !changed; p++) {
                if (!(body.get(p) instanceof Ir.Loop l) || l.body().size() != 1 || !(l.body().get(0) instanceof Ir.Store st)) continue;
                Buf b = st.b();
                Var v = l.v();
                if (b.kind != Ir.Kind.WS || seenOutside.get(b.id) || writers[b.id] != 1 || st.ix().terms().size() != 1 || st.ix().coeff(v) != 1) continue;
                E e = st.e();
                if (e.reads.get(b.id) || !cheap(e, x -> x.vars.get(v.id), CHEAP_ELEMENT)) continue;
                boolean stable = true;
                for (int r = e.reads.nextSetBit(0); r >= 0; r = e.reads.nextSetBit(r + 1)) stable &= lastWrite[r] < p;
                if (!stable || !onlyLoadedLater(b, p)) continue;
                int c = st.ix().c();
                var memo = new IdentityHashMap<E, E>();
                java.util.function.Function<E, E> at = x -> x instanceof Ir.Load ld && ld.b == b ? ir.subst(e, v, ld.ix.plus(-c)) : null;
                var only = new BitSet();
                only.set(b.id);
                for (int q = p + 1; q < body.size(); q++) body.set(q, replace(body.get(q), at, only, memo));
                body.remove(p);
                changed = true;
            }
            if (!changed) return;
        }
    }

    /**
     * {@return whether e costs at most {@code limit} operations among the nodes {@code counted}
     * selects (and what they depend on that it selects too), none of them expensive or a reduction}
     */
    private static boolean cheap(E e, java.util.function.Predicate<E> counted, int limit) {
        var seen = Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<E>();
        stack.add(e);
        while (!stack.isEmpty()) {
            E x = stack.removeLast();
            if (!counted.test(x) || !seen.add(x)) continue;
            if (seen.size() > limit || x instanceof Ir.Reduce || candidate(x)) return false;
            stack.addAll(x.kids());
        }
        return true;
    }

    /** {@return whether buffer b is read only by loads in eligible statements after statement p} */
    private boolean onlyLoadedLater(Buf b, int p) {
        for (int q = 0; q < body.size(); q++) {
            if (q == p) continue;
            S s = body.get(q);
            if (eligible(s)) { if (q < p && reads(s, b)) return false; }
            else if (readsAnyway(s, b)) return false;
        }
        return true;
    }

    private static boolean reads(S s, Buf b) {
        return switch (s) {
            case Ir.Store st -> st.e().reads.get(b.id);
            case Ir.Loop l -> l.body().stream().anyMatch(t -> reads(t, b));
            default -> true;
        };
    }

    /** Whether a statement with control flow or memory moves may read b (conservatively: any mention). */
    private static boolean readsAnyway(S s, Buf b) {
        return switch (s) {
            case Ir.Store st -> st.e().reads.get(b.id);
            case Ir.Loop l -> l.body().stream().anyMatch(t -> readsAnyway(t, b));
            case Ir.If i -> i.t().reads.get(b.id) || i.yes().stream().anyMatch(t -> readsAnyway(t, b)) || i.no().stream().anyMatch(t -> readsAnyway(t, b));
            case Ir.While w -> w.t().reads.get(b.id) || w.test().stream().anyMatch(t -> readsAnyway(t, b)) || w.body().stream().anyMatch(t -> readsAnyway(t, b));
            case Ir.Call c -> c.in() == b || c.out() == b;
            case Ir.Copy c -> c.from() == b || c.to() == b;
        };
    }

    /** {@return s with the loads of the buffers in bs replaced} */
    private S replace(S s, java.util.function.Function<E, E> at, BitSet b, Map<E, E> memo) {
        return switch (s) {
            case Ir.Store st -> st.e().reads.intersects(b) ? new Ir.Store(st.b(), st.ix(), ir.replace(st.e(), at, b, memo)) : st;
            case Ir.Loop l -> {
                var out = new ArrayList<S>();
                for (S x : l.body()) out.add(replace(x, at, b, memo));
                yield new Ir.Loop(l.v(), out);
            }
            default -> s;
        };
    }

    // ---------------------------------------------------------------- cheap arrays seen through

    /**
     * A workspace buffer that one loop nest fills with cheap element computations, and that only
     * statements after that nest, in the same list of straight-line statements, read: a load of it
     * is that element computation at the load's indices. Sharing compares computations through such
     * loads, so that two loops computing the same thing from two copies of a cheap array (a GMM's
     * centred points, written once for the forward pass and again for the backward pass) are seen
     * to compute the same thing, and the shared loop computes it from what the copies were made of.
     * @param vars the nest's indices, largest coefficient first @param coeff their coefficients in
     *     every store's index, decreasing @param constants each store's constant offset
     * @param values each store's element
     */
    private record Def(List<Var> vars, int[] coeff, int[] constants, List<E> values) {

        /** {@return the element a load at ix reads, or null when ix is not provably one this nest wrote} */
        E at(Ix ix, Ir.Builder ir) {
            int m = vars.size();
            Ix[] w = new Ix[m];
            long[] lo = new long[m], hi = new long[m];
            java.util.Arrays.fill(w, Ix.of(0));
            for (Ir.Term t : ix.terms()) {
                int k = 0;
                while (k < m && t.a() % coeff[k] != 0) k++;
                if (k == m) return null;
                int q = t.a() / coeff[k];
                w[k] = w[k].plus(new Ix(0, List.of(new Ir.Term(t.v(), q))));
                lo[k] += Math.min(0L, (long) q * (t.v().n - 1));
                hi[k] += Math.max(0L, (long) q * (t.v().n - 1));
            }
            for (int s = 0; s < constants.length; s++) {
                long rem = (long) ix.c() - constants[s];
                Ix[] ws = w.clone();
                boolean ok = true;
                for (int k = 0; k < m && ok; k++) {
                    long minRest = 0, maxRest = 0;   // what the smaller strides can still add
                    for (int j = k + 1; j < m; j++) { minRest -= coeff[j] * lo[j]; maxRest += coeff[j] * (vars.get(j).n - 1 - hi[j]); }
                    long q = Math.floorDiv(rem - minRest, (long) coeff[k]);
                    rem -= q * coeff[k];
                    ok = q >= -lo[k] && q <= vars.get(k).n - 1 - hi[k] && rem >= minRest && rem <= maxRest;
                    ws[k] = ws[k].plus((int) q);
                }
                if (!ok || rem != 0) continue;
                E e = values.get(s);
                for (int k = 0; k < m; k++) e = ir.subst(e, vars.get(k), ws[k]);
                return e;
            }
            return null;
        }
    }

    /** The cheap arrays of this block, by buffer id, found at the start of each round. */
    private Map<Integer, Def> defs = Map.of();
    private final BitSet defined = new BitSet();
    private final Map<E, E> views = new IdentityHashMap<>();

    /** Finds this block's cheap arrays ({@link Def}); forgets what was computed with the previous ones. */
    private void findDefs() {
        defs = new java.util.HashMap<>();
        defined.clear();
        views.clear();
        canons.clear();
        if (body.size() > MAX_STATEMENTS) return;
        int nb = ir.bufs.size();
        int[] writers = new int[nb], readers = new int[nb];
        var other = (BitSet) seenOutside.clone();
        for (S s : body) count(s, writers, readers, other);
        findDefs(body, writers, readers, other);
    }

    /** Counts the stores writing and reading each buffer; marks those that other statements mention. */
    private static void count(S s, int[] writers, int[] readers, BitSet other) {
        switch (s) {
            case Ir.Store st -> {
                writers[st.b().id]++;
                BitSet r = st.e().reads;
                for (int b = r.nextSetBit(0); b >= 0; b = r.nextSetBit(b + 1)) readers[b]++;
            }
            case Ir.Loop l when eligible(l) -> { for (S t : l.body()) count(t, writers, readers, other); }
            default -> {
                var w = new BitSet();
                Ir.writes(s, w);
                other.or(w);
                for (Buf b : allBufs(s)) other.set(b.id);
            }
        }
    }

    private void findDefs(List<S> list, int[] writers, int[] readers, BitSet other) {
        // the buffers written by the statements after each one
        var after = new BitSet[list.size() + 1];
        after[list.size()] = new BitSet();
        for (int i = list.size() - 1; i >= 0; i--) {
            after[i] = (BitSet) after[i + 1].clone();
            Ir.writes(list.get(i), after[i]);
        }
        // short arrays written element by element: stores at constant places, all of one buffer's in this list
        var groups = new java.util.LinkedHashMap<Buf, List<Integer>>();
        for (int i = 0; i < list.size(); i++)
            if (list.get(i) instanceof Ir.Store st && st.b().kind == Ir.Kind.WS && st.ix().isConst()) groups.computeIfAbsent(st.b(), x -> new ArrayList<>()).add(i);
        for (var g : groups.entrySet()) {
            Buf b = g.getKey();
            List<Integer> at = g.getValue();
            int firstAt = at.get(0), lastAt = at.getLast();
            var constants = new int[at.size()];
            var values = new ArrayList<E>();
            var reads = new BitSet();
            boolean ok = writers[b.id] == at.size() && !other.get(b.id);
            for (int q : at) {
                var st = (Ir.Store) list.get(q);
                ok &= !st.e().reads.get(b.id) && cheap(st.e(), x -> true, 2 * CHEAP_ELEMENT);
                constants[values.size()] = st.ix().c();
                values.add(st.e());
                reads.or(st.e().reads);
            }
            if (!ok || java.util.Arrays.stream(constants).distinct().count() != constants.length || reads.intersects(after[firstAt + 1])) continue;
            int later = 0;
            for (int q = lastAt + 1; q < list.size(); q++) later += readsCount(list.get(q), b);
            if (later != readers[b.id]) continue;
            defs.put(b.id, new Def(List.of(), new int[0], constants, List.copyOf(values)));
            defined.set(b.id);
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Ir.Loop l) || !eligible(l)) continue;
            List<S> stores = new ArrayList<>();
            Def d = nestDef(l, stores);
            if (d != null) {
                Buf b = ((Ir.Store) stores.get(0)).b();
                var reads = new BitSet();
                for (E e : d.values()) reads.or(e.reads);
                int later = 0;
                for (int q = i + 1; q < list.size(); q++) later += readsCount(list.get(q), b);
                if (writers[b.id] == stores.size() && !other.get(b.id) && later == readers[b.id] && !reads.intersects(after[i + 1])) {
                    defs.put(b.id, d);
                    defined.set(b.id);
                }
            }
            findDefs(l.body(), writers, readers, other);
        }
    }

    /** {@return the stores in s that read b} */
    private static int readsCount(S s, Buf b) {
        return switch (s) {
            case Ir.Store st -> st.e().reads.get(b.id) ? 1 : 0;
            case Ir.Loop l -> l.body().stream().mapToInt(t -> readsCount(t, b)).sum();
            default -> 0;
        };
    }

    /**
     * {@return the {@link Def} of a perfect loop nest whose innermost body stores cheap elements into
     * one workspace buffer, each store at the same multiples of the nest's indices (positive, no two
     * elements at one place) plus its own constant, or null}
     */
    private static Def nestDef(Ir.Loop l, List<S> stores) {
        var vars = new ArrayList<Var>();
        Ir.Loop cur = l;
        while (true) {
            vars.add(cur.v());
            if (cur.body().size() == 1 && cur.body().get(0) instanceof Ir.Loop in) cur = in;
            else break;
        }
        int m = vars.size();
        if (cur.body().isEmpty()) return null;
        Buf b = null;
        int[] constants = new int[cur.body().size()];
        var values = new ArrayList<E>();
        Ix first = null;
        for (S s : cur.body()) {
            if (!(s instanceof Ir.Store st) || st.b().kind != Ir.Kind.WS || (b != null && st.b() != b)) return null;
            b = st.b();
            Ix ix = st.ix();
            if (ix.terms().size() != m) return null;
            for (Var v : vars) if (ix.coeff(v) <= 0 || (first != null && ix.coeff(v) != first.coeff(v))) return null;
            if (first == null) first = ix;
            if (st.e().reads.get(b.id) || !cheap(st.e(), x -> true, 2 * CHEAP_ELEMENT)) return null;
            constants[values.size()] = ix.c();
            values.add(st.e());
        }
        final Ix f = first;
        vars.sort((x, y) -> Integer.compare(f.coeff(y), f.coeff(x)));
        int[] coeff = new int[m];
        for (int k = 0; k < m; k++) coeff[k] = f.coeff(vars.get(k));
        for (int k = 0; k + 1 < m; k++) if ((long) coeff[k] < (long) coeff[k + 1] * vars.get(k + 1).n) return null;
        int lo = Integer.MAX_VALUE, hi = Integer.MIN_VALUE;
        for (int c : constants) { lo = Math.min(lo, c); hi = Math.max(hi, c); }
        if ((long) hi - lo >= coeff[m - 1] || java.util.Arrays.stream(constants).distinct().count() != constants.length) return null;
        stores.addAll(cur.body());
        return new Def(List.copyOf(vars), coeff, constants, List.copyOf(values));
    }

    /** {@return what e computes, with the loads of cheap arrays replaced by their elements} */
    private E view(E e) {
        return defined.isEmpty() ? e : ir.replace(e, this::element, defined, views);
    }

    /** {@return the element a load of a cheap array reads, itself seen through, or null} (defs are acyclic: a cheap array's readers come after it) */
    private E element(E e) {
        if (!(e instanceof Ir.Load ld) || !(defs.get(ld.b.id) instanceof Def d)) return null;
        E x = d.at(ld.ix, ir);
        return x == null ? e : view(x);
    }

    /**
     * Removes the stores into workspace buffers that nothing reads any more (the cheap arrays whose
     * only readers now load a shared computation instead), and the loops left empty.
     */
    private void dropDead() {
        // linear in the statements per round, so not bounded by MAX_STATEMENTS: a Jacobian's long
        // straight-line prologue must not keep its loops' dead stores
        if (body.size() > MAX_DEAD_STATEMENTS) return;
        for (int round = 0; round < 4; round++) {
            int nb = ir.bufs.size();
            int[] writers = new int[nb], readers = new int[nb];
            var other = (BitSet) seenOutside.clone();
            for (S s : body) count(s, writers, readers, other);
            var dead = new BitSet();
            for (int b = 0; b < nb; b++) if (writers[b] > 0 && readers[b] == 0 && !other.get(b) && ir.bufs.get(b).kind == Ir.Kind.WS) dead.set(b);
            if (dead.isEmpty()) return;
            body = drop(body, dead);
        }
    }

    private static List<S> drop(List<S> stmts, BitSet dead) {
        var out = new ArrayList<S>();
        for (S s : stmts) {
            switch (s) {
                case Ir.Store st -> { if (!dead.get(st.b().id)) out.add(st); }
                case Ir.Loop l when eligible(l) -> {
                    List<S> b = drop(l.body(), dead);
                    if (!b.isEmpty()) out.add(b.size() == l.body().size() ? l : new Ir.Loop(l.v(), b));
                }
                default -> out.add(s);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- one round: find, then share the largest

    /** The loops an index is bound by, innermost first (compared by identity). */
    private static final class Frame {
        final Var v;
        final Object binder;
        final int depth;
        final Frame up;
        Frame(Var v, Object binder, int depth, Frame up) { this.v = v; this.binder = binder; this.depth = depth; this.up = up; }
        Frame bind(Var w, Object by) { return new Frame(w, by, depth + 1, this); }
        /** {@return the innermost frame binding index v, or null} */
        Frame boundBy(int v) {
            Frame at = this;
            while (at != null && (at.v == null || at.v.id != v)) at = at.up;
            return at;
        }
    }

    /** A computation in canonical form: {@code node}, with free indices {@code free} (canonical, in rank order). */
    private record Canon(E node, List<Var> own) {}

    /** Where a canonical computation occurs: the loops computing it, the first statement that can be rewritten. */
    private static final class Use {
        final E canon;
        final int weight;
        final List<Integer> sizes;
        int first = Integer.MAX_VALUE;
        /** The smallest weight of an occurrence (before seeing through cheap arrays, occurrences may differ). */
        int lightest = Integer.MAX_VALUE;
        final Set<Object> binders = Collections.newSetFromMap(new IdentityHashMap<>());
        /** A sum walking memory across its index, inside a loop along which it is contiguous: worth a loop of its own even when used once. */
        boolean strided;
        Use(E canon, int weight, List<Integer> sizes) { this.canon = canon; this.weight = weight; this.sizes = sizes; }
    }

    private int work;
    private final Map<E, Canon> canons = new IdentityHashMap<>();

    private boolean round() {
        int[] lastWrite = lastWrites();
        var uses = new java.util.LinkedHashMap<E, Use>();   // E compares by identity; insertion order keeps the choice deterministic
        work = 0;
        for (int p = 0; p < body.size(); p++) {
            S s = body.get(p);
            if (!eligible(s)) continue;
            int at = p;
            Visit records = (e, f) -> {
                if (candidate(e) && !e.vars.isEmpty()) record(e, at, f, lastWrite, uses);
                return false;
            };
            if (!walk(s, new Frame(null, null, 0, null), new HashSet<>(), records)) return false;
        }
        Use best = largest(uses.values(), true);
        if (best == null) return false;
        share(best);
        return true;
    }

    /** {@return for each buffer, the last top-level statement that writes it (-1 if none)} */
    private int[] lastWrites() {
        int[] last = new int[ir.bufs.size()];
        java.util.Arrays.fill(last, -1);
        for (int p = 0; p < body.size(); p++) {
            var w = new BitSet();
            Ir.writes(body.get(p), w);
            for (int b = w.nextSetBit(0); b >= 0; b = w.nextSetBit(b + 1)) last[b] = p;
        }
        return last;
    }

    /** {@return whether s is stores in counted loops only}: the statements this pass reads and rewrites */
    private static boolean eligible(S s) {
        return switch (s) {
            case Ir.Store st -> true;
            case Ir.Loop l -> l.body().stream().allMatch(Share::eligible);
            default -> false;
        };
    }

    private record Seen(E e, Frame f) {}

    /** What a walk does at each node: {@return true to leave the node's operands unvisited} */
    private interface Visit { boolean at(E e, Frame f); }

    /**
     * Visits the expressions of a statement of stores in loops, each node once per loop context,
     * outside the branches of selections (they run conditionally); {@return false when the work
     * budget is spent}
     */
    private boolean walk(S s, Frame frame, Set<Seen> seen, Visit visit) {
        switch (s) {
            case Ir.Store st -> { return walk(st.e(), frame, seen, visit); }
            case Ir.Loop l -> {
                Frame in = frame.bind(l.v(), l);
                for (S t : l.body()) if (!walk(t, in, seen, visit)) return false;
                return true;
            }
            default -> throw new AssertionError(s);
        }
    }

    private boolean walk(E root, Frame frame, Set<Seen> seen, Visit visit) {
        record Item(E e, Frame f) {}
        var stack = new ArrayList<Item>();
        stack.add(new Item(root, frame));
        while (!stack.isEmpty()) {
            Item it = stack.removeLast();
            E e = it.e();
            if (e instanceof Ir.Num || e instanceof Ir.Load || !seen.add(new Seen(e, it.f()))) continue;
            if (++work > BUDGET) return false;
            if (visit.at(e, it.f())) continue;
            switch (e) {
                case Ir.Sel x -> stack.add(new Item(x.t, it.f()));   // branches run conditionally: not counted
                case Ir.Reduce r -> stack.add(new Item(r.body, it.f().bind(r.v, r)));
                default -> { for (E k : e.kids()) stack.add(new Item(k, it.f())); }
            }
        }
        return true;
    }

    /** {@return the heaviest computation whose buffer fits (and, if {@code shared}, that two loops need or that is a strided sum), or null} */
    private static Use largest(java.util.Collection<Use> uses, boolean shared) {
        Use best = null;
        for (Use u : uses) {
            if (shared && ((u.binders.size() < 2 && !u.strided) || u.first == Integer.MAX_VALUE)) continue;
            long size = 1;
            for (int n : u.sizes) size *= n;
            if (size > MAX_BUFFER) continue;
            if (best == null || u.weight > best.weight) best = u;
        }
        return best;
    }

    private void record(E e, int p, Frame f, int[] lastWrite, Map<E, Use> uses) {
        E x = view(e);   // what e computes, seen through the cheap arrays it reads
        Object binder = null;
        int depth = -1;
        for (int v = x.vars.nextSetBit(0); v >= 0; v = x.vars.nextSetBit(v + 1)) {
            if (outer.get(v)) continue;   // fixed in this block
            Frame at = f.boundBy(v);
            if (at == null) return;   // an index this pass does not see bound: leave it alone
            if (at.depth > depth) { depth = at.depth; binder = at.binder; }
        }
        if (binder == null) return;   // the same in the whole block: computed once anyway
        for (int b = x.reads.nextSetBit(0); b >= 0; b = x.reads.nextSetBit(b + 1)) if (lastWrite[b] >= p) return;
        Canon c = canon(e);
        if (c == null) return;
        Use u = uses.computeIfAbsent(c.node(), k -> new Use(k, e.weight, c.own().stream().map(v -> v.n).toList()));
        u.first = Math.min(u.first, p);
        u.lightest = Math.min(u.lightest, e.weight);
        u.binders.add(binder);
        if (binder instanceof Ir.Loop l && stridedSum(e, l)) u.strided = true;
    }

    /**
     * {@return whether e is a sum {@code Σᵢ body(i, j)} inside the loop l over j, only one of the
     * terms of what l stores, whose terms lie along j in memory (unit stride in j) and across i
     * (another stride)} As a loop of its own, {@code for j: t[j] = Σᵢ body(i, j)}, code generation
     * runs it with the loops swapped, rows in memory order and j on vectors; inside the expression
     * it would walk memory by columns ({@code Aᵀ·v} in every MLP gradient).
     */
    private static boolean stridedSum(E e, Ir.Loop l) {
        if (!(e instanceof Ir.Reduce r) || r.op != Ir.Red.SUM || r.v.n < 8 || e.vars.cardinality() != 1 || !e.vars.get(l.v().id)) return false;
        if (l.body().size() == 1 && l.body().get(0) instanceof Ir.Store st && st.e() == e) return false;
        boolean across = false;
        var seen = Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<E>();
        stack.add(r.body);
        while (!stack.isEmpty()) {
            E x = stack.removeLast();
            if (!seen.add(x)) continue;
            if (x instanceof Ir.Load ld && ld.ix.coeff(l.v()) != 0) {
                if (ld.ix.coeff(l.v()) != 1) return false;
                across |= ld.ix.coeff(r.v) != 0 && ld.ix.coeff(r.v) != 1;
            }
            if (x instanceof Ir.Reduce) return false;
            stack.addAll(x.kids());
        }
        return across;
    }

    /** {@return whether computing e once and loading it is worth a buffer}: transcendentals, user primitives, sums over a free index */
    static boolean candidate(E e) {
        return switch (e) {
            case Ir.Un u -> !CHEAP_UNARY.contains(u.p);
            case Ir.Prim2 p -> !CHEAP_BINARY.contains(p.p);
            case Ir.Reduce r -> (long) r.v.n * r.body.weight >= 16;
            case Ir.Bin b -> b.weight >= HEAVY;
            default -> false;
        };
    }

    /** Arithmetic of at least this many operations (a sum written out term by term) is worth a buffer too. */
    private static final int HEAVY = 32;

    private static final Set<Primitive> CHEAP_UNARY = Set.of(Prims.ABS, Prims.SIGN, Prims.RELU, Prims.STEP, Prims.SQUARE, Prims.RECIP, Prims.SQRT);
    private static final Set<Primitive> CHEAP_BINARY = Set.of(Prims.MUL, Prims.DIV, Prims.MAX, Prims.MIN);

    // ---------------------------------------------------------------- canonical forms

    /**
     * {@return e with its indices renamed canonically, and e's own free indices in rank order}, or
     * null when the budget is spent: free indices are numbered in the order a depth-first walk
     * meets them (within one index expression, larger coefficients first), bound indices likewise.
     */
    private Canon canon(E e) {
        Canon done = canons.get(e);
        if (done != null) return done;
        var free = new ArrayList<Var>();
        var rename = new IdentityHashMap<Var, Var>();
        int[] bound = {0};
        E x = view(e);
        if (!order(x, free, rename, bound, Collections.newSetFromMap(new IdentityHashMap<>()))) return null;
        for (int i = 0; i < free.size(); i++) rename.put(free.get(i), canonical("f", i, free.get(i).n));
        Canon c = new Canon(rename(x, rename, new IdentityHashMap<>()), List.copyOf(free));
        canons.put(e, c);
        return c;
    }

    private Var canonical(String kind, int rank, int n) {
        return canonicalVars.computeIfAbsent(kind + rank + ":" + n, k -> ir.var(n));
    }

    /** Numbers e's indices in walk order: free ones into {@code free}, bound ones straight into {@code rename}. */
    private boolean order(E e, List<Var> free, Map<Var, Var> rename, int[] bound, Set<E> seen) {
        if (!seen.add(e)) return true;
        if (++work > BUDGET) return false;
        switch (e) {
            case Ir.Num n -> { }
            case Ir.Pos q -> {
                for (Ir.Term t : q.ix.terms()) if (!outer.get(t.v().id) && !rename.containsKey(t.v()) && !free.contains(t.v())) free.add(t.v());
            }
            case Ir.Load l -> {
                var ts = new ArrayList<>(l.ix.terms());
                ts.sort((a, b) -> Integer.compare(Math.abs(b.a()), Math.abs(a.a())));
                for (Ir.Term t : ts) if (!outer.get(t.v().id) && !rename.containsKey(t.v()) && !free.contains(t.v())) free.add(t.v());
            }
            case Ir.Reduce r -> {
                rename.put(r.v, canonical("b", bound[0]++, r.v.n));
                if (!order(r.body, free, rename, bound, seen)) return false;
            }
            default -> { for (E k : e.kids()) if (!order(k, free, rename, bound, seen)) return false; }
        }
        return true;
    }

    /** {@return e with its indices renamed} */
    private E rename(E e, Map<Var, Var> to, Map<E, E> memo) {
        E done = memo.get(e);
        if (done != null) return done;
        E r = switch (e) {
            case Ir.Num n -> n;
            case Ir.Load l -> ir.load(l.b, rename(l.ix, to));
            case Ir.Pos q -> ir.pos(rename(q.ix, to));
            case Ir.Un u -> ir.un(u.p, rename(u.a, to, memo));
            case Ir.Bin b -> ir.bin(b.op, rename(b.a, to, memo), rename(b.b, to, memo));
            case Ir.Prim2 p -> ir.prim2(p.p, rename(p.a, to, memo), rename(p.b, to, memo));
            case Ir.Reduce x -> ir.reduce(x.op, to.getOrDefault(x.v, x.v), rename(x.body, to, memo));
            case Ir.Sel s -> ir.sel(rename(s.t, to, memo), rename(s.a, to, memo), rename(s.b, to, memo));
        };
        memo.put(e, r);
        return r;
    }

    private static Ix rename(Ix ix, Map<Var, Var> to) {
        Ix r = Ix.of(ix.c());
        for (Ir.Term t : ix.terms()) r = r.plus(new Ix(0, List.of(new Ir.Term(to.getOrDefault(t.v(), t.v()), t.a()))));
        return r;
    }

    // ---------------------------------------------------------------- sharing one computation

    /**
     * Stores the computation in a new buffer, by a loop nest placed before the first statement that
     * uses it, and replaces it by a load in every statement from there on.
     */
    private void share(Use u) {
        Nest n = nest(u);
        Buf t = n.t();
        // every later use loads it
        int[] stride = strides(u);
        var memo = new IdentityHashMap<E, E>();
        for (int p = u.first; p < body.size(); p++) {
            S s = body.get(p);
            if (eligible(s)) body.set(p, rewrite(s, u, t, stride, memo));
        }
        body.add(u.first, n.loops());
    }

    /** A buffer and the loop nest that fills it. @param t the buffer @param loops the nest */
    private record Nest(Buf t, S loops) {}

    /** {@return a new buffer and the loop nest, over fresh indices, storing the computation in it} */
    private Nest nest(Use u) {
        int d = u.sizes.size();
        int[] stride = strides(u);
        long size = 1;
        for (int n : u.sizes) size *= n;
        Buf t = ir.buf(Ir.Kind.WS, (int) size, null);
        var fresh = new ArrayList<Var>();
        var to = new IdentityHashMap<Var, Var>();
        for (int j = 0; j < d; j++) {
            Var v = ir.var(u.sizes.get(j));
            fresh.add(v);
            to.put(canonical("f", j, u.sizes.get(j)), v);
        }
        E value = rename(u.canon, to, new IdentityHashMap<>());
        S nest = new Ir.Store(t, at(fresh, stride), value);
        for (int j = d - 1; j >= 0; j--) nest = new Ir.Loop(fresh.get(j), List.of(nest));
        return new Nest(t, nest);
    }

    private static Ix at(List<Var> vars, int[] stride) {
        Ix ix = Ix.of(0);
        for (int j = 0; j < vars.size(); j++) ix = ix.plus(Ix.of(vars.get(j)).times(stride[j]));
        return ix;
    }

    private S rewrite(S s, Use u, Buf t, int[] stride, Map<E, E> memo) {
        return switch (s) {
            case Ir.Store st -> new Ir.Store(st.b(), st.ix(), rewrite(st.e(), u, t, stride, memo));
            case Ir.Loop l -> {
                var b = new ArrayList<S>();
                for (S x : l.body()) b.add(rewrite(x, u, t, stride, memo));
                yield new Ir.Loop(l.v(), b);
            }
            default -> s;
        };
    }

    /** {@return e with every occurrence of the canonical computation replaced by its load} */
    private E rewrite(E e, Use u, Buf t, int[] stride, Map<E, E> memo) {
        if (e instanceof Ir.Num || e instanceof Ir.Load || e.weight < u.lightest) return e;
        E done = memo.get(e);
        if (done != null) return done;
        E r;
        Canon c = candidate(e) ? canons.get(e) : null;
        if (c != null && c.node() == u.canon) {
            r = ir.load(t, at(c.own(), stride));
        } else {
            r = switch (e) {
                case Ir.Un un -> ir.un(un.p, rewrite(un.a, u, t, stride, memo));
                case Ir.Bin b -> ir.bin(b.op, rewrite(b.a, u, t, stride, memo), rewrite(b.b, u, t, stride, memo));
                case Ir.Prim2 p -> ir.prim2(p.p, rewrite(p.a, u, t, stride, memo), rewrite(p.b, u, t, stride, memo));
                case Ir.Reduce x -> ir.reduce(x.op, x.v, rewrite(x.body, u, t, stride, memo));
                case Ir.Sel s -> ir.sel(rewrite(s.t, u, t, stride, memo), rewrite(s.a, u, t, stride, memo), rewrite(s.b, u, t, stride, memo));
                default -> e;
            };
        }
        memo.put(e, r);
        return r;
    }
}
