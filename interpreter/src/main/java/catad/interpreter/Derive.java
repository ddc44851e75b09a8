package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;

import catad.dsl.Primitive;
import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.List;

/**
 * Derivatives as programs: {@code jvp f : A × A → B × B} and {@code vjp f : A × B → A}, ordinary
 * catad programs that print, evaluate and differentiate again.
 *
 * <p>{@link #jvp} is the functor D on programs: {@code jvp (g ∘ f) = jvp g ∘ jvp f} and
 * {@code jvp (f × g)} is {@code jvp f × jvp g} up to a shuffle. {@link #vjp} is its transpose,
 * program by program: a linear step contributes its {@link Transpose transpose}, composition runs
 * backwards ({@code vjp (g ∘ f) (x, ct) = vjp f (x, vjp g (f x, ct))}). Primitives contribute
 * their own rules. Loops keep what the backward pass needs: {@code iterate} and {@code mapAccum}
 * record their states with a {@code mapAccum}; {@code while}, whose trip count is only known at run
 * time, recomputes the state of step j from the start (quadratic time, constant memory).
 */
final class Derive {
    private Derive() {}

    // ---------------------------------------------------------------- forward: (x, dx) ↦ (f x, f'(x) dx)

    static Prog jvp(Prog f) {
        Shape a = f.dom();
        return switch (f) {
            case Prog.Compose p -> pipe(p.steps().stream().map(Derive::jvp).toList());
            case Prog.Cross p -> {
                Shape ad = p.f().dom(), cd = p.g().dom(), bd = p.f().cod(), dd = p.g().cod();
                yield compose(tp(bd, bd, dd, dd), cross(jvp(p.f()), jvp(p.g())), tp(ad, cd, ad, cd));
            }
            case Prog.Id p -> twice(p);
            case Prog.Exl p -> twice(p);
            case Prog.Exr p -> twice(p);
            case Prog.Dup p -> twice(p);
            case Prog.Bang p -> twice(p);
            case Prog.Inl p -> twice(p);
            case Prog.Inr p -> twice(p);
            case Prog.Jam p -> twice(p);
            case Prog.Zero p -> twice(p);
            case Prog.Scale p -> twice(p);
            case Prog.Ex p -> twice(p);
            case Prog.In p -> twice(p);
            case Prog.Repl p -> twice(p);
            case Prog.Sum p -> twice(p);
            case Prog.Zip p -> twice(p);
            case Prog.Unzip p -> twice(p);
            case Prog.Reshape p -> twice(p);
            case Prog.Transpose p -> twice(p);
            case Prog.Const p -> cross(p, zero(a, p.cod()));
            case Prog.Prim p -> switch (p.p()) {
                case Primitive.Unary u -> u.outputDerivative()
                        // (x, dx) ↦ (y, d(y)·dx) with y = u x computed once
                        .map(d -> compose(fork(exl(R, R), compose(mul, cross(d, id(R)))), cross(p, id(R))))
                        .orElseGet(() -> fork(compose(p, exl(R, R)), compose(mul, cross(u.derivative(), id(R)))));
                case Primitive.Binary o -> {
                    Shape rr = Shape.pair(R, R);
                    yield fork(compose(p, exl(rr, rr)),
                            compose(add, cross(mul, mul), tp(R, R, R, R), cross(o.gradient(), id(rr))));
                }
                case Primitive.General g -> g.linear() ? twice(p) : fork(compose(p, exl(a, a)), g.jvp());
            };
            case Prog.Map p -> {
                int n = p.n();
                Shape ea = p.f().dom(), eb = p.f().cod();
                yield compose(unzip(n, eb, eb), map(n, jvp(p.f())), zip(n, ea, ea));
            }
            case Prog.Cond p -> cond(compose(p.p(), exl(a, a)), jvp(p.f()), jvp(p.g()));
            case Prog.Iterate p -> iterate(p.n(), jvp(p.f()));
            case Prog.While p -> whileLoop(compose(p.p(), exl(a, a)), jvp(p.f()), p.maxIter());
            case Prog.MapAccum p -> {
                int n = p.n();
                Shape c = p.carry(), ea = p.in(), eb = p.out(), as = Shape.arr(n, ea), bs = Shape.arr(n, eb);
                Shape d = p.dom(), cc = Shape.pair(c, c);
                Prog x = exl(d, d), dx = exr(d, d);
                Prog pre = fork(fork(compose(exl(c, as), x), compose(exl(c, as), dx)),
                        compose(zip(n, ea, ea), fork(compose(exr(c, as), x), compose(exr(c, as), dx))));
                Prog step = compose(tp(c, eb, c, eb), jvp(p.f()), tp(c, c, ea, ea));
                Prog post = compose(tp(c, c, bs, bs), cross(id(cc), unzip(n, eb, eb)));
                yield compose(post, new Prog.MapAccum(n, step, p.reverse()), pre);
            }
        };
    }

    /** {@return the jvp of a linear program: {@code f × f}} */
    private static Prog twice(Prog f) { return cross(f, f); }

    /** {@return {@code (A × B) × (C × D) → (A × C) × (B × D)}} */
    static Prog tp(Shape a, Shape b, Shape c, Shape d) {
        return fork(cross(exl(a, b), exl(c, d)), cross(exr(a, b), exr(c, d)));
    }

    // ---------------------------------------------------------------- reverse: (x, ct) ↦ f'(x)ᵀ ct

    static Prog vjp(Prog f) {
        Shape a = f.dom(), b = f.cod();
        return switch (f) {
            case Prog.Compose p -> {
                List<Prog> s = p.steps();
                Shape out = p.cod();
                Prog acc = vjp(s.getLast());
                for (int i = s.size() - 2; i >= 0; i--) {
                    Prog fi = s.get(i);
                    if (fi instanceof Prog.Prim(Primitive.Unary u) && u.outputDerivative().isPresent()) {
                        // keep y = u x instead of x: its derivative comes from y (exp' = exp), not recomputed
                        Prog d = u.outputDerivative().get();
                        acc = compose(mul, cross(d, id(R)), fork(exl(R, out), acc), cross(fi, id(out)));
                    } else {
                        acc = compose(vjp(fi), fork(exl(fi.dom(), out), compose(acc, cross(fi, id(out)))));
                    }
                }
                yield acc;
            }
            case Prog.Cross p -> {
                Shape ad = p.f().dom(), cd = p.g().dom(), bd = p.f().cod(), dd = p.g().cod();
                yield compose(cross(vjp(p.f()), vjp(p.g())), tp(ad, cd, bd, dd));
            }
            case Prog.Id p -> linear(p);
            case Prog.Exl p -> linear(p);
            case Prog.Exr p -> linear(p);
            case Prog.Dup p -> linear(p);
            case Prog.Bang p -> linear(p);
            case Prog.Inl p -> linear(p);
            case Prog.Inr p -> linear(p);
            case Prog.Jam p -> linear(p);
            case Prog.Zero p -> linear(p);
            case Prog.Scale p -> linear(p);
            case Prog.Ex p -> linear(p);
            case Prog.In p -> linear(p);
            case Prog.Repl p -> linear(p);
            case Prog.Sum p -> linear(p);
            case Prog.Zip p -> linear(p);
            case Prog.Unzip p -> linear(p);
            case Prog.Reshape p -> linear(p);
            case Prog.Transpose p -> linear(p);
            case Prog.Const p -> zero(Shape.pair(a, b), a);
            case Prog.Prim p -> switch (p.p()) {
                case Primitive.Unary u -> compose(mul, cross(u.derivative(), id(R)));
                case Primitive.Binary o -> {
                    Shape rr = Shape.pair(R, R);
                    // ((g1, g2), ct) ↦ (g1·ct, g2·ct)
                    Prog g = exl(rr, R), ct = exr(rr, R);
                    yield compose(cross(mul, mul), fork(fork(compose(exl(R, R), g), ct), fork(compose(exr(R, R), g), ct)),
                            cross(o.gradient(), id(R)));
                }
                case Primitive.General g -> g.linear() ? linear(p) : g.vjp();
            };
            case Prog.Map p -> {
                int n = p.n();
                yield compose(map(n, vjp(p.f())), zip(n, p.f().dom(), p.f().cod()));
            }
            case Prog.Cond p -> cond(compose(p.p(), exl(a, b)), vjp(p.f()), vjp(p.g()));
            case Prog.Iterate p -> vjpIterate(p);
            case Prog.While p -> vjpWhile(p);
            case Prog.MapAccum p -> vjpMapAccum(p);
        };
    }

    /** {@return the vjp of a linear program: {@code fᵀ ∘ exr}} */
    private static Prog linear(Prog f) { return compose(Transpose.tr(f), exr(f.dom(), f.cod())); }

    private static Prog vjpIterate(Prog.Iterate p) {
        Shape a = p.dom(), aa = Shape.pair(a, a);
        int n = p.n();
        if (n == 0) return exr(a, a);
        Shape units = Shape.arr(n, Shape.UNIT), states = Shape.arr(n, a);
        Prog f = p.f();
        // forward: carry x_{i+1} = f x_i, emit x_i
        Prog record = compose(exr(a, states), mapAccum(n, fork(compose(f, exl(a, Shape.UNIT)), exl(a, Shape.UNIT))),
                fork(id(a), constant(a, units)));
        // backward: ct_i = vjp f (x_i, ct_{i+1}), last state first
        Prog back = compose(exl(a, units), mapAccumR(n, fork(compose(vjp(f), swap(a, a)), bang(aa))));
        return compose(back, fork(exr(a, a), compose(record, exl(a, a))));
    }

    private static Prog vjpWhile(Prog.While p) {
        Shape a = p.dom(), aa = Shape.pair(a, a), ar = Shape.pair(a, R);
        int max = p.maxIter();
        Prog f = p.f();
        // k: the number of steps run from x
        Prog count = compose(exr(a, R), whileLoop(compose(p.p(), exl(a, R)), cross(f, offset(1)), max), fork(id(a), constant(a, 0)));
        // state ((x0, ct), j); each step: j ← j-1, ct ← vjp f (f^j x0, ct)
        Prog j1 = compose(offset(-1), exr(aa, R));
        Prog x0 = compose(exl(a, a), exl(aa, R));
        Prog ct = compose(exr(a, a), exl(aa, R));
        Prog run = compose(exl(a, R), whileLoop(exr(a, R), cross(f, offset(-1)), max));
        Prog xj = compose(run, fork(x0, j1));
        Prog step = fork(fork(x0, compose(vjp(f), fork(xj, ct))), j1);
        Prog loop = whileLoop(exr(aa, R), step, max);
        return compose(ct, loop, fork(id(aa), compose(count, exl(a, a))));
    }

    private static Prog vjpMapAccum(Prog.MapAccum p) {
        int n = p.n();
        Shape c = p.carry(), ea = p.in(), eb = p.out();
        Shape as = Shape.arr(n, ea), bs = Shape.arr(n, eb), d = p.dom(), e = p.cod();
        Shape ca = Shape.pair(c, ea), cab = Shape.pair(ca, eb);
        Prog x = exl(d, e), ctIn = exr(d, e);
        // the carry each element saw
        Prog cs = compose(exr(c, Shape.arr(n, c)),
                new Prog.MapAccum(n, fork(compose(exl(c, eb), p.f()), exl(c, ea)), p.reverse()), x);
        Prog elems = compose(exr(c, as), x);
        Prog ctc = compose(exl(c, bs), ctIn), ctbs = compose(exr(c, bs), ctIn);
        Prog arr = compose(zip(n, ca, eb), fork(compose(zip(n, c, ea), fork(cs, elems)), ctbs));
        // (ct_c, ((c_i, a_i), ct_b_i)) ↦ vjp f ((c_i, a_i), (ct_c, ct_b_i))
        Prog h = compose(vjp(p.f()), fork(compose(exl(ca, eb), exr(c, cab)),
                fork(exl(c, cab), compose(exr(ca, eb), exr(c, cab)))));
        return compose(new Prog.MapAccum(n, h, !p.reverse()), fork(ctc, arr));
    }
}
