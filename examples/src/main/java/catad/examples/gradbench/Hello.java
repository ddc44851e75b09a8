package catad.examples.gradbench;

import static catad.dsl.Catad.square;

import catad.dsl.Prog;
import catad.interpreter.AD;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * GradBench's {@code hello} eval: {@code square} is {@code x ↦ x²} (catad's {@code square}) and
 * {@code double} its derivative, {@code AD.grad(square)}. Inputs and outputs are bare numbers.
 */
public final class Hello implements Module {
    private final Compiled compiled = new Compiled();

    /** A module with no programs compiled yet. */
    public Hello() {}

    /** {@return the primal program {@code R → R}} */
    public static Prog primal() { return square; }

    /** {@return its derivative program, from catad's reverse mode} */
    public static Prog derivative() { return AD.grad(primal()); }

    @Override public String name() { return "hello"; }

    @Override
    public Job prepare(String function, JsonNode input, Backend backend) {
        double x = Inputs.number(input, "hello's input");
        Backend.Fn fn = switch (function) {
            case "square" -> compiled.get(backend, Hello::primal, function);
            case "double" -> compiled.get(backend, Hello::derivative, function);
            default -> throw Inputs.unknownFunction(name(), function, "square, double");
        };
        return Inputs.job(fn, new double[] {x}, 1, Inputs::scalar);
    }
}
