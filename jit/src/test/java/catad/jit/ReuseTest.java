package catad.jit;

import static catad.jit.ShareTest.CALLS;
import static catad.jit.ShareTest.CEXP;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expensive stored arrays read where they are computed again ({@link Reuse}): the gradient of a
 * log-sum-exp per row evaluates each exponential once, with the interpreter's bits; and the array
 * is not read where it could hold anything else.
 */
class ReuseTest {

    static final int ROWS = 6, N = 20;

    /** {@code Σᵣ (mᵣ + log Σᵢ cexp(xᵣᵢ − mᵣ))}, {@code mᵣ = maximum xᵣ}: a mixture's log-likelihood over its points, in small. */
    static Prog rowsLse() {
        return Pointful.compile(Shape.tensor(ROWS, N), x -> x.map(row -> {
            Sym m = row.apply(Catad.maximum(N));
            return row.minus(m).apply(Catad.map(N, CEXP.prog())).sum().log().plus(m);
        }).sum());
    }

    /** {@return the lowered statements after the passes that run before {@link Reuse}, as {@link Compiler} runs them} */
    static List<Ir.S> beforeReuse(Lower l) {
        List<Ir.S> b = Forward.run(l.ir, l.body);
        b = Tape.run(l.ir, b);
        b = Share.run(l.ir, b);
        b = ShortLoops.run(l.ir, b);
        b = Accumulate.run(l.ir, b);
        b = Copies.run(l.ir, b);
        return Recompute.run(l.ir, b);
    }

    @Test void theGradientOfALogSumExpPerRowEvaluatesEachExponentialOnce() {
        Prog f = rowsLse(), g = AD.grad(f);
        var x = input(g.dom().dim(), 5);
        x[3] = Double.NEGATIVE_INFINITY;
        x[N + 1] = 700;
        Kernel primal = Jit.compile(f), gradient = Jit.compile(g);
        assertTrue(primal.compiled() && gradient.compiled(), gradient.toString());
        CALLS.set(0);
        primal.apply(x);
        assertEquals(ROWS * N, CALLS.get(), "the primal: one exponential an element");
        CALLS.set(0);
        double[] y = gradient.apply(x);
        // the sum, the softmax, and the softmax's sum in the max's cotangent: one exponential for all three
        assertEquals(ROWS * N, CALLS.get(), "the gradient's exponentials");
        assertSameBits(AD.eval(g, x), y, "gradient of the row-wise log-sum-exp");
        assertSameBits(AD.eval(g, x), Jit.compile(g, Jit.Options.SCALAR).apply(x), "scalar gradient");

        var lowered = new Lower(g);
        List<Ir.S> before = beforeReuse(lowered);
        long without = ForwardTest.calls(before, CEXP), with = ForwardTest.calls(Reuse.run(lowered.ir, before), CEXP);
        assertEquals(ROWS * N, with, "after Reuse");
        assertTrue(without > with, "without Reuse the statements evaluate " + without + " exponentials");
    }

    /** {@code Σᵣ log Σᵢ cexp(xᵣᵢ)} with rows of no numbers (log 0 = −∞), one, and twenty: the interpreter's bits. */
    @Test void emptyAndShortRowsKeepTheirBits() {
        for (int n : new int[] {0, 1, N}) {
            Prog f = Pointful.compile(Shape.tensor(3, n), x -> x.map(row -> row.apply(Catad.map(n, CEXP.prog())).sum().log()).sum());
            Prog g = AD.grad(f);
            var x = input(g.dom().dim(), 9);
            assertSameBits(AD.eval(g, x), Jit.compile(g).apply(x), "gradient with rows of " + n);
            assertSameBits(AD.eval(f, x), Jit.compile(f).apply(x), "primal with rows of " + n);
        }
    }

    /** in[0..3]; a workspace a of 4 (a copy of in), B of 4; {@code for u: B[u] = exp(a[u])}; then later statements. */
    private record Fixture(Lower lo, Ir.Buf in, Ir.Buf out, Ir.Buf a, Ir.Buf b, List<Ir.S> fill, Ir.S producer) {}

    private static final Prog F = Catad.map(4, Prims.EXP.prog());

    private static Fixture fixture() {
        var lo = new Lower(F);
        var ir = lo.ir;
        Ir.Buf in = ir.bufs.stream().filter(x -> x.kind == Ir.Kind.IN).findFirst().orElseThrow();
        Ir.Buf out = ir.bufs.stream().filter(x -> x.kind == Ir.Kind.OUT).findFirst().orElseThrow();
        Ir.Buf a = ir.buf(Ir.Kind.WS, 4, null), b = ir.buf(Ir.Kind.WS, 4, null);
        Ir.Var f = ir.var(4), u = ir.var(4);
        List<Ir.S> fill = List.of(new Ir.Loop(f, List.of(new Ir.Store(a, Ir.Ix.of(f), ir.load(in, Ir.Ix.of(f))))));
        Ir.S producer = new Ir.Loop(u, List.of(new Ir.Store(b, Ir.Ix.of(u), ir.un(Prims.EXP, ir.load(a, Ir.Ix.of(u))))));
        return new Fixture(lo, in, out, a, b, fill, producer);
    }

    /** {@code for w: out[w] = exp(a[w]) + b[w]}: exp(a[w]) is the producer's value at w. */
    private static Ir.S reader(Fixture fx) {
        var ir = fx.lo().ir;
        Ir.Var w = ir.var(4);
        return new Ir.Loop(w, List.of(new Ir.Store(fx.out(), Ir.Ix.of(w),
                ir.bin(Ir.Op.ADD, ir.un(Prims.EXP, ir.load(fx.a(), Ir.Ix.of(w))), ir.load(fx.b(), Ir.Ix.of(w))))));
    }

    private static List<Ir.S> program(Fixture fx, Ir.S... between) {
        var body = new ArrayList<Ir.S>(fx.fill());
        body.add(fx.producer());
        body.addAll(List.of(between));
        body.add(reader(fx));
        return body;
    }

    private static double[] run(Fixture fx, List<Ir.S> body, double[] x) {
        fx.lo().body = body;
        return new Kernel(F, Emit.emit(fx.lo(), 0, false), 0).apply(x);
    }

    @Test void aLaterComputationOfTheStoredValueLoadsIt() {
        var fx = fixture();
        List<Ir.S> body = program(fx);
        var x = new double[] {0.5, Double.NaN, -0.0, 710};
        double[] want = run(fx, body, x);
        for (int i = 0; i < 4; i++) assertEquals(Double.doubleToRawLongBits(2 * StrictMath.exp(x[i])), Double.doubleToRawLongBits(want[i]));
        List<Ir.S> after = Reuse.run(fx.lo().ir, body);
        assertEquals(8, ForwardTest.calls(body, Prims.EXP));
        assertEquals(4, ForwardTest.calls(after, Prims.EXP), Ir.dump(after));
        assertSameBits(want, run(fx, after, x), "read where stored");
    }

    @Test void theValueIsComputedAgainWhenTheArrayCouldHoldSomethingElse() {
        // what the value reads is written in between
        var stale = fixture();
        Ir.S input = new Ir.Store(stale.a(), Ir.Ix.of(1), stale.lo().ir.num(5.0));
        assertEquals(8, ForwardTest.calls(Reuse.run(stale.lo().ir, program(stale, input)), Prims.EXP));
        // the array is written in between
        var overwritten = fixture();
        Ir.S store = new Ir.Store(overwritten.b(), Ir.Ix.of(2), overwritten.lo().ir.num(1.0));
        assertEquals(8, ForwardTest.calls(Reuse.run(overwritten.lo().ir, program(overwritten, store)), Prims.EXP));
        // a later computation at a place the producer did not write: c[v] = exp(in[v + 1]) for v < 4, then
        // exp(in[z]) for z < 4, which is c[z − 1] only from z = 1 on
        var shifted = fixture();
        var ir = shifted.lo().ir;
        Ir.Var v = ir.var(4), z = ir.var(4);
        Ir.Buf c = ir.buf(Ir.Kind.WS, 4, null);
        var body = new ArrayList<Ir.S>(shifted.fill());
        body.add(new Ir.Loop(v, List.of(new Ir.Store(c, Ir.Ix.of(v), ir.un(Prims.EXP, ir.load(shifted.in(), Ir.Ix.of(v).plus(1)))))));
        body.add(new Ir.Loop(z, List.of(new Ir.Store(shifted.out(), Ir.Ix.of(z), ir.un(Prims.EXP, ir.load(shifted.in(), Ir.Ix.of(z)))))));
        List<Ir.S> after = Reuse.run(ir, body);
        assertEquals(8, ForwardTest.calls(after, Prims.EXP), Ir.dump(after));
    }
}
