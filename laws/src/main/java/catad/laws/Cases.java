package catad.laws;

import static catad.laws.Generators.*;

import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/**
 * Arbitraries of {@link Case}s shared by the law contracts: first the programs a law is about, then
 * inputs for the meaning of the program the law runs. The inputs depend on the interpretation
 * (evaluation takes {@code x : A}, reverse mode {@code (x, ct) : A × B}), so they are drawn from
 * {@link Interpretation#input} of that program.
 */
public final class Cases {
    private Cases() {}

    /**
     * {@return the programs, then one flat input for the meaning of each program {@code subjects} builds from them}
     * @param m the interpretation
     * @param progs the programs of the law
     * @param subjects the programs the law runs, built from {@code progs}; each gets an input
     */
    public static Arbitrary<Case> inputs(Interpretation m, Arbitrary<List<Prog>> progs, Function<List<Prog>, List<Prog>> subjects) {
        return progs.flatMap(ps -> vectors(subjects.apply(ps).stream().map(m::input).toList()).map(xs -> Case.of(ps, xs)));
    }

    /** {@return one program from a random domain, with an input of its domain} @param progs programs of a domain */
    public static Arbitrary<Case> withInput(Function<Shape, Arbitrary<Prog>> progs) {
        return inputs(Interpretations.EVAL, one(progs), ps -> ps);
    }

    /** {@return flat values of each shape, together} @param shapes the shapes */
    public static Arbitrary<List<double[]>> vectors(List<Shape> shapes) {
        if (shapes.isEmpty()) return Arbitraries.just(List.of());
        return Combinators.combine(shapes.stream().map(Generators::values).toList()).as(ArrayList::new);
    }

    /**
     * {@return flat tangents (or cotangents) of the shape, uniform in [-2, 2], shrinking towards 1}
     * A tangent shrunk towards 0 would make a wrong derivative look right: the difference it
     * shows shrinks with it, down to the absolute tolerance. At 1 the error shows at full size.
     * @param s the shape
     */
    public static Arbitrary<double[]> tangents(Shape s) {
        return Arbitraries.doubles().between(-2, 2).ofScale(6).withDistribution(RandomDistribution.uniform()).shrinkTowards(1)
                .array(double[].class).ofSize(s.dim());
    }

    /** {@return a point x of {@code dom}, a tangent u of {@code dom} and a cotangent v of {@code cod}} @param dom input shape @param cod output shape */
    public static Arbitrary<List<double[]>> pointAndTangents(Shape dom, Shape cod) {
        return Combinators.combine(values(dom), tangents(dom), tangents(cod)).as(List::of);
    }

    // ---------------------------------------------------------------- the programs of a law

    /** {@return one program from a random domain} @param progs programs of a domain */
    public static Arbitrary<List<Prog>> one(Function<Shape, Arbitrary<Prog>> progs) {
        return shapes().flatMap(progs).map(List::of);
    }

    /** {@return a chain {@code f, g, h} of composable programs} */
    public static Arbitrary<List<Prog>> chain() {
        return shapes().flatMap(s -> programs(s, 2).flatMap(f -> programs(f.cod(), 2).flatMap(g -> programs(g.cod(), 2)
                .map(h -> List.of(f, g, h)))));
    }

    /** {@return two programs {@code f, g} with the same domain} */
    public static Arbitrary<List<Prog>> sameDomain() {
        return shapes().flatMap(s -> Combinators.combine(programs(s), programs(s)).as(List::of));
    }

    /** {@return a program {@code h} to a pair} */
    public static Arbitrary<List<Prog>> toPair() {
        return Combinators.combine(shapes(), shapes(1), shapes(1))
                .flatAs((s, a, b) -> programs(s, Shape.pair(a, b)).map(List::of));
    }

    /** {@return {@code f : a → b}, {@code g : c → d}, {@code h : b → e}, {@code k : d → z}} */
    public static Arbitrary<List<Prog>> crossPair() {
        return Combinators.combine(shapes(1), shapes(1)).flatAs((a, c) ->
                Combinators.combine(programs(a, 2), programs(c, 2)).flatAs((f, g) ->
                        Combinators.combine(programs(f.cod(), 2), programs(g.cod(), 2)).as((h, k) -> List.of(f, g, h, k))));
    }

    /** {@return linear {@code f : a → c} and {@code g : b → c}} */
    public static Arbitrary<List<Prog>> linearJoin() {
        return Combinators.combine(shapes(1), shapes(1)).flatAs((a, b) -> linearPrograms(a, 2).flatMap(f ->
                linearPrograms(b, f.cod()).map(g -> List.of(f, g))));
    }

    /** {@return linear {@code f : a → b} and {@code g : c → d}} */
    public static Arbitrary<List<Prog>> linearPair() {
        return Combinators.combine(shapes(1), shapes(1)).flatAs((a, c) ->
                Combinators.combine(linearPrograms(a, 2), linearPrograms(c, 2)).as(List::of));
    }

    /** {@return linear {@code f, g} with the same domain} */
    public static Arbitrary<List<Prog>> linearSameDomain() {
        return shapes().flatMap(s -> Combinators.combine(linearPrograms(s, 2), linearPrograms(s, 2)).as(List::of));
    }

    /** {@return linear {@code f}, then linear {@code g} after it} */
    public static Arbitrary<List<Prog>> linearChain() {
        return shapes().flatMap(s -> linearPrograms(s, 2).flatMap(f -> linearPrograms(f.cod(), 2).map(g -> List.of(f, g))));
    }

    /** {@return {@code f : a → b} and, after it, {@code g : b → c}} */
    public static Arbitrary<List<Prog>> twoInChain() {
        return shapes().flatMap(s -> programs(s, 2).flatMap(f -> programs(f.cod(), 2).map(g -> List.of(f, g))));
    }

    /** {@return shapes that are arrays, of length 0–3} */
    public static Arbitrary<Shape.Arr> arrays() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), shapes(1)).as(Shape.Arr::new);
    }
}
