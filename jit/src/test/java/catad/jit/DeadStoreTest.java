package catad.jit;

import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Catad;
import catad.dsl.Pointful;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.Sym;
import catad.interpreter.AD;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * After the passes, no workspace buffer is written and never read — also when a long straight-line
 * prologue (thousands of statements, like a Jacobian's pose tangents) comes before the loop whose
 * stores {@code Forward} made dead.
 */
class DeadStoreTest {

    /**
     * {@code (x, W) ↦ (prologue, map blend)}: the prologue {@code len} products of 4×4 matrices,
     * {@code M ← M · sin M}, each stored; per row w of W, {@code s = Σ_b w_b T_b} with
     * {@code T_b = x_(12b…12b+11)}, then {@code s · s}: the scaled rows are stored, then read back
     * as the values that were stored.
     */
    static Prog program(int len, int rows) {
        int bones = 4, p = 12 * bones;
        return Pointful.compile(Shape.vec(p), Shape.tensor(rows, bones), (x, w) -> {
            // a chain of small products, each stored: straight-line statements, as a skeleton's poses
            var rowsOf = new Sym[4];
            for (int i = 0; i < 4; i++) rowsOf[i] = Sym.array(x.at(4 * i), x.at(4 * i + 1), x.at(4 * i + 2), x.at(4 * i + 3));
            Sym m = Sym.array(rowsOf);
            var pro = new Sym[len];
            for (int i = 0; i < len; i++) {
                m = Sym.pair(m, m.sin()).apply(Catad.matmul(4, 4, 4));
                pro[i] = m;
            }
            var t = new Sym[bones];
            for (int b = 0; b < bones; b++) {
                var e = new Sym[12];
                for (int j = 0; j < 12; j++) e[j] = x.at(12 * b + j);
                t[b] = Sym.array(e);
            }
            Sym blended = w.map(row -> {
                Sym s = null;
                for (int b = 0; b < bones; b++) {
                    Sym term = Sym.pair(row.at(b), t[b]).apply(Catad.scaleVec(12));
                    s = s == null ? term : s.plus(term);
                }
                return s.dot(s);
            });
            return Sym.pair(Sym.array(pro), blended);
        });
    }

    /** {@return the workspace buffers the statements write but never read} */
    static BitSet deadBuffers(Lower l, List<Ir.S> body) {
        var written = new BitSet();
        var read = new BitSet();
        for (Ir.S s : body) {
            Ir.writes(s, written);
            reads(s, read);
        }
        written.andNot(read);
        var dead = new BitSet();
        for (int b = written.nextSetBit(0); b >= 0; b = written.nextSetBit(b + 1))
            if (l.ir.bufs.get(b).kind == Ir.Kind.WS) dead.set(b);
        return dead;
    }

    private static void reads(Ir.S s, BitSet into) {
        switch (s) {
            case Ir.Store st -> into.or(st.e().reads);
            case Ir.Loop lp -> { for (Ir.S t : lp.body()) reads(t, into); }
            case Ir.If i -> { into.or(i.t().reads); for (Ir.S t : i.yes()) reads(t, into); for (Ir.S t : i.no()) reads(t, into); }
            case Ir.While w -> { into.or(w.t().reads); for (Ir.S t : w.test()) reads(t, into); for (Ir.S t : w.body()) reads(t, into); }
            case Ir.Call c -> into.set(c.in().id);
            case Ir.Copy c -> into.set(c.from().id);
        }
    }

    /** The compiler's passes, in its order. */
    static List<Ir.S> passes(Lower l) {
        List<Ir.S> body = Forward.run(l.ir, l.body);
        body = Tape.run(l.ir, body);
        body = Share.run(l.ir, body);
        return Accumulate.run(l.ir, body);
    }

    @Test void noDeadStoreIsLeftAfterALongPrologue() {
        for (int len : new int[] {2, 300}) {
            Prog f = program(len, 7);
            var l = new Lower(f);
            List<Ir.S> body = passes(l);
            assertTrue(body.size() > (len > 100 ? 4000 : 0), "the prologue is " + body.size() + " statements");
            BitSet dead = deadBuffers(l, body);
            assertTrue(dead.isEmpty(), "prologue of " + len + ": buffers written and never read: " + dead + "\n" + (len < 100 ? Ir.dump(body) : ""));
            // and the kernel computes the interpreter's bits
            var r = new SplittableRandom(len);
            var x = new double[f.dom().dim()];
            for (int i = 0; i < x.length; i++) x[i] = r.nextDouble(-2, 2);
            double[] expected = AD.eval(f, x), actual = Jit.compile(f).apply(x);
            for (int i = 0; i < expected.length; i++)
                assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]), "element " + i);
        }
    }

    /** {@return how many stores and copies the statements hold, at any depth} */
    static int stores(List<Ir.S> stmts) {
        int n = 0;
        for (Ir.S s : stmts) {
            switch (s) {
                case Ir.Store st -> n++;
                case Ir.Copy c -> n++;
                case Ir.Loop lp -> n += stores(lp.body());
                case Ir.If i -> n += stores(i.yes()) + stores(i.no());
                case Ir.While w -> n += stores(w.test()) + stores(w.body());
                case Ir.Call c -> { }
            }
        }
        return n;
    }

    /**
     * A workspace buffer of 4 blocks of 5: places 5p, 5p + 1 hold {@code 3·x}, read into the output;
     * places 5p + 2 … 5p + 4 are zeroed (as a whole gradient's part that is cut away) and read by
     * nothing unless {@code readTail}: then a copy reads places 5p + 2.
     */
    private static List<Ir.S> blocks(Lower lo, boolean readTail) {
        Ir.Buf in = lo.ir.bufs.stream().filter(b -> b.kind == Ir.Kind.IN).findFirst().orElseThrow();
        Ir.Buf out = lo.ir.bufs.stream().filter(b -> b.kind == Ir.Kind.OUT).findFirst().orElseThrow();
        Ir.Buf ws = lo.ir.buf(Ir.Kind.WS, 20, null);
        Ir.Var p = lo.ir.var(4), k = lo.ir.var(2), z = lo.ir.var(3), u = lo.ir.var(4), j = lo.ir.var(2);
        var body = new java.util.ArrayList<Ir.S>();
        body.add(new Ir.Loop(p, List.of(
                new Ir.Loop(k, List.of(new Ir.Store(ws, Ir.Ix.of(p).times(5).plus(Ir.Ix.of(k)),
                        lo.ir.bin(Ir.Op.MUL, lo.ir.load(in, Ir.Ix.of(p).times(2).plus(Ir.Ix.of(k))), lo.ir.num(3.0))))),
                new Ir.Loop(z, List.of(new Ir.Store(ws, Ir.Ix.of(p).times(5).plus(Ir.Ix.of(z)).plus(2), lo.ir.num(0.0)))))));
        body.add(new Ir.Loop(u, List.of(new Ir.Loop(j, List.of(
                new Ir.Store(out, Ir.Ix.of(u).times(2).plus(Ir.Ix.of(j)), lo.ir.load(ws, Ir.Ix.of(u).times(5).plus(Ir.Ix.of(j)))))))));
        if (readTail) {
            Ir.Var c = lo.ir.var(4);
            body.add(new Ir.Loop(c, List.of(new Ir.Copy(ws, Ir.Ix.of(c).times(5).plus(2), out, Ir.Ix.of(c).times(2), 1))));
        }
        return body;
    }

    @Test void storesIntoPlacesNothingReadsAreDropped() {
        Prog f = Catad.map(8, catad.dsl.Prims.EXP.prog());
        var lo = new Lower(f);
        List<Ir.S> body = blocks(lo, false);
        List<Ir.S> after = DeadStores.run(lo.ir, body);
        assertEquals(stores(body) - 1, stores(after), Ir.dump(after));
        var x = new double[8];
        for (int i = 0; i < 8; i++) x[i] = i - 3.5;
        lo.body = after;
        double[] y = new Kernel(f, Emit.emit(lo, 0, false), 0).apply(x);
        for (int i = 0; i < 8; i++) assertEquals(3.0 * x[i], y[i]);
        // read by a copy, even one place of each block, they stay
        var lo2 = new Lower(f);
        List<Ir.S> read = blocks(lo2, true);
        assertEquals(stores(read), stores(DeadStores.run(lo2.ir, read)));
    }

    /** The means' gradient of a mixture (the whole gradient's points' part cut away): fewer stores, the interpreter's bits. */
    @Test void aGradientCutToTheParametersStoresLess() {
        int n = 40, d = 8, k = 4;
        Prog m = AccumulateTest.mixture(n, d, k);
        Shape theta = ((Shape.Pair) m.dom()).left();
        Prog g = Catad.compose(Catad.exl(theta, Shape.tensor(n, d)), AD.grad(m));
        var l = new Lower(g);
        List<Ir.S> body = Copies.run(l.ir, passes(l));
        List<Ir.S> after = DeadStores.run(l.ir, body);
        assertTrue(stores(after) < stores(body), () -> "nothing dropped:\n" + Ir.dump(body));
        var r = new SplittableRandom(5);
        var x = new double[g.dom().dim()];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble(-2, 2);
        x[7] = Double.NaN;
        double[] expected = AD.eval(g, x), actual = Jit.compile(g).apply(x);
        for (int i = 0; i < expected.length; i++)
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]), "element " + i);
    }
}
