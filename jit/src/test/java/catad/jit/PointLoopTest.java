package catad.jit;

import static catad.dsl.Catad.*;
import static catad.jit.ShareTest.assertSameBits;
import static catad.jit.ShareTest.input;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Prims;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Loops over points run on vectors across the points: a point's short scratch arrays are written
 * out and read where they were made ({@code ShortLoops}), a point's coordinates are gathered at
 * their stride, and a loop may call several of {@code VecMath}'s functions — with the
 * interpreter's bits, with and without the incubator module.
 */
class PointLoopTest {

    /** {@return the loops with n iterations in the statements, outermost first} */
    private static List<Ir.Loop> loopsOf(List<Ir.S> stmts, int n) {
        var out = new ArrayList<Ir.Loop>();
        for (Ir.S s : stmts) if (s instanceof Ir.Loop l) {
            if (l.v().n == n) out.add(l);
            out.addAll(loopsOf(l.body(), n));
        }
        return out;
    }

    @Test void aPointsScratchArraysAreWrittenOutAndReadWhereTheyAreMade() {
        int n = 203;
        Prog f = AccumulateTest.mixture(n, 3, 4);
        var plain = new Lower(f);
        List<Ir.S> shared = Share.run(plain.ir, Forward.run(plain.ir, plain.body));
        List<Ir.Loop> before = loopsOf(shared, n);
        assertEquals(1, before.size(), Ir.dump(shared));
        assertTrue(before.get(0).body().size() > 1, "before: a point's distances go through a scratch array\n" + Ir.dump(shared));
        List<Ir.S> after = ShortLoops.run(plain.ir, shared);
        List<Ir.Loop> points = loopsOf(after, n);
        assertEquals(1, points.size(), Ir.dump(after));
        assertEquals(1, points.get(0).body().size(), "after: one store per point\n" + Ir.dump(after));
        assertInstanceOf(Ir.Store.class, points.get(0).body().get(0));
    }

    @Test void theMixtureRunsOnVectorsAcrossPointsWithTheInterpretersBits() {
        for (int n : new int[] {5, 8, 203}) {
            Prog f = AccumulateTest.mixture(n, 3, 4);
            var x = input(f.dom().dim(), n);
            Kernel k = Jit.compile(f);
            assertTrue(k.compiled(), k::toString);
            assertSameBits(AD.eval(f, x), k.apply(x), "mixture of " + n + " points");
            // (up to ShortLoops.SHORT points, the loop over them is written out too)
            // the loop over the points is a vector loop: exp and log on vectors, the coordinates gathered
            if (Vectors.LANES >= 4 && n > ShortLoops.SHORT) {
                assertEquals(Vectors.LANES, k.vectorLanes(), k::toString);
                assertTrue(k.vectorized().vecMathCalls() >= 2 && k.vectorized().gathers() >= 3, k.vectorized()::toString);
            }
            Prog g = AD.grad(f);
            assertSameBits(AD.eval(g, x), Jit.compile(g).apply(x), "its gradient, " + n + " points");
        }
    }

    @Test void stridedReadsAreGathered() {
        int n = 37;   // vectors and a scalar tail
        Shape rr = Shape.pair(Shape.R, Shape.R);
        Prog f = map(n, compose(add, fork(mul, compose(Prims.SQUARE.prog(), exl(Shape.R, Shape.R)))));
        assertEquals(Shape.arr(n, rr), f.dom());
        var x = input(f.dom().dim(), 7);
        Kernel k = Jit.compile(f);
        assertSameBits(AD.eval(f, x), k.apply(x), "a map over pairs");
        if (Vectors.LANES > 0) assertEquals(new Emit.Vectorized(0, 2), k.vectorized(), k::toString);
        // the cotangent of the pairs is written at stride 2 too, from unit-stride reads
        Prog g = AD.grad(compose(sum(Shape.vec(n)), f));
        assertSameBits(AD.eval(g, x), Jit.compile(g).apply(x), "its gradient");
    }

    @Test void aVectorLoopCallsSeveralExactTranscendentals() {
        int n = 29;
        Prog h = compose(add, fork(compose(Prims.EXP.prog(), Prims.SQUARE.prog()), compose(Prims.LOG.prog(), Prims.ABS.prog())));
        Prog f = map(n, compose(add, fork(h, compose(Prims.EXPM1.prog(), Prims.RECIP.prog()))));
        var x = input(n, 3);
        x[0] = Double.NaN; x[1] = 0.0; x[2] = -0.0; x[3] = Double.POSITIVE_INFINITY; x[4] = Double.NEGATIVE_INFINITY;
        x[5] = 1e-310; x[6] = -800; x[7] = 710; x[8] = 27;
        Kernel k = Jit.compile(f);
        assertSameBits(AD.eval(f, x), k.apply(x), "exp, log and expm1 in one loop");
        if (Vectors.LANES >= 4) assertEquals(3, k.vectorized().vecMathCalls(), k::toString);
    }
}
