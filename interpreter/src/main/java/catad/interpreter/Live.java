package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.interpreter.Zeros.ANY;
import static catad.interpreter.Zeros.ZERO;
import static catad.interpreter.Zeros.arr;
import static catad.interpreter.Zeros.elem;
import static catad.interpreter.Zeros.join;
import static catad.interpreter.Zeros.left;
import static catad.interpreter.Zeros.pair;
import static catad.interpreter.Zeros.right;

import catad.dsl.Prog;
import catad.interpreter.Zeros.Mask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Dead parts: which parts of every intermediate value the program's result uses, and the
 * sub-programs that compute only unused parts replaced by {@code zero} — the backward sibling of
 * {@link Zeros}, over the same masks read as demand ({@link Zeros#ZERO}: nothing of the value is
 * used; {@link Zeros#ANY}: all of it may be).
 *
 * <p>A derivative program often computes a pair and keeps one part far from where the pair is made:
 * {@code exr ∘ jvp f} keeps the tangent, but {@code jvp (map g) = unzip ∘ map (jvp g) ∘ zip} computes
 * every element's primal inside the map. {@link Simplify}'s rules drop a part only next to the
 * projection that drops it. This pass carries the demand backward through compositions, pairs,
 * maps, zips and loops (a fixed point for a loop's state), so the map's body keeps only what the
 * tangent needs. It changes no number of the result: only values nothing reads are replaced. A step
 * that may fail ({@code while}) is never dropped, and its whole input stays in demand.
 */
final class Live {
    private Live() {}

    private record Result(Prog prog, Mask in) {}

    /** {@return f with the sub-programs whose results nothing uses replaced by {@code zero}; the same object if none is} @param f a program */
    static Prog prune(Prog f) { return new Pass().rewrite(f, ANY).prog(); }

    private static final class Pass {
        private final Map<Prog, Map<Mask, Result>> memo = new IdentityHashMap<>();
        private final Map<Prog, Boolean> mayFail = new IdentityHashMap<>();

        /** {@return f rewritten for a result of which only {@code d} is used, and what of its input that needs} */
        Result rewrite(Prog f, Mask d) {
            Map<Mask, Result> byDemand = memo.computeIfAbsent(f, k -> new HashMap<>());
            Result done = byDemand.get(d);
            if (done != null) return done;
            Result r;
            if (d == ZERO && f.cod().dim() > 0 && !mayFail(f)) r = new Result(f instanceof Prog.Zero ? f : zero(f.dom(), f.cod()), ZERO);
            else r = step(f, d);
            byDemand.put(d, r);
            return r;
        }

        private Result step(Prog f, Mask d) {
            return switch (f) {
                case Prog.Compose p -> {
                    var steps = new ArrayList<>(p.steps());
                    boolean changed = false;
                    Mask cur = d;
                    for (int i = steps.size() - 1; i >= 0; i--) {
                        Result r = rewrite(steps.get(i), cur);
                        changed |= r.prog() != steps.get(i);
                        steps.set(i, r.prog());
                        cur = r.in();
                    }
                    yield new Result(changed ? pipe(steps) : p, cur);
                }
                case Prog.Cross p -> {
                    Result a = rewrite(p.f(), left(d)), b = rewrite(p.g(), right(d));
                    yield new Result(a.prog() == p.f() && b.prog() == p.g() ? p : cross(a.prog(), b.prog()), pair(a.in(), b.in()));
                }
                case Prog.Id p -> new Result(p, d);
                case Prog.Exl p -> new Result(p, pair(d, ZERO));
                case Prog.Exr p -> new Result(p, pair(ZERO, d));
                case Prog.Dup p -> new Result(p, join(left(d), right(d)));
                case Prog.Bang p -> new Result(p, ZERO);
                case Prog.Inl p -> new Result(p, left(d));
                case Prog.Inr p -> new Result(p, right(d));
                case Prog.Jam p -> new Result(p, pair(d, d));
                case Prog.Zero p -> new Result(p, ZERO);
                case Prog.Const p -> new Result(p, ZERO);
                case Prog.Scale p -> new Result(p, d);
                case Prog.Prim p -> new Result(p, ANY);
                case Prog.Ex p -> new Result(p, arr(d));
                case Prog.In p -> new Result(p, elem(d));
                case Prog.Repl p -> new Result(p, elem(d));
                case Prog.Sum p -> new Result(p, arr(d));
                case Prog.Zip p -> new Result(p, pair(arr(left(elem(d))), arr(right(elem(d)))));
                case Prog.Unzip p -> new Result(p, arr(pair(elem(left(d)), elem(right(d)))));
                case Prog.Reshape p -> new Result(p, ANY);
                case Prog.Transpose p -> new Result(p, d);
                case Prog.Map p -> {
                    Result r = rewrite(p.f(), elem(d));
                    yield new Result(r.prog() == p.f() ? p : map(p.n(), r.prog()), arr(r.in()));
                }
                case Prog.Cond p -> {
                    Result q = rewrite(p.p(), ANY), a = rewrite(p.f(), d), b = rewrite(p.g(), d);
                    boolean same = q.prog() == p.p() && a.prog() == p.f() && b.prog() == p.g();
                    yield new Result(same ? p : cond(q.prog(), a.prog(), b.prog()), join(q.in(), join(a.in(), b.in())));
                }
                case Prog.Iterate p -> {
                    if (p.n() == 0) yield new Result(p, d);
                    Mask s = d;
                    while (true) {
                        Mask next = join(s, rewrite(p.f(), s).in());
                        if (next.equals(s)) break;
                        s = next;
                    }
                    Result r = rewrite(p.f(), s);
                    yield new Result(r.prog() == p.f() ? p : iterate(p.n(), r.prog()), r.in());
                }
                // a while may fail, and its state decides when it stops: all of it stays
                case Prog.While p -> new Result(p, ANY);
                case Prog.MapAccum p -> {
                    Mask out = elem(right(d)), carry = left(d);
                    while (true) {
                        Mask next = join(carry, left(rewrite(p.f(), pair(carry, out)).in()));
                        if (next.equals(carry)) break;
                        carry = next;
                    }
                    if (p.n() == 0) yield new Result(p, pair(left(d), ZERO));
                    Result r = rewrite(p.f(), pair(carry, out));
                    Prog g = r.prog() == p.f() ? p : new Prog.MapAccum(p.n(), r.prog(), p.reverse());
                    yield new Result(g, pair(left(r.in()), arr(right(r.in()))));
                }
            };
        }

        private boolean mayFail(Prog f) { return Zeros.mayFail(f, mayFail); }
    }
}
