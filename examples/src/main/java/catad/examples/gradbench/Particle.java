package catad.examples.gradbench;

import static catad.examples.gradbench.EvalIo.*;
import static catad.examples.gradbench.Inputs.job;
import static catad.examples.gradbench.Inputs.unknownFunction;

import catad.dsl.Pointful;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.Sym;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GradBench's {@code particle} eval (Pearlmutter and Siskind): the control w that makes a charged
 * particle, pushed by the charges at (10, 10 - w) and (10, 0), cross the x axis at the origin.
 *
 * <p>Formulation (the eval's README and its tools): naive Euler steps of 0.1 from x = (0, 8),
 * ẋ = (0.75, 0) with acceleration {@code -∇ₓ p(x; w)}, {@code p = Σ 1/‖x - charge‖}, while the next
 * position is above the axis; then the crossing by linear interpolation, and the objective is its
 * x coordinate squared; w minimises it by {@link Solver}'s gradient descent from the input's w. The
 * force is a derivative program inside the Euler {@code while} loop (the inner AD, the second letter
 * of {@code ff}, {@code fr}, {@code rf}, {@code rr}); the descent's gradient differentiates the
 * whole simulation, force programs included (the outer AD, the first letter).
 */
public final class Particle implements Module {

    /** A new particle module. */
    public Particle() {}

    private static final Map<String, Prog> PROGRAMS = new ConcurrentHashMap<>();

    @Override public String name() { return "particle"; }

    @Override
    public Job prepare(String function, JsonNode input, Backend backend) {
        if (!function.matches("[fr][fr]")) throw unknownFunction("particle", function, "ff, fr, rf, rr");
        double w = number(input, "w");
        Prog p = PROGRAMS.computeIfAbsent(function, f -> program(Solver.Mode.of(f.charAt(0)), Solver.Mode.of(f.charAt(1))));
        return job(backend.compile(p), new double[] {w}, 1, y -> JSON.numberNode(y[0]));
    }

    /** {@return the program {@code w₀ ↦ w* : [1]R → [1]R}} @param outer the argmin's mode @param inner the force's mode */
    static Prog program(Solver.Mode outer, Solver.Mode inner) {
        Prog miss = miss(inner);
        Prog outerGrad = Solver.gradient(outer, miss);
        return Pointful.compile(Shape.vec(1), w0 -> Solver.argmin(miss, outerGrad, w0, w0));
    }

    /** {@return {@code (w₀, w) ↦ x(t_f)₀²}, the simulation with the force from a derivative program of the given mode (w₀ unused)} */
    static Prog miss(Solver.Mode inner) {
        Shape v1 = Shape.vec(1), v2 = Shape.vec(2);
        // (w, x) ↦ p(x; w), the potential; the force is minus its gradient in x
        Prog potential = Pointful.compile(v1, v2, (w, x) -> {
            Sym a = x.minus(Sym.array(Sym.constant(10), w.at(0).neg().plus(10)));
            Sym b = x.minus(Sym.constant(v2, 10, 0));
            return a.dot(a).sqrt().recip().plus(b.dot(b).sqrt().recip());
        });
        Prog grad = Solver.gradient(inner, potential);
        return Pointful.compile(v1, v1, (w0, w) -> {
            double dt = 0.1;
            Sym init = Sym.pair(Sym.pair(Sym.constant(v2, 0, 8), Sym.constant(v2, 0.75, 0)), Sym.constant(1));
            Sym end = init.whileLoop(s -> s.snd().minus(0.5), s -> {
                Sym x = s.fst().fst(), xdot = s.fst().snd();
                Sym next = x.plus(xdot.times(dt));
                return Sym.cond(next.at(1),
                        () -> Sym.pair(Sym.pair(next, xdot.minus(Sym.pair(w, x).apply(grad).times(dt))), Sym.constant(1)),
                        () -> Sym.pair(Sym.pair(x, xdot), Sym.constant(0)));
            });
            Sym x = end.fst().fst(), xdot = end.fst().snd();
            Sym dtf = x.at(1).neg().div(xdot.at(1));
            return x.at(0).plus(dtf.times(xdot.at(0))).square();
        });
    }
}
