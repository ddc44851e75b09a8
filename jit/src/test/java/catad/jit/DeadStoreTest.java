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
}
