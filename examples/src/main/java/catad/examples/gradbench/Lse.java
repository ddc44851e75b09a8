package catad.examples.gradbench;

import catad.dsl.Prog;
import catad.examples.bench.BenchPrograms;
import catad.interpreter.AD;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * GradBench's {@code lse} eval: {@code primal} is the stable log-sum-exp
 * {@code a + log Σ exp(xᵢ - a)} with {@code a = max x}, built, as the eval asks, from catad's
 * {@code maximum}, {@code map exp} and {@code sum} (no log-sum-exp primitive; see
 * {@link BenchPrograms#logSumExp}); {@code gradient} is {@code AD.grad} of it.
 */
public final class Lse implements Module {
    private final Compiled compiled = new Compiled();

    /** A module with no programs compiled yet. */
    public Lse() {}

    /** {@return the primal program {@code [n]R → R}} @param n length, at least 1 */
    public static Prog primal(int n) { return BenchPrograms.logSumExp(n); }

    /** {@return its gradient program {@code [n]R → [n]R}} @param n length, at least 1 */
    public static Prog gradient(int n) { return AD.grad(primal(n)); }

    @Override public String name() { return "lse"; }

    @Override
    public Job prepare(String function, JsonNode input, Backend backend) {
        double[] x = Inputs.vector(Inputs.object(input, "LogSumExpInput"), "x");
        int n = x.length;
        if (n == 0) throw new IllegalArgumentException("lse: x must not be empty");
        return switch (function) {
            case "primal" -> Inputs.job(compiled.get(backend, () -> primal(n), function, n), x, 1, Inputs::scalar);
            case "gradient" -> Inputs.job(compiled.get(backend, () -> gradient(n), function, n), x, n, Inputs::json);
            default -> throw Inputs.unknownFunction(name(), function, "primal, gradient");
        };
    }
}
