package catad.laws;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import catad.dsl.Primitive;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import catad.laws.GradCheck.Mode;
import catad.laws.GradCheck.Options;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GradCheck} passes correct programs up to the order asked and names what is wrong in incorrect ones. */
class GradCheckTest {

    static final Shape RR = Shape.pair(R, R);
    static final Shape V3 = Shape.vec(3);

    /** A program and a point of its domain. */
    record At(String name, Prog f, double[] x) {}

    static final List<At> CORRECT = List.of(
            new At("sin ∘ exp", compose(sin, exp), new double[] {0.3}),
            new At("log on positives", log, new double[] {0.05}),
            new At("log(exp x + y²)", compose(log, add, cross(exp, square)), new double[] {0.5, 1.2}),
            new At("mul", mul, new double[] {0.7, -1.3}),
            new At("div", div, new double[] {0.7, 1.9}),
            new At("sin x / (2 + exp y)", compose(div, fork(compose(sin, exl(RR)), compose(offset(2), exp, exr(RR)))), new double[] {-0.4, 0.8}),
            new At("dot", dot(3), new double[] {0.1, -0.2, 0.3, 1.5, 0.5, -0.7}),
            new At("Σ sin(exp xᵢ)", compose(sum(V3), map(3, compose(sin, exp))), new double[] {0.1, 0.2, 0.3}),
            new At("log Σ exp xᵢ", compose(log, sum(V3), map(3, exp)), new double[] {-1, 0.5, 2}),
            new At("map (tanh ∘ mul)", map(3, compose(tanh, mul)), new double[] {0.3, -0.5, 1.1, 0.2, -0.9, 0.4}),
            new At("sqrt ∘ dot(x, x)", compose(sqrt, dot(3), fork(id(V3), id(V3))), new double[] {0.6, -1.2, 0.4}));

    @Test
    void correctProgramsPassAtOrdersOneAndTwo() {
        for (var c : CORRECT)
            for (int order = 1; order <= 2; order++) {
                var r = GradCheck.report(c.f(), c.x(), order, Options.DEFAULT);
                assertTrue(r.passed(), c.name() + ":\n" + r);
                int programs = order == 1 ? 1 : 3;
                assertEquals(programs, r.programs(), c.name());
                assertEquals(programs * GradCheck.DIRECTIONS * 5, r.checks(), c.name() + ": every law at every program and direction");
                assertTrue(r.toString().contains("passed"), r::toString);
            }
    }

    @Test
    void correctProgramsPassAtOrderThree() {
        GradCheck.check(compose(sin, mul), new double[] {0.3, 0.7}, 3);
        GradCheck.check(compose(log, sum(V3), map(3, exp)), new double[] {-1, 0.5, 2}, 3);
    }

    // ---------------------------------------------------------------- a wrong second derivative

    /** cos with a Java derivative that has the wrong sign: right as a value, wrong when differentiated. */
    static final Primitive.Unary WRONG_COS = Primitive.unary("mycos", Math::cos, t -> Math.sin(t));
    /** sin whose derivative program is {@link #WRONG_COS}: its first derivative is right, its second is not. */
    static final Primitive.Unary SIN_WITH_WRONG_SECOND = Primitive.unary("mysin", Math::sin, WRONG_COS::prog, Primitive.Interval.ALL);

    /** The same with the right sign. */
    static final Primitive.Unary RIGHT_COS = Primitive.unary("okcos", Math::cos, t -> -Math.sin(t));
    static final Primitive.Unary SIN_WITH_RIGHT_SECOND = Primitive.unary("oksin", Math::sin, RIGHT_COS::prog, Primitive.Interval.ALL);

    @Test
    void aWrongDerivativeOfTheDerivativePassesOrderOneAndFailsOrderTwo() {
        var f = compose(SIN_WITH_WRONG_SECOND.prog(), exp);
        double[] x = {0.4};
        var first = GradCheck.report(f, x, 1, Options.DEFAULT);
        assertTrue(first.passed(), first::toString);

        var second = GradCheck.report(f, x, 2, Options.DEFAULT);
        assertFalse(second.passed(), second::toString);
        var fail = second.failure();
        assertEquals(2, fail.order(), second::toString);
        assertEquals("jvp(AD.jvp(f),(x,u),u₂) = finite differences J u₂", fail.law());
        var text = second.toString();
        assertTrue(text.contains("FAILED at order 2"), text);
        assertTrue(text.contains(Printer.print(f)), text);
        assertTrue(text.contains("AD.jvp(f) = " + Printer.print(AD.jvp(f))), text);
        assertTrue(text.contains("mycos"), text);
        for (var name : List.of("x", "u", "u₂")) assertTrue(fail.input().containsKey(name), text);
        assertTrue(fail.mismatch().difference() > fail.mismatch().allowed(), text);
        var e = assertThrows(AssertionError.class, () -> GradCheck.check(f, x, 2));
        assertEquals(text, e.getMessage());
    }

    @Test
    void eachModeCatchesTheWrongSecondDerivativeOnItsOwn() {
        var f = SIN_WITH_WRONG_SECOND.prog();
        double[] x = {1.1};
        var fwd = GradCheck.report(f, x, 2, Options.DEFAULT.withModes(Mode.FORWARD));
        assertFalse(fwd.passed(), fwd::toString);
        assertTrue(fwd.failure().law().contains("AD.jvp(f)"), fwd::toString);
        var rev = GradCheck.report(f, x, 2, Options.DEFAULT.withModes(Mode.REVERSE));
        assertFalse(rev.passed(), rev::toString);
        assertTrue(rev.failure().law().contains("AD.vjp(f)"), rev::toString);
        assertEquals(2, rev.failure().order());
    }

    @Test
    void aRightDerivativeOfTheDerivativePassesOrderTwoAndAJavaDerivativeStopsAtOrderThree() {
        var f = compose(SIN_WITH_RIGHT_SECOND.prog(), exp);
        GradCheck.check(f, new double[] {0.4}, 2);
        var third = GradCheck.report(f, new double[] {0.4}, 3, Options.DEFAULT);
        assertFalse(third.passed(), third::toString);
        assertEquals(3, third.failure().order(), third::toString);
        assertTrue(third.failure().mismatch().error().contains("okcos' has no derivative"), third::toString);
    }

    // ---------------------------------------------------------------- a wrong first derivative

    /** softsign with the square of its derivative forgotten. */
    static final Primitive.Unary BAD_SOFTSIGN = Primitive.unary("badsoftsign", t -> t / (1 + Math.abs(t)),
            () -> compose(recip, offset(1), abs), Primitive.Interval.ALL);

    @Test
    void aWrongFirstDerivativeFailsAtOrderOneWithAnActionableMessage() {
        var f = BAD_SOFTSIGN.prog();
        var e = assertThrows(AssertionError.class, () -> GradCheck.check(f, new double[] {0.7}, 1));
        var m = e.getMessage();
        for (var part : List.of("FAILED at order 1", "law violated: jvp(f,x,u) = finite differences J u", "f = " + Printer.print(f),
                "x = [0.7]", "u = [", "lhs  jvp(f,x,u) = [", "rhs  finite differences J u = [", "difference = ",
                "tolerance  = atol=1.0E-6 rtol=1.0E-5", "for the error of the finite differences"))
            assertTrue(m.contains(part), () -> "message lacks «" + part + "»:\n" + m);
        // the numbers in the message are the ones that disagree: f' = 1/(1+x)² against the rule's 1/(1+x)
        var fail = GradCheck.report(f, new double[] {0.7}, 1, Options.DEFAULT).failure();
        double u = fail.input().get("u")[0];
        assertEquals(u / 1.7, fail.mismatch().lhs()[0], 1e-12);
        assertEquals(u / (1.7 * 1.7), fail.mismatch().rhs()[0], 1e-9);
    }

    /** sumsq x = Σ xᵢ² with a reverse rule missing its factor 2; the forward rule is right. */
    static final Primitive.General BAD_VJP = Primitive.general("badvjp", V3, R, (x, xo, y, yo) -> {
        double s = 0;
        for (int i = 0; i < 3; i++) s += x[xo + i] * x[xo + i];
        y[yo] = s;
    }, () -> compose(scale(2), dot(3)), () -> compose(scaleVec(3), swap(V3, R)));

    @Test
    void modesCheckOnlyTheirOwnDerivative() {
        double[] x = {0.3, -0.6, 1.2};
        var fwd = GradCheck.report(BAD_VJP.prog(), x, 1, Options.DEFAULT.withModes(Mode.FORWARD));
        assertTrue(fwd.passed(), fwd::toString);
        var rev = GradCheck.report(BAD_VJP.prog(), x, 1, Options.DEFAULT.withModes(Mode.REVERSE));
        assertFalse(rev.passed(), rev::toString);
        assertEquals("⟨vjp(f,x,v), u⟩ = ⟨v, finite differences J u⟩", rev.failure().law());
        var both = GradCheck.report(BAD_VJP.prog(), x, 1, Options.DEFAULT);
        assertFalse(both.passed(), both::toString);
        assertEquals(rev.failure().law(), both.failure().law(), "the finite-difference law comes before mode agreement");
    }

    // ---------------------------------------------------------------- options

    @Test
    void checksAreDeterministicAndTheSeedChoosesTheDirections() {
        var f = BAD_SOFTSIGN.prog();
        double[] x = {0.7};
        assertEquals(GradCheck.report(f, x, 2, Options.DEFAULT).toString(), GradCheck.report(f, x, 2, Options.DEFAULT).toString());
        var other = GradCheck.report(f, x, 2, Options.DEFAULT.withSeed(42));
        assertNotEquals(GradCheck.report(f, x, 2, Options.DEFAULT).failure().input().get("u")[0], other.failure().input().get("u")[0]);
        assertTrue(other.toString().contains("seed 0x2A"), other::toString);
    }

    @Test
    void moreDirectionsCheckMore() {
        var r = GradCheck.report(mul, new double[] {0.5, 2}, 2, Options.DEFAULT.withDirections(5));
        assertTrue(r.passed(), r::toString);
        assertEquals(3 * 5 * 5, r.checks());
        var one = GradCheck.report(mul, new double[] {0.5, 2}, 1, Options.DEFAULT.withDirections(1).withModes(Mode.FORWARD));
        assertEquals(2, one.checks(), "forward mode alone has two laws");
    }

    @Test
    void aLooserToleranceLetsASlightlyWrongDerivativePass() {
        // the derivative of this "exp" is 1.0001 exp: 1e-4 off, beyond FINITE_DIFFERENCE's 1e-5
        var slightly = Primitive.unary("slightexp", Math::exp, () -> compose(scale(1.0001), exp), Primitive.Interval.ALL);
        double[] x = {0.5};
        assertFalse(GradCheck.report(slightly.prog(), x, 1, Options.DEFAULT).passed());
        var loose = Options.DEFAULT.withTolerance(new Tolerance(1e-6, 1e-3)).withModes(Mode.FORWARD);
        var r = GradCheck.report(slightly.prog(), x, 1, loose);
        assertTrue(r.passed(), r::toString);
    }

    @Test
    void aPointWhereFIsNotFiniteFailsInsteadOfPassingVacuously() {
        var r = GradCheck.report(log, new double[] {-1}, 1, Options.DEFAULT);
        assertFalse(r.passed(), r::toString);
        assertTrue(r.toString().contains("f x = [NaN]"), r::toString);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(sin, new double[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(sin, new double[] {1, 2}, 1));
        assertThrows(IllegalArgumentException.class, () -> Options.DEFAULT.withDirections(0));
        assertThrows(IllegalArgumentException.class, () -> Options.DEFAULT.withModes());
        assertThrows(IllegalArgumentException.class, () -> Options.DEFAULT.withTolerance(null));
    }
}
