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
        // 40 steps are not written out; the backward pass reads each step's cexp from the forward pass's tape (TapeTest)
        assertTrue(new Lower(AD.grad(chain(40))).body.stream().anyMatch(s -> s instanceof Ir.Loop l && l.v().n == 40), "a loop of 40 steps is not written out");
        assertEquals(40, callsOfTheGradient(40), "calls of cexp in the gradient of a fold of 40 steps");
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

    /**
     * The gradient of {@code Σₖ sin(wₖ) · k} for w {@code [4][m]R}, reading each row by {@code w.at(k)}:
     * its cotangent of w is a sum of four one-hot rows, element {@code (v, j)} a test of v against
     * each k. Four rows are written out, so the tests fold and no selection is left — also for rows
     * of 140 numbers (GradBench lstm's gate weights at four and six layers).
     */
    @Test void aFewOneHotRowsAreWrittenOutAndTheirTestsFold() {
        for (int m : new int[] {14, 140}) {
            Shape w = Shape.tensor(4, m), row = Shape.vec(m);
            Prog[] terms = new Prog[4];
            for (int k = 0; k < 4; k++) terms[k] = pipe(ex(w, k), map(m, compose(scale(Shape.R, k + 1), sin)), sum(row));
            Prog f = compose(add, fork(compose(add, fork(terms[0], terms[1])), compose(add, fork(terms[2], terms[3]))));
            assertEquals(w, f.dom());
            Prog g = AD.grad(f);
            var lowered = new Lower(g);
            assertEquals(0, ShareTest.evaluated(lowered.body, e -> e instanceof Ir.Sel), "rows of " + m + ":\n" + Ir.dump(lowered.body));
            var x = input(g.dom().dim(), 5);
            assertSameBits(AD.eval(g, x), Jit.compile(g).apply(x), "gradient of a sum over rows of " + m + " read one by one");
        }
    }
}
