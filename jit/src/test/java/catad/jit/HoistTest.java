package catad.jit;

import static catad.dsl.Catad.*;
import static catad.jit.ShareTest.CALLS;
import static catad.jit.ShareTest.CEXP;
import static catad.jit.ShareTest.assertSameBits;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import org.junit.jupiter.api.Test;

/**
 * Work a loop repeats without need is done once: statements of a loop body that do not depend on
 * its index (lowering), short sums and short arrays without loops, one-hot arrays as expressions.
 * The bits stay the interpreter's.
 */
class HoistTest {

    /** {@code x ↦ [vjp f (x, ctᵢ) for i < m]}: the rows of a Jacobian, one cotangent each. */
    static Prog rows(Prog f, int m) {
        Shape a = f.dom(), b = f.cod();
        var cts = new double[m * b.dim()];
        for (int i = 0; i < cts.length; i++) cts[i] = 0.5 + 0.25 * i;
        return pipe(fork(repl(m, a), constant(a, Shape.arr(m, b), cts)), zip(m, a, b), map(m, AD.vjp(f)));
    }

    static long calls(Kernel k, double[] x) {
        CALLS.set(0);
        k.apply(x);
        return CALLS.get();
    }

    /**
     * The forward pass of f is the same for every cotangent: it runs once, not m times. Here it is a
     * branch (a cond with a long side), a statement of the map's body that does not depend on the
     * cotangent; the backward pass through the branch depends on it and runs m times.
     */
    @Test void theForwardPassOfAMappedVjpRunsOnce() {
        Prog[] steps = new Prog[24];
        for (int i = 0; i < steps.length; i++) steps[i] = i % 2 == 0 ? CEXP.prog() : compose(sin, scale(0.5));
        Prog f = compose(sin, cond(id(Shape.R), compose(steps), square));
        double[] x = {0.3};
        Kernel one = Jit.compile(rows(f, 1)), three = Jit.compile(rows(f, 3));
        assertSameBits(AD.eval(rows(f, 3), x), three.apply(x), "three rows");
        long c1 = calls(one, x), c3 = calls(three, x);
        assertTrue(c1 > 0, "the primitive runs at all");
        assertTrue(c3 < 3 * c1, () -> "three cotangents call cexp " + c3 + " times, one cotangent " + c1 + " times: the forward pass was repeated");
    }

    /** A loop's state is read again by the next step: a step that does not depend on the index still runs every time. */
    @Test void aStepThatIgnoresTheIndexStillRunsEveryIteration() {
        Prog f = iterate(7, map(5, compose(CEXP.prog(), scale(0.25))));
        double[] x = {0.1, 0.2, -0.3, 0.4, 0.5};
        Kernel k = Jit.compile(f);
        assertSameBits(AD.eval(f, x), k.apply(x), "iterate");
        assertEquals(35, calls(k, x), "seven steps of five elements");
        Prog g = mapAccum(4, fork(compose(CEXP.prog(), add), compose(sin, exl(Shape.R, Shape.R))));
        double[] y = {0.1, 0.2, 0.3, 0.4, 0.5};
        Kernel kg = Jit.compile(g);
        assertSameBits(AD.eval(g, y), kg.apply(y), "mapAccum");
        assertEquals(4, calls(kg, y), "four steps");
    }

    /** A loop over no elements runs none of its body, not even the part that does not depend on the index. */
    @Test void anEmptyLoopRunsNothing() {
        Shape rr = Shape.pair(Shape.R, Shape.R);
        Prog f = fold(0, compose(dup(Shape.R), zero(Shape.pair(rr, Shape.UNIT), Shape.R)));
        double[] x = {0.0, 0.001};
        assertSameBits(AD.eval(f, x), Jit.eval(f, x), "fold over an empty array");
    }

    /** One-hot arrays (the transpose of reading by index) and short sums keep signed zeros, NaN and infinities as the interpreter does. */
    @Test void oneHotsAndShortSumsKeepSignedZerosAndNaN() {
        Shape v3 = Shape.vec(3);
        Prog hot = jam(v3);
        Prog twoHots = compose(hot, cross(in(3, Shape.R, 0), in(3, Shape.R, 2)));
        Prog sums = compose(sum(v3), hot, cross(in(3, Shape.R, 1), in(3, Shape.R, 1)));
        double[][] inputs = {{-0.0, -0.0}, {0.0, -0.0}, {-0.0, 1.5}, {Double.NaN, -0.0}, {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}};
        for (double[] x : inputs) {
            assertSameBits(AD.eval(twoHots, x), Jit.eval(twoHots, x), "two one-hots at " + java.util.Arrays.toString(x));
            assertSameBits(AD.eval(sums, x), Jit.eval(sums, x), "a short sum of one-hots at " + java.util.Arrays.toString(x));
            // the gradient of reading three elements by index: sums of one-hot arrays
            Prog f = compose(add, cross(mul, id(Shape.R)), fork(fork(ex(v3, 0), ex(v3, 1)), ex(v3, 2)));
            double[] z = {x[0], x[1], -0.0};
            assertSameBits(AD.eval(AD.grad(f), z), Jit.eval(AD.grad(f), z), "gradient at " + java.util.Arrays.toString(z));
        }
    }
}
