package catad.laws;

import static catad.laws.Generators.*;

import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Arbitraries of {@link Case}s shared by the law contracts. */
public final class Cases {
    private Cases() {}

    /** {@return a case of one program and one input} @param progs programs of a shape */
    public static Arbitrary<Case> oneProgram(Function<Shape, Arbitrary<Prog>> progs) {
        return shapes().flatMap(s -> Combinators.combine(progs.apply(s), values(s)).as((f, x) -> Case.of(List.of(f), List.of(x))));
    }

    /** {@return a case of a program {@code f : s → t}, an input x, a tangent u of s and a cotangent v of t} @param progs programs of a shape */
    public static Arbitrary<Case> withTangents(Function<Shape, Arbitrary<Prog>> progs) {
        return shapes().flatMap(s -> progs.apply(s).flatMap(f ->
                Combinators.combine(values(s), values(s), values(f.cod()))
                        .as((x, u, v) -> Case.of(List.of(f), List.of(x, u, v)))));
    }

    /** {@return a case of a chain {@code f, g, h} of composable programs and an input of f} */
    public static Arbitrary<Case> chain() {
        return shapes().flatMap(s -> programs(s, 2).flatMap(f -> programs(f.cod(), 2).flatMap(g -> programs(g.cod(), 2)
                .flatMap(h -> values(s).map(x -> Case.of(List.of(f, g, h), List.of(x)))))));
    }

    /** {@return a case of two programs with the same domain and an input} */
    public static Arbitrary<Case> sameDomain() {
        return shapes().flatMap(s -> Combinators.combine(programs(s), programs(s), values(s))
                .as((f, g, x) -> Case.of(List.of(f, g), List.of(x))));
    }

    /** {@return a case of {@code f : a → b}, {@code g : c → d}, {@code h : b → e}, {@code k : d → z} and an input of a × c} */
    public static Arbitrary<Case> crossPair() {
        return Combinators.combine(shapes(1), shapes(1)).flatAs((a, c) ->
                Combinators.combine(programs(a, 2), programs(c, 2)).flatAs((f, g) ->
                        Combinators.combine(programs(f.cod(), 2), programs(g.cod(), 2), values(Shape.pair(a, c)))
                                .as((h, k, x) -> Case.of(List.of(f, g, h, k), List.of(x)))));
    }

    /** {@return a case of linear {@code f : a → c}, {@code g : b → c}, and inputs of a and b} */
    public static Arbitrary<Case> linearJoin() {
        return Combinators.combine(shapes(1), shapes(1)).flatAs((a, b) -> linearPrograms(a, 2).flatMap(f ->
                Combinators.combine(linearPrograms(b, f.cod()), values(a), values(b))
                        .as((g, x, y) -> Case.of(List.of(f, g), List.of(x, y)))));
    }

    /** {@return shapes that are arrays, of length 0–3} */
    public static Arbitrary<Shape.Arr> arrays() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), shapes(1)).as((n, e) -> new Shape.Arr(n, e));
    }
}
