package catad.laws;

import catad.dsl.Prog;
import catad.dsl.Shape;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.DomainContextBase;

/**
 * A jqwik domain in which {@code @ForAll Shape}, {@code @ForAll Prog} and {@code @ForAll Case}
 * (a program with an input) are generated without naming a provider:
 *
 * {@snippet :
 * @Property @Domain(CatadDomain.class)
 * void simplifyingKeepsTheValue(@ForAll Case c) {
 *     assertArrayEquals(AD.eval(c.f(), c.x()), AD.eval(AD.simplify(c.f()), c.x()), 1e-9);
 * }
 * }
 *
 * For linear or scalar programs, use the {@link Suppliers}.
 */
public class CatadDomain extends DomainContextBase {

    /** Needed by jqwik. */
    public CatadDomain() {}

    @Provide Arbitrary<Shape> shapes() { return new Suppliers.Shapes().get(); }

    @Provide Arbitrary<Prog> programs() { return new Suppliers.Programs().get(); }

    @Provide Arbitrary<Case> programsWithInputs() { return new Suppliers.ProgramsWithInputs().get(); }
}
