package catad.laws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import catad.interpreter.Transpose;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.domains.Domain;

/** What a user writes with the {@link Suppliers} and the {@link CatadDomain}: each generates what it promises. */
class UserPropertiesTest {

    @Property(tries = 200) @Domain(CatadDomain.class)
    void domainGivesProgramsWithInputsOfTheirDomain(@ForAll Case c, @ForAll Shape s, @ForAll Prog f) {
        assertEquals(c.f().dom().dim(), c.x().length);
        assertArrayEquals(AD.eval(c.f(), c.x()), AD.eval(AD.simplify(c.f()), c.x()), 1e-9);
        assertTrue(s.dim() >= 0);
        assertEquals(f.cod().dim(), AD.eval(f, new double[f.dom().dim()]).length);
    }

    @Property(tries = 200)
    void scalarProgramsGoToR(@ForAll(supplier = Suppliers.ScalarPrograms.class) Case c) {
        assertEquals(Shape.R, c.f().cod());
        assertTrue(Arrays.stream(AD.grad(c.f(), c.x())).allMatch(Double::isFinite), () -> Printer.print(c.f()));
    }

    @Property(tries = 200)
    void linearProgramsAreLinear(@ForAll(supplier = Suppliers.LinearPrograms.class) Prog f) {
        assertTrue(Transpose.isLinear(f), () -> Printer.print(f));
    }

    @Property(tries = 100)
    void shapesAndProgramsSupplied(@ForAll(supplier = Suppliers.Shapes.class) Shape s,
                                   @ForAll(supplier = Suppliers.Programs.class) Prog f,
                                   @ForAll(supplier = Suppliers.ProgramsWithInputs.class) Case c) {
        assertTrue(s.dim() >= 0 && f.dom().dim() >= 0);
        assertEquals(c.f().dom().dim(), c.x().length);
    }
}
