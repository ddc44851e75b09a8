package catad.jit;

import static catad.dsl.Catad.*;
import static catad.jit.ShareTest.CALLS;
import static catad.jit.ShareTest.CEXP;
import static catad.jit.ShareTest.assertSameBits;
import static catad.jit.ShareTest.input;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import org.junit.jupiter.api.Test;

/**
 * Short {@code mapAccum}s written out step by step ({@code Lower}): the carry stays a symbolic value,
 * so the forward pass of a gradient and the backward pass that recomputes its carries build the same
 * expressions and compute them once, and the bits stay the interpreter's.
 */
class UnrollTest {

    /** {@code fold (c, a) ↦ cexp(c · a) + a} over n numbers, from the carry given with them. */
    static Prog chain(int n) {
        Shape rr = Shape.pair(Shape.R, Shape.R);
        Prog step = compose(add, fork(compose(CEXP.prog(), mul), exr(Shape.R, Shape.R)));
        assertEquals(rr, step.dom());
        return fold(n, step);
    }

    private static long callsOfTheGradient(int n) {
        Prog g = AD.grad(chain(n));
        var x = input(g.dom().dim(), n);
        for (int i = 0; i < x.length; i++) x[i] *= 0.3;
        Kernel k = Jit.compile(g);
        assertTrue(k.compiled(), k.toString());
        var y = new double[g.cod().dim()];
        CALLS.set(0);
        k.apply(x, y);
        long calls = CALLS.get();
        assertSameBits(AD.eval(g, x), y, "gradient of a fold of " + n);
        return calls;
    }

    @Test void aShortLoopsGradientComputesEachStepOnce() {
        // the gradient needs each step's cexp for the carries and again for the backward pass: once each when written out
        assertEquals(6, callsOfTheGradient(6), "calls of cexp in the gradient of a fold of 6 steps");
    }

    @Test void aLongLoopStaysALoop() {
        // 40 steps are not written out: the backward pass recomputes what it needs from the stored carries
        assertTrue(callsOfTheGradient(40) > 40, "a loop of 40 steps is not written out");
    }

    @Test void writtenOutStepsGiveTheInterpretersBitsBothWays() {
        Prog step = fork(compose(add, cross(sin, id(Shape.R))), compose(CEXP.prog(), mul));
        for (Prog f : new Prog[] {mapAccum(5, step), mapAccumR(5, step)}) {
            for (Prog p : new Prog[] {f, AD.vjp(f), AD.jvp(f)}) {
                var x = input(p.dom().dim(), 11);
                var y = new double[p.cod().dim()];
                Jit.compile(p).apply(x, y);
                assertSameBits(AD.eval(p, x), y, catad.dsl.Printer.brief(p));
            }
        }
    }
}
