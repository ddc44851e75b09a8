package catad.interpreter;

import static catad.dsl.Catad.*;

import catad.dsl.Primitive;
import catad.dsl.Prims;
import catad.dsl.Prog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Symbolic zeros carried through a whole program: which parts of every intermediate value are known
 * to be zero, and the sub-programs that only compute such parts replaced by {@code zero}.
 *
 * <p>{@link Simplify}'s rules see a zero only where it meets its consumer in one composition
 * ({@code mul ∘ (zero △ g)}). In a derivative program the zero is usually far from where it
 * matters: a tangent {@code (dx, 0)} enters {@code jvp f} as one part of a pair and travels through
 * projections, forks, zips and maps before it is multiplied. This pass follows it. Each value gets a
 * <em>mask</em> mirroring its shape — {@link #ZERO} (known zero), {@link #ANY}, a pair of masks, or an
 * array whose elements all share one mask — computed forward from the program's input (about which
 * nothing is known). A step whose result is known zero becomes {@code zero}; a {@code jam} with a zero
 * side becomes the projection of the other side; {@code mul} and the bilinear built-ins ({@code dot},
 * {@code matvec}, {@code matmul}) with a zero factor are zero. Loops take the least mask that holds
 * for every iteration (a fixed point: masks only grow, so it is reached in a few rounds).
 *
 * <p>Semantics are those of {@link Simplify}'s zero rules (and of JAX's symbolic zeros): a product
 * with a known-zero factor is zero even where the other factor is NaN or infinite, and an addition of
 * a known zero no longer turns {@code -0} into {@code +0}. A step that may fail ({@code while}, which
 * stops at its bound) is never dropped.
 */
final class Zeros {
    private Zeros() {}

    /** What is known of a value's parts. */
    sealed interface Mask {}

    /** Every number of the value is zero. */
    record Zero() implements Mask {}

    /** Nothing is known. */
    record Any() implements Mask {}

    /** A pair with something known of a part. */
    record Pair(Mask l, Mask r) implements Mask {}

    /** An array whose elements all have this mask. */
    record Arr(Mask e) implements Mask {}

    static final Mask ZERO = new Zero(), ANY = new Any();

    static Mask pair(Mask l, Mask r) {
        if (l == ZERO && r == ZERO) return ZERO;
        if (l == ANY && r == ANY) return ANY;
        return new Pair(l, r);
    }

    static Mask arr(Mask e) { return e == ZERO || e == ANY ? e : new Arr(e); }

    static Mask left(Mask m) { return m instanceof Pair p ? p.l() : m; }

    static Mask right(Mask m) { return m instanceof Pair p ? p.r() : m; }

    static Mask elem(Mask m) { return m instanceof Arr a ? a.e() : m; }

    /** {@return what is known of a value that is either a or b (a sum of a and b too)} */
    static Mask join(Mask a, Mask b) {
        if (a == ZERO || a.equals(b)) return b;
        if (b == ZERO) return a;
        if (a == ANY || b == ANY) return ANY;
        if (a instanceof Pair p && b instanceof Pair q) return pair(join(p.l(), q.l()), join(p.r(), q.r()));
        if (a instanceof Arr p && b instanceof Arr q) return arr(join(p.e(), q.e()));
        return ANY;
    }

    private record Result(Prog prog, Mask out) {}

    /** {@return f with the sub-programs that compute only known zeros replaced by {@code zero}; the same object if none does} @param f a program */
    static Prog propagate(Prog f) { return new Zeros.Pass().rewrite(f, ANY).prog(); }

    /** One run: results memoized per (shared sub-program, input mask), so shared programs cost once. */
    private static final class Pass {
        private final Map<Prog, Map<Mask, Result>> memo = new IdentityHashMap<>();
        private final Map<Prog, Boolean> mayFail = new IdentityHashMap<>();

        Result rewrite(Prog f, Mask m) {
            Map<Mask, Result> byMask = memo.computeIfAbsent(f, k -> new HashMap<>());
            Result done = byMask.get(m);
            if (done != null) return done;
            Result r = step(f, m);
            if (r.out() == ZERO && !(r.prog() instanceof Prog.Zero) && !mayFail(r.prog()))
                r = new Result(zero(f.dom(), f.cod()), ZERO);
            byMask.put(m, r);
            return r;
        }

        private Result step(Prog f, Mask m) {
            return switch (f) {
                case Prog.Compose p -> {
                    var steps = new ArrayList<Prog>(p.steps().size());
                    boolean changed = false;
                    Mask cur = m;
                    for (Prog s : p.steps()) {
                        Result r = rewrite(s, cur);
                        steps.add(r.prog());
                        changed |= r.prog() != s;
                        cur = r.out();
                    }
                    yield new Result(changed ? pipe(steps) : p, cur);
                }
                case Prog.Cross p -> {
                    Result a = rewrite(p.f(), left(m)), b = rewrite(p.g(), right(m));
                    yield new Result(a.prog() == p.f() && b.prog() == p.g() ? p : cross(a.prog(), b.prog()), pair(a.out(), b.out()));
                }
                case Prog.Id p -> new Result(p, m);
                case Prog.Exl p -> new Result(p, left(m));
                case Prog.Exr p -> new Result(p, right(m));
                case Prog.Dup p -> new Result(p, pair(m, m));
                case Prog.Bang p -> new Result(p, ANY);
                case Prog.Inl p -> new Result(p, pair(m, ZERO));
                case Prog.Inr p -> new Result(p, pair(ZERO, m));
                case Prog.Jam p -> {
                    Mask l = left(m), r = right(m);
                    if (l == ZERO) yield new Result(exr(p.a(), p.a()), r);
                    if (r == ZERO) yield new Result(exl(p.a(), p.a()), l);
                    yield new Result(p, join(l, r));
                }
                case Prog.Zero p -> new Result(p, ZERO);
                case Prog.Const p -> new Result(p, p.value().length > 0 && allPlusZero(p.value()) ? ZERO : ANY);
                case Prog.Scale p -> new Result(p, m);
                case Prog.Prim p -> new Result(p, prim(p.p(), m));
                case Prog.Ex p -> new Result(p, elem(m));
                case Prog.In p -> new Result(p, arr(m));
                case Prog.Repl p -> new Result(p, arr(m));
                case Prog.Sum p -> new Result(p, elem(m));
                case Prog.Zip p -> new Result(p, arr(pair(elem(left(m)), elem(right(m)))));
                case Prog.Unzip p -> new Result(p, pair(arr(left(elem(m))), arr(right(elem(m)))));
                case Prog.Reshape p -> new Result(p, m == ZERO ? ZERO : ANY);
                case Prog.Transpose p -> new Result(p, m);
                case Prog.Map p -> {
                    Result r = rewrite(p.f(), elem(m));
                    yield new Result(r.prog() == p.f() ? p : map(p.n(), r.prog()), arr(r.out()));
                }
                case Prog.Cond p -> {
                    Result q = rewrite(p.p(), m), a = rewrite(p.f(), m), b = rewrite(p.g(), m);
                    boolean same = q.prog() == p.p() && a.prog() == p.f() && b.prog() == p.g();
                    yield new Result(same ? p : cond(q.prog(), a.prog(), b.prog()), join(a.out(), b.out()));
                }
                case Prog.Iterate p -> {
                    Mask s = loopMask(p.f(), m);
                    Result r = rewrite(p.f(), s);
                    yield new Result(r.prog() == p.f() ? p : iterate(p.n(), r.prog()), p.n() == 0 ? m : r.out());
                }
                case Prog.While p -> {
                    Mask s = loopMask(p.f(), m);
                    Result q = rewrite(p.p(), s), r = rewrite(p.f(), s);
                    boolean same = q.prog() == p.p() && r.prog() == p.f();
                    yield new Result(same ? p : whileLoop(q.prog(), r.prog(), p.maxIter()), s);
                }
                case Prog.MapAccum p -> {
                    Mask in = elem(right(m)), carry = left(m);
                    while (true) {
                        Mask next = join(carry, left(rewrite(p.f(), pair(carry, in)).out()));
                        if (next.equals(carry)) break;
                        carry = next;
                    }
                    Result r = rewrite(p.f(), pair(carry, in));
                    Prog g = r.prog() == p.f() ? p : new Prog.MapAccum(p.n(), r.prog(), p.reverse());
                    yield new Result(g, p.n() == 0 ? pair(left(m), ZERO) : pair(left(r.out()), arr(right(r.out()))));
                }
            };
        }

        /** {@return the least mask that holds for the state of {@code x, f x, f (f x), …}} */
        private Mask loopMask(Prog f, Mask m) {
            Mask s = m;
            while (true) {
                Mask next = join(s, rewrite(f, s).out());
                if (next.equals(s)) return s;
                s = next;
            }
        }

        private Mask prim(Primitive p, Mask m) {
            if (Prims.bilinear(p)) return left(m) == ZERO || right(m) == ZERO ? ZERO : ANY;
            return p.linear() && m == ZERO ? ZERO : ANY;
        }

        private boolean mayFail(Prog f) { return Zeros.mayFail(f, mayFail); }
    }

    /** {@return whether running f may throw: it holds a {@code while}} @param f a program @param memo answers so far, by identity */
    static boolean mayFail(Prog f, Map<Prog, Boolean> memo) {
        Boolean known = memo.get(f);
        if (known != null) return known;
        boolean r = f instanceof Prog.While
                || f instanceof Prog.Compose p && p.steps().stream().anyMatch(s -> mayFail(s, memo))
                || f instanceof Prog.Cross p && (mayFail(p.f(), memo) || mayFail(p.g(), memo))
                || f instanceof Prog.Map p && mayFail(p.f(), memo)
                || f instanceof Prog.Cond p && (mayFail(p.p(), memo) || mayFail(p.f(), memo) || mayFail(p.g(), memo))
                || f instanceof Prog.Iterate p && mayFail(p.f(), memo)
                || f instanceof Prog.MapAccum p && mayFail(p.f(), memo);
        memo.put(f, r);
        return r;
    }

    private static boolean allPlusZero(double[] v) {
        for (double x : v) if (Double.doubleToRawLongBits(x) != 0) return false;
        return true;
    }
}
