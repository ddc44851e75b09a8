package catad.laws;

import catad.dsl.Prog;
import catad.dsl.Shape;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ArbitrarySupplier;

/**
 * jqwik {@link ArbitrarySupplier}s for one's own properties over catad programs:
 *
 * {@snippet :
 * @Property
 * void gradientsAreFinite(@ForAll(supplier = Suppliers.ScalarPrograms.class) Case c) {
 *     assertTrue(Arrays.stream(AD.grad(c.f(), c.x())).allMatch(Double::isFinite));
 * }
 * }
 *
 * Programs come from {@link Generators} and shrink to small programs; a {@link Case} carries a
 * program {@code f} with an input {@code x} of its domain. {@link CatadDomain} offers the same as
 * defaults by type.
 */
public final class Suppliers {
    private Suppliers() {}

    /** Small shapes: R, pairs and arrays of length 0–3. */
    public static final class Shapes implements ArbitrarySupplier<Shape> {
        /** Needed by jqwik. */ public Shapes() {}
        @Override public Arbitrary<Shape> get() { return Generators.shapes(); }
    }

    /** Smooth programs from a random small shape. */
    public static final class Programs implements ArbitrarySupplier<Prog> {
        /** Needed by jqwik. */ public Programs() {}
        @Override public Arbitrary<Prog> get() { return Generators.shapes().flatMap(Generators::programs); }
    }

    /** Programs of the linear sub-language, from a random small shape. */
    public static final class LinearPrograms implements ArbitrarySupplier<Prog> {
        /** Needed by jqwik. */ public LinearPrograms() {}
        @Override public Arbitrary<Prog> get() { return Generators.shapes().flatMap(Generators::linearPrograms); }
    }

    /** A smooth program with an input of its domain. */
    public static final class ProgramsWithInputs implements ArbitrarySupplier<Case> {
        /** Needed by jqwik. */ public ProgramsWithInputs() {}
        @Override public Arbitrary<Case> get() { return Cases.withInput(Generators::programs); }
    }

    /** A smooth program to R with an input of its domain: something to take the gradient of. */
    public static final class ScalarPrograms implements ArbitrarySupplier<Case> {
        /** Needed by jqwik. */ public ScalarPrograms() {}
        @Override public Arbitrary<Case> get() {
            return Cases.withInput(s -> Generators.programs(s, Shape.R));
        }
    }
}
