package catad.laws;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Primitive;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;

/** {@link LawCheck} passes correct user primitives and programs and shrinks a counterexample for wrong ones. */
class UserPrimitiveLaws {

    static final Shape V3 = Shape.vec(3);

    /** softsign x = x / (1 + |x|), derivative 1 / (1 + |x|)². */
    static final Primitive.Unary SOFTSIGN = Primitive.unary("softsign", x -> x / (1 + Math.abs(x)),
            () -> compose(recip, square, offset(1), abs), Primitive.Interval.ALL);

    /** The same with a wrong derivative 1 / (1 + |x|): the square is missing. */
    static final Primitive.Unary BAD_SOFTSIGN = Primitive.unary("badsoftsign", x -> x / (1 + Math.abs(x)),
            () -> compose(recip, offset(1), abs), Primitive.Interval.ALL);

    /** sumsq : [3]R → R, x ↦ Σ xᵢ²; jvp (x, dx) ↦ 2 x·dx; vjp (x, ct) ↦ 2 ct x. */
    static final Primitive.General SUMSQ = Primitive.general("sumsq", V3, R, (x, xo, y, yo) -> {
        double s = 0;
        for (int i = 0; i < 3; i++) s += x[xo + i] * x[xo + i];
        y[yo] = s;
    }, () -> compose(scale(2), dot(3)), () -> compose(scale(V3, 2), scaleVec(3), swap(V3, R)));

    static final Primitive.Kernel CUMSUM = (x, xo, y, yo) -> {
        double s = 0;
        for (int i = 0; i < 3; i++) { s += x[xo + i]; y[yo + i] = s; }
    };
    static final Primitive.Kernel REVCUMSUM = (x, xo, y, yo) -> {
        double s = 0;
        for (int i = 2; i >= 0; i--) { s += x[xo + i]; y[yo + i] = s; }
    };

    @Test
    void correctUnaryPrimitivePasses() {
        var r = LawCheck.primitive(SOFTSIGN);
        assertTrue(r.passed(), r::toString);
        r.orThrow();
        assertEquals(LawCheck.POINTS, r.points());
        assertTrue(r.toString().contains("passed"), r::toString);
    }

    @Test
    void wrongDerivativeFailsWithAShrunkCounterexample() {
        var r = LawCheck.primitive(BAD_SOFTSIGN);
        assertFalse(r.passed(), r::toString);
        var text = r.toString();
        var f = r.failure();
        assertEquals("jvp(f,x,u) = finite differences J u", f.law());
        assertTrue(text.contains(f.law()), text);
        assertTrue(text.contains(Printer.print(BAD_SOFTSIGN.prog())), text);
        assertTrue(text.contains(Printer.print(BAD_SOFTSIGN.derivative())), text);
        // shrunk: every coordinate is a small integer (the wrong derivative agrees with the right one at 0)
        for (var vec : f.input().values())
            for (double c : vec) assertEquals(Math.rint(c), c, 0, text);
        assertEquals(0.0, Math.abs(f.input().get("x")[0]) - 1, 0, text);
        assertTrue(f.shrinkSteps() > 0, text);
        assertTrue(text.contains("x = [" + f.input().get("x")[0] + "]"), text);
        assertTrue(text.contains("tolerance"), text);
        var e = assertThrows(AssertionError.class, r::orThrow);
        assertEquals(text, e.getMessage());
    }

    @Test
    void javaDerivativePrimitivePasses() {
        LawCheck.primitive(Primitive.unary("cube", x -> x * x * x, x -> 3 * x * x)).orThrow();
    }

    @Test
    void builtinsWithRestrictedDomainsPass() {
        LawCheck.primitive(catad.dsl.Prims.LOG).orThrow();
        LawCheck.primitive(catad.dsl.Prims.SQRT).orThrow();
        LawCheck.primitive(catad.dsl.Prims.POW).orThrow();
    }

    @Test
    void correctGeneralPrimitivePasses() {
        LawCheck.primitive(SUMSQ).orThrow();
    }

    @Test
    void wrongReverseRuleOfAGeneralPrimitiveFails() {
        var bad = Primitive.general("badsumsq", V3, R, (x, xo, y, yo) -> {
            double s = 0;
            for (int i = 0; i < 3; i++) s += x[xo + i] * x[xo + i];
            y[yo] = s;
        }, () -> compose(scale(2), dot(3)), () -> compose(scaleVec(3), swap(V3, R)));   // missing the 2
        var r = LawCheck.primitive(bad);
        assertFalse(r.passed(), r::toString);
        assertTrue(r.failure().law().contains("adjoint identity"), r::toString);
    }

    @Test
    void linearPrimitivePasses() {
        var r = LawCheck.primitive(Primitive.linear("cumsum", V3, V3, CUMSUM, "revcumsum", REVCUMSUM));
        r.orThrow();
        assertTrue(r.laws().contains("f'(x) = f for linear f"), r::toString);
    }

    @Test
    void linearPrimitiveWithWrongTransposeFailsTheAdjointIdentity() {
        var r = LawCheck.primitive(Primitive.linear("cumsumw", V3, V3, CUMSUM, "cumsumwT", CUMSUM));   // cumsum is not its own transpose
        assertFalse(r.passed(), r::toString);
        var f = r.failure();
        assertTrue(f.law().contains("adjoint identity"), r::toString);
        assertTrue(r.toString().contains("cumsumw"), r::toString);
        assertTrue(f.difference() > f.allowed(), r::toString);
    }

    @Test
    void userProgramPasses() {
        Shape rr = Shape.pair(R, R);
        Prog rosenbrock = compose(add, fork(
                compose(square, oneMinus(exl(rr))),
                compose(scale(100), square, sub, fork(exr(rr), compose(square, exl(rr))))));
        LawCheck.program(rosenbrock).orThrow();
        LawCheck.program(compose(sin, SUMSQ.prog(), map(3, SOFTSIGN.prog()))).orThrow();
        LawCheck.program(compose(log, sum(V3)), Primitive.Interval.POSITIVE).orThrow();
    }

    @Test
    void wrongPrimitiveInsideAProgramFails() {
        var r = LawCheck.program(compose(sum(V3), map(3, BAD_SOFTSIGN.prog())));
        assertFalse(r.passed(), r::toString);
        assertTrue(r.toString().contains("badsoftsign"), r::toString);
    }

    @Test
    void checksAreDeterministic() {
        assertEquals(LawCheck.primitive(BAD_SOFTSIGN).toString(), LawCheck.primitive(BAD_SOFTSIGN).toString());
    }

    @Provide Arbitrary<double[]> logInputs() { return LawCheck.domainOf(catad.dsl.Prims.LOG); }

    /** {@link LawCheck#domainOf} draws inside the primitive's domain. */
    @Property(tries = 100)
    void domainOfStaysInTheDomain(@ForAll("logInputs") double[] x) {
        assertEquals(1, x.length);
        assertTrue(x[0] > 0 && x[0] < 4, () -> "x = " + x[0]);
        assertTrue(Double.isFinite(AD.eval1(log, x)));
    }
}
