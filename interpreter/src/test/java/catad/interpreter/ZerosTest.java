package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.CatadException;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link Zeros}: known-zero parts followed through pairs, maps, zips and loops, and what becomes of
 * the steps they reach. Each case fails if the pass is left out or if it takes a part for zero that
 * is not.
 */
class ZerosTest {

    static final Shape V4 = Shape.vec(4), VV = Shape.pair(V4, V4);

    /** {@code f (x, w) = Σᵢ xᵢ wᵢ} as a map over the zipped arrays. */
    static final Prog F = pipe(zip(4, R, R), map(4, mul), sum(V4));

    /** {@return how often a primitive's name appears in the printed program} */
    static int count(Prog p, String name) {
        Matcher m = Pattern.compile("\\b" + name + "\\b").matcher(Printer.print(p));
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void theTangentOfAnInputThatIsNotDifferentiatedDropsOut() {
        // ((x, w), dx) ↦ ∂f/∂x · dx: the jvp of f with w's tangent zero, as a user builds a partial derivative
        Shape in = Shape.pair(VV, V4);
        Prog partial = pipe(fork(exl(VV, V4), fork(exr(VV, V4), zero(in, V4))), AD.jvp(F), exr(R, R));
        Prog s = AD.simplify(partial);
        // the product x · dw is gone (and the primal's, which the final exr drops, by Live): w · dx is left
        Prog local = Simplify.simplify(partial, false);
        assertEquals(1, count(s, "mul"), Printer.print(s));
        assertEquals(2, count(local, "mul"), "without Zeros, x · dw stays: " + Printer.print(local));
        // x infinite: 0 · ∞ would have made the sum NaN; the symbolic zero leaves Σ dxᵢ wᵢ
        double[] x = {Double.POSITIVE_INFINITY, 1, -2, 3}, w = {0.5, -1.5, 2, 0.25}, dx = {1, 2, 3, 4};
        double expected = 0;
        for (int i = 0; i < 4; i++) expected += dx[i] * w[i];
        double[] input = new double[12];
        System.arraycopy(x, 0, input, 0, 4);
        System.arraycopy(w, 0, input, 4, 4);
        System.arraycopy(dx, 0, input, 8, 4);
        assertEquals(expected, AD.eval(s, input)[0], 1e-15);
        assertTrue(Double.isNaN(AD.eval(local, input)[0]), "without the pass the zero meets the infinity");
    }

    @Test
    void aPartThatStaysZeroInALoopIsDropped() {
        // (a, b) ↦ (a + b, 2b) from (x, 0): b stays zero, so the addition goes
        Shape rr = Shape.pair(R, R);
        Prog step = fork(jam(R), compose(scale(2), exr(R, R)));
        Prog p = pipe(fork(id(R), zero(R, R)), iterate(3, step), exl(R, R));
        Prog z = Zeros.propagate(p);
        assertEquals(0, count(z, "jam"), Printer.print(z));
        assertEquals(1, count(p, "jam"));
        assertEquals(rr, step.dom());
        assertEquals(Double.doubleToLongBits(AD.eval(p, 1.25)[0]), Double.doubleToLongBits(AD.eval(z, 1.25)[0]));
    }

    @Test
    void aPartThatBecomesNonzeroInALoopIsKept() {
        // (a, b) ↦ (a, a + b) from (x, 0): b is zero only before the first step; after 3 steps it is 3x
        Prog step = fork(exl(R, R), jam(R));
        Prog p = pipe(fork(id(R), zero(R, R)), iterate(3, step), exr(R, R));
        Prog z = AD.simplify(p);
        for (double x : new double[] {1.25, -3, 0.1})
            assertEquals(Double.doubleToLongBits(AD.eval(p, x)[0]), Double.doubleToLongBits(AD.eval(z, x)[0]), Printer.print(z));
        assertEquals(3.75, AD.eval(z, 1.25)[0]);
    }

    @Test
    void aMapAccumCarryIsFollowedToItsFixedPoint() {
        // carry c from 0: (c, a) ↦ (c + a, c · a) — c is zero at the first element only
        Shape ra = Shape.pair(R, R);
        Prog grows = fork(jam(R), mul);
        Prog p = pipe(fork(zero(V4, R), id(V4)), mapAccum(4, grows));
        Prog z = AD.simplify(p);
        double[] xs = {0.5, -2, 3, 1.5};
        assertArrayEquals(AD.eval(p, xs), AD.eval(z, xs), Printer.print(z));
        assertNotEquals(0.0, AD.eval(z, xs)[2], "the outputs after the first depend on the carry");
        // (c, a) ↦ (2c, a · c): c stays zero, so every output is zero, and the whole program is zero
        Prog stays = fork(compose(scale(2), exl(ra)), mul);
        Prog q = pipe(fork(zero(V4, R), id(V4)), mapAccum(4, stays));
        assertInstanceOf(Prog.Zero.class, Zeros.propagate(q), Printer.print(Zeros.propagate(q)));
    }

    @Test
    void bilinearBuiltInsWithAZeroFactorAreZero() {
        Shape m = Shape.tensor(3, 4);
        assertInstanceOf(Prog.Zero.class, Zeros.propagate(pipe(fork(zero(V4, m), id(V4)), matvec(3, 4))));
        assertInstanceOf(Prog.Zero.class, Zeros.propagate(pipe(fork(id(V4), zero(V4, V4)), dot(4))));
        assertInstanceOf(Prog.Zero.class, Zeros.propagate(pipe(fork(id(m), zero(m, Shape.tensor(4, 2))), matmul(3, 4, 2))));
        // a non-linear primitive of zero is not zero (exp 0 = 1)
        assertFalse(Zeros.propagate(pipe(zero(R, R), exp)) instanceof Prog.Zero);
        assertEquals(1.0, AD.eval(AD.simplify(pipe(zero(R, R), exp)), 7)[0]);
    }

    @Test
    void aWhileIsKeptEvenWhenItsResultIsZero() {
        // the loop's value is zero, but it may fail at its bound: dropping it would lose the error
        Prog loop = whileLoop(compose(sign, exl(R, R)), cross(id(R), scale(3)), 5);
        Prog p = pipe(fork(id(R), zero(R, R)), loop, exr(R, R));
        Prog z = AD.simplify(p);
        assertFalse(z instanceof Prog.Zero, Printer.print(z));
        assertThrows(CatadException.class, () -> AD.eval(z, 1.0));
        assertEquals(0.0, AD.eval(z, -1.0)[0]);
    }
}
