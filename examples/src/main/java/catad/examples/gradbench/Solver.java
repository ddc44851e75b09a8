package catad.examples.gradbench;

import catad.dsl.Catad;
import catad.dsl.Pointful;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.Sym;
import catad.interpreter.AD;

/**
 * The gradient-descent argmin of Pearlmutter and Siskind's nested-AD benchmarks ({@code saddle},
 * {@code particle}), as a catad {@code while} loop, and the two ways to take the gradient it
 * descends: forward mode (one {@link AD#jvp(Prog) jvp} per basis vector) or reverse mode
 * ({@link AD#grad(Prog)}).
 *
 * <p>The loop is the benchmarks' own: start with step η = 10⁻⁵; stop when ‖∇f‖ < 10⁻⁵ or a step
 * moves less than 10⁻⁵; take a step that lowers f (doubling η after ten such steps in a row),
 * otherwise halve η.
 */
final class Solver {
    private Solver() {}

    /** How a gradient is taken. */
    enum Mode {
        /** Forward mode: {@code jvp} programs, one per coordinate. */
        FORWARD,
        /** Reverse mode: the {@code grad} (vjp) program. */
        REVERSE;

        /** {@return the mode a function name's letter names: 'f' forward, 'r' reverse} */
        static Mode of(char c) {
            return switch (c) {
                case 'f' -> FORWARD;
                case 'r' -> REVERSE;
                default -> throw new IllegalArgumentException("a mode is 'f' or 'r', got '" + c + "'");
            };
        }
    }

    /**
     * {@return the gradient of {@code h : P × [n]R → R} with respect to its second argument, as a
     * program {@code P × [n]R → [n]R}} Forward mode pushes the tangents {@code (0, eᵢ)} through
     * {@code jvp h}; reverse mode projects {@code grad h}.
     */
    static Prog gradient(Mode mode, Prog h) {
        var in = (Shape.Pair) h.dom();
        if (!(in.right() instanceof Shape.Arr(int n, Shape.Real r)))
            throw new IllegalArgumentException("the variable must be a vector [n]R, got " + in.right());
        return switch (mode) {
            case REVERSE -> AD.simplify(Catad.compose(Catad.exr(in.left(), in.right()), AD.grad(h)));
            case FORWARD -> {
                Prog jvp = AD.jvp(h);
                int p = in.left().dim();
                yield Pointful.compile(in, z -> {
                    var parts = new Sym[n];
                    for (int i = 0; i < n; i++) {
                        var tangent = new double[p + n];
                        tangent[p + i] = 1;
                        parts[i] = Sym.pair(z, Sym.constant(in, tangent)).apply(jvp).snd();
                    }
                    return Sym.array(parts);
                });
            }
        };
    }

    /**
     * {@return the point where gradient descent on {@code x ↦ f(p, x)} from {@code x0} stops}
     * @param f the objective {@code P × [n]R → R} @param g its gradient in x, {@code P × [n]R → [n]R}
     * @param p the parameter @param x0 the start
     */
    static Sym argmin(Prog f, Prog g, Sym p, Sym x0) {
        // state ((x, ∇f x), ((f x, η), (i, go)))
        Sym init = state(x0, Sym.pair(p, x0).apply(g), Sym.pair(p, x0).apply(f), Sym.constant(1e-5), Sym.constant(0), Sym.constant(1));
        Sym end = init.whileLoop(s -> s.snd().snd().snd().minus(0.5), s -> {
            Sym x = s.fst().fst(), gx = s.fst().snd(), fx = s.snd().fst().fst(), eta = s.snd().fst().snd(), i = s.snd().snd().fst();
            Sym zero = Sym.constant(0), one = Sym.constant(1);
            return Sym.cond(gx.dot(gx).lt(1e-10),                                                     // ‖∇f‖ < 10⁻⁵: done
                    () -> state(x, gx, fx, eta, i, zero),
                    () -> Sym.cond(i.gt(9.5),                                                         // ten good steps: double η
                            () -> state(x, gx, fx, eta.times(2.0), zero, one),
                            () -> {
                                Sym next = x.minus(gx.times(eta));
                                Sym moved = x.minus(next);
                                return Sym.cond(moved.dot(moved).lt(1e-10),                               // moved less than 10⁻⁵: done
                                        () -> state(x, gx, fx, eta, i, zero),
                                        () -> {
                                            Sym fNext = Sym.pair(p, next).apply(f);
                                            return Sym.cond(fNext.lt(fx),                               // better: take the step
                                                    () -> state(next, Sym.pair(p, next).apply(g), fNext, eta, i.plus(1), one),
                                                    () -> state(x, gx, fx, eta.times(0.5), zero, one));
                                        });
                            }));
        });
        return end.fst().fst();
    }

    private static Sym state(Sym x, Sym gx, Sym fx, Sym eta, Sym i, Sym go) {
        return Sym.pair(Sym.pair(x, gx), Sym.pair(Sym.pair(fx, eta), Sym.pair(i, go)));
    }
}
