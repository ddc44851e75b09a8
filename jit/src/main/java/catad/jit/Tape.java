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
 * Keeps the expensive values of a forward loop for the backward loop that would compute them again:
 * a tape of transcendentals, written by the forward pass step by step, read by the backward pass.
 *
 * <p>The reverse pass of a loop ({@code mapAccum}, {@code fold}) keeps only each step's loop state:
 * the forward loop copies its state into a buffer at every step ({@code T[s·t …] = C[0 …]}), and
 * the backward loop, running over the steps the other way, reads the state of step t back and
 * computes from it again what it needs of that step — the gates of a recurrent cell, their
 * exponentials and {@code tanh}s, which the forward loop has just computed from the same numbers.
 * Here every expensive expression of the backward loop (a transcendental, a division over one) that
 * is made only of the saved state of one step, of buffers nothing in either loop writes, and of
 * constants is written into the forward loop as well — reading the state where it is copied from,
 * at the moment it is copied, so it is the very node the forward loop already computes and costs
 * nothing there — stored in a tape buffer at {@code m·t + j}, and loaded by the backward loop.
 * The weights a step reads are not taped: they are the same at every step, and the backward loop
 * reads them where they are.
 *
 * <p>Nothing changes a number: the taped value is the same expression on the same values (the saved
 * state is a copy of what the forward loop reads; the other buffers are written by neither loop),
 * computed by the same code. Only straight-line stores of the backward loop are rewritten, not
 * nested loops, branches or calls inside it.
 */
final class Tape {

    /** A tape holds at most this many numbers; a larger one is not made. */
    private static final long MAX_TAPE = 1 << 22;

    private final Ir.Builder ir;

    private Tape(Ir.Builder ir) { this.ir = ir; }

    /** {@return the statements with backward loops reading what their forward loops taped} @param ir the program's builder @param body its statements */
    static List<S> run(Ir.Builder ir, List<S> body) { return new Tape(ir).block(body); }

    private List<S> block(List<S> body) {
        var out = new ArrayList<S>(body.size());
        for (S s : body) out.add(inside(s));
        for (int i = 0; i < out.size(); i++) {
            if (!(out.get(i) instanceof Ir.Loop f)) continue;
            var tried = new BitSet();
            for (S x : f.body()) {
                Buf t = x instanceof Ir.Copy c ? c.to() : x instanceof Ir.Store st ? st.b() : null;
                if (t == null || t.kind != Ir.Kind.WS || tried.get(t.id)) continue;
                tried.set(t.id);
                Saves saves = Saves.of(f, t);
                if (saves == null) continue;
                int j = i + 1;
                while (j < out.size() && !(out.get(j) instanceof Ir.Loop b && loads(b, t))) j++;
                if (j < out.size() && tape(out, i, j, saves)) break;
            }
        }
        return out;
    }

    /** A place in a buffer. */
    private record Place(Buf b, Ix ix) {}

    /** A saved value: the forward loop stores {@code e} at {@code T[c + s·u]} at every step u, in its statement {@code at}. */
    private record Saved(int c, E e, int at) {}

    /**
     * How a forward loop saves its state at every step: into workspace buffer t, s numbers a step, by
     * copies ({@code T[off + s·u …] = C[c₀ …]}) or stores ({@code T[c + s·u] = e}) at the top level of
     * its body, each place of a step saved once; {@code bySlot} maps {@code c mod s} to the save.
     */
    private record Saves(Buf t, int s, Map<Integer, Saved> bySlot, int last) {
        static Saves of(Ir.Loop f, Buf t) {
            int s = 0, last = -1;
            var bySlot = new java.util.HashMap<Integer, Saved>();
            for (int k = 0; k < f.body().size(); k++) {
                S x = f.body().get(k);
                Buf to;
                Ix ix;
                if (x instanceof Ir.Copy c && c.fromOff().isConst() && c.from() != c.to()) { to = c.to(); ix = c.toOff(); }
                else if (x instanceof Ir.Store st) { to = st.b(); ix = st.ix(); }
                else continue;
                int a = ix.coeff(f.v());
                if (to != t || ix.terms().size() != 1 || a <= 0 || x instanceof Ir.Copy c && c.n() != a) continue;
                if (s == 0) s = a;
                if (a != s) continue;
                if (x instanceof Ir.Copy c) {
                    for (int q = 0; q < c.n(); q++) {
                        var saved = new Saved(ix.c() + q, null, k);
                        if (bySlot.put(Math.floorMod(ix.c() + q, s), saved) != null) return null;
                    }
                } else if (bySlot.put(Math.floorMod(ix.c(), s), new Saved(ix.c(), ((Ir.Store) x).e(), k)) != null) return null;
                last = k;
            }
            if (s == 0) return null;
            var saves = new Saves(t, s, bySlot, last);
            // a loop's state: some saved value reads what the loop itself writes (an array a loop merely fills is not a state)
            var writes = new BitSet();
            for (S x : f.body()) Ir.writes(x, writes);
            writes.clear(t.id);
            for (Saved sv : bySlot.values()) if (saves.reads(f, sv).intersects(writes)) return saves;
            return null;
        }

        /** {@return the value saved at {@code T[c + s·u]}, as the forward loop has it at the end of the saves} */
        E value(Ir.Builder ir, Ir.Loop f, Saved saved) {
            if (saved.e() != null) return saved.e();
            var c = (Ir.Copy) f.body().get(saved.at());
            return ir.load(c.from(), c.fromOff().plus(saved.c() - c.toOff().c()));
        }

        /** {@return what the save reads: the copied buffer, or the stored value's reads} */
        BitSet reads(Ir.Loop f, Saved saved) {
            if (saved.e() != null) return saved.e().reads;
            var r = new BitSet();
            r.set(((Ir.Copy) f.body().get(saved.at())).from().id);
            return r;
        }
    }

    private S inside(S s) {
        return switch (s) {
            case Ir.Loop l -> new Ir.Loop(l.v(), block(l.body()));
            case Ir.If x -> new Ir.If(x.t(), block(x.yes()), block(x.no()));
            case Ir.While w -> new Ir.While(w.test(), w.t(), block(w.body()), w.max(), w.what());
            case Ir.Store st -> st;
            case Ir.Call c -> c;
            case Ir.Copy c -> c;
        };
    }

    /** {@return whether a top-level store of loop b loads from buffer t} */
    private static boolean loads(Ir.Loop b, Buf t) {
        for (S s : b.body()) if (s instanceof Ir.Store st && st.e().reads.get(t.id)) return true;
        return false;
    }

    /** How a backward expression's steps map to the forward loop's: the forward step is {@code t0 + sign·v}. */
    private record Step(int sign, int t0) {}

    /** An expression not depending on the backward loop's index (and reading nothing either loop writes). */
    private static final Step FIXED = new Step(0, 0);
    /** An expression depending on the backward index only through buffers neither loop writes. */
    private static final Step ANY = new Step(0, 1);

    /** {@return whether loops i (forward, saving its state by {@code saves}) and j (backward) of {@code out} were rewritten: whether anything was worth a tape} */
    private boolean tape(List<S> out, int i, int j, Saves saves) {
        var f = (Ir.Loop) out.get(i);
        var b = (Ir.Loop) out.get(j);
        Buf t = saves.t();
        int s = saves.s();
        var writtenF = new BitSet();
        var savedAt = new java.util.HashSet<Integer>();
        for (Saved sv : saves.bySlot().values()) savedAt.add(sv.at());
        for (int k = 0; k < f.body().size(); k++) if (!savedAt.contains(k)) Ir.writes(f.body().get(k), writtenF);
        var written = new BitSet();   // by the statements after the forward loop up to the backward loop, then by both loops
        for (int k = i + 1; k <= j; k++) Ir.writes(out.get(k), written);
        if (writtenF.get(t.id) || written.get(t.id)) return false;
        Ir.writes(f, written);
        // each saved value must still be what the loop has when the tape is written, after the last save
        for (Saved sv : saves.bySlot().values()) {
            var after = new BitSet();
            for (int k = sv.at() + 1; k <= saves.last(); k++) Ir.writes(f.body().get(k), after);
            after.clear(t.id);
            if (after.intersects(saves.reads(f, sv))) return false;
        }

        Map<Ir.Load, E> made = storedOnce(b);
        var steps = new IdentityHashMap<E, Step>();
        var worth = new IdentityHashMap<E, Boolean>();
        var walker = new Object() {
            /** {@return the node's step map, null if it cannot be computed in the forward loop} */
            Step step(E e) {
                if (steps.containsKey(e)) return steps.get(e);
                Step r = switch (e) {
                    case Ir.Num n -> FIXED;
                    case Ir.Pos p -> p.ix.coeff(b.v()) == 0 ? FIXED : ANY;
                    case Ir.Load l -> {
                        if (l.b == t) yield tapeStep(l.ix);
                        if (made.containsKey(l)) yield step(made.get(l));
                        if (written.get(l.b.id)) yield null;
                        yield l.ix.coeff(b.v()) == 0 ? FIXED : ANY;
                    }
                    case Ir.Reduce x -> null;
                    case Ir.Un x -> step(x.a);
                    case Ir.Bin x -> join(step(x.a), step(x.b));
                    case Ir.Prim2 x -> join(step(x.a), step(x.b));
                    case Ir.Sel x -> join(join(step(x.t), step(x.a)), step(x.b));
                };
                if (r != null && r.sign() != 0 && !oneToOne(r, f.v().n, b.v().n)) r = null;
                steps.put(e, r);
                return r;
            }

            Step tapeStep(Ix ix) {
                int a = ix.coeff(b.v());
                Saved sv = saves.bySlot().get(Math.floorMod(ix.c(), s));
                if (ix.terms().size() != 1 || Math.abs(a) != s || sv == null) return null;
                return new Step(Integer.signum(a), Math.floorDiv(ix.c() - sv.c(), s));
            }

            /** The step map of the loop's stored values when they all have the same one, else null. */
            Step loopStep;

            /** {@return the step map e is computed with: its own, or for values of the read-only buffers alone the loop's} */
            Step mapOf(E e) {
                Step st = step(e);
                return st == ANY ? loopStep : st == null || st.sign() == 0 ? null : st;
            }

            /** {@return whether e, with a known step, is worth keeping: a transcendental, or a division over one} */
            boolean worth(E e) {
                Boolean w = worth.get(e);
                if (w != null) return w;
                boolean r = mapOf(e) != null && switch (e) {
                    case Ir.Un u -> Share.candidate(u);
                    case Ir.Prim2 p -> Share.candidate(p) || worth(p.a) || worth(p.b);
                    case Ir.Num n -> false;
                    case Ir.Load l -> false;
                    case Ir.Pos p -> false;
                    case Ir.Bin x -> false;
                    case Ir.Reduce x -> false;
                    case Ir.Sel x -> false;
                };
                worth.put(e, r);
                return r;
            }
        };

        var maps = new java.util.HashSet<Step>();
        var met = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        for (S x : b.body()) if (x instanceof Ir.Store st) collect(st.e(), walker::step, maps, met);
        maps.remove(FIXED);
        maps.remove(ANY);
        if (maps.size() != 1) return false;
        walker.loopStep = maps.iterator().next();

        // Slots for the expensive values the backward loop's stores reach first, in the order they are met.
        var slots = new IdentityHashMap<E, Integer>();
        var kept = new ArrayList<E>();
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<E>();
        for (S x : b.body()) if (x instanceof Ir.Store st) stack.add(st.e());
        while (!stack.isEmpty()) {
            E e = stack.removeLast();
            if (!seen.add(e)) continue;
            if (walker.worth(e)) { slots.put(e, kept.size()); kept.add(e); }
            else stack.addAll(e.kids());
        }
        int m = kept.size();
        if (m == 0 || (long) m * f.v().n > MAX_TAPE) return false;
        Buf tb = ir.buf(Ir.Kind.WS, m * f.v().n, null);

        // The backward loop's stores, each kept value a load of its slot of the step's tape.
        var memo = new IdentityHashMap<E, E>();
        var loader = new Object() {
            E replace(E e) {
                E done = memo.get(e);
                if (done != null) return done;
                Integer slot = slots.get(e);
                E r;
                if (slot != null) {
                    Step st = walker.mapOf(e);
                    // forward step t0 + sign·v, slot m·t + j
                    r = ir.load(tb, Ix.of(slot + m * st.t0()).plus(Ix.of(b.v()).times(st.sign() * m)));
                } else {
                    r = ir.rebuilt(e, this::replace);
                }
                memo.put(e, r);
                return r;
            }
        };
        var newB = new ArrayList<S>(b.body().size());
        for (S x : b.body()) newB.add(x instanceof Ir.Store st ? new Ir.Store(st.b(), st.ix(), loader.replace(st.e())) : x);

        Map<E, E> held = heldBefore(f, saves.last());
        // The forward loop stores each kept value, computed from the saved state, just after the last save.
        var newF = new ArrayList<S>(f.body().size() + m);
        for (int q = 0; q < f.body().size(); q++) {
            newF.add(f.body().get(q));
            if (q == saves.last()) {
                for (int k = 0; k < m; k++) {
                    E e = kept.get(k);
                    E inF = new Translate(ir, b.v(), f.v(), walker.mapOf(e), t, s, f, saves, made, held).of(e);
                    newF.add(new Ir.Store(tb, Ix.of(k).plus(Ix.of(f.v()).times(m)), inF));
                }
            }
        }
        out.set(i, new Ir.Loop(f.v(), newF));
        out.set(j, new Ir.Loop(b.v(), newB));
        return true;
    }

    /**
     * {@return for each value the forward loop stores up to its statement {@code last} (at a place stored
     * once, in a buffer nothing else in the loop writes, with nothing it reads written again up to
     * {@code last}), a load of that place} — as {@link Forward} left the loop, which reads such a value
     * back from its place unless it is cheap enough to compute again
     */
    private Map<E, E> heldBefore(Ir.Loop f, int last) {
        var other = new BitSet();
        for (S x : f.body()) if (!(x instanceof Ir.Store)) Ir.writes(x, other);
        var count = new java.util.HashMap<Place, Integer>();
        for (S x : f.body()) if (x instanceof Ir.Store st) count.merge(new Place(st.b(), st.ix()), 1, Integer::sum);
        var held = new IdentityHashMap<E, E>();
        var after = new BitSet();
        for (int k = last; k >= 0; k--) {
            S x = f.body().get(k);
            if (x instanceof Ir.Store st && !other.get(st.b().id) && count.get(new Place(st.b(), st.ix())) == 1
                    && !Forward.cheap(st.e()) && !st.e().reads.intersects(after))
                held.put(st.e(), ir.load(st.b(), st.ix()));   // the first place wins: the walk goes backwards
            Ir.writes(x, after);
        }
        return held;
    }

    /**
     * {@return for loads in the backward loop's stores of a place that an earlier store of the same step
     * wrote, the value stored there}: places stored once, at the top level of the loop's body, never read
     * in a step before their store, in buffers that nothing else in the loop writes
     */
    private static Map<Ir.Load, E> storedOnce(Ir.Loop b) {
        var other = new BitSet();
        for (S x : b.body()) if (!(x instanceof Ir.Store)) Ir.writes(x, other);
        var value = new java.util.HashMap<Place, E>();
        var spoiled = new java.util.HashSet<Place>();
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var loads = new ArrayList<Ir.Load>();
        for (S x : b.body()) {
            if (!(x instanceof Ir.Store st)) continue;
            var stack = new ArrayList<E>();
            stack.add(st.e());
            while (!stack.isEmpty()) {
                E e = stack.removeLast();
                if (!seen.add(e)) continue;
                if (e instanceof Ir.Load l) {
                    loads.add(l);
                    if (!value.containsKey(new Place(l.b, l.ix))) spoiled.add(new Place(l.b, l.ix));   // read before it is stored: last step's value
                }
                stack.addAll(e.kids());
            }
            var p = new Place(st.b(), st.ix());
            if (value.putIfAbsent(p, st.e()) != null) spoiled.add(p);
        }
        var made = new IdentityHashMap<Ir.Load, E>();
        for (Ir.Load l : loads) {
            var p = new Place(l.b, l.ix);
            if (!other.get(l.b.id) && !spoiled.contains(p) && value.containsKey(p)) made.put(l, value.get(p));
        }
        return made;
    }

    /** Adds to {@code maps} the step maps of e and the nodes below it (null ones left out). */
    private static void collect(E e, java.util.function.Function<E, Step> step, java.util.Set<Step> maps, java.util.Set<E> seen) {
        var stack = new ArrayList<E>();
        stack.add(e);
        while (!stack.isEmpty()) {
            E x = stack.removeLast();
            if (!seen.add(x)) continue;
            Step st = step.apply(x);
            if (st != null) maps.add(st);
            stack.addAll(x.kids());
        }
    }

    private static Step join(Step a, Step b) {
        if (a == null || b == null) return null;
        if (a == FIXED) return b;
        if (b == FIXED) return a;
        if (a == ANY) return b;
        if (b == ANY) return a;
        return a.equals(b) ? a : null;
    }

    /**
     * {@return whether forward steps {@code t0 + sign·v} for {@code v < nb} are the forward loop's steps,
     * each once}: then the forward loop computes a taped value at exactly the indices the backward loop
     * would, never reading a buffer where the backward loop does not
     */
    private static boolean oneToOne(Step st, int nf, int nb) {
        return nf == nb && st.t0() == (st.sign() < 0 ? nf - 1 : 0);
    }

    /** A backward expression written in the forward loop: tape loads become loads of the state, the backward index {@code v = sign·(u − t0)}. */
    private record Translate(Ir.Builder ir, Var v, Var u, Step st, Buf t, int s, Ir.Loop f, Saves saves, Map<Ir.Load, E> made, Map<E, E> held, Map<E, E> memo) {
        Translate(Ir.Builder ir, Var v, Var u, Step st, Buf t, int s, Ir.Loop f, Saves saves, Map<Ir.Load, E> made, Map<E, E> held) {
            this(ir, v, u, st, t, s, f, saves, made, held, new IdentityHashMap<>());
        }

        E of(E e) {
            E done = memo.get(e);
            if (done != null) return done;
            E r = switch (e) {
                case Ir.Load l when made.containsKey(l) -> of(made.get(l));
                case Ir.Load l when l.b == t -> saves.value(ir, f, saves.bySlot().get(Math.floorMod(l.ix.c(), s)));
                case Ir.Load l -> ir.load(l.b, l.ix.subst(v, back()));
                case Ir.Pos p -> ir.pos(p.ix.subst(v, back()));
                case Ir.Num n -> n;
                case Ir.Un x -> ir.rebuilt(x, this::of);
                case Ir.Bin x -> ir.rebuilt(x, this::of);
                case Ir.Prim2 x -> ir.rebuilt(x, this::of);
                case Ir.Sel x -> ir.rebuilt(x, this::of);
                case Ir.Reduce x -> throw new IllegalStateException("a reduction is never taped");
            };
            r = held.getOrDefault(r, r);   // the forward loop's own node: a load of where it stored that value
            memo.put(e, r);
            return r;
        }

        /** {@return the backward index as an index of the forward loop: {@code sign·u − sign·t0}} */
        private Ix back() { return Ix.of(-st.sign() * st.t0()).plus(Ix.of(u).times(st.sign())); }
    }
}
