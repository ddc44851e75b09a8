package catad.jit;

import static catad.jit.ShareTest.assertSameBits;
import static catad.jit.ShareTest.input;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Catad;
import catad.dsl.Prims;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cheap stored arrays computed where they are read ({@link Recompute}): the store goes, the bits
 * stay; and the store stays whenever a load could see anything else than what it stored.
 */
class RecomputeTest {

    /** {@return whether the statements store into b anywhere} */
    private static boolean storesInto(List<Ir.S> stmts, Ir.Buf b) {
        for (Ir.S s : stmts) {
            var w = new java.util.BitSet();
            Ir.writes(s, w);
            if (w.get(b.id)) return true;
        }
        return false;
    }

    /** {@code for p < 4: for k < 2: ws[2p + k] = ws0[2p + k]·3 + 1}, with ws0 a copy of the input, then {@code for q < 4: for r < 2: out[2q + r] = ws[2q + r]²}. */
    private record Fixture(Lower lo, Ir.Buf in, Ir.Buf out, Ir.Buf ws0, Ir.Buf ws, List<Ir.S> fill, List<Ir.S> producer, Ir.S reader) {}

    private static final Prog F = Catad.map(8, Prims.EXP.prog());

    private static Fixture fixture(boolean flat) {
        var lo = new Lower(F);
        var ir = lo.ir;
        Ir.Buf in = ir.bufs.stream().filter(b -> b.kind == Ir.Kind.IN).findFirst().orElseThrow();
        Ir.Buf out = ir.bufs.stream().filter(b -> b.kind == Ir.Kind.OUT).findFirst().orElseThrow();
        Ir.Buf ws0 = ir.buf(Ir.Kind.WS, 8, null), ws = ir.buf(Ir.Kind.WS, 8, null);
        Ir.Var f = ir.var(8);
        List<Ir.S> fill = List.of(new Ir.Loop(f, List.of(new Ir.Store(ws0, Ir.Ix.of(f), ir.load(in, Ir.Ix.of(f))))));
        Ir.Var p = ir.var(4), k = ir.var(2);
        Ir.Ix at = Ir.Ix.of(p).times(2).plus(Ir.Ix.of(k));
        Ir.E v = ir.bin(Ir.Op.ADD, ir.bin(Ir.Op.MUL, ir.load(ws0, at), ir.num(3.0)), ir.num(1.0));
        List<Ir.S> producer = List.of(new Ir.Loop(p, List.of(new Ir.Loop(k, List.of(new Ir.Store(ws, at, v))))));
        // the reader walks the places as the store does (q, r), or flat (u < 8: its index does not split into the store's)
        Ir.Var q = ir.var(4), r = ir.var(2), u = ir.var(8);
        Ir.Ix place = flat ? Ir.Ix.of(u) : Ir.Ix.of(q).times(2).plus(Ir.Ix.of(r));
        Ir.E x = ir.load(ws, place);
        Ir.S store = new Ir.Store(out, place, ir.bin(Ir.Op.MUL, x, x));
        Ir.S reader = flat ? new Ir.Loop(u, List.of(store)) : new Ir.Loop(q, List.of(new Ir.Loop(r, List.of(store))));
        return new Fixture(lo, in, out, ws0, ws, fill, producer, reader);
    }

    private static List<Ir.S> program(Fixture fx, Ir.S... after) {
        var body = new ArrayList<Ir.S>(fx.fill());
        body.addAll(fx.producer());
        body.add(fx.reader());
        body.addAll(List.of(after));
        return body;
    }

    private static double[] run(Fixture fx, List<Ir.S> body, double[] x) {
        fx.lo().body = body;
        return new Kernel(F, Emit.emit(fx.lo(), 0, false), 0).apply(x);
    }

    @Test void aCheapArrayIsComputedWhereItIsRead() {
        var fx = fixture(false);
        List<Ir.S> body = program(fx);
        var x = input(8, 3);
        x[2] = Double.NaN;
        x[5] = -0.0;
        double[] want = run(fx, body, x);
        for (int i = 0; i < 8; i++) assertEquals(Double.doubleToRawLongBits((x[i] * 3 + 1) * (x[i] * 3 + 1)), Double.doubleToRawLongBits(want[i]));
        List<Ir.S> after = Recompute.run(fx.lo().ir, body);
        assertFalse(storesInto(after, fx.ws()), Ir.dump(after));
        assertSameBits(want, run(fx, after, x), "computed where read");
    }

    @Test void theArrayStaysWhenALoadCouldSeeSomethingElse() {
        // a later load at a constant place splits into the store's indices: still computed where read
        var late = fixture(false);
        var ir = late.lo().ir;
        Ir.S one = new Ir.Store(late.out(), Ir.Ix.of(0), ir.load(late.ws(), Ir.Ix.of(7)));
        assertFalse(storesInto(Recompute.run(ir, program(late, one)), late.ws()));
        // a load whose index does not split into the store's (u < 8 across p and k)
        var flat = fixture(true);
        assertTrue(storesInto(Recompute.run(flat.lo().ir, program(flat)), flat.ws()));
        // a second store into the array
        var twice = fixture(false);
        Ir.S again = new Ir.Store(twice.ws(), Ir.Ix.of(3), twice.lo().ir.num(2.0));
        assertTrue(storesInto(Recompute.run(twice.lo().ir, program(twice, again)), twice.ws()));
        // what the value reads is written after the store
        var stale = fixture(false);
        Ir.S overwrite = new Ir.Store(stale.ws0(), Ir.Ix.of(1), stale.lo().ir.num(5.0));
        assertTrue(storesInto(Recompute.run(stale.lo().ir, program(stale, overwrite)), stale.ws()));
        // a copy reads the array
        var copied = fixture(false);
        Ir.S copy = new Ir.Copy(copied.ws(), Ir.Ix.of(0), copied.out(), Ir.Ix.of(0), 4);
        assertTrue(storesInto(Recompute.run(copied.lo().ir, program(copied, copy)), copied.ws()));
        // a load before the store
        var early = fixture(false);
        var body = new ArrayList<Ir.S>(early.fill());
        body.add(new Ir.Store(early.out(), Ir.Ix.of(0), early.lo().ir.load(early.ws(), Ir.Ix.of(1))));
        body.addAll(early.producer());
        body.add(early.reader());
        assertTrue(storesInto(Recompute.run(early.lo().ir, body), early.ws()));
    }

    /** A mixture's gradient: its cheap cotangent arrays are computed where they are read, with the interpreter's bits. */
    @Test void aMixturesGradientKeepsItsBits() {
        for (int n : new int[] {40, 203}) {
            Prog m = AccumulateTest.mixture(n, 8, 4);
            Shape theta = ((Shape.Pair) m.dom()).left();
            for (Prog g : new Prog[] {AD.grad(m), Catad.compose(Catad.exl(theta, Shape.tensor(n, 8)), AD.grad(m))}) {
                var x = input(g.dom().dim(), n + 7);
                x[4] = Double.POSITIVE_INFINITY;
                assertSameBits(AD.eval(g, x), Jit.compile(g).apply(x), "the mixture's gradient, " + n + " points");
                assertSameBits(AD.eval(g, x), Jit.compile(g, Jit.Options.SCALAR).apply(x), "scalar, " + n + " points");
            }
        }
    }
}
