package catad.laws;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;

import catad.dsl.Catad;
import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * Arbitraries of shapes, values and well-shaped programs for the law contracts.
 *
 * <p>Programs are built top-down from a domain shape: at each node one of the combinators that
 * fits the domain is picked (with {@link Arbitraries#lazyOf}, leaves first), so a failing law
 * shrinks towards a leaf and towards shallower programs. Every program generated is smooth on the
 * whole of its domain (sin, cos, tanh, sigmoid, square, mul, exp∘scale 0.1), so derivatives can be
 * compared with finite differences anywhere.
 */
public final class Generators {
    private Generators() {}

    /** The default program depth: deep enough for every combinator to nest, small enough to read. */
    public static final int DEPTH = 3;

    // ---------------------------------------------------------------- shapes and values

    /** {@return small shapes: R, pairs and arrays of length 0–3, nested at most twice} */
    public static Arbitrary<Shape> shapes() { return shapes(2); }

    /** {@return shapes nested at most {@code depth} times} @param depth nesting bound */
    public static Arbitrary<Shape> shapes(int depth) {
        return Arbitraries.recursive(() -> Arbitraries.just(R),
                s -> Arbitraries.oneOf(
                        Combinators.combine(s, s).as(Shape::pair),
                        Combinators.combine(Arbitraries.integers().between(0, 3), s).as(Shape::arr)),
                0, depth);
    }

    /** {@return flat values of the shape, uniform in [-2, 2]} @param s the shape */
    public static Arbitrary<double[]> values(Shape s) { return vectors(s.dim(), -2, 2); }

    /** {@return flat values of the shape, uniform in [0.1, 2]} @param s the shape */
    public static Arbitrary<double[]> positiveValues(Shape s) { return vectors(s.dim(), 0.1, 2); }

    private static Arbitrary<double[]> vectors(int n, double lo, double hi) {
        return Arbitraries.doubles().between(lo, hi).ofScale(6).withDistribution(RandomDistribution.uniform())
                .array(double[].class).ofSize(n);
    }

    /** {@return constant factors for {@code scale}, in [-2, 2]} */
    public static Arbitrary<Double> factors() { return Arbitraries.doubles().between(-2, 2).ofScale(2).withDistribution(RandomDistribution.uniform()); }

    // ---------------------------------------------------------------- programs

    /** {@return smooth programs from {@code dom} to some codomain, of depth at most {@link #DEPTH}} @param dom the domain */
    public static Arbitrary<Prog> programs(Shape dom) { return programs(dom, DEPTH); }

    /** {@return smooth programs from {@code dom} to some codomain} @param dom the domain @param depth the nesting bound */
    public static Arbitrary<Prog> programs(Shape dom, int depth) {
        return choose(() -> smoothLeaves(dom), depth <= 0 ? List.of() : smoothNodes(dom, depth - 1));
    }

    /** {@return smooth programs {@code dom → cod}: a program to some shape followed, if need be, by a linear bridge to {@code cod}} @param dom domain @param cod codomain */
    public static Arbitrary<Prog> programs(Shape dom, Shape cod) { return programs(dom, cod, DEPTH); }

    /** {@return smooth programs {@code dom → cod}} @param dom domain @param cod codomain @param depth nesting bound */
    public static Arbitrary<Prog> programs(Shape dom, Shape cod, int depth) {
        return programs(dom, depth).map(p -> bridge(p, cod));
    }

    /** {@return programs of the linear sub-language from {@code dom}, of depth at most {@link #DEPTH}} @param dom the domain */
    public static Arbitrary<Prog> linearPrograms(Shape dom) { return linearPrograms(dom, DEPTH); }

    /** {@return programs of the linear sub-language from {@code dom}} @param dom the domain @param depth nesting bound */
    public static Arbitrary<Prog> linearPrograms(Shape dom, int depth) {
        return choose(() -> linearLeaves(dom), depth <= 0 ? List.of() : linearNodes(dom, depth - 1));
    }

    /** {@return linear programs {@code dom → cod}} @param dom domain @param cod codomain */
    public static Arbitrary<Prog> linearPrograms(Shape dom, Shape cod) {
        return linearPrograms(dom).map(p -> bridge(p, cod));
    }

    /**
     * Leaves with weight 2, each fitting combinator with weight 1, so generation is biased to small
     * programs. Not {@code lazyOf}: its shrinking replaces a value by a nested value of the same
     * arbitrary, which for programs of another domain would be ill-shaped. Shrinking goes through
     * {@code oneOf}/{@code flatMap}, which regenerate sub-programs for the shrunk shapes.
     */
    private static Arbitrary<Prog> choose(Supplier<Arbitrary<Prog>> leaves, List<Supplier<Arbitrary<Prog>>> nodes) {
        if (nodes.isEmpty()) return leaves.get();
        var all = new ArrayList<Tuple.Tuple2<Integer, Arbitrary<Prog>>>();
        all.add(Tuple.of(2 * nodes.size(), Arbitraries.lazy(leaves)));
        for (var n : nodes) all.add(Tuple.of(2, Arbitraries.lazy(n)));
        return Arbitraries.frequencyOf(all);
    }

    /** The linear leaves that fit {@code dom}, plus the smooth scalar primitives. */
    private static Arbitrary<Prog> smoothLeaves(Shape dom) {
        var all = new ArrayList<Arbitrary<Prog>>();
        all.add(linearLeaves(dom));
        if (dom.equals(R)) all.add(Arbitraries.of(Catad.sin, Catad.cos, Catad.tanh, Catad.sigmoid, Catad.square, compose(Catad.exp, scale(0.1))));
        if (dom.equals(Shape.pair(R, R))) all.add(Arbitraries.just(Catad.mul));
        return Arbitraries.oneOf(all);
    }

    private static Arbitrary<Prog> linearLeaves(Shape dom) {
        var all = new ArrayList<Arbitrary<Prog>>();
        all.add(Arbitraries.just(id(dom)));
        all.add(factors().map(c -> scale(dom, c)));
        all.add(Arbitraries.just(dup(dom)));
        all.add(Arbitraries.of(inl(dom, R), inr(R, dom)));
        all.add(Arbitraries.integers().between(1, 2).map(n -> repl(n, dom)));
        all.add(Arbitraries.integers().between(1, 2).flatMap(n -> Arbitraries.integers().between(0, n - 1).map(i -> in(n, dom, i))));
        if (dom instanceof Shape.Pair(Shape a, Shape b)) {
            all.add(Arbitraries.of(exl(a, b), exr(a, b)));
            if (a.equals(b)) all.add(Arbitraries.just(jam(a)));
            if (a instanceof Shape.Arr(int n, Shape ea) && b instanceof Shape.Arr(int m, Shape eb) && n == m)
                all.add(Arbitraries.just(zip(n, ea, eb)));
        }
        if (dom instanceof Shape.Arr(int n, Shape e)) {
            all.add(Arbitraries.just(sum(n, e)));
            if (n > 0) all.add(Arbitraries.integers().between(0, n - 1).map(i -> ex(dom, i)));
            if (e instanceof Shape.Pair(Shape a, Shape b)) all.add(Arbitraries.just(unzip(n, a, b)));
        }
        return Arbitraries.oneOf(all);
    }

    private static List<Supplier<Arbitrary<Prog>>> smoothNodes(Shape dom, int d) {
        var all = new ArrayList<Supplier<Arbitrary<Prog>>>();
        all.add(() -> programs(dom, d).flatMap(f -> programs(f.cod(), d).map(g -> compose(g, f))));
        all.add(() -> Combinators.combine(programs(dom, d), programs(dom, d)).as(Catad::fork));
        if (dom instanceof Shape.Pair(Shape a, Shape b)) {
            all.add(() -> Combinators.combine(programs(a, d), programs(b, d)).as(Catad::cross));
            all.add(() -> programs(a, d).flatMap(f -> programs(b, f.cod(), d).map(g -> join(f, g))));
        }
        if (dom instanceof Shape.Arr(int n, Shape e)) all.add(() -> programs(e, d).map(f -> map(n, f)));
        return all;
    }

    private static List<Supplier<Arbitrary<Prog>>> linearNodes(Shape dom, int d) {
        var all = new ArrayList<Supplier<Arbitrary<Prog>>>();
        all.add(() -> linearPrograms(dom, d).flatMap(f -> linearPrograms(f.cod(), d).map(g -> compose(g, f))));
        all.add(() -> Combinators.combine(linearPrograms(dom, d), linearPrograms(dom, d)).as(Catad::fork));
        if (dom instanceof Shape.Pair(Shape a, Shape b)) {
            all.add(() -> Combinators.combine(linearPrograms(a, d), linearPrograms(b, d)).as(Catad::cross));
            all.add(() -> linearPrograms(a, d).flatMap(f -> linearPrograms(b, d).map(g -> join(f, bridge(g, f.cod())))));
        }
        if (dom instanceof Shape.Arr(int n, Shape e)) all.add(() -> linearPrograms(e, d).map(f -> map(n, f)));
        return all;
    }

    // ---------------------------------------------------------------- bridges

    /**
     * {@return {@code f} followed, unless it already ends in {@code cod}, by the linear map that adds
     * up all its output coordinates and broadcasts the total to every coordinate of {@code cod}}
     * @param f a program @param cod the wanted codomain
     */
    public static Prog bridge(Prog f, Shape cod) {
        return f.cod().equals(cod) ? f : compose(broadcast(cod), total(f.cod()), f);
    }

    /** {@return the linear map {@code s → R} adding up all coordinates} @param s a shape */
    public static Prog total(Shape s) {
        return switch (s) {
            case Shape.Real r -> id(R);
            case Shape.Unit u -> zero(s, R);
            case Shape.Pair(Shape a, Shape b) -> compose(jam(R), cross(total(a), total(b)));
            case Shape.Arr(int n, Shape e) -> compose(total(e), sum(n, e));
        };
    }

    /** {@return the linear map {@code R → s} copying its input to every coordinate} @param s a shape */
    public static Prog broadcast(Shape s) {
        return switch (s) {
            case Shape.Real r -> id(R);
            case Shape.Unit u -> zero(R, s);
            case Shape.Pair(Shape a, Shape b) -> fork(broadcast(a), broadcast(b));
            case Shape.Arr(int n, Shape e) -> compose(repl(n, e), broadcast(e));
        };
    }
}
