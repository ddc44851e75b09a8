package catad.jit;

import static catad.jit.ShareTest.assertSameBits;
import static catad.jit.ShareTest.input;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Catad;
import catad.dsl.Prims;
import catad.dsl.Prog;
import catad.interpreter.AD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values stored straight where a later copy would move them ({@link Copies}): the copy goes, the
 * bits stay; and the copy stays whenever moving the stores could change what anyone sees.
 */
class CopiesTest {

    /** {@return how many copies the statements hold, at any depth} */
    private static int copies(List<Ir.S> stmts) {
        int n = 0;
        for (Ir.S s : stmts) {
            switch (s) {
                case Ir.Copy c -> n++;
                case Ir.Loop l -> n += copies(l.body());
                case Ir.If i -> n += copies(i.yes()) + copies(i.no());
                case Ir.While w -> n += copies(w.test()) + copies(w.body());
                case Ir.Store st -> { }
                case Ir.Call c -> { }
            }
        }
        return n;
    }

    @Test void aMixturesGradientStoresEachPointsCotangentStraightIntoTheOutput() {
        for (int n : new int[] {64, 203}) {
            Prog g = AD.grad(AccumulateTest.mixture(n, 8, 4));
            var lo = new Lower(g);
            List<Ir.S> body = Accumulate.run(lo.ir, ShortLoops.run(lo.ir, Share.run(lo.ir, Forward.run(lo.ir, lo.body))));
            // the loop copying each point's cotangent out goes (the 32 means, one copy, are not a loop's)
            assertEquals(2, copies(body), "before: the points' cotangents are copied out\n" + Ir.dump(body));
            List<Ir.S> after = Copies.run(lo.ir, body);
            assertEquals(1, copies(after), Ir.dump(after));
            var x = input(g.dom().dim(), n + 1);
            x[3] = Double.NaN;
            assertSameBits(AD.eval(g, x), Jit.compile(g).apply(x), "the mixture's gradient, " + n + " points");
            assertSameBits(AD.eval(g, x), Jit.compile(g, Jit.Options.SCALAR).apply(x), "scalar, " + n + " points");
        }
    }

    /** {@code for p < 4: for k < 2: ws[5p + k] = in[2p + k] · 3} (places 2, 3, 4 of each 5 never written), then the copy */
    private record Fixture(Lower lo, Ir.Buf in, Ir.Buf out, Ir.Buf ws, List<Ir.S> producer, Ir.S copy) {}

    private static Fixture fixture(int copied) {
        Prog f = Catad.map(8, Prims.EXP.prog());
        var lo = new Lower(f);
        Ir.Buf in = lo.ir.bufs.stream().filter(b -> b.kind == Ir.Kind.IN).findFirst().orElseThrow();
        Ir.Buf out = lo.ir.bufs.stream().filter(b -> b.kind == Ir.Kind.OUT).findFirst().orElseThrow();
        Ir.Buf ws = lo.ir.buf(Ir.Kind.WS, 20, null);
        Ir.Var p = lo.ir.var(4), k = lo.ir.var(2);
        Ir.Ix at = Ir.Ix.of(p).times(5).plus(Ir.Ix.of(k));
        Ir.E v = lo.ir.bin(Ir.Op.MUL, lo.ir.load(in, Ir.Ix.of(p).times(2).plus(Ir.Ix.of(k))), lo.ir.num(3.0));
        List<Ir.S> producer = List.of(new Ir.Loop(p, List.of(new Ir.Loop(k, List.of(new Ir.Store(ws, at, v))))));
        Ir.Var u = lo.ir.var(4);
        Ir.S copy = new Ir.Loop(u, List.of(new Ir.Copy(ws, Ir.Ix.of(u).times(5), out, Ir.Ix.of(u).times(2), copied)));
        return new Fixture(lo, in, out, ws, producer, copy);
    }

    private static double[] run(Fixture fx, List<Ir.S> body, double[] x) {
        fx.lo().body = body;
        return new Kernel(Catad.map(8, Prims.EXP.prog()), Emit.emit(fx.lo(), 0, false), 0).apply(x);
    }

    @Test void theCopyGoesWhenTheStoresCoverIt() {
        var fx = fixture(2);
        var body = new ArrayList<>(fx.producer());
        body.add(fx.copy());
        var x = input(8, 3);
        double[] want = run(fx, body, x);
        for (int i = 0; i < 8; i++) assertEquals(x[i] * 3.0, want[i]);
        List<Ir.S> after = Copies.run(fx.lo().ir, body);
        assertEquals(0, copies(after), Ir.dump(after));
        assertSameBits(want, run(fx, after, x), "stored in place");
    }

    @Test void theCopyStaysWhenItReadsAPlaceNoStoreWrites() {
        var fx = fixture(3);   // copies places 5p + 2 too, which nothing stores
        var body = new ArrayList<>(fx.producer());
        body.add(fx.copy());
        assertEquals(1, copies(Copies.run(fx.lo().ir, body)));
    }

    @Test void theCopyStaysWhenTheTargetIsTouchedInBetweenOrTheSourceReadElsewhere() {
        var fx = fixture(2);
        var ir = fx.lo().ir;
        Ir.Var w = ir.var(8);
        // between the stores and the copy: the output is written (its old numbers must be seen there)
        var between = new ArrayList<>(fx.producer());
        between.add(new Ir.Loop(w, List.of(new Ir.Store(fx.out(), Ir.Ix.of(w), ir.num(1.0)))));
        between.add(fx.copy());
        assertEquals(1, copies(Copies.run(ir, between)));
        // the source is read by something else than the copy
        var read = new ArrayList<>(fx.producer());
        read.add(fx.copy());
        read.add(new Ir.Store(fx.out(), Ir.Ix.of(7), ir.load(fx.ws(), Ir.Ix.of(5))));
        assertEquals(1, copies(Copies.run(ir, read)));
        // a store of the source after the copy
        var late = new ArrayList<>(fx.producer());
        late.add(fx.copy());
        late.add(new Ir.Store(fx.ws(), Ir.Ix.of(0), ir.num(2.0)));
        assertEquals(1, copies(Copies.run(ir, late)));
    }
}
