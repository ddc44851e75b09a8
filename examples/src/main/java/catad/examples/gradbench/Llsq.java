package catad.examples.gradbench;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * GradBench's {@code llsq} eval (cmpad's {@code llsq_obj}): {@code primal} is
 * {@code y(x) = ½ Σᵢ (sᵢ - Σⱼ xⱼ tᵢʲ)²} with {@code tᵢ = -1 + 2i/(n-1)} and {@code sᵢ = sign tᵢ},
 * {@code gradient} is {@code AD.grad} of it. The data {@code t}, {@code s} do not depend on x: the
 * powers {@code tᵢʲ} are a constant n×m matrix (catad's {@code matrix}), so the program is
 * {@code ½ Σ (s - T x)²}.
 */
public final class Llsq implements Module {
    private final Compiled compiled = new Compiled();

    /** A module with no programs compiled yet. */
    public Llsq() {}

    /** {@return {@code tᵢ} as the eval defines it} @param i index @param n count */
    public static double t(int i, int n) { return -1 + i * 2.0 / (n - 1); }

    /** {@return the primal program {@code [m]R → R}} @param n number of points, at least 2 @param m number of coefficients, at least 1 */
    public static Prog primal(int n, int m) {
        var powers = new double[n * m];
        var s = new double[n];
        for (int i = 0; i < n; i++) {
            double ti = t(i, n);
            s[i] = Math.signum(ti);
            for (int j = 0; j < m; j++) powers[i * m + j] = Math.pow(ti, j);
        }
        Shape xs = Shape.vec(m), vs = Shape.vec(n);
        Prog residuals = pipe(fork(constant(xs, vs, s), matrix(n, m, powers)), zip(n, R, R), map(n, sub));
        return pipe(residuals, map(n, square), sum(vs), scale(0.5));
    }

    /** {@return its gradient program {@code [m]R → [m]R}} @param n number of points @param m number of coefficients */
    public static Prog gradient(int n, int m) { return AD.grad(primal(n, m)); }

    @Override public String name() { return "llsq"; }

    @Override
    public Job prepare(String function, JsonNode input, Backend backend) {
        JsonNode in = Inputs.object(input, "LLSQInput");
        double[] x = Inputs.vector(in, "x");
        int n = Inputs.integer(in, "n"), m = x.length;
        if (m == 0) throw new IllegalArgumentException("llsq: x must not be empty");
        if (n < 2) throw new IllegalArgumentException("llsq: n must be at least 2 (tᵢ divides by n - 1), got " + n);
        return switch (function) {
            case "primal" -> Inputs.job(compiled.get(backend, () -> primal(n, m), function, n, m), x, 1, Inputs::scalar);
            case "gradient" -> Inputs.job(compiled.get(backend, () -> gradient(n, m), function, n, m), x, m, Inputs::json);
            default -> throw Inputs.unknownFunction(name(), function, "primal, gradient");
        };
    }
}
