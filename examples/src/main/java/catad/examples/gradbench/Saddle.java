package catad.examples.gradbench;

import static catad.examples.gradbench.EvalIo.*;
import static catad.examples.gradbench.Inputs.job;
import static catad.examples.gradbench.Inputs.unknownFunction;

import catad.dsl.Catad;
import catad.dsl.Pointful;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.Sym;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GradBench's {@code saddle} eval (Pearlmutter and Siskind): the saddle point of
 * {@code f(x, y) = (x₁² + x₂²) - (y₁² + y₂²)} as {@code min_x max_y f(x, y)}, both by the gradient
 * descent of {@link Solver}, from the input's start point.
 *
 * <p>Formulation (the eval's README): nested AD. The inner argmax's gradient (in y) is a derivative
 * program inside a {@code while} loop; the outer argmin descends the gradient (in x) of
 * {@code x ↦ f(x, argmax_y f(x, y))}, a derivative program of a program that contains the inner
 * loop and its derivative. In {@code ff}, {@code fr}, {@code rf}, {@code rr} the first letter is the
 * outer mode, the second the inner one (f: {@code jvp}, r: {@code grad}); the final argmax in y at
 * the found x uses the outer mode. The output is x then y.
 */
public final class Saddle implements Module {

    /** A new saddle module. */
    public Saddle() {}

    private static final Map<String, Prog> PROGRAMS = new ConcurrentHashMap<>();

    @Override public String name() { return "saddle"; }

    @Override
    public Job prepare(String function, JsonNode input, Backend backend) {
        if (!function.matches("[fr][fr]")) throw unknownFunction("saddle", function, "ff, fr, rf, rr");
        double[] start = vector(field(input, "start"), 2, "start");
        Prog p = PROGRAMS.computeIfAbsent(function, f -> program(Solver.Mode.of(f.charAt(0)), Solver.Mode.of(f.charAt(1))));
        return job(backend.compile(p), start, 4, EvalIo::array);
    }

    private static final Shape V = Shape.vec(2);

    /** {@code (x, y) ↦ f(x, y)}. */
    private static final Prog F = Pointful.compile(V, V, (x, y) -> x.dot(x).minus(y.dot(y)));

    /** {@code (x, y) ↦ -f(x, y)}: argmax f = argmin -f. */
    private static final Prog NEG_F = Catad.compose(Catad.neg, F);

    /** {@return {@code (start, x) ↦ max_y f(x, y)}, the inner argmax run from start with gradients of the given mode} */
    static Prog maxF(Solver.Mode inner) {
        Prog innerGrad = Solver.gradient(inner, NEG_F);
        return Pointful.compile(V, V, (start, x) -> Sym.pair(x, Solver.argmin(NEG_F, innerGrad, x, start)).apply(F));
    }

    /** {@return the program {@code start ↦ (x, y) : [2]R → [4]R}} @param outer the argmin's mode @param inner the argmax's mode */
    static Prog program(Solver.Mode outer, Solver.Mode inner) {
        Shape v = Shape.vec(2);
        Prog maxF = maxF(inner);
        Prog outerGrad = Solver.gradient(outer, maxF);
        Prog lastGrad = Solver.gradient(outer, NEG_F);
        return Pointful.compile(v, start -> {
            Sym x = Solver.argmin(maxF, outerGrad, start, start);
            Sym y = Solver.argmin(NEG_F, lastGrad, x, start);
            return Sym.array(x.at(0), x.at(1), y.at(0), y.at(1));
        });
    }
}
