package catad.jit;

import static catad.jit.ShareTest.assertSameBits;
import static catad.jit.ShareTest.input;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Pointful;
import catad.dsl.Prims;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.Sym;
import catad.interpreter.AD;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sums accumulated by the loop that produces their terms ({@code Accumulate}): the gradient of a
 * function of many points no longer stores a parameter-shaped cotangent per point, and its bits
 * stay the interpreter's, with and without an incomplete last block of eight points.
 */
class AccumulateTest {

    /**
     * {@code Σᵢ log Σₖ exp(αₖ − ½‖xᵢ − μₖ‖²)}, the input {@code ((μ, α), x)}: every point reads the
     * shared parameters, so the gradient sums a cotangent of (μ, α) over the points, and it has a
     * cotangent of each point too (places of the per-point buffer that are not summed).
     */
    static Prog mixture(int n, int d, int k) {
        Shape theta = Shape.pair(Shape.tensor(k, d), Shape.vec(k));
        return Pointful.compile(Shape.pair(theta, Shape.tensor(n, d)), in -> {
            Sym mu = in.fst().fst(), alpha = in.fst().snd(), x = in.snd();
            return x.map(xi -> mu.map(muK -> {
                Sym r = xi.minus(muK);
                return r.dot(r).times(-0.5);
            }).plus(alpha).exp().sum().log()).sum();
        });
    }

    /** {@return how many sums over n terms, each the load of a stored number, the statements evaluate} */
    private static long storedSums(List<Ir.S> stmts, int n) {
        return ShareTest.evaluated(stmts, e -> e instanceof Ir.Reduce r && r.op == Ir.Red.SUM && r.v.n == n && r.body instanceof Ir.Load);
    }

    private static void gradientOfAMixture(int n) {
        Prog g = AD.grad(mixture(n, 3, 4));
        var plain = new Lower(g);
        List<Ir.S> shared = Share.run(plain.ir, plain.body);
        assertTrue(storedSums(shared, n) >= 4 * 3 + 4, "before: the parameters' cotangents are summed from stored terms, " + storedSums(shared, n) + " sums");
        List<Ir.S> accumulated = Accumulate.run(plain.ir, shared);
        assertEquals(0, storedSums(accumulated, n), "sums of stored terms left after accumulating:\n" + Ir.dump(accumulated));

        var x = input(g.dom().dim(), n);
        Kernel k = Jit.compile(g);
        assertTrue(k.compiled(), k.toString());
        var y = new double[g.cod().dim()];
        k.apply(x, y);
        assertSameBits(AD.eval(g, x), y, "gradient of the mixture over " + n + " points");
    }

    @Test void theGradientOfAFunctionOfManyPointsAccumulatesTheParametersCotangents() { gradientOfAMixture(203); }

    @Test void pointsInWholeBlocksOfEightOnly() { gradientOfAMixture(96); }

    @Test void moreThanAFullBlockInTheTail() { gradientOfAMixture(23); }

    @Test void thePrimalsSumOverPointsIsAccumulatedToo() {
        Prog f = mixture(1001, 2, 3);
        var plain = new Lower(f);
        List<Ir.S> shared = Share.run(plain.ir, plain.body);
        assertEquals(1, storedSums(shared, 1001), "the sum over the points reads their stored log-sum-exps");
        assertEquals(0, storedSums(Accumulate.run(plain.ir, shared), 1001), "sums of stored terms after accumulating");
        var x = input(f.dom().dim(), 3);
        var y = new double[1];
        Jit.compile(f).apply(x, y);
        assertSameBits(AD.eval(f, x), y, "mixture");
    }

    // ---------------------------------------------------------------- the pattern, statement by statement

    /** A producer {@code for v < n: b[2v] = in[v]; b[2v+1] = exp(in[v])} and the given readers of b. */
    private record Built(Ir.Builder ir, Ir.Buf in, Ir.Buf b, Ir.Buf out, Ir.Var v, List<Ir.S> producer) {
        static Built of(int n) {
            var ir = new Ir.Builder();
            Ir.Buf in = ir.buf(Ir.Kind.IN, n, null), out = ir.buf(Ir.Kind.OUT, 2, null), b = ir.buf(Ir.Kind.WS, 2 * n, null);
            Ir.Var v = ir.var(n);
            Ir.E xv = ir.load(in, Ir.Ix.of(v));
            var loop = new Ir.Loop(v, List.of(
                    new Ir.Store(b, Ir.Ix.of(v).times(2), xv),
                    new Ir.Store(b, Ir.Ix.of(v).times(2).plus(1), ir.un(Prims.EXP, xv))));
            return new Built(ir, in, b, out, v, List.of(loop));
        }

        Ir.E sumOf(int place, java.util.function.UnaryOperator<Ir.E> term) {
            Ir.Var u = ir.var(v.n);
            return ir.reduce(Ir.Red.SUM, u, term.apply(ir.load(b, Ir.Ix.of(u).times(2).plus(place))));
        }

        List<Ir.S> with(Ir.S... readers) {
            var all = new java.util.ArrayList<>(producer);
            all.addAll(List.of(readers));
            return all;
        }
    }

    private static boolean readsBuffer(List<Ir.S> stmts, Ir.Buf b) {
        for (Ir.S s : stmts) {
            if (s instanceof Ir.Store st && st.e().reads.get(b.id)) return true;
            if (s instanceof Ir.Loop l && readsBuffer(l.body(), b)) return true;
        }
        return false;
    }

    @Test void sumsOfPlainLoadsAreAccumulatedAndNothingReadsTheTermsAnyMore() {
        var t = Built.of(100);
        var stmts = t.with(new Ir.Store(t.out(), Ir.Ix.of(0), t.sumOf(0, e -> e)), new Ir.Store(t.out(), Ir.Ix.of(1), t.sumOf(1, e -> e)));
        List<Ir.S> after = Accumulate.run(t.ir(), stmts);
        assertFalse(readsBuffer(after, t.b()), Ir.dump(after));
        assertEquals(0, storedSums(after, 100));
    }

    @Test void aSumWhoseTermIsMoreThanTheLoadIsLeftAlone() {
        var t = Built.of(100);
        var stmts = t.with(new Ir.Store(t.out(), Ir.Ix.of(0), t.sumOf(1, e -> t.ir().un(Prims.SQUARE, e))));
        assertSame(stmts.get(0), Accumulate.run(t.ir(), stmts).get(0), "the producer must stay as it is");
    }

    @Test void aPlaceBothSummedAndReadOtherwiseIsLeftAlone() {
        var t = Built.of(100);
        Ir.Var w = t.ir().var(100);
        Ir.Buf other = t.ir().buf(Ir.Kind.WS, 100, null);
        var copy = new Ir.Loop(w, List.of(new Ir.Store(other, Ir.Ix.of(w), t.ir().load(t.b(), Ir.Ix.of(w).times(2).plus(1)))));
        var stmts = t.with(new Ir.Store(t.out(), Ir.Ix.of(0), t.sumOf(1, e -> e)), copy);
        assertSame(stmts.get(0), Accumulate.run(t.ir(), stmts).get(0), "the producer must stay as it is");
    }

    @Test void aSumOverAnotherRangeIsLeftAlone() {
        var t = Built.of(100);
        Ir.Var u = t.ir().var(50);
        Ir.E half = t.ir().reduce(Ir.Red.SUM, u, t.ir().load(t.b(), Ir.Ix.of(u).times(2)));
        var stmts = t.with(new Ir.Store(t.out(), Ir.Ix.of(0), half));
        assertSame(stmts.get(0), Accumulate.run(t.ir(), stmts).get(0), "the producer must stay as it is");
    }

    @Test void aStoreUnderABranchIsLeftAlone() {
        var ir = new Ir.Builder();
        Ir.Buf in = ir.buf(Ir.Kind.IN, 100, null), out = ir.buf(Ir.Kind.OUT, 1, null), b = ir.buf(Ir.Kind.WS, 100, null);
        Ir.Var v = ir.var(100), u = ir.var(100);
        Ir.E xv = ir.load(in, Ir.Ix.of(v));
        var loop = new Ir.Loop(v, List.of(new Ir.If(xv, List.of(new Ir.Store(b, Ir.Ix.of(v), xv)), List.of())));
        var stmts = List.<Ir.S>of(loop, new Ir.Store(out, Ir.Ix.of(0), ir.reduce(Ir.Red.SUM, u, ir.load(b, Ir.Ix.of(u)))));
        assertSame(loop, Accumulate.run(ir, stmts).get(0), "the producer must stay as it is");
    }
}
