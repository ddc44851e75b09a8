package catad.laws;

import static catad.dsl.Catad.compose;
import static catad.dsl.Catad.map;
import static catad.dsl.Catad.mapAccum;
import static catad.dsl.Catad.mapAccumR;
import static catad.dsl.Catad.sum;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The JIT computes the interpreter's bits: on random programs, linear programs, and the jvp, vjp,
 * gradient and Hessian-vector-product programs of random programs (the contract); and on wide
 * ones, random programs mapped over arrays of up to 100 elements, summed and differentiated, which
 * is where vector loops and the canonical order of long sums come in. The build runs this class
 * with the Vector API and again without it.
 */
class JitAgreementLaws implements AgreementLaws {
    @Override public Interpretation reference() { return Interpretations.EVAL; }
    @Override public Interpretation candidate() { return Interpretations.JIT; }

    /** {@code map n f}, {@code sum ∘ map n f}, {@code Σ ∘ map n f} or its gradient program, for a random f and n in 0–100. */
    @Provide Arbitrary<Case> wideProgram() {
        var progs = Combinators.combine(Cases.one(Generators::programs), Arbitraries.integers().between(0, 100), Arbitraries.integers().between(0, 3))
                .as((fs, n, kind) -> {
                    Prog m = map(n, fs.get(0));
                    Prog total = compose(Generators.total(m.cod()), m);
                    return List.of(switch (kind) {
                        case 0 -> m;
                        case 1 -> compose(sum(m.cod()), m);
                        case 2 -> total;
                        default -> AD.grad(total);
                    });
                });
        return Cases.inputs(reference(), progs, ps -> ps);
    }

    /**
     * The gradient, {@code vjp} or value of a {@code mapAccum} (either way) of 9–40 steps of a random
     * step {@code (R × R) × R → (R × R) × R}, summed: loops too long to be written out, whose backward
     * pass reads the forward pass's tape.
     */
    @Provide Arbitrary<Case> longLoop() {
        Shape rr = Shape.pair(Shape.R, Shape.R), step = Shape.pair(rr, Shape.R);
        var progs = Combinators.combine(Generators.programs(step, step), Arbitraries.integers().between(9, 40), Arbitraries.integers().between(0, 5))
                .as((f, n, kind) -> {
                    Prog loop = kind % 2 == 0 ? mapAccum(n, f) : mapAccumR(n, f);
                    Prog total = compose(Generators.total(loop.cod()), loop);
                    return List.of(switch (kind / 2) {
                        case 0 -> AD.grad(total);
                        case 1 -> AD.vjp(loop);
                        default -> loop;
                    });
                });
        return Cases.inputs(reference(), progs, ps -> ps);
    }

    /** Agreement, bit for bit, on long loops and their reverse mode. */
    @Property void agreeOnLongLoops(@ForAll("longLoop") Case c) { sameBits(c, "jit ≡ eval on long loops"); }

    /** Agreement, bit for bit, on wide programs. */
    @Property void agreeOnWidePrograms(@ForAll("wideProgram") Case c) { sameBits(c, "jit ≡ eval on wide programs"); }

    /** Checks that the JIT gives the interpreter's bits on the case, as the law named {@code law}. */
    private void sameBits(Case c, String law) {
        var f = c.f(); var x = c.x();
        double[] expected = reference().run(f, x), actual = candidate().run(f, x);
        boolean same = expected.length == actual.length;
        for (int i = 0; same && i < expected.length; i++) same = AgreementLaws.ulpsApart(expected[i], actual[i]) == 0;
        Check.law(law).prog("f", f).vec("x", x)
                .note("jit", Arrays.toString(actual)).note("eval", Arrays.toString(expected)).that("the same bits", same);
    }
}
