package catad.laws;

import static catad.dsl.Catad.compose;

import catad.dsl.Prog;
import catad.interpreter.AD;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Two interpretations compute the same thing: a candidate (the JIT, a new evaluator) against a
 * reference (the interpreter), on random programs and on their derivative programs
 * ({@code AD.jvp}, {@code AD.vjp}, {@code AD.grad}, {@code AD.hvp}) and linear programs.
 * Agreement is bitwise by default ({@link #ulps()} {@code = 0}: the same bits, NaN for NaN); an
 * implementation may allow a few ulps (a vectorized transcendental) or a {@link #tolerance()}
 * (two different algorithms, such as a derivative program against numeric forward mode).
 *
 * {@snippet :
 * class TextAgreementLaws implements AgreementLaws {
 *     public Interpretation reference() { return Interpretations.EVAL; }
 *     public Interpretation candidate() { return Interpretations.TEXT; }
 * }
 * }
 */
public interface AgreementLaws {

    /** {@return the interpretation that defines the right answer} */
    Interpretation reference();

    /** {@return the interpretation checked against it; it must take and give the same shapes} */
    Interpretation candidate();

    /** {@return how many ulps apart two results may be; 0 means the same bits} */
    default int ulps() { return 0; }

    /** {@return a tolerance to use instead of {@link #ulps()}, or null for none} */
    default Tolerance tolerance() { return null; }

    /** A random program and an input of its meaning. */
    @Provide default Arbitrary<Case> agreementProgram() { return inputsOf(Cases.one(Generators::programs)); }

    /** A random linear program and an input of its meaning. */
    @Provide default Arbitrary<Case> agreementLinear() { return inputsOf(Cases.one(Generators::linearPrograms)); }

    /** The forward derivative program of a random program, and an input. */
    @Provide default Arbitrary<Case> agreementJvp() { return inputsOf(Cases.one(Generators::programs).map(ps -> List.of(AD.jvp(ps.get(0))))); }

    /** The reverse derivative program of a random program, and an input. */
    @Provide default Arbitrary<Case> agreementVjp() { return inputsOf(Cases.one(Generators::programs).map(ps -> List.of(AD.vjp(ps.get(0))))); }

    /** The gradient program of a random program (its outputs added up), and an input. */
    @Provide default Arbitrary<Case> agreementGrad() {
        return inputsOf(Cases.one(Generators::programs).map(ps -> List.of(AD.grad(compose(Generators.total(ps.get(0).cod()), ps.get(0))))));
    }

    /** The Hessian-vector-product program of a random program (its outputs added up), and an input. */
    @Provide default Arbitrary<Case> agreementHvp() {
        return inputsOf(Cases.one(Generators::programs).map(ps -> List.of(AD.hvp(compose(Generators.total(ps.get(0).cod()), ps.get(0))))));
    }

    private Arbitrary<Case> inputsOf(Arbitrary<List<Prog>> progs) { return Cases.inputs(reference(), progs, ps -> ps); }

    /** Agreement on random programs. */
    @Property default void agreeOnPrograms(@ForAll("agreementProgram") Case c) { agree("programs", c); }

    /** Agreement on random linear programs. */
    @Property default void agreeOnLinearPrograms(@ForAll("agreementLinear") Case c) { agree("linear programs", c); }

    /** Agreement on forward derivative programs {@code AD.jvp(f)}. */
    @Property default void agreeOnJvpPrograms(@ForAll("agreementJvp") Case c) { agree("jvp programs", c); }

    /** Agreement on reverse derivative programs {@code AD.vjp(f)}. */
    @Property default void agreeOnVjpPrograms(@ForAll("agreementVjp") Case c) { agree("vjp programs", c); }

    /** Agreement on gradient programs. */
    @Property default void agreeOnGradPrograms(@ForAll("agreementGrad") Case c) { agree("gradient programs", c); }

    /** Agreement on Hessian-vector-product programs (forward over reverse). */
    @Property default void agreeOnHvpPrograms(@ForAll("agreementHvp") Case c) { agree("hvp programs", c); }

    private void agree(String what, Case c) {
        var f = c.f(); var x = c.x();
        var expected = reference().run(f, x);
        var actual = candidate().run(f, x);
        var ctx = Check.law(candidate().name() + " ≡ " + reference().name() + " on " + what).prog("f", f).vec("x", x);
        if (tolerance() != null) {
            ctx.close(candidate().name(), actual, reference().name(), expected, tolerance());
            return;
        }
        boolean same = expected.length == actual.length;
        for (int i = 0; same && i < expected.length; i++) same = ulpsApart(expected[i], actual[i]) <= ulps();
        ctx.note(candidate().name(), Arrays.toString(actual)).note(reference().name(), Arrays.toString(expected))
                .that(ulps() == 0 ? "the same bits" : "at most " + ulps() + " ulps apart", same);
    }

    /** {@return how many representable doubles lie between a and b (0 for the same bits; NaNs are all alike)} */
    static long ulpsApart(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) return Double.isNaN(a) && Double.isNaN(b) ? 0 : Long.MAX_VALUE;
        long la = Double.doubleToLongBits(a), lb = Double.doubleToLongBits(b);
        if ((la < 0) != (lb < 0)) return a == b ? (la == lb ? 0 : 1) : Long.MAX_VALUE;   // +0 and -0 are one apart
        return Math.abs(la - lb);
    }
}
