package catad.jit;

import static catad.jit.ShareTest.assertSameBits;
import static catad.jit.ShareTest.input;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Catad;
import catad.dsl.Pointful;
import catad.dsl.Prims;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.Sym;
import catad.interpreter.AD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backward loop's expensive values read from a tape its forward loop writes ({@code Tape}): the
 * gradient of a loop evaluates each step's transcendentals once, in the forward pass, and keeps the
 * interpreter's bits.
 */
class TapeTest {

    @Test void theGradientOfARecurrentCellEvaluatesEachTanhOnce() {
        Prog f = ForwardTest.recurrent(), g = AD.grad(f);
        var lowered = new Lower(g);
        List<Ir.S> forwarded = Forward.run(lowered.ir, lowered.body);
        long[] before = perStepLoop(forwarded, ForwardTest.CTANH), after = perStepLoop(Tape.run(lowered.ir, forwarded), ForwardTest.CTANH);
        long tanhs = 2L * ForwardTest.LAYERS * ForwardTest.B;   // two a layer element
        assertArrayEquals(new long[] {tanhs, tanhs}, java.util.Arrays.stream(before).filter(n -> n > 0).toArray(),
                "without the tape the backward loop computes every tanh of the forward loop again");
        assertArrayEquals(new long[] {tanhs}, java.util.Arrays.stream(after).filter(n -> n > 0).toArray(), "with it, the backward loop computes none");

        var x = input(g.dom().dim(), 7);
        for (int i = 0; i < x.length; i++) x[i] *= 0.5;
        Kernel primal = Jit.compile(f), gradient = Jit.compile(g);
        ForwardTest.CALLS.set(0);
        primal.apply(x);
        long primalCalls = ForwardTest.CALLS.getAndSet(0);
        double[] y = gradient.apply(x);
        assertEquals(primalCalls, ForwardTest.CALLS.get(), "the compiled gradient calls tanh as often as the primal");
        assertSameBits(AD.eval(g, x), y, "gradient of the recurrent cell");
    }

    /** {@return how many distinct p nodes the loops of n steps compute, loop by loop, added up} */
    private static long distinctIn(List<Ir.S> body, int n, catad.dsl.Primitive p) {
        return body.stream().filter(s -> s instanceof Ir.Loop l && l.v().n == n).mapToLong(s -> ForwardTest.distinct((Ir.Loop) s, p)).sum();
    }

    /** {@return for each loop over the time steps, how many distinct p nodes its body computes} */
    private static long[] perStepLoop(List<Ir.S> body, catad.dsl.Primitive p) {
        return body.stream().filter(s -> s instanceof Ir.Loop l && l.v().n == ForwardTest.STEPS).mapToLong(s -> ForwardTest.distinct((Ir.Loop) s, p)).toArray();
    }

    /**
     * {@return a recurrence {@code sᵢ = tanh(sᵢ₋₁ + xᵢ)} whose loss is {@code Σ exp(sᵢ · yᵢ)}}: the
     * forward loop computes tanh for the carry, the backward pass needs tanh' at every step
     */
    private static Prog scanned(int n) {
        return Pointful.compile(Shape.pair(Shape.vec(n), Shape.vec(n)), in -> {
            Sym ys = in.snd();
            Sym total = Sym.pair(Sym.constant(0), Sym.constant(0));
            Sym zipped = Sym.pair(in.fst(), ys).apply(Catad.zip(n, Shape.R, Shape.R));
            Sym last = zipped.fold(total, (carry, xy) -> {
                Sym s = carry.fst().plus(xy.fst()).tanh();
                return Sym.pair(s, carry.snd().plus(s.times(xy.snd()).exp()));
            });
            return last.snd();
        });
    }

    @Test void aLoopsGradientKeepsTheInterpretersBits() {
        for (int n : new int[] {1, 2, 7, 40}) {
            Prog g = AD.grad(scanned(n));
            double[] x = input(g.dom().dim(), n);
            assertSameBits(AD.eval(g, x), Jit.compile(g).apply(x), "gradient of the scanned loss, n = " + n);
            var lowered = new Lower(g);
            List<Ir.S> forwarded = Forward.run(lowered.ir, lowered.body);
            if (n > 8) {   // shorter loops are written out
                assertEquals(2, distinctIn(forwarded, n, Prims.TANH), "without the tape: tanh in the forward and the backward loop");
                assertEquals(1, distinctIn(Tape.run(lowered.ir, forwarded), n, Prims.TANH), "with it, in the forward loop only");
            }
        }
        double[] special = {Double.NaN, -0.0, Double.POSITIVE_INFINITY, 1e308, -1e-320, 3, 0.0, -2};
        Prog g = AD.grad(scanned(4));
        assertSameBits(AD.eval(g, special), Jit.compile(g).apply(special), "NaN, infinities, zeros, subnormals");
    }

    // ---------------------------------------------------------------- statement by statement

    /**
     * {@code for u < 4: T[u] = C[0]; C[0] = C[0] + in[u]} then {@code for v < 4: out[v] = exp(T[3 - v] · in[7 - v])}
     * (the backward loop reads step 3 - v's state), with {@code between} run between the loops and
     * {@code extra} added to the backward loop's value.
     */
    private record Loops(Ir.Builder ir, Ir.Buf in, Ir.Buf c, Ir.Buf t, Ir.Buf out, List<Ir.S> body) {
        static Loops of(java.util.function.Function<Loops, List<Ir.S>> between, java.util.function.BiFunction<Loops, Ir.Var, Ir.E> extra) {
            var ir = new Ir.Builder();
            Ir.Buf in = ir.buf(Ir.Kind.IN, 8, null), c = ir.buf(Ir.Kind.WS, 1, null), t = ir.buf(Ir.Kind.WS, 4, null), out = ir.buf(Ir.Kind.OUT, 4, null);
            var l = new Loops(ir, in, c, t, out, new ArrayList<>());
            Ir.Var u = ir.var(4), v = ir.var(4);
            Ir.E c0 = ir.load(c, Ir.Ix.of(0));
            l.body.add(new Ir.Store(c, Ir.Ix.of(0), ir.num(0)));
            l.body.add(new Ir.Loop(u, List.of(
                    new Ir.Copy(c, Ir.Ix.of(0), t, Ir.Ix.of(u), 1),
                    new Ir.Store(c, Ir.Ix.of(0), ir.bin(Ir.Op.ADD, c0, ir.load(in, Ir.Ix.of(u)))))));
            l.body.addAll(between.apply(l));
            Ir.Ix back = Ir.Ix.of(3).plus(Ir.Ix.of(v).times(-1));
            Ir.E e = ir.un(Prims.EXP, ir.bin(Ir.Op.MUL, ir.load(t, back), ir.load(in, back.plus(4))));
            Ir.E x = extra.apply(l, v);
            l.body.add(new Ir.Loop(v, List.of(new Ir.Store(out, Ir.Ix.of(v), x == null ? e : ir.bin(Ir.Op.ADD, e, x)))));
            return l;
        }
    }

    private static Ir.Loop loop(List<Ir.S> body, int i) { return (Ir.Loop) body.get(i); }

    @Test void theBackwardLoopLoadsWhatTheForwardLoopStoredAfterTheSave() {
        var l = Loops.of(x -> List.of(), (x, v) -> null);
        List<Ir.S> taped = Tape.run(l.ir, l.body);
        Ir.Loop f = loop(taped, 1), b = loop(taped, 2);
        assertEquals(3, f.body().size(), Ir.dump(taped));
        assertInstanceOf(Ir.Copy.class, f.body().getFirst(), Ir.dump(taped));
        var keep = (Ir.Store) f.body().get(1);   // right after the save, before the state changes
        Ir.E expected = l.ir.un(Prims.EXP, l.ir.bin(Ir.Op.MUL, l.ir.load(l.c, Ir.Ix.of(0)), l.ir.load(l.in, Ir.Ix.of(f.v()).plus(4))));
        assertSame(expected, keep.e(), "the forward loop computes exp(C[0] · in[4 + u]): " + Ir.dump(taped));
        assertEquals(Ir.Ix.of(f.v()), keep.ix());
        Ir.E read = ((Ir.Store) b.body().getFirst()).e();
        assertSame(l.ir.load(keep.b(), Ir.Ix.of(3).plus(Ir.Ix.of(b.v()).times(-1))), read, "the backward loop reads step 3 - v: " + Ir.dump(taped));
    }

    @Test void nothingIsTapedWhenTheBackwardLoopReadsWhatTheForwardLoopWrites() {
        // exp(C[0]) in the backward loop: C is the forward loop's state, its value there is the last step's
        var l = Loops.of(x -> List.of(), (x, v) -> x.ir.un(Prims.EXP, x.ir.load(x.c, Ir.Ix.of(0))));
        List<Ir.S> taped = Tape.run(l.ir, l.body);
        assertEquals(3, loop(taped, 1).body().size(), "only the first exp is taped: " + Ir.dump(taped));
        assertTrue(((Ir.Store) loop(taped, 2).body().getFirst()).e().reads.get(l.c.id), "exp(C[0]) stays in the backward loop");
    }

    @Test void nothingIsTapedWhenTheSavedStatesAreWrittenAgainBetweenTheLoops() {
        var l = Loops.of(x -> List.of(new Ir.Store(x.t, Ir.Ix.of(2), x.ir.num(1))), (x, v) -> null);
        List<Ir.S> taped = Tape.run(l.ir, l.body);
        assertEquals(l.body, taped, Ir.dump(taped));
    }

    @Test void nothingIsTapedWhenTheBackwardLoopReadsOutsideTheForwardSteps() {
        var ir = new Ir.Builder();
        Ir.Buf c = ir.buf(Ir.Kind.WS, 1, null), t = ir.buf(Ir.Kind.WS, 4, null), out = ir.buf(Ir.Kind.OUT, 5, null);
        Ir.Var u = ir.var(4), v = ir.var(5);
        List<Ir.S> body = List.of(
                new Ir.Loop(u, List.of(new Ir.Copy(c, Ir.Ix.of(0), t, Ir.Ix.of(u), 1), new Ir.Store(c, Ir.Ix.of(0), ir.num(2)))),
                // five backward steps over four saved states: step 4 - v is -1... 3
                new Ir.Loop(v, List.of(new Ir.Store(out, Ir.Ix.of(v), ir.un(Prims.EXP, ir.load(t, Ir.Ix.of(4).plus(Ir.Ix.of(v).times(-1))))))));
        assertEquals(body, Tape.run(ir, body));
    }
}
