package catad.laws;

import static catad.dsl.Catad.*;

import catad.dsl.Shape;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The laws of arrays: {@code map} is a functor, indexing commutes with it, {@code sum ∘ repl = n·id}, {@code unzip ∘ zip = id}. */
public interface ArrayLaws extends InterpretedLaws {

    @Provide default Arbitrary<Case> arrayOne() {
        return Cases.arrays().flatMap(s -> Combinators.combine(Generators.programs(s.elem(), 2), Generators.values(s))
                .as((f, x) -> Case.of(List.of(f), List.of(x), s)));
    }

    @Provide default Arbitrary<Case> arrayTwo() {
        return Cases.arrays().flatMap(s -> Generators.programs(s.elem(), 2).flatMap(f ->
                Combinators.combine(Generators.programs(f.cod(), 2), Generators.values(s)).as((g, x) -> Case.of(List.of(f, g), List.of(x), s))));
    }

    @Provide default Arbitrary<Case> arrayProgramAndLength() {
        return Combinators.combine(Cases.oneProgram(Generators::programs), Arbitraries.integers().between(0, 3))
                .as((c, n) -> Case.of(c.progs(), List.of(c.x(), new double[] {n})));
    }

    @Provide default Arbitrary<Case> arrayZip() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Generators.shapes(1), Generators.shapes(1))
                .flatAs((n, a, b) -> Generators.values(Shape.pair(Shape.arr(n, a), Shape.arr(n, b)))
                        .map(x -> Case.of(List.of(zip(n, a, b)), List.of(x))));
    }

    /** {@code map id = id}. */
    @Property default void mapIdentity(@ForAll("arrayOne") Case c) {
        var x = c.x();
        var arr = (Shape.Arr) c.shape();
        law("map id = id").note("shape", arr.toString()).vec("x", x)
                .close("(map id) x", run(map(arr.n(), id(arr.elem())), x), "x", x, Tolerance.ROUNDING);
    }

    /** {@code map g ∘ map f = map (g ∘ f)}. */
    @Property default void mapFusion(@ForAll("arrayTwo") Case c) {
        var f = c.f(); var g = c.g(); var x = c.x();
        int n = ((Shape.Arr) c.shape()).n();
        law("map g ∘ map f = map (g ∘ f)").prog("f", f).prog("g", g).vec("x", x)
                .close("(map g ∘ map f) x", run(compose(map(n, g), map(n, f)), x),
                        "(map (g ∘ f)) x", run(map(n, compose(g, f)), x), Tolerance.ROUNDING);
    }

    /** {@code ex i ∘ map f = f ∘ ex i}. */
    @Property default void indexAfterMap(@ForAll("arrayOne") Case c) {
        var f = c.f(); var x = c.x();
        var arr = (Shape.Arr) c.shape();
        var ctx = law("ex i ∘ map f = f ∘ ex i").prog("f", f).vec("x", x);
        for (int i = 0; i < arr.n(); i++)
            ctx.note("i", Integer.toString(i))
                    .close("(ex i ∘ map f) x", run(compose(ex(Shape.arr(arr.n(), f.cod()), i), map(arr.n(), f)), x),
                            "(f ∘ ex i) x", run(compose(f, ex(arr, i)), x), Tolerance.ROUNDING);
    }

    /** {@code sum ∘ repl = n · id}, after a random program f. */
    @Property default void sumAfterRepl(@ForAll("arrayProgramAndLength") Case c) {
        var f = c.f(); var x = c.x(); int n = (int) c.u()[0];
        var b = f.cod();
        law("sum ∘ repl = n·id").prog("f", f).note("n", Integer.toString(n)).vec("x", x)
                .close("(sum ∘ repl ∘ f) x", run(compose(sum(n, b), repl(n, b), f), x),
                        "(n·id ∘ f) x", run(compose(scale(b, n), f), x), Tolerance.ROUNDING);
    }

    /** {@code unzip ∘ zip = id}. */
    @Property default void unzipAfterZip(@ForAll("arrayZip") Case c) {
        var z = (catad.dsl.Prog.Zip) c.f(); var x = c.x();
        law("unzip ∘ zip = id").prog("zip", z).vec("x", x)
                .close("(unzip ∘ zip) x", run(compose(unzip(z.n(), z.a(), z.b()), z), x), "x", x, Tolerance.ROUNDING);
    }
}
