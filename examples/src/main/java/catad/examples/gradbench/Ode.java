package catad.examples.gradbench;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;

import catad.dsl.Pointful;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.Sym;
import catad.interpreter.AD;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * GradBench's {@code ode} eval (cmpad's {@code an_ode}): {@code y' = f(x, y)} with
 * {@code f₀ = x₀}, {@code fᵢ = xᵢ yᵢ₋₁}, {@code y(0) = 0}, integrated to {@code t = 2} by s steps of
 * the classical fourth-order Runge-Kutta method as cmpad writes it. The loop is catad's
 * {@code iterate} (through the pointful front end); the shift {@code yᵢ₋₁} is a {@code mapAccum}
 * whose carry is the previous element (catad has no slices). {@code primal} gives y(2);
 * {@code gradient} is {@code AD.grad} of its last element, with respect to x.
 */
public final class Ode implements Module {
    private final Compiled compiled = new Compiled();

    /** A module with no programs compiled yet. */
    public Ode() {}

    /** {@return the primal program {@code [n]R → [n]R}} @param n length of x, at least 1 @param s steps, at least 1 */
    public static Prog primal(int n, int s) {
        Shape v = Shape.vec(n);
        // y ↦ (1, y₀, …, yₙ₋₂): the carry is the previous element
        Prog shift = pipe(fork(constant(v, R, 1.0), id(v)), mapAccum(n, swap(R, R)), exr(R, v));
        double h = 2.0 / s;
        return Pointful.compile(v, x -> Sym.constant(v, new double[n]).iterate(s, y -> {
            Sym k1 = x.times(y.apply(shift));
            Sym k2 = x.times(y.plus(k1.times(h).div(2)).apply(shift));
            Sym k3 = x.times(y.plus(k2.times(h).div(2)).apply(shift));
            Sym k4 = x.times(y.plus(k3.times(h)).apply(shift));
            return y.plus(k1.plus(k2.times(2)).plus(k3.times(2)).plus(k4).times(h).div(6));
        }));
    }

    /** {@return the gradient program {@code [n]R → [n]R} of the last element of y(2)} @param n length of x @param s steps */
    public static Prog gradient(int n, int s) { return AD.grad(compose(ex(Shape.vec(n), n - 1), primal(n, s))); }

    @Override public String name() { return "ode"; }

    @Override
    public Job prepare(String function, JsonNode input, Backend backend) {
        JsonNode in = Inputs.object(input, "ODEInput");
        double[] x = Inputs.vector(in, "x");
        int n = x.length, s = Inputs.integer(in, "s");
        if (n == 0) throw new IllegalArgumentException("ode: x must not be empty");
        if (s < 1) throw new IllegalArgumentException("ode: s must be at least 1, got " + s);
        return switch (function) {
            case "primal" -> Inputs.job(compiled.get(backend, () -> primal(n, s), function, n, s), x, n, Inputs::json);
            case "gradient" -> Inputs.job(compiled.get(backend, () -> gradient(n, s), function, n, s), x, n, Inputs::json);
            default -> throw Inputs.unknownFunction(name(), function, "primal, gradient");
        };
    }
}
