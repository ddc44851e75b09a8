package catad.laws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import catad.interpreter.Transpose;
import java.util.HashSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** The generators make well-shaped, varied programs, and the law machinery reports what it should. */
class GeneratorsTest {

    @Provide Arbitrary<Prog> anyProgram() { return Generators.shapes().flatMap(Generators::programs); }

    @Provide Arbitrary<Prog> anyLinearProgram() { return Generators.shapes().flatMap(Generators::linearPrograms); }

    @Property(tries = 300)
    void programsAreWellShapedAndVaried(@ForAll("anyProgram") Prog f) {
        long size = AD.size(f);
        Statistics.label("size").collect(size <= 2 ? "1-2" : size <= 6 ? "3-6" : "7+");
        Statistics.label("size").coverage(c -> c.check("7+").percentage(p -> p >= 10));
        Statistics.label("size").coverage(c -> c.check("1-2").percentage(p -> p >= 10));
        assertEquals(f.cod().dim(), AD.eval(f, new double[f.dom().dim()]).length);
    }

    @Property(tries = 300)
    void linearProgramsAreLinear(@ForAll("anyLinearProgram") Prog f) {
        assertTrue(Transpose.isLinear(f), () -> Printer.print(f));
    }

    @Example
    void programsUseManyCombinators() {
        var kinds = new HashSet<String>();
        Generators.shapes().flatMap(Generators::programs).sampleStream().limit(2000)
                .forEach(f -> collect(f, kinds));
        for (var k : new String[] {"Compose", "Cross", "Dup", "Exl", "Exr", "Inl", "Inr", "Jam", "Scale", "Prim", "Map", "Sum", "Repl", "Ex", "In", "Zip", "Unzip", "Id"})
            assertTrue(kinds.contains(k), () -> "no " + k + " in 2000 programs; saw " + kinds);
    }

    private static void collect(Prog f, java.util.Set<String> kinds) {
        kinds.add(f.getClass().getSimpleName());
        switch (f) {
            case Prog.Compose c -> c.steps().forEach(s -> collect(s, kinds));
            case Prog.Cross c -> { collect(c.f(), kinds); collect(c.g(), kinds); }
            case Prog.Map m -> collect(m.f(), kinds);
            default -> {}
        }
    }

    @Example
    void failureMessageNamesLawProgramsInputsAndTolerance() {
        var f = catad.dsl.Catad.sin;
        var e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () ->
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
