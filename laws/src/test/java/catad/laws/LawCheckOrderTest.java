package catad.laws;

import static catad.dsl.Catad.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import catad.dsl.Primitive;
import catad.dsl.Printer;
import catad.dsl.Shape;
import catad.interpreter.AD;
import org.junit.jupiter.api.Test;

/** {@link LawCheck} up to a requested order: the derivative programs' laws join f's. */
class LawCheckOrderTest {

    @Test
    void aWrongSecondDerivativePassesOrderOneAndFailsOrderTwoWithAShrunkInput() {
        var p = GradCheckTest.SIN_WITH_WRONG_SECOND;
        var first = LawCheck.primitive(p);
        assertTrue(first.passed(), first::toString);
        assertEquals(first.toString(), LawCheck.primitive(p, 1).toString(), "order 1 is the default");

        var r = LawCheck.primitive(p, 2);
        assertFalse(r.passed(), r::toString);
        var f = r.failure();
        assertEquals("jvp(AD.jvp(f),(x,u),u₂) = finite differences J u₂", f.law());
        var text = r.toString();
        assertTrue(text.contains("up to order 2: FAILED"), text);
        assertTrue(text.contains("AD.jvp(f) = " + Printer.print(AD.jvp(p.prog()))), text);
        assertTrue(text.contains("derivative = " + Printer.print(p.derivative())), text);
        // x and u, which make the point of AD.jvp(f), shrink; u₂ is shown as drawn
        assertTrue(f.shrinkSteps() > 0, text);
        for (var name : new String[] {"x", "u"}) assertEquals(Math.rint(f.input().get(name)[0]), f.input().get(name)[0], 0, text);
        assertEquals(2, f.input().get("u₂").length, text);
        assertTrue(f.difference() > f.allowed(), text);
        assertThrows(AssertionError.class, r::orThrow);
    }

    @Test
    void correctPrimitivesAndProgramsPassOrderTwo() {
        var r = LawCheck.primitive(UserPrimitiveLaws.SOFTSIGN, 2);
        assertTrue(r.passed(), r::toString);
        assertEquals(7 - 1 + 2 * 5, r.laws().size(), "f's six laws and five for each derivative program: " + r.laws());
        assertTrue(r.toString().contains("up to order 2: passed"), r::toString);
        LawCheck.primitive(GradCheckTest.SIN_WITH_RIGHT_SECOND, 2).orThrow();
        LawCheck.primitive(UserPrimitiveLaws.SUMSQ, 2).orThrow();
        LawCheck.program(compose(log, sum(Shape.vec(3)), map(3, exp)), 2).orThrow();
        LawCheck.program(compose(log, sum(Shape.vec(3))), Primitive.Interval.POSITIVE, 2).orThrow();
    }

    @Test
    void aPrimitiveDifferentiableOnceFailsOrderTwoSayingSo() {
        var r = LawCheck.primitive(Primitive.unary("cube", x -> x * x * x, x -> 3 * x * x), 2);
        assertFalse(r.passed(), r::toString);
        assertTrue(r.failure().mismatch().error().contains("cube' has no derivative"), r::toString);
    }

    @Test
    void orderMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> LawCheck.program(sin, 0));
    }
}
