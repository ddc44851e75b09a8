package catad.dsl;

import static catad.dsl.Shape.R;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The pointful front end, checked on the structure of the programs it builds (evaluation is tested in the interpreter). */
class PointfulTest {

    // ---------------------------------------------------------------- helpers over program trees

    private static List<Prog> children(Prog p) {
        return switch (p) {
            case Prog.Compose c -> c.steps();
            case Prog.Cross c -> List.of(c.f(), c.g());
            case Prog.Map m -> List.of(m.f());
            case Prog.Cond c -> List.of(c.p(), c.f(), c.g());
            case Prog.Iterate i -> List.of(i.f());
            case Prog.While w -> List.of(w.p(), w.f());
            case Prog.MapAccum m -> List.of(m.f());
            case Prog.Id x -> List.of();
            case Prog.Exl x -> List.of();
            case Prog.Exr x -> List.of();
            case Prog.Dup x -> List.of();
            case Prog.Bang x -> List.of();
            case Prog.Inl x -> List.of();
            case Prog.Inr x -> List.of();
            case Prog.Jam x -> List.of();
            case Prog.Const x -> List.of();
            case Prog.Zero x -> List.of();
            case Prog.Scale x -> List.of();
            case Prog.Prim x -> List.of();
            case Prog.Ex x -> List.of();
            case Prog.In x -> List.of();
            case Prog.Repl x -> List.of();
            case Prog.Sum x -> List.of();
            case Prog.Zip x -> List.of();
            case Prog.Unzip x -> List.of();
            case Prog.Reshape x -> List.of();
            case Prog.Transpose x -> List.of();
        };
    }

    /** {@return the number of program nodes, not counting {@code Compose} (the interpreter's {@code AD.size} convention)} */
    static long size(Prog p) { return count(p, q -> !(q instanceof Prog.Compose)); }

    static long count(Prog p, Predicate<Prog> which) {
        long n = 0;
        var work = new ArrayDeque<Prog>();
        work.push(p);
        while (!work.isEmpty()) {
            Prog q = work.pop();
            if (which.test(q)) n++;
            for (Prog c : children(q)) work.push(c);
        }
        return n;
    }

    static long prims(Prog p, String name) { return count(p, q -> q instanceof Prog.Prim(Primitive x) && x.name().equals(name)); }

    /** {@return the depth of the program tree} */
    static int depth(Prog p) {
        int max = 0;
        var work = new ArrayDeque<Object[]>();
        work.push(new Object[] {p, 1});
        while (!work.isEmpty()) {
            Object[] e = work.pop();
            int d = (int) e[1];
            max = Math.max(max, d);
            for (Prog c : children((Prog) e[0])) work.push(new Object[] {c, d + 1});
        }
        return max;
    }

    /** {@return the first sub-program satisfying the test, or null} */
    static Prog find(Prog p, Predicate<Prog> which) {
        var work = new ArrayDeque<Prog>();
        work.push(p);
        while (!work.isEmpty()) {
            Prog q = work.pop();
            if (which.test(q)) return q;
            for (Prog c : children(q)) work.push(c);
        }
        return null;
    }

    // ---------------------------------------------------------------- the brief's examples

    @Test void scalarExample() {
        Prog f = Pointful.compile(Shape.vec(3), x -> x.at(0).times(x.at(1)).sin());
        assertEquals(Shape.vec(3), f.dom());
        assertEquals(R, f.cod());
        assertEquals(1, prims(f, "sin"));
        assertEquals(1, prims(f, "mul"));
        assertTrue(size(f) <= 8, () -> "size " + size(f) + ": " + f);
    }

    @Test void mapExampleIsMapThenSum() {
        Prog g = Pointful.compile(Shape.vec(1000), x -> x.map(e -> e.exp().sin()).sum());
        assertEquals(R, g.cod());
        assertInstanceOf(Prog.Map.class, g.steps().getFirst());
        assertInstanceOf(Prog.Sum.class, g.steps().getLast());
        assertEquals(1, prims(g, "exp"));
        assertTrue(size(g) <= 6, () -> "size " + size(g));
    }

    @Test void sharedValueIsComputedOnce() {
        Prog h = Pointful.compile(R, R, (x, y) -> {
            Sym t = x.times(y);
            return t.sin().plus(t.cos());
        });
        assertEquals(Shape.pair(R, R), h.dom());
        assertEquals(1, prims(h, "mul"));
        assertEquals(1, prims(h, "sin"));
        assertEquals(1, prims(h, "cos"));
        assertTrue(count(h, q -> q instanceof Prog.Dup) >= 1, "a shared value is dup'ed");
    }

    @Test void structurallyEqualSubexpressionsAreMerged() {
        Prog p = Pointful.compile(R, x -> x.sin().times(x.exp()).plus(x.sin().times(x.exp())));
        assertEquals(1, prims(p, "sin"));
        assertEquals(1, prims(p, "exp"));
        assertEquals(1, prims(p, "mul"));
    }

    @Test void squareOfAValueIsDup() {
        Prog p = Pointful.compile(R, x -> x.sin().times(x.sin()));
        assertEquals(1, prims(p, "sin"));
        assertEquals(3, size(p), () -> p.toString());
    }

    @Test void identityAndConstantBodies() {
        assertInstanceOf(Prog.Id.class, Pointful.compile(Shape.vec(2), x -> x));
        Prog c = Pointful.compile(R, x -> Sym.constant(5));
        assertInstanceOf(Prog.Const.class, c);
        Prog p = Pointful.compile(R, x -> Sym.pair(x.sin(), x.cos()).fst());
        assertEquals(0, prims(p, "cos"), "projections of pairs resolve at once");
    }

    // ---------------------------------------------------------------- closures and control

    @Test void closureInMapZipsWithReplicatedCapture() {
        Prog p = Pointful.compile(Shape.vec(3), R, (x, y) -> x.map(e -> e.times(y)));
        assertEquals(Shape.vec(3), p.cod());
        assertTrue(count(p, q -> q instanceof Prog.Repl) == 1 && count(p, q -> q instanceof Prog.Zip) == 1, p::toString);
    }

    @Test void loopInvariantWorkIsHoistedOutOfMap() {
        Prog p = Pointful.compile(Shape.vec(3), R, (x, y) -> x.map(e -> e.times(y.exp())));
        Prog map = find(p, q -> q instanceof Prog.Map);
        assertEquals(0, prims(map, "exp"), () -> "exp y is computed once, outside the map: " + p);
        assertEquals(1, prims(p, "exp"));
    }

    @Test void hoistingNeverEvaluatesWhatTheProgramWouldNot() {
        // a while step may run zero times: its invariant work stays inside
        Prog w = Pointful.compile(R, R, (x, c) -> x.whileLoop(y -> y.lt(c.exp()), y -> y.plus(c.sqrt())));
        var loop = (Prog.While) find(w, q -> q instanceof Prog.While);
        assertEquals(1, prims(loop.f(), "sqrt"), "sqrt c stays in the step");
        assertEquals(0, prims(loop.p(), "exp"), "the test runs at least once: exp c is hoisted");
        assertEquals(1, prims(w, "exp"));
        // a map over no elements runs its body zero times
        Prog m = Pointful.compile(Shape.vec(0), R, (x, c) -> x.map(e -> e.plus(c.log())));
        assertEquals(1, prims(find(m, q -> q instanceof Prog.Map), "log"));
        Prog it = Pointful.compile(R, R, (x, c) -> x.iterate(0, y -> y.plus(c.log())));
        assertEquals(1, prims(find(it, q -> q instanceof Prog.Iterate), "log"));
    }

    @Test void condKeepsBranchWorkInsideTheBranch() {
        Prog p = Pointful.compile(R, x -> {
            Sym t = x.sin();
            return Sym.cond(t.gt(0), () -> t.log(), () -> t.neg().log1p());
        });
        var cond = (Prog.Cond) find(p, q -> q instanceof Prog.Cond);
        assertEquals(1, prims(cond.f(), "log"));
        assertEquals(0, prims(cond.g(), "log"));
        assertEquals(1, prims(cond.g(), "log1p"));
        assertEquals(1, prims(p, "log"), "log appears only in the then-branch");
        assertEquals(1, prims(p, "sin"));
        assertEquals(0, prims(cond, "sin"), "the value computed before the cond is passed in, not recomputed");
    }

    @Test void iterateAndWhileThreadCapturedValuesThroughTheState() {
        Prog it = Pointful.compile(R, R, (x, c) -> x.iterate(5, y -> y.times(c).plus(1)));
        var iter = (Prog.Iterate) find(it, q -> q instanceof Prog.Iterate);
        assertEquals(Shape.pair(R, R), iter.dom(), "state carries the captured c");
        assertEquals(R, it.cod());

        Prog w = Pointful.compile(R, R, (x, lim) -> x.whileLoop(y -> y.lt(lim), y -> y.times(2)));
        var loop = (Prog.While) find(w, q -> q instanceof Prog.While);
        assertEquals(Shape.pair(R, R), loop.dom());

        Prog plain = Pointful.compile(R, x -> x.whileLoop(y -> y.lt(100), y -> y.times(2)));
        assertInstanceOf(Prog.While.class, plain);
    }

    @Test void foldAndScan() {
        Prog f = Pointful.compile(Shape.vec(4), R, (x, w) -> x.fold(Sym.constant(0), (c, e) -> c.times(w).plus(e)));
        assertEquals(R, f.cod());
        assertTrue(find(f, q -> q instanceof Prog.MapAccum) != null);
        Prog s = Pointful.compile(Shape.vec(4), x -> x.scan(Sym.constant(1), (c, e) -> c.times(e)));
        assertEquals(Shape.vec(4), s.cod());
    }

    @Test void nestedBodiesAndArrays() {
        Prog p = Pointful.compile(Shape.tensor(2, 3), R, (m, s) -> m.map(row -> row.map(e -> e.times(s)).sum()));
        assertEquals(Shape.vec(2), p.cod());
        Prog a = Pointful.compile(Shape.vec(3), x -> Sym.array(x.at(2), x.at(0).sin(), x.at(1)));
        assertEquals(Shape.vec(3), a.cod());
        Prog lit = Pointful.compile(R, x -> Sym.array(Sym.constant(1), Sym.constant(2)));
        assertEquals(new Prog.Const(R, Shape.vec(2), new double[] {1, 2}), lit);
    }

    @Test void elementwiseAndBroadcast() {
        Prog p = Pointful.compile(Shape.vec(3), R, (x, s) -> x.times(s).plus(x).minus(1.0).div(2.0).sin());
        assertEquals(Shape.vec(3), p.cod());
        Prog q = Pointful.compile(Shape.tensor(2, 2), Shape.vec(2), (m, v) -> m.matvec(v).dot(v));
        assertEquals(R, q.cod());
        Prog n = Pointful.compile(Shape.pair(Shape.vec(2), R), x -> x.neg().plus(x).times(3.0));
        assertEquals(Shape.pair(Shape.vec(2), R), n.cod());
    }

    @Test void applyUsesAnyProgram() {
        Prog sub = Pointful.compile(R, x -> x.sin().times(x));
        Prog p = Pointful.compile(Shape.vec(2), x -> x.at(0).apply(sub).plus(x.at(1).apply(sub)));
        assertEquals(R, p.cod());
        assertEquals(2, prims(p, "sin"));
        Prog q = Pointful.compile(Shape.vec(2), x -> x.at(0).apply(sub).plus(x.at(0).apply(sub)));
        assertEquals(1, prims(q, "sin"), "equal applications are merged");
    }

    // ---------------------------------------------------------------- errors

    @Test void shapeErrorsNameBothShapes() {
        var e = assertThrows(ShapeException.class, () -> Pointful.compile(Shape.vec(2), Shape.vec(3), (a, b) -> a.plus(b)));
        assertTrue(e.getMessage().contains("[2]R") && e.getMessage().contains("[3]R"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> Pointful.compile(R, x -> x.apply(Catad.dot(2))));
        assertTrue(e.getMessage().contains("R") && e.getMessage().contains("[2]R"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> Pointful.compile(R, x -> x.at(0)));
        assertTrue(e.getMessage().contains("array"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> Pointful.compile(R, x -> Sym.cond(x, () -> x, () -> Sym.pair(x, x))));
        assertTrue(e.getMessage().contains("R") && e.getMessage().contains("(R × R)"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> Pointful.compile(R, x -> x.iterate(3, y -> Sym.pair(y, y))));
        assertTrue(e.getMessage().contains("(R × R)"), e.getMessage());
    }

    @Test void escapingSymsAreRejected() {
        Sym[] leak = new Sym[1];
        var e = assertThrows(CatadException.class, () -> Pointful.compile(Shape.vec(2), x -> x.map(el -> {
            leak[0] = el.sin();
            return el;
        }).plus(leak[0])));
        assertTrue(e.getMessage().contains("map body"), e.getMessage());
        Sym[] outer = new Sym[1];
        Pointful.compile(R, x -> outer[0] = x.sin());
        e = assertThrows(CatadException.class, () -> Pointful.compile(R, x -> x.plus(outer[0])));
        assertTrue(e.getMessage().contains("different Pointful.compile"), e.getMessage());
        e = assertThrows(CatadException.class, () -> Sym.constant(1).sin());
        assertTrue(e.getMessage().contains("inside a Pointful.compile"), e.getMessage());
    }

    // ---------------------------------------------------------------- size and depth

    private static Prog chain(int n) {
        return Pointful.compile(R, x -> {
            Sym y = x;
            for (int i = 0; i < n; i++) y = y.sin().times(x);
            return y;
        });
    }

    @Test void longRecurrenceIsLinearAndShallow() {
        Prog p1 = chain(1000), p2 = chain(2000);
        long s1 = size(p1), s2 = size(p2);
        // measured: 5,365 nodes for 1,000 steps (about 5.4 per step: sin, mul, pair and the environment)
        assertTrue(s1 <= 6 * 1000, () -> "size " + s1);
        assertTrue(s2 <= 2 * s1 + 100, () -> "not linear: " + s1 + " then " + s2);
        assertEquals(1000, prims(p1, "sin"));
        assertTrue(depth(p1) <= 120, () -> "depth " + depth(p1));
    }

    @Test void hundredThousandNodeGraphCompilesWithoutDeepRecursion() {
        // 3 nodes per step (sin, pair, mul): a 100,002-node graph
        Prog p = chain(33_334);
        assertEquals(33_334, prims(p, "sin"));
        assertTrue(size(p) <= 6L * 33_334, () -> "size " + size(p));
        assertTrue(depth(p) <= 120, () -> "depth " + depth(p));
    }

    @Test void manyLiveValuesCostLogarithmicallyMore() {
        for (int w : new int[] {100, 1000}) {
            Prog p = Pointful.compile(Shape.vec(w), x -> {
                Sym[] s = new Sym[w];
                for (int i = 0; i < w; i++) s[i] = x.at(i).sin();
                Sym acc = Sym.constant(0);
                for (int i = 0; i < w; i++) acc = acc.plus(s[i].times(s[w - 1 - i]));
                return acc;
            });
            // measured: 6,550 nodes for w = 100 and 108,750 for w = 1000 (3w graph nodes, all w sines live at once)
            long bound = 40L * 3 * w;
            assertTrue(size(p) <= bound, () -> "w " + w + " size " + size(p));
            assertEquals(w, prims(p, "sin"));
        }
    }
}
