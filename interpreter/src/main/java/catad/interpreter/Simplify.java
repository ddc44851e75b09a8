package catad.interpreter;

import static catad.dsl.Catad.*;

import catad.dsl.Prims;
import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a program with the laws so derivative programs stay small: {@code id ∘ f → f},
 * {@code exl ∘ (f △ g) → f}, {@code (f × g) ∘ (h × k) → (f∘h) × (g∘k)}, zero propagation
 * ({@code L ∘ zero → zero} for linear L, {@code mul ∘ (zero △ g) → zero}, {@code jam ∘ (f × zero) → f ∘ exl}),
 * sums of pairs added part by part, so that the zero parts of injections add nothing
 * ({@code jam ∘ ((p △ q) × inr) → p ∘ exl △ jam ∘ (q × id)}),
 * constant folding, {@code map g ∘ map f → map (g ∘ f)}, and sharing of common sub-programs
 * ({@code f △ f → dup ∘ f}, {@code (f ∘ h) △ (g ∘ h) → (f △ g) ∘ h}). These rules see a zero only
 * next to its consumer; once they have nothing left to do (and after the last of at most 20 rounds)
 * {@link Zeros} follows known zeros through the whole program,
 * and {@link Live} drops the parts of values that nothing uses, wherever they are computed.
 *
 * <p>The result computes the same function. Two caveats, as with JAX's symbolic zeros: where a zero
 * meets a NaN or infinity ({@code 0 · NaN}), the simplified program gives 0; and an addition of a
 * zero that is left out ({@code x + 0}) no longer turns {@code -0} into {@code +0}.
 */
public final class Simplify {
    private Simplify() {}

    /** Whether {@link Zeros} runs (on by default; {@code -Dcatad.simplify.zeros=false} turns it off, to measure it). */
    static final boolean ZEROS = !"false".equals(System.getProperty("catad.simplify.zeros"));

    /** Whether {@link Live} runs (on by default; {@code -Dcatad.simplify.live=false} turns it off, to measure it). */
    static final boolean LIVE = !"false".equals(System.getProperty("catad.simplify.live"));

    /** At most this many rounds of the local rules; the whole-program passes run after the last at the latest. */
    private static final int ROUNDS = 20;

    /** Constants up to this many numbers are folded. */
    static final int FOLD_LIMIT = 4096;

    /** {@return the program simplified to a fixed point} @param f a program */
    public static Prog simplify(Prog f) { return simplify(f, ZEROS); }

    /** {@return f simplified to a fixed point, with or without {@link Zeros}} @param f a program @param zeros whether zeros are followed */
    static Prog simplify(Prog f, boolean zeros) {
        return Deep.run("simplify", () -> {
            // the local rules to their fixed point first; the whole-program passes (each a walk over all of
            // it, several times the cost of a round of local rules) only then, and again after they changed it
            // and at the latest after the last of 20 rounds
            Prog cur = f;
            for (int round = 1; ; round++) {
                Prog next = once(cur);
                boolean last = round == ROUNDS;
                if (last || next.equals(cur)) {
                    if (zeros) next = Zeros.propagate(next);
                    if (LIVE) next = Live.prune(next);
                    if (last || next.equals(cur)) return next;
                }
                cur = next;
            }
        });
    }

    /** {@return the number of nodes in the program, a composition counting its steps} @param f a program */
    public static long size(Prog f) {
        return Deep.run("size", () -> count(f));
    }

    private static long count(Prog f) {
        return switch (f) {
            case Prog.Compose p -> p.steps().stream().mapToLong(Simplify::count).sum();
            case Prog.Cross p -> 1 + count(p.f()) + count(p.g());
            case Prog.Map p -> 1 + count(p.f());
            case Prog.Cond p -> 1 + count(p.p()) + count(p.f()) + count(p.g());
            case Prog.Iterate p -> 1 + count(p.f());
            case Prog.While p -> 1 + count(p.p()) + count(p.f());
            case Prog.MapAccum p -> 1 + count(p.f());
            case Prog.Id p -> 1;
            case Prog.Exl p -> 1;
            case Prog.Exr p -> 1;
            case Prog.Dup p -> 1;
            case Prog.Bang p -> 1;
            case Prog.Inl p -> 1;
            case Prog.Inr p -> 1;
            case Prog.Jam p -> 1;
            case Prog.Const p -> 1;
            case Prog.Zero p -> 1;
            case Prog.Scale p -> 1;
            case Prog.Prim p -> 1;
            case Prog.Ex p -> 1;
            case Prog.In p -> 1;
            case Prog.Repl p -> 1;
            case Prog.Sum p -> 1;
            case Prog.Zip p -> 1;
            case Prog.Unzip p -> 1;
            case Prog.Reshape p -> 1;
            case Prog.Transpose p -> 1;
        };
    }

    /** One bottom-up pass. */
    static Prog once(Prog f) { return once(f, new IdentityHashMap<>()); }

    /**
     * One bottom-up pass. Derivative programs share sub-programs by reference (each step of the
     * primal reappears in the vjp of every enclosing composition), so the memo rewrites each shared
     * object once per pass: time linear in the number of distinct nodes, not in the unshared tree,
     * which is quadratic for nested programs.
     */
    private static Prog once(Prog f, Map<Prog, Prog> memo) {
        Prog done = memo.get(f);
        if (done != null) return done;
        Prog r = switch (f) {
            case Prog.Compose p -> chain(p.steps().stream().map(s -> once(s, memo)).toList(), p.dom());
            case Prog.Cross p -> node(cross(once(p.f(), memo), once(p.g(), memo)));
            case Prog.Map p -> node(map(p.n(), once(p.f(), memo)));
            case Prog.Cond p -> node(cond(once(p.p(), memo), once(p.f(), memo), once(p.g(), memo)));
            case Prog.Iterate p -> node(iterate(p.n(), once(p.f(), memo)));
            case Prog.While p -> whileLoop(once(p.p(), memo), once(p.f(), memo), p.maxIter());
            case Prog.MapAccum p -> new Prog.MapAccum(p.n(), once(p.f(), memo), p.reverse());
            case Prog.Scale p -> node(p);
            case Prog.Id p -> p;
            case Prog.Exl p -> p;
            case Prog.Exr p -> p;
            case Prog.Dup p -> p;
            case Prog.Bang p -> p;
            case Prog.Inl p -> p;
            case Prog.Inr p -> p;
            case Prog.Jam p -> p;
            case Prog.Const p -> p;
            case Prog.Zero p -> p;
            case Prog.Prim p -> p;
            case Prog.Ex p -> p;
            case Prog.In p -> p;
            case Prog.Repl p -> p;
            case Prog.Sum p -> p;
            case Prog.Zip p -> p;
            case Prog.Unzip p -> p;
            case Prog.Reshape p -> p;
            case Prog.Transpose p -> p;
        };
        memo.put(f, r);
        return r;
    }

    /** Rewrites inside a composition, first applied first, until none applies. */
    private static Prog chain(List<Prog> steps, Shape dom) {
        var s = new ArrayList<Prog>();
        for (Prog p : steps) push(s, p);
        return s.isEmpty() ? id(dom) : pipe(s);
    }

    /** Adds a step after the others, rewriting with the last steps while a law applies. */
    private static void push(List<Prog> s, Prog y) {
        y = node(y);
        for (Prog step : y.steps()) {
            if (step instanceof Prog.Id) continue;
            if (s.isEmpty()) { s.add(step); continue; }
            Prog x = s.getLast();
            List<Prog> r = pair(x, step);
            if (r != null) {
                s.removeLast();
                for (Prog q : r) push(s, q);
                continue;
            }
            if (s.size() >= 2 && x instanceof Prog.Dup && step instanceof Prog.Cross c && projectsThrough(s.get(s.size() - 2), c)) {
                // (p ∘ exl △ q ∘ exr) ∘ X = (p ∘ exl ∘ X) △ (q ∘ exr ∘ X): push X into branches that only project it
                Prog before = s.get(s.size() - 2);
                s.removeLast();
                s.removeLast();
                push(s, dup(before.dom()));
                push(s, cross(chain(List.of(before, c.f()), before.dom()), chain(List.of(before, c.g()), before.dom())));
                continue;
            }
            s.add(step);
        }
    }

    /**
     * {@return whether both branches of {@code c} start with a projection that {@code x} can be
     * pushed through without doing work twice: after a {@code dup} always, after {@code f × g}
     * when the branches take different sides}
     */
    private static boolean projectsThrough(Prog x, Prog.Cross c) {
        Prog p = c.f().steps().getFirst(), q = c.g().steps().getFirst();
        boolean pl = p instanceof Prog.Exl, pr = p instanceof Prog.Exr, ql = q instanceof Prog.Exl, qr = q instanceof Prog.Exr;
        boolean pk = ignoresInput(p), qk = ignoresInput(q);
        if (!(pl || pr || pk) || !(ql || qr || qk)) return false;
        if (x instanceof Prog.Dup) return true;
        if (x instanceof Prog.Cross) return pk || qk || pl != ql;
        return false;
    }

    private static boolean ignoresInput(Prog p) {
        return p instanceof Prog.Const || p instanceof Prog.Zero || p instanceof Prog.Bang;
    }

    /** {@return the last step of a program} */
    private static Prog last(Prog p) { return p.steps().getLast(); }

    private static Prog allButLast(Prog p) {
        List<Prog> s = p.steps();
        return s.size() == 1 ? id(p.dom()) : pipe(s.subList(0, s.size() - 1));
    }

    /** Single-node rewrites that may apply anywhere. */
    private static Prog node(Prog f) {
        if (f instanceof Prog.Cross p) {
            if (p.f() instanceof Prog.Id && p.g() instanceof Prog.Id) return id(p.dom());
            if (p.f() instanceof Prog.Zero && p.g() instanceof Prog.Zero) return zero(p.dom(), p.cod());
        } else if (f instanceof Prog.Map p) {
            if (p.f() instanceof Prog.Id) return id(p.dom());
            if (p.f() instanceof Prog.Zero) return zero(p.dom(), p.cod());
            if (p.f() instanceof Prog.Scale sc) return scale(p.dom(), sc.s());
        } else if (f instanceof Prog.Cond p) {
            if (p.f().equals(p.g())) return p.f();
        } else if (f instanceof Prog.Iterate p) {
            if (p.n() == 0) return id(p.dom());
            if (p.n() == 1) return p.f();
        } else if (f instanceof Prog.Scale p) {
            if (p.s() == 1) return id(p.a());
            if (p.s() == 0) return zero(p.a(), p.a());
        }
        return f;
    }

    /** {@return the rewrite of {@code y ∘ x} as steps (first applied first), or null if no law applies} */
    private static List<Prog> pair(Prog x, Prog y) {
        boolean pure = !(x instanceof Prog.While);   // a while may fail; keep it
        if (y instanceof Prog.Const c && pure) return List.of(new Prog.Const(x.dom(), c.cod(), c.value()));
        if (y instanceof Prog.Zero z && pure) return List.of(zero(x.dom(), z.cod()));
        if (y instanceof Prog.Bang && pure) return List.of(bang(x.dom()));
        if (x instanceof Prog.Const c && y.cod().dim() <= FOLD_LIMIT && !(y instanceof Prog.While))
            return List.of(new Prog.Const(c.dom(), y.cod(), Eval.eval(y, c.value(), 1)));
        if (x instanceof Prog.Zero z && Transpose.linear(y)) return List.of(zero(z.dom(), y.cod()));

        if (x instanceof Prog.Dup) {
            if (y instanceof Prog.Exl || y instanceof Prog.Exr) return List.of();
            if (y instanceof Prog.Cross c) {
                if (c.f().equals(c.g())) return List.of(c.f(), dup(c.f().cod()));
                List<Prog> fs = c.f().steps(), gs = c.g().steps();
                Prog h = fs.getFirst();
                if (fs.size() > 1 && gs.size() > 1 && h.equals(gs.getFirst()))
                    return List.of(h, dup(h.cod()), cross(pipe(fs.subList(1, fs.size())), pipe(gs.subList(1, gs.size()))));
                if (fs.size() > 1 && h.equals(c.g()))
                    return List.of(h, dup(h.cod()), cross(pipe(fs.subList(1, fs.size())), id(h.cod())));
                if (gs.size() > 1 && gs.getFirst().equals(c.f()))
                    return List.of(c.f(), dup(c.f().cod()), cross(id(c.f().cod()), pipe(gs.subList(1, gs.size()))));
            }
        } else if (x instanceof Prog.Cross c) {
            Shape l = c.f().dom(), r = c.g().dom();
            if (y instanceof Prog.Exl) return List.of(exl(l, r), c.f());
            if (y instanceof Prog.Exr) return List.of(exr(l, r), c.g());
            if (y instanceof Prog.Cross d) return List.of(cross(compose(d.f(), c.f()), compose(d.g(), c.g())));
            if (y instanceof Prog.Jam) {
                if (c.g() instanceof Prog.Zero) return List.of(exl(l, r), c.f());
                if (c.f() instanceof Prog.Zero) return List.of(exr(l, r), c.g());
                Prog a = last(c.f()), b = last(c.g());
                // jam ∘ (inl × inr) = id, jam ∘ (inr × inl) = swap: sums of one-hot pieces are pairs
                if (a instanceof Prog.Inl && b instanceof Prog.Inr)
                    return List.of(cross(allButLast(c.f()), allButLast(c.g())));
                if (a instanceof Prog.Inr && b instanceof Prog.Inl)
                    return List.of(cross(allButLast(c.f()), allButLast(c.g())), swap(a.dom(), b.dom()));
                // jam ∘ (inl × inl) = inl ∘ jam, likewise inr
                if (a instanceof Prog.Inl ia && b instanceof Prog.Inl)
                    return List.of(cross(allButLast(c.f()), allButLast(c.g())), jam(ia.a()), a);
                if (a instanceof Prog.Inr ia && b instanceof Prog.Inr)
                    return List.of(cross(allButLast(c.f()), allButLast(c.g())), jam(ia.b()), a);
                if (y.cod() instanceof Shape.Pair pp && (makesPair(a) || makesPair(b))) return byParts(c, pp);
            }
            if (y instanceof Prog.Prim p && p.p().equals(Prims.MUL)) {
                if (c.f() instanceof Prog.Zero || c.g() instanceof Prog.Zero) return List.of(zero(c.dom(), Shape.R));
                if (isOne(c.f())) return List.of(exr(l, r), c.g());
                if (isOne(c.g())) return List.of(exl(l, r), c.f());
                if (c.f() instanceof Prog.Const k) return List.of(exr(l, r), c.g(), scale(k.at(0)));
                if (c.g() instanceof Prog.Const k) return List.of(exl(l, r), c.f(), scale(k.at(0)));
            }
        } else if (x instanceof Prog.Inl i) {
            if (y instanceof Prog.Exl) return List.of();
            if (y instanceof Prog.Exr) return List.of(zero(i.a(), i.b()));
        } else if (x instanceof Prog.Inr i) {
            if (y instanceof Prog.Exr) return List.of();
            if (y instanceof Prog.Exl) return List.of(zero(i.b(), i.a()));
        } else if (x instanceof Prog.Scale a) {
            if (y instanceof Prog.Scale b) return List.of(scale(a.a(), a.s() * b.s()));
        } else if (x instanceof Prog.Map a) {
            if (y instanceof Prog.Map b) return List.of(map(a.n(), once(compose(b.f(), a.f()))));
        }
        return null;
    }

    /** {@return whether a step builds a pair whose parts are visible: {@code f × g}, {@code inl}, {@code inr}} */
    private static boolean makesPair(Prog step) {
        return step instanceof Prog.Cross || step instanceof Prog.Inl || step instanceof Prog.Inr;
    }

    /**
     * {@code jam ∘ (F × G)} on pairs, added part by part: {@code jam} of pairs is {@code (jam ∘ (F₁ × G₁))
     * △ (jam ∘ (F₂ × G₂))}, where a side ending in {@code p × q} has parts {@code p ∘ exl} and {@code q ∘
     * exr} of what comes before, {@code inl} has parts {@code id} and {@code zero}, and any other side
     * {@code exl} and {@code exr} of its result. A zero part then drops its addition ({@code jam ∘ (f ×
     * zero) → f ∘ exl}), and the parts' own pairs are added part by part in turn. When what comes before
     * the last steps only moves values ({@link #movesOnly}) it is written into both parts, so that an
     * injection there is seen too; otherwise it is computed once, before a {@code dup}.
     */
    private static List<Prog> byParts(Prog.Cross c, Shape.Pair pp) {
        Prog a = last(c.f()), b = last(c.g());
        Prog f1 = makesPair(a) ? allButLast(c.f()) : c.f(), g1 = makesPair(b) ? allButLast(c.g()) : c.g();
        Prog fa = makesPair(a) ? a : id(a.cod()), gb = makesPair(b) ? b : id(b.cod());
        Shape l = pp.left(), r = pp.right();
        if (!(movesOnly(f1) && movesOnly(g1))) return null;
        return List.of(dup(c.dom()), cross(
                pipe(cross(pipe(f1, part(fa, false)), pipe(g1, part(gb, false))), jam(l)),
                pipe(cross(pipe(f1, part(fa, true)), pipe(g1, part(gb, true))), jam(r))));
    }

    /** {@return the left or right part of what {@code step} (a pair maker, or {@code id} of a pair) makes, as a program of its input} */
    private static Prog part(Prog step, boolean right) {
        if (step instanceof Prog.Cross x) {
            Shape l = x.f().dom(), r = x.g().dom();
            return right ? pipe(exr(l, r), x.g()) : pipe(exl(l, r), x.f());
        }
        if (step instanceof Prog.Inl i) return right ? zero(i.a(), i.b()) : id(i.a());
        if (step instanceof Prog.Inr i) return right ? id(i.b()) : zero(i.b(), i.a());
        Shape.Pair p = (Shape.Pair) step.cod();
        return right ? exr(p.left(), p.right()) : exl(p.left(), p.right());
    }

    /** {@return whether a program only moves, copies or pads values: projections, dup, injections, zeros and crosses of such} */
    private static boolean movesOnly(Prog p) {
        for (Prog s : p.steps()) {
            boolean moves = s instanceof Prog.Id || s instanceof Prog.Exl || s instanceof Prog.Exr || s instanceof Prog.Dup
                    || s instanceof Prog.Inl || s instanceof Prog.Inr || s instanceof Prog.Zero
                    || s instanceof Prog.Cross x && movesOnly(x.f()) && movesOnly(x.g());
            if (!moves) return false;
        }
        return true;
    }

    private static boolean isOne(Prog p) {
        return p instanceof Prog.Const c && c.cod().equals(Shape.R) && c.at(0) == 1;
    }
}
