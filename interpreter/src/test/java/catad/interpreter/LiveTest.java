package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.CatadException;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Live}: parts nothing uses, followed backward through maps, zips and loops, become
 * {@code zero}; every number of the result stays the same. Each case fails if the pass is left out
 * or if it drops a part that is used.
 */
class LiveTest {

    static void sameBits(Prog f, Prog g, double[] x) {
        double[] a = AD.eval(f, x), b = AD.eval(g, x);
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++)
            assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), "element " + i + " of " + Printer.print(g));
    }

    static double[] input(int n, long seed) {
        var r = new SplittableRandom(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextDouble(-3, 3);
        return x;
    }

    @Test
    void theTangentAloneDoesNotComputeThePrimalInsideAMap() {
        // exr ∘ jvp (map sin): each element's tangent needs cos x, not sin x
        Shape v = Shape.vec(5), vv = Shape.pair(v, v);
        Prog tangent = pipe(AD.jvp(map(5, sin)), exr(v, v));
        Prog pruned = Live.prune(tangent);
        assertEquals(1, ZerosTest.count(tangent, "sin"), Printer.print(tangent));
        assertEquals(0, ZerosTest.count(pruned, "sin"), Printer.print(pruned));
        assertEquals(1, ZerosTest.count(pruned, "cos"), Printer.print(pruned));
        assertEquals(vv, pruned.dom());
        sameBits(tangent, pruned, input(10, 1));
        assertSame(pruned, Live.prune(pruned), "nothing more to drop: the same object");
    }

    @Test
    void aStatePartThatFeedsNoUsedPartIsDropped() {
        // (a, b) ↦ (a + b, 2b), only b kept: a never reaches the result, so its addition goes
        Prog p = pipe(iterate(3, fork(jam(R), compose(scale(2), exr(R, R)))), exr(R, R));
        Prog pruned = Live.prune(p);
        assertEquals(0, ZerosTest.count(pruned, "jam"), Printer.print(pruned));
        sameBits(p, pruned, new double[] {0.75, -1.5});
    }

    @Test
    void aStatePartThatFeedsAUsedPartIsKept() {
        // (a, b) ↦ (a, a + b), only b kept: b needs a from the step before, through the loop
        Prog p = pipe(iterate(3, fork(exl(R, R), jam(R))), exr(R, R));
        Prog pruned = AD.simplify(p);
        for (long seed = 0; seed < 5; seed++) sameBits(p, pruned, input(2, seed));
        // and through mapAccum's carry: (c, a) ↦ (c + a, c), only the outputs kept
        Shape v = Shape.vec(4);
        Prog q = pipe(mapAccum(4, fork(jam(R), exl(R, R))), exr(R, v));
        Prog qp = AD.simplify(q);
        for (long seed = 0; seed < 5; seed++) sameBits(q, qp, input(5, seed));
        assertEquals(1, ZerosTest.count(qp, "jam"), "the carry's sum feeds the next output: " + Printer.print(qp));
    }

    @Test
    void aWhileIsKeptEvenWhenNothingUsesIt() {
        Prog loop = whileLoop(compose(sign, exl(R, R)), cross(id(R), scale(3)), 5);
        Prog p = pipe(fork(id(R), pipe(fork(id(R), constant(R, 1)), loop, exr(R, R))), exl(R, R));
        Prog pruned = Live.prune(p);
        assertThrows(CatadException.class, () -> AD.eval(pruned, 1.0), Printer.print(pruned));
        assertEquals(-1.0, AD.eval(pruned, -1.0)[0]);
    }
}
