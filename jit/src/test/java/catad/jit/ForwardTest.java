package catad.jit;

import static catad.jit.ShareTest.assertSameBits;
import static catad.jit.ShareTest.evaluated;
import static catad.jit.ShareTest.input;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Catad;
import catad.dsl.Pointful;
import catad.dsl.Prims;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.Sym;
import catad.interpreter.AD;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stored values read from where they were made ({@code Forward}), and {@code sigmoid} written out
 * so that {@code sigmoid x} and {@code sigmoid (-x)} share one exponential: the gradient of a
 * recurrent network through a long loop evaluates each gate's transcendental once in its backward
 * pass, and every result keeps the interpreter's bits.
 */
class ForwardTest {

    static final int B = 5, LAYERS = 2, STEPS = 12;

    /** tanh, counting its calls: a user primitive, so every call in a kernel is a call of this code. */
    static final java.util.concurrent.atomic.AtomicLong CALLS = new java.util.concurrent.atomic.AtomicLong();
    static final catad.dsl.Primitive.Unary CTANH = catad.dsl.Primitive.unary("ctanh", x -> { CALLS.incrementAndGet(); return StrictMath.tanh(x); },
            () -> Catad.oneMinus(Catad.compose(Catad.square, ForwardTest.CTANH.prog())), catad.dsl.Primitive.Interval.ALL);

    private static Sym ctanh(Sym v) { return v.apply(Catad.map(B, CTANH.prog())); }

    /**
     * A two-layer gated recurrent cell run over 12 inputs by a {@code fold} (too long to be written
     * out), its loss a sum over the steps: ADBench's LSTM in small. Input {@code (weights, xs)},
     * weights {@code [2]([4][5]R × [4][5]R)}.
     */
    static Prog recurrent() {
        Shape bv = Shape.vec(B), gates = Shape.tensor(4, B);
        Prog layer = Pointful.compile(bv, Shape.pair(Shape.pair(gates, gates), Shape.pair(bv, bv)), (x, d) -> {
            Sym w = d.fst().fst(), bias = d.fst().snd(), hidden = d.snd().fst(), cell = d.snd().snd();
            Sym forget = x.times(w.at(0)).plus(bias.at(0)).sigmoid();
            Sym in = hidden.times(w.at(1)).plus(bias.at(1)).sigmoid();
            Sym out = x.times(w.at(2)).plus(bias.at(2)).sigmoid();
            Sym change = ctanh(hidden.times(w.at(3)).plus(bias.at(3)));
            Sym newCell = cell.times(forget).plus(in.times(change));
            Sym newHidden = out.times(ctanh(newCell));
            return Sym.pair(newHidden, Sym.pair(newHidden, newCell));
        });
        Prog layers = Catad.mapAccum(LAYERS, layer);
        Shape weights = Shape.arr(LAYERS, Shape.pair(gates, gates)), state = Shape.arr(LAYERS, Shape.pair(bv, bv));
        return Pointful.compile(Shape.pair(weights, Shape.arr(STEPS, bv)), in -> {
            Sym w = in.fst();
            Sym start = Sym.pair(Sym.constant(state, new double[state.dim()]), Sym.constant(0));
            Sym last = in.snd().fold(start, (carry, x) -> {
                Sym o = Sym.pair(x, zip(w, carry.fst())).apply(layers);
                return Sym.pair(o.snd(), carry.snd().plus(o.fst().exp().sum()));
            });
            return last.snd();
        });
    }

    private static Sym zip(Sym a, Sym b) { return Sym.pair(a, b).apply(Catad.zip(LAYERS, ((Shape.Arr) a.shape()).elem(), ((Shape.Arr) b.shape()).elem())); }

    /** {@return how many times the statements evaluate a unary primitive p, loops counted by their trip counts} */
    static long calls(List<Ir.S> stmts, catad.dsl.Primitive p) {
        return evaluated(stmts, e -> e instanceof Ir.Un u && u.p == p);
    }

    @Test void theBackwardPassOfALoopEvaluatesEachGateOnce() {
        Prog f = recurrent(), g = AD.grad(f);
        var x = input(g.dom().dim(), 7);
        for (int i = 0; i < x.length; i++) x[i] *= 0.5;
        Kernel primal = Jit.compile(f), gradient = Jit.compile(g);
        assertTrue(primal.compiled() && gradient.compiled(), gradient.toString());
        CALLS.set(0);
        primal.apply(x);
        assertEquals(STEPS * LAYERS * B * 2, CALLS.get(), "the primal: two tanh a layer element a step");
        CALLS.set(0);
        double[] y = gradient.apply(x);
        // the backward pass reads each step's tanh from the forward pass's tape (TapeTest)
        assertEquals(STEPS * LAYERS * B * 2, CALLS.get(), "the gradient's tanh calls");
        assertSameBits(AD.eval(g, x), y, "gradient of the recurrent cell");

        var lowered = new Lower(g);
        long before = calls(lowered.body, CTANH), after = calls(Forward.run(lowered.ir, lowered.body), CTANH);
        assertTrue(after < before, "forwarding leaves fewer tanh to evaluate: " + before + " before, " + after + " after");
    }

    @Test void sigmoidOfTheGatesIsOneExponentialEachInTheBackwardPassToo() {
        Prog g = AD.grad(recurrent());
        var lowered = new Lower(g);
        List<Ir.S> forwarded = Forward.run(lowered.ir, lowered.body);
        assertEquals(0, calls(forwarded, Prims.SIGMOID));
        // loop by loop, as code generation computes a node once where nothing it reads has changed
        long[] perLoop = forwarded.stream().filter(s -> s instanceof Ir.Loop l && l.v().n == STEPS)
                .mapToLong(s -> distinct((Ir.Loop) s, Prims.EXP)).filter(n -> n > 0).toArray();
        assertEquals(2, perLoop.length, Ir.dump(forwarded));
        // the loss's exp is no carry, so the loop that records the carries leaves it out (Live)
        assertEquals(LAYERS * B * 3, perLoop[0], "the carries' loop: three sigmoids a layer element " + java.util.Arrays.toString(perLoop));
        assertEquals(perLoop[0] + B, perLoop[1], "the backward pass: the same exponentials, sigmoid(-x) in sigmoid' sharing sigmoid x's, and the loss's");
    }

    /** {@return how many distinct nodes of primitive p the loop's body has (nested loops excluded)} */
    static long distinct(Ir.Loop l, catad.dsl.Primitive p) {
        var seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<Ir.E, Boolean>());
        var stack = new java.util.ArrayList<Ir.E>();
        for (Ir.S s : l.body()) if (s instanceof Ir.Store st) stack.add(st.e());
        long n = 0;
        while (!stack.isEmpty()) {
            Ir.E e = stack.removeLast();
            if (!seen.add(e)) continue;
            if (e instanceof Ir.Un u && u.p == p) n++;
            stack.addAll(e.kids());
        }
        return n;
    }

    // ---------------------------------------------------------------- statement by statement

    /** in[0..3], a workspace a, b of 4, out of 2; e = exp(in[0] · in[1]) */
    private record Built(Ir.Builder ir, Ir.Buf in, Ir.Buf a, Ir.Buf b, Ir.Buf out, Ir.E e) {
        static Built of() {
            var ir = new Ir.Builder();
            Ir.Buf in = ir.buf(Ir.Kind.IN, 4, null), out = ir.buf(Ir.Kind.OUT, 2, null);
            Ir.Buf a = ir.buf(Ir.Kind.WS, 4, null), b = ir.buf(Ir.Kind.WS, 4, null);
            Ir.E e = ir.un(Prims.EXP, ir.bin(Ir.Op.MUL, ir.load(in, Ir.Ix.of(0)), ir.load(in, Ir.Ix.of(1))));
            return new Built(ir, in, a, b, out, e);
        }

        Ir.E at(Ir.Buf buf, int i) { return ir.load(buf, Ir.Ix.of(i)); }
        Ir.S store(Ir.Buf buf, int i, Ir.E v) { return new Ir.Store(buf, Ir.Ix.of(i), v); }
        Ir.E sinOf(Ir.E v) { return ir.un(Prims.SIN, v); }
    }

    private static Ir.E last(List<Ir.S> stmts) { return ((Ir.Store) stmts.getLast()).e(); }

    @Test void twoCopiesOfOneValueGiveOneComputation() {
        var t = Built.of();
        List<Ir.S> after = Forward.run(t.ir(), List.of(t.store(t.a(), 0, t.e()), t.store(t.b(), 2, t.e()),
                t.store(t.out(), 0, t.ir().bin(Ir.Op.ADD, t.sinOf(t.at(t.a(), 0)), t.sinOf(t.at(t.b(), 2))))));
        var sum = (Ir.Bin) last(after);
        assertSame(sum.a, sum.b, "sin of the two copies is one node:\n" + Ir.dump(after));
        assertEquals(1, calls(after, Prims.SIN));
    }

    @Test void aValueComputedAgainIsReadFromWhereItIsStored() {
        var t = Built.of();
        List<Ir.S> after = Forward.run(t.ir(), List.of(t.store(t.a(), 1, t.e()), t.store(t.out(), 0, t.sinOf(t.e()))));
        assertEquals(1, calls(after, Prims.EXP), Ir.dump(after));
        assertSame(t.sinOf(t.at(t.a(), 1)), last(after));
    }

    @Test void aCheapValueIsReadFromItsOperands() {
        var t = Built.of();
        Ir.E product = t.ir().bin(Ir.Op.MUL, t.at(t.in(), 2), t.at(t.in(), 3));
        List<Ir.S> after = Forward.run(t.ir(), List.of(t.store(t.a(), 0, product), t.store(t.out(), 0, t.sinOf(t.at(t.a(), 0)))));
        assertSame(t.sinOf(product), last(after));
    }

    @Test void aStoreToWhatTheValueReadsMakesItStale() {
        var t = Built.of();
        Ir.E product = t.ir().bin(Ir.Op.MUL, t.at(t.b(), 0), t.at(t.b(), 1));
        var stmts = List.of(t.store(t.a(), 0, product), t.store(t.b(), 1, t.at(t.in(), 3)), t.store(t.out(), 0, t.sinOf(t.at(t.a(), 0))));
        assertSame(t.sinOf(t.at(t.a(), 0)), last(Forward.run(t.ir(), stmts)), "b[1] changed: a[0] must be loaded");
    }

    @Test void aStoreToAnotherPlaceOfTheSameBufferKeepsTheValue() {
        var t = Built.of();
        var stmts = List.of(t.store(t.a(), 0, t.e()), t.store(t.a(), 1, t.at(t.in(), 3)), t.store(t.out(), 0, t.sinOf(t.e())));
        assertSame(t.sinOf(t.at(t.a(), 0)), last(Forward.run(t.ir(), stmts)));
    }

    @Test void aStoreAtAPlaceThatMayBeItMakesItStale() {
        var t = Built.of();
        Ir.Var v = t.ir().var(4);
        var overwrite = new Ir.Loop(v, List.of(new Ir.Store(t.a(), Ir.Ix.of(v), t.at(t.in(), 2))));
        var stmts = List.of(t.store(t.a(), 0, t.e()), overwrite, t.store(t.out(), 0, t.sinOf(t.at(t.a(), 0))));
        assertSame(t.sinOf(t.at(t.a(), 0)), last(Forward.run(t.ir(), stmts)), "the loop wrote a: a[0] is what the loop stored");
    }

    @Test void aValueStoredInOneBranchIsNotKnownAfterIt() {
        var t = Built.of();
        var branch = new Ir.If(t.at(t.in(), 3), List.of(t.store(t.a(), 0, t.e())), List.of(t.store(t.a(), 0, t.at(t.in(), 2))));
        var stmts = List.of(branch, t.store(t.out(), 0, t.sinOf(t.at(t.a(), 0))));
        assertSame(t.sinOf(t.at(t.a(), 0)), last(Forward.run(t.ir(), stmts)), "either branch may have stored a[0]");
    }

    /**
     * A value read from a buffer before a {@code while} loop, and read again inside the loop after
     * the loop has written that buffer, must be read again: the hvp program of a random program
     * with nested {@code while} loops (found by {@code JitAgreementLaws}), where forwarding made a
     * copy before the loop a load that code generation had cached, and the loop's second step
     * used the stale value.
     */
    @Test void aLoopDoesNotUseAValueCachedBeforeItFromABufferItWrites() throws java.io.IOException {
        String text;
        try (var in = ForwardTest.class.getResourceAsStream("while-reads-a-cached-value.txt")) { text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim(); }
        Prog f = catad.dsl.Parser.parse(text, catad.dsl.Parser.shape("((R * R) * (R * R)) * ((R * R) * (R * R))"));
        double[] x = {0, 0, 0, 0, 0, 0, 0, 0.001};
        for (Jit.Options o : new Jit.Options[]{Jit.Options.DEFAULT, Jit.Options.SCALAR})
            assertSameBits(AD.eval(f, x), Jit.compile(f, o).apply(x), "nested while loops, " + o);
    }

    // ---------------------------------------------------------------- sigmoid

    @Test void sigmoidOfXAndOfMinusXShareOneExponential() {
        int n = 37;
        Prog f = Catad.map(n, Catad.compose(Catad.mul, Catad.fork(Catad.sigmoid, Catad.compose(Catad.sigmoid, Catad.neg))));
        var lowered = new Lower(f);
        assertEquals(n, calls(lowered.body, Prims.EXP), Ir.dump(lowered.body));
        assertEquals(0, calls(lowered.body, Prims.SIGMOID));
    }

    @Test void sigmoidWrittenOutKeepsTheInterpretersBits() {
        double[] x = {0.0, -0.0, 1e-300, -1e-300, Double.MIN_VALUE, -Double.MIN_VALUE, 0.5, -0.5, 20, -20, 36.7, -36.7, 40, -40,
                709, -709, 710, -710, 745.2, -745.2, 1e308, -1e308, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
                Math.nextUp(0.0), 3.0e-17, -3.0e-17, 1 / 3.0, -2.0 / 3};
        int n = x.length;
        Prog f = Catad.map(n, Catad.fork(Catad.sigmoid, Catad.compose(Catad.mul, Catad.fork(Catad.sigmoid, Catad.compose(Catad.sigmoid, Catad.neg)))));
        for (Jit.Options o : new Jit.Options[]{Jit.Options.DEFAULT, Jit.Options.SCALAR}) {
            Kernel k = Jit.compile(f, o);
            assertSameBits(AD.eval(f, x), k.apply(x), "sigmoid x and its derivative, " + o);
        }
        Prog d = AD.grad(Catad.compose(Catad.sum(Shape.vec(n)), Catad.map(n, Catad.sigmoid)));
        assertSameBits(AD.eval(d, x), Jit.compile(d).apply(x), "the gradient of Σ sigmoid");
    }
}
