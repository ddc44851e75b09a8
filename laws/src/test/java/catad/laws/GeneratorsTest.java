package catad.laws;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import catad.dsl.Primitive;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import catad.interpreter.Transpose;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.statistics.Statistics;

/** The generators make well-shaped, varied, small, finite programs of the whole language, and the law machinery reports what it should. */
class GeneratorsTest {

    /** How many programs the coverage examples look at. */
    static final int SAMPLE = 4000;

    @Provide Arbitrary<Prog> anyProgram() { return Generators.shapes().flatMap(Generators::programs); }

    @Provide Arbitrary<Prog> anyLinearProgram() { return Generators.shapes().flatMap(Generators::linearPrograms); }

    @Provide Arbitrary<Tuple2<Prog, double[]>> programAndInput() {
        return Generators.shapes().flatMap(s -> Combinators.combine(Generators.programs(s), Generators.values(s)).as(Tuple::of));
    }

    @Provide Arbitrary<Tuple2<Prog, double[]>> programAndLargeInput() {
        return Generators.shapes().flatMap(s -> Combinators.combine(Generators.programs(s),
                Arbitraries.doubles().between(-1000, 1000).array(double[].class).ofSize(s.dim())).as(Tuple::of));
    }

    @Provide Arbitrary<Tuple2<Prog, Shape>> programToCodomain() {
        return Combinators.combine(Generators.shapes(), Generators.shapes())
                .flatAs((a, b) -> Generators.programs(a, b).map(f -> Tuple.of(f, b)));
    }

    @Provide Arbitrary<Tuple2<Prog, Shape>> linearProgramToCodomain() {
        return Combinators.combine(Generators.shapes(), Generators.shapes())
                .flatAs((a, b) -> Generators.linearPrograms(a, b).map(f -> Tuple.of(f, b)));
    }

    @Property(tries = 500)
    void programsAreMostlySmall(@ForAll("anyProgram") Prog f) {
        long size = AD.size(f);
        Statistics.label("size").collect(size <= 2 ? "1-2" : size <= 6 ? "3-6" : size <= 15 ? "7-15" : "16+");
        Statistics.label("size").coverage(c -> {
            c.check("1-2").percentage(p -> p >= 10);
            c.check("7-15").percentage(p -> p >= 10);
            c.check("16+").percentage(p -> p <= 25);
        });
    }

    @Property(tries = 500)
    void programsEvaluateToFiniteValuesInsideTheirBounds(@ForAll("programAndInput") Tuple2<Prog, double[]> c) {
        Prog f = c.get1();
        double[] y = AD.eval(f, c.get2());
        assertEquals(f.cod().dim(), y.length);
        var bounds = Generators.outputBounds(f, -2, 2);
        for (double v : y) {
            assertTrue(Double.isFinite(v), () -> Printer.print(f) + " at " + Arrays.toString(c.get2()) + " = " + Arrays.toString(y));
            assertTrue(v >= bounds.lo() && v <= bounds.hi(), () -> Printer.print(f) + " = " + Arrays.toString(y) + " outside " + bounds);
        }
    }

    /** A quotient is bounded by the quotients at its corners, not by x · (1/y), which rounds twice (a CI run found this one). */
    @Example
    void aQuotientLiesInsideItsBounds() {
        Shape v2 = Shape.vec(2);
        Shape in = Shape.pair(R, R);
        Prog f = compose(div, cross(id(R), compose(exp, tanh)), fork(sum(v2), sum(v2)), constant(Shape.pair(in, in), v2, -1.5, -1.5), dup(in));
        double y = AD.eval(f, 0.3, 0.4)[0];
        var bounds = Generators.outputBounds(f, -2, 2);
        assertTrue(y >= bounds.lo() && y <= bounds.hi(), () -> y + " outside " + bounds);
    }

    /** Laws run a program at another's output, so programs must be finite at any finite input, not only at generated ones. */
    @Property(tries = 500)
    void programsAreFiniteAtLargeInputs(@ForAll("programAndLargeInput") Tuple2<Prog, double[]> c) {
        Prog f = c.get1();
        double[] y = AD.eval(f, c.get2());
        for (double v : y) assertTrue(Double.isFinite(v), () -> Printer.print(f) + " at " + Arrays.toString(c.get2()) + " = " + Arrays.toString(y));
    }

    @Property(tries = 500)
    void linearProgramsAreLinear(@ForAll("anyLinearProgram") Prog f) {
        assertTrue(Transpose.isLinear(f), () -> Printer.print(f));
    }

    @Property(tries = 300)
    void programsToACodomainHaveIt(@ForAll("programToCodomain") Tuple2<Prog, Shape> c) {
        assertEquals(c.get2(), c.get1().cod(), () -> Printer.print(c.get1()));
    }

    @Property(tries = 300)
    void linearProgramsToACodomainHaveItAndAreLinear(@ForAll("linearProgramToCodomain") Tuple2<Prog, Shape> c) {
        assertEquals(c.get2(), c.get1().cod(), () -> Printer.print(c.get1()));
        assertTrue(Transpose.isLinear(c.get1()), () -> Printer.print(c.get1()));
    }

    @Example
    void programsUseEveryKindOfProgram() {
        var kinds = kinds(sample(Generators.shapes().flatMap(Generators::programs)));
        for (var k : Prog.class.getPermittedSubclasses())
            assertTrue(kinds.contains(k.getSimpleName()), () -> "no " + k.getSimpleName() + " in " + SAMPLE + " programs; saw " + kinds);
    }

    @Example
    void linearProgramsUseEveryLinearKindOfProgram() {
        var programs = sample(Generators.shapes().flatMap(Generators::linearPrograms));
        var kinds = kinds(programs);
        for (var k : Prog.class.getPermittedSubclasses()) {
            String name = k.getSimpleName();
            boolean linear = !Set.of("Const", "Cond", "While").contains(name);
            assertEquals(linear, kinds.contains(name), () -> name + (linear ? " missing from" : " found in") + " linear programs; saw " + kinds);
        }
        assertTrue(primitives(programs).contains("matrix"), "no constant matrix in linear programs");
    }

    @Example
    void programsUseEveryBuiltInPrimitive() {
        var names = primitives(sample(Generators.shapes().flatMap(Generators::programs)));
        var wanted = new ArrayList<String>();
        Stream.concat(Generators.SMOOTH.stream(), Generators.PIECEWISE.stream()).forEach(p -> wanted.add(p.toString()));
        wanted.addAll(List.of("dot", "matvec", "matmul", "maximum", "argmax", "matrix"));
        for (var w : wanted) assertTrue(names.contains(w), () -> "no " + w + " in " + SAMPLE + " programs; saw " + names);
    }

    /** x ↦ x² on (1, 3) only: it fails closer than the margin 0.1 to the ends, so a program that runs it proves its guard works. */
    static final Primitive.Unary NARROW = Primitive.unary("narrow", x -> {
        if (!(x >= 1.1 && x <= 2.9)) throw new IllegalStateException("narrow applied at " + x);
        return x * x;
    }, () -> scale(2), new Primitive.Interval(1, 3));

    @Example
    void userPrimitivesAreAppliedInsideTheirDomain() {
        var config = Generators.Config.DEFAULT.plus(List.of(NARROW));
        var samples = Generators.shapes().flatMap(s -> Combinators.combine(Generators.programs(s, config),
                Arbitraries.doubles().between(-50, 50).array(double[].class).ofSize(s.dim())).as(Tuple::of)).sampleStream().limit(SAMPLE).toList();
        int uses = 0;
        for (var c : samples) {
            if (!primitives(List.of(c.get1())).contains("narrow")) continue;
            uses++;
            double[] y = AD.eval(c.get1(), c.get2());
            for (double v : y) assertTrue(Double.isFinite(v), () -> Printer.print(c.get1()));
        }
        assertTrue(uses >= 50, "narrow used in only " + uses + " programs");
        assertTrue(Generators.programs(R, 2, List.of(NARROW)).sampleStream().limit(SAMPLE).anyMatch(f -> primitives(List.of(f)).contains("narrow")));
    }

    @Example
    void configWithoutPrimitivesUsesNone() {
        var config = Generators.Config.DEFAULT.withPrimitives(List.of()).withLinearAlgebra(false);
        var names = primitives(Generators.shapes().flatMap(s -> Generators.programs(s, config)).sampleStream().limit(SAMPLE).toList());
        assertTrue(names.isEmpty(), () -> "primitives without being configured: " + names);
    }

    @Example
    void valuesRespectTheirDomain() {
        Generators.values(Shape.vec(5), Primitive.Interval.POSITIVE).sampleStream().limit(200)
                .forEach(x -> { for (double v : x) assertTrue(v >= 0.1 && v <= 2, () -> Arrays.toString(x)); });
        Generators.values(Shape.vec(5), new Primitive.Interval(5, Double.POSITIVE_INFINITY)).sampleStream().limit(200)
                .forEach(x -> { for (double v : x) assertTrue(v >= 5.1 && v <= 7.1, () -> Arrays.toString(x)); });
        Generators.values(Shape.vec(5), new Primitive.Interval(-1, 0)).sampleStream().limit(200)
                .forEach(x -> { for (double v : x) assertTrue(v >= -0.9 && v <= -0.1, () -> Arrays.toString(x)); });
        Generators.values(Shape.vec(5)).sampleStream().limit(200)
                .forEach(x -> { for (double v : x) assertEquals(Math.rint(v * 1000) / 1000, v, 0, () -> Arrays.toString(x)); });
    }

    @Example
    void emptyRecipeIsTheIdentity() {
        for (Shape s : List.of(R, Shape.vec(2), Shape.pair(R, Shape.UNIT)))
            assertEquals(id(s), Generators.decode(s, Generators.Recipe.LEAF, Generators.Config.DEFAULT));
    }

    @Example
    void simplerRecipesAreSmaller() {
        var recipes = Generators.recipes(Generators.DEPTH).sampleStream().limit(200).toList();
        for (var r : recipes)
            r.simpler().limit(500).forEach(s -> assertTrue(s.nodes() < r.nodes() || s.nodes() == r.nodes() && s.weight() < r.weight(),
                    () -> s + " is not simpler than " + r));
    }

    private static List<Prog> sample(Arbitrary<Prog> programs) { return programs.sampleStream().limit(SAMPLE).toList(); }

    /** {@return the simple names of the records in the programs and all their sub-programs} */
    static Set<String> kinds(List<Prog> programs) {
        var out = new TreeSet<String>();
        programs.forEach(f -> f.nodes().forEach(p -> out.add(p.getClass().getSimpleName())));
        return out;
    }

    /** {@return the names of the primitives in the programs} */
    static Set<String> primitives(List<Prog> programs) {
        var out = new TreeSet<String>();
        programs.forEach(f -> f.nodes().forEach(p -> { if (p instanceof Prog.Prim(Primitive q)) out.add(q.toString().startsWith("pow ") ? q.toString() : q.name()); }));
        return out;
    }

    @Example
    void failureMessageNamesLawProgramsInputsAndTolerance() {
        var f = catad.dsl.Catad.sin;
        var e = assertThrows(AssertionError.class, () ->
                Check.law("demo law").prog("f", f).vec("x", new double[] {1})
                        .close("lhs", new double[] {1}, "rhs", new double[] {1.1}, Tolerance.ROUNDING));
        var m = e.getMessage();
        for (var part : new String[] {"demo law", Printer.print(f), "x = [1.0]", "lhs", "rhs", "difference", "rtol"})
            assertTrue(m.contains(part), () -> "message lacks " + part + ":\n" + m);
    }

    @Example
    void sampleShapes() {
        Generators.shapes().sampleStream().limit(5).forEach(s -> assertTrue(s.dim() >= 0));
        assertEquals(Shape.R, Generators.bridge(catad.dsl.Catad.sin, Shape.R).cod());
    }
}
