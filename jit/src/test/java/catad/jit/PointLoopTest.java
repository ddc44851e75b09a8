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
        Prog f = map(n, compose(add, fork(compose(Prims.EXP.prog(), mul), compose(Prims.SQUARE.prog(), exl(Shape.R, Shape.R)))));
        assertEquals(Shape.arr(n, rr), f.dom());
        var x = input(f.dom().dim(), 7);
        Kernel k = Jit.compile(f);
        assertSameBits(AD.eval(f, x), k.apply(x), "a map over pairs");
        if (Vectors.LANES >= 4) assertEquals(new Emit.Vectorized(1, 2, 0), k.vectorized(), k::toString);
        // the cotangent of the pairs is written at stride 2: scattered, each place by one store
        Prog g = AD.grad(compose(sum(Shape.vec(n)), f));
        Kernel kg = Jit.compile(g);
        assertSameBits(AD.eval(g, x), kg.apply(x), "its gradient");
        if (Vectors.LANES >= 4) assertTrue(kg.vectorized().scatters() >= 2, kg.vectorized()::toString);
        // without a transcendental, a gather per lane does not pay: the same map of arithmetic stays scalar
        Prog plain = map(n, compose(add, fork(mul, compose(Prims.SQUARE.prog(), exl(Shape.R, Shape.R)))));
        Kernel kp = Jit.compile(plain);
        assertSameBits(AD.eval(plain, x), kp.apply(x), "a map of arithmetic over pairs");
        assertEquals(0, kp.vectorLanes(), kp::toString);
    }

    @Test void twoHalvesOfAnArrayStoredByOneLoopStayApartAndOverlapsStayScalar() {
        int n = 21;
        // x ↦ (exp |x|, x + x) as one array of pairs (scattered), then as two arrays side by side (n apart)
        Prog pairs = map(n, fork(compose(Prims.EXP.prog(), Prims.ABS.prog()), compose(add, dup(Shape.R))));
        Prog halves = compose(unzip(n, Shape.R, Shape.R), pairs);
        for (Prog f : List.of(pairs, halves)) {
            var x = input(f.dom().dim(), 11);
            x[0] = -0.0; x[1] = Double.NaN; x[2] = Double.NEGATIVE_INFINITY;
            Kernel k = Jit.compile(f);
            assertSameBits(AD.eval(f, x), k.apply(x), f.toString());
            if (Vectors.LANES >= 4) assertEquals(Vectors.LANES, k.vectorLanes(), k::toString);
        }
    }

    @Test void aLoopCarryingStateWithASumInsideIsNotWrittenOut() {
        // found by JitAgreementLaws: written out, the two steps' sums were one index's two reductions
        Prog f = catad.dsl.Parser.parse("iterate 2 ((id ||| jam . sum) . mapAccumL ((jam ||| jam) . cond (jam . (jam &&& const 0.07725424859373686))"
                + " dup (dup *** dup) &&& id) . inl<[3]R>)", Shape.R);
        for (var options : List.of(Jit.Options.DEFAULT, Jit.Options.SCALAR)) {
            double[] x = {0.001};
            assertSameBits(AD.eval(f, x), Jit.compile(f, options).apply(x), f + " " + options);
        }
    }

    @Test void aLoopWhoseStepsTalkThroughMemoryIsNotWrittenOut() {
        // found by JitAgreementLaws: a mapAccumR of 11 steps, its carry copied back at each step's end,
        // written out read the carry as one load node at different times
        Prog f = catad.dsl.Parser.parse("mapAccumR (cond (jam . ((jam ||| id) &&& const 0.07725424859373686) . exl) (exl . mapAccum"
                + "R (inl<R> . (jam . exl &&& exr) . exl &&& !) . (exr &&& zero<[2]((R * R) * R)>)) (inl<R> ."
                + " (jam . exl &&& exr) . exr) . (exl . exr &&& exl &&& exr . exr)) . (exl . exr &&& zip . (z"
                + "ip . (exr . mapAccumL (exl . cond (jam . ((jam ||| id) &&& const 0.07725424859373686)) (it"
                + "erate 2 ((dup *** zero<R>) . exl)) ((dup *** zero<R>) . exl) &&& exl) &&& exr) . exl &&& e"
                + "xr . exr)) . (id &&& const<(R * R) * [11]R> [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, "
                + "1.0, 1.0, 1.0, 1.0])",
                Shape.pair(Shape.pair(Shape.R, Shape.R), Shape.vec(11)));
        double[] x = new double[13];
        assertSameBits(AD.eval(f, x), Jit.compile(f).apply(x), "mapAccumR of 11 steps");
    }

    /** {@return a kernel of f's shapes whose code is the given statements, on vectors of {@code lanes} (0: scalar)} */
    private static Kernel kernelOf(Prog f, java.util.function.Function<Lower, List<Ir.S>> body, int lanes) {
        var lo = new Lower(f);
        lo.body = body.apply(lo);
        return new Kernel(f, Emit.emit(lo, lanes, false), 0);
    }

    @Test void storesThatMeetAcrossIterationsStayScalar() {
        // for v < 16: out[v] = in[v]; out[v + 1] = in[v] + in[v] — iteration v + 1 overwrites what v stored
        // at v + 1, so the result depends on the iterations' order, which lanes do not keep
        Prog f = map(17, Prims.EXP.prog());
        java.util.function.Function<Lower, List<Ir.S>> overlapping = lo -> {
            Ir.Buf in = lo.ir.bufs.stream().filter(b -> b.kind == Ir.Kind.IN).findFirst().orElseThrow();
            Ir.Buf out = lo.ir.bufs.stream().filter(b -> b.kind == Ir.Kind.OUT).findFirst().orElseThrow();
            Ir.Var v = lo.ir.var(16);
            Ir.E x = lo.ir.load(in, Ir.Ix.of(v));
            return List.of(new Ir.Loop(v, List.of(new Ir.Store(out, Ir.Ix.of(v), x),
                    new Ir.Store(out, Ir.Ix.of(v).plus(1), lo.ir.bin(Ir.Op.ADD, x, x)))));
        };
        var x = input(17, 5);
        double[] scalar = kernelOf(f, overlapping, 0).apply(x);
        assertEquals(x[3], scalar[3]);
        assertEquals(x[15] + x[15], scalar[16]);
        Kernel k = kernelOf(f, overlapping, Vectors.LANES);
        assertSameBits(scalar, k.apply(x), "overlapping stores");
        assertEquals(0, k.vectorLanes(), k::toString);
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

    @Test void aVectorLoopTooLargeForOneMethodIsSplitAcrossMethods() {
        // x ↦ Σᵢ exp(cᵢ x) + (cᵢ x)², 24 terms: one store of some 250 nodes and 24 exps per point, more
        // than one vector method holds; 45 points: chunks of whole vectors, then a scalar tail
        int n = 45;
        Prog point = null;
        for (int i = 0; i < 24; i++) {
            Prog t = compose(add, fork(compose(Prims.EXP.prog(), scale(0.1 * (i + 1))), compose(Prims.SQUARE.prog(), scale(0.3 - 0.05 * i))));
            point = point == null ? t : compose(add, fork(point, t));
        }
        Prog f = map(n, point);
        var x = input(n, 9);
        x[0] = Double.NaN; x[1] = -0.0; x[2] = Double.POSITIVE_INFINITY; x[3] = Double.NEGATIVE_INFINITY; x[4] = 800; x[44] = -1e-300;
        for (var options : List.of(Jit.Options.DEFAULT, Jit.Options.SCALAR)) {
            Kernel k = Jit.compile(f, options);
            assertSameBits(AD.eval(f, x), k.apply(x), "a large map, " + options);
            if (options == Jit.Options.DEFAULT && Vectors.LANES >= 4) assertEquals(1, k.vectorized().splitLoops(), k::toString);
            Prog g = AD.grad(compose(sum(Shape.vec(n)), f));
            Kernel kg = Jit.compile(g, options);
            assertSameBits(AD.eval(g, x), kg.apply(x), "its gradient, " + options);
            if (options == Jit.Options.DEFAULT && Vectors.LANES >= 4) assertTrue(kg.vectorized().splitLoops() >= 1, kg::toString);
        }
    }

    @Test void theGradientOfAMixtureRunsOnVectorsSplitAcrossMethodsOverBlocksOfPoints() {
        // the per-point gradient (d = 8, k = 4) updates Accumulate's partial sums of each block of 8
        // points: its groups run over several blocks a call, each partial sum's updates in order
        for (int n : new int[] {64, 203}) {
            Prog f = AccumulateTest.mixture(n, 8, 4);
            Prog g = AD.grad(f);
            var x = input(f.dom().dim(), n);
            x[5] = Double.NaN;
            x[6 * 8 + 1] = 1e300;
            Kernel k = Jit.compile(g);
            assertSameBits(AD.eval(g, x), k.apply(x), "the mixture's gradient, " + n + " points");
            if (Vectors.LANES >= 4) assertTrue(k.vectorized().splitLoops() >= 1 && k.vectorized().scatters() > 0, k::toString);
            // many threads, one kernel
            double[] want = k.apply(x);
            var results = java.util.stream.IntStream.range(0, 8).parallel().mapToObj(t -> k.apply(x)).toList();
            for (double[] r : results) assertSameBits(want, r, "from several threads");
        }
    }
}
