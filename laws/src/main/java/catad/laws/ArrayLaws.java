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

/** The laws of arrays: {@code map} is a functor, indexing commutes with it, {@code sum ∘ repl = n·id}, {@code zip} and {@code unzip} are inverse. */
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
}
