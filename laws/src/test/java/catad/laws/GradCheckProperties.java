package catad.laws;

import static catad.dsl.Catad.compose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import catad.dsl.Shape;
import catad.interpreter.AD;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link GradCheck} on generated programs: smooth ones pass up to order 2, and a wrong second derivative inside one is caught. */
class GradCheckProperties {

    @Provide Arbitrary<Case> anyProgram() { return Cases.withInput(Generators::programs); }

    @Provide Arbitrary<Case> scalarProgram() { return Cases.withInput(s -> Generators.programs(s, Shape.R)); }

    /** Every generated program is smooth everywhere, so its first and second derivatives check out at any point. */
    @Property(tries = 300)
    void generatedProgramsPassUpToOrderTwo(@ForAll("anyProgram") Case c) {
        GradCheck.check(c.f(), c.x(), 2);
    }

    /**
     * {@code mysin ∘ f}, with mysin's second derivative of the wrong sign, passes order 1 and fails
     * order 2 wherever that second derivative matters: {@code sin(f x)} and {@code ∇f(x)} not small
     * — and not huge either: where |∇f| is in the hundreds of thousands, {@code sin ∘ f} turns
     * within a finite-difference step and order 1 already fails on the differences' error (a CI
     * run drew such a program: {@code iterate 3} of sums that double, |∇f| ≈ 10⁶).
     */
    @Property(tries = 100)
    void aWrongSecondDerivativeAfterAnyProgramIsCaughtAtOrderTwo(@ForAll("scalarProgram") Case c) {
        var f = c.f(); var x = c.x();
        double fx = AD.eval1(f, x);
        double slope = Check.dot(AD.grad(f, x), AD.grad(f, x));
        Assume.that(Math.abs(Math.sin(fx)) > 0.2 && slope > 0.05 && slope < 1e4);
        var h = compose(GradCheckTest.SIN_WITH_WRONG_SECOND.prog(), f);
        var first = GradCheck.report(h, x, 1, GradCheck.Options.DEFAULT);
        assertTrue(first.passed(), first::toString);
        var second = GradCheck.report(h, x, 2, GradCheck.Options.DEFAULT);
        assertFalse(second.passed(), second::toString);
        assertEquals(2, second.failure().order(), second::toString);
    }
}
