package catad.laws;

import static catad.dsl.Catad.*;

import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The laws of arrays: {@code map} is a functor, indexing commutes with it, {@code sum ∘ repl = n·id},
 * {@code zip} and {@code unzip} are inverse, {@code transpose} swaps indices and is its own inverse,
 * and {@code reshape} keeps the row-major order of the elements.
 */
public interface ArrayLaws extends InterpretedLaws {

    /** {@code map n id} on a random array shape. */
    @Provide default Arbitrary<Case> arrayMapId() {
        var ids = Cases.arrays().map(s -> List.<Prog>of(map(s.n(), id(s.elem()))));
        return Cases.inputs(interpretation(), ids, ps -> ps);
    }

    /** {@code map n f} with n ≥ 1, and an input of {@code ex 0 ∘ map f} (every {@code ex i ∘ map f} has its type). */
    @Provide default Arbitrary<Case> arrayIndex() {
        var maps = Cases.arrays().filter(s -> s.n() > 0).flatMap(s -> Generators.programs(s.elem(), 2).map(f -> List.<Prog>of(map(s.n(), f))));
        return Cases.inputs(interpretation(), maps, ps -> List.of(compose(ex(ps.get(0).cod(), 0), ps.get(0))));
    }

    /** {@code map n f} and {@code map n g} after it. */
    @Provide default Arbitrary<Case> arrayTwo() {
        var maps = Cases.arrays().flatMap(s -> Generators.programs(s.elem(), 2).flatMap(f ->
                Generators.programs(f.cod(), 2).map(g -> List.of(map(s.n(), f), map(s.n(), g)))));
        return Cases.inputs(interpretation(), maps, ps -> List.of(compose(ps.get(1), ps.get(0))));
    }

    /** A program f and {@code repl n} after it (n in 0–3). */
    @Provide default Arbitrary<Case> arrayRepl() {
        var progs = Combinators.combine(Cases.one(Generators::programs), Arbitraries.integers().between(0, 3))
                .as((fs, n) -> List.of(fs.get(0), repl(n, fs.get(0).cod())));
        return Cases.inputs(interpretation(), progs, ps -> List.of(ps.get(0)));
    }

    /** {@code zip n}. */
    @Provide default Arbitrary<Case> arrayZip() {
        var zips = Combinators.combine(Arbitraries.integers().between(0, 3), Generators.shapes(1), Generators.shapes(1))
                .as((n, a, b) -> List.<Prog>of(zip(n, a, b)));
        return Cases.inputs(interpretation(), zips, ps -> ps);
    }

    /** {@code unzip n}. */
    @Provide default Arbitrary<Case> arrayUnzip() {
        var unzips = Combinators.combine(Arbitraries.integers().between(0, 3), Generators.shapes(1), Generators.shapes(1))
                .as((n, a, b) -> List.<Prog>of(unzip(n, a, b)));
        return Cases.inputs(interpretation(), unzips, ps -> ps);
    }

    /** {@code map id = id}. */
    @Property default void mapIdentity(@ForAll("arrayMapId") Case c) {
        var m = (Prog.Map) c.f(); var x = c.x();
        var s = (Shape.Arr) m.dom();
        law("map id = id").note("shape", s.toString()).vec("x", x)
                .close("⟦map id⟧ x", run(map(s.n(), id(s.elem())), x), "⟦id⟧ x", run(id(s), x), Tolerance.ROUNDING);
    }

    /** {@code map g ∘ map f = map (g ∘ f)}. */
    @Property default void mapFusion(@ForAll("arrayTwo") Case c) {
        var mf = (Prog.Map) c.f(); var mg = (Prog.Map) c.g(); var x = c.x();
        law("map g ∘ map f = map (g ∘ f)").prog("map f", mf).prog("map g", mg).vec("x", x)
                .close("⟦map g ∘ map f⟧ x", run(compose(mg, mf), x),
                        "⟦map (g ∘ f)⟧ x", run(map(mf.n(), compose(mg.f(), mf.f())), x), Tolerance.ROUNDING);
    }

    /** {@code ex i ∘ map f = f ∘ ex i}, for every index. */
    @Property default void indexAfterMap(@ForAll("arrayIndex") Case c) {
        var m = (Prog.Map) c.f(); var f = m.f(); var x = c.x();
        var ctx = law("ex i ∘ map f = f ∘ ex i").prog("map f", m).vec("x", x);
        for (int i = 0; i < m.n(); i++)
            ctx.note("i", Integer.toString(i))
                    .close("⟦ex i ∘ map f⟧ x", run(compose(ex(m.cod(), i), m), x),
                            "⟦f ∘ ex i⟧ x", run(compose(f, ex(m.dom(), i)), x), Tolerance.ROUNDING);
    }

    /** {@code sum ∘ repl = n · id}, after a random program f. */
    @Property default void sumAfterRepl(@ForAll("arrayRepl") Case c) {
        var f = c.f(); var r = (Prog.Repl) c.g(); var x = c.x();
        var b = f.cod();
        law("sum ∘ repl = n·id").prog("f", f).note("n", Integer.toString(r.n())).vec("x", x)
                .close("⟦sum ∘ repl ∘ f⟧ x", run(compose(sum(r.n(), b), r, f), x),
                        "⟦scale n ∘ f⟧ x", run(compose(scale(b, r.n()), f), x), Tolerance.ROUNDING);
    }

    /** {@code unzip ∘ zip = id}. */
    @Property default void unzipAfterZip(@ForAll("arrayZip") Case c) {
        var z = (Prog.Zip) c.f(); var x = c.x();
        law("unzip ∘ zip = id").prog("zip", z).vec("x", x)
                .close("⟦unzip ∘ zip⟧ x", run(compose(unzip(z.n(), z.a(), z.b()), z), x), "⟦id⟧ x", run(id(z.dom()), x), Tolerance.ROUNDING);
    }

    /** {@code zip ∘ unzip = id}. */
    @Property default void zipAfterUnzip(@ForAll("arrayUnzip") Case c) {
        var u = (Prog.Unzip) c.f(); var x = c.x();
        law("zip ∘ unzip = id").prog("unzip", u).vec("x", x)
                .close("⟦zip ∘ unzip⟧ x", run(compose(zip(u.n(), u.a(), u.b()), u), x), "⟦id⟧ x", run(id(u.dom()), x), Tolerance.ROUNDING);
    }

    /** {@code transpose m n a : [m][n]a → [n][m]a} with m, n in 0–3 and a of any shape of depth 1 (so elements may be non-scalar). */
    @Provide default Arbitrary<Case> arrayTranspose() {
        var ts = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3), Generators.shapes(1))
                .as((m, n, a) -> List.<Prog>of(transpose(m, n, a)));
        return Cases.inputs(interpretation(), ts, ps -> ps);
    }

    /** {@code transpose n m a ∘ transpose m n a = id}. */
    @Property default void transposeTwiceIsIdentity(@ForAll("arrayTranspose") Case c) {
        var t = (Prog.Transpose) c.f(); var x = c.x();
        law("transpose n m ∘ transpose m n = id").prog("transpose m n", t).vec("x", x)
                .close("⟦transpose n m ∘ transpose m n⟧ x", run(compose(transpose(t.n(), t.m(), t.a()), t), x),
                        "⟦id⟧ x", run(id(t.dom()), x), Tolerance.ROUNDING);
    }

    /**
     * {@code transpose m n a} with m, n in 1–3, and an input of the programs the index law runs
     * ({@code [m][n]a → a}; in reverse mode the cotangent is of {@code a}, not of the transpose's output).
     */
    @Provide default Arbitrary<Case> arrayTransposeIndexed() {
        var ts = Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3), Generators.shapes(1))
                .as((m, n, a) -> List.<Prog>of(transpose(m, n, a)));
        return Cases.inputs(interpretation(), ts, ps -> {
            var t = (Prog.Transpose) ps.get(0);
            return List.of(compose(ex(Shape.arr(t.m(), t.a()), 0), ex(t.cod(), 0), t));
        });
    }

    /** {@code ex i ∘ ex j ∘ transpose m n = ex j ∘ ex i}: the element at (i, j) moves to (j, i), whatever its shape. */
    @Property default void transposeSwapsIndices(@ForAll("arrayTransposeIndexed") Case c) {
        var t = (Prog.Transpose) c.f(); var x = c.x();
        var ctx = law("ex i ∘ ex j ∘ transpose m n = ex j ∘ ex i").prog("transpose m n", t).vec("x", x);
        for (int i = 0; i < t.m(); i++)
            for (int j = 0; j < t.n(); j++) {
                var inner = Shape.arr(t.m(), t.a());
                var swapped = compose(ex(inner, i), ex(t.cod(), j), t);
                var direct = compose(ex(Shape.arr(t.n(), t.a()), j), ex(t.dom(), i));
                ctx.note("(i, j)", "(" + i + ", " + j + ")")
                        .close("⟦ex i ∘ ex j ∘ transpose⟧ x", run(swapped, x), "⟦ex j ∘ ex i⟧ x", run(direct, x), Tolerance.ROUNDING);
            }
    }

    /** {@code reshape : [m][n]a → [m·n]a} with m, n in 0–3 and a of any shape of depth 1. */
    @Provide default Arbitrary<Case> arrayReshape() {
        var rs = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3), Generators.shapes(1))
                .as((m, n, a) -> List.<Prog>of(reshape(Shape.arr(m, Shape.arr(n, a)), Shape.arr(m * n, a))));
        return Cases.inputs(interpretation(), rs, ps -> ps);
    }

    /** {@code reshape t s ∘ reshape s t = id}. */
    @Property default void reshapeRoundTrip(@ForAll("arrayReshape") Case c) {
        var r = (Prog.Reshape) c.f(); var x = c.x();
        law("reshape t s ∘ reshape s t = id").prog("reshape s t", r).vec("x", x)
                .close("⟦reshape t s ∘ reshape s t⟧ x", run(compose(reshape(r.to(), r.from()), r), x),
                        "⟦id⟧ x", run(id(r.dom()), x), Tolerance.ROUNDING);
    }

    /** {@code reshape : [m][n]a → [m·n]a} with m, n in 1–3, and an input of the programs the index law runs ({@code [m][n]a → a}). */
    @Provide default Arbitrary<Case> arrayReshapeIndexed() {
        var rs = Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3), Generators.shapes(1))
                .as((m, n, a) -> List.<Prog>of(reshape(Shape.arr(m, Shape.arr(n, a)), Shape.arr(m * n, a))));
        return Cases.inputs(interpretation(), rs, ps -> List.of(compose(ex(ps.get(0).cod(), 0), ps.get(0))));
    }

    /** {@code ex (i·n + j) ∘ reshape = ex j ∘ ex i}: flattening is row-major. */
    @Property default void reshapeIsRowMajor(@ForAll("arrayReshapeIndexed") Case c) {
        var r = (Prog.Reshape) c.f(); var x = c.x();
        var from = (Shape.Arr) r.from(); var inner = (Shape.Arr) from.elem();
        var ctx = law("ex (i·n + j) ∘ reshape = ex j ∘ ex i").prog("reshape", r).vec("x", x);
        for (int i = 0; i < from.n(); i++)
            for (int j = 0; j < inner.n(); j++)
                ctx.note("(i, j)", "(" + i + ", " + j + ")")
                        .close("⟦ex (i·n + j) ∘ reshape⟧ x", run(compose(ex(r.cod(), i * inner.n() + j), r), x),
                                "⟦ex j ∘ ex i⟧ x", run(compose(ex(inner, j), ex(from, i)), x), Tolerance.ROUNDING);
    }
}
