package catad.laws;

import static catad.dsl.Catad.*;

import catad.dsl.Shape;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The monoidal laws: {@code ×} is a functor. */
public interface MonoidalLaws extends InterpretedLaws {

    /** {@code id} on a random pair shape, and an input of its meaning. */
    @Provide default Arbitrary<Case> monoidalPair() {
        var ids = Combinators.combine(Generators.shapes(1), Generators.shapes(1)).as((a, b) -> List.of(id(Shape.pair(a, b))));
        return Cases.inputs(interpretation(), ids, ps -> ps);
    }

    /** f, g, h, k composable as {@code (h × k) ∘ (f × g)}, and an input of its meaning. */
    @Provide default Arbitrary<Case> monoidalCross() {
        return Cases.inputs(interpretation(), Cases.crossPair(),
                ps -> List.of(compose(cross(ps.get(2), ps.get(3)), cross(ps.get(0), ps.get(1)))));
    }

    /** {@code id × id = id}. */
    @Property default void crossOfIdentities(@ForAll("monoidalPair") Case c) {
        var p = (Shape.Pair) c.f().dom(); var x = c.x();
        law("id × id = id").note("shape", p.toString()).vec("x", x)
                .close("⟦id × id⟧ x", run(cross(id(p.left()), id(p.right())), x), "⟦id⟧ x", run(id(p), x), Tolerance.ROUNDING);
    }

    /** {@code (h × k) ∘ (f × g) = (h ∘ f) × (k ∘ g)}. */
    @Property default void crossInterchange(@ForAll("monoidalCross") Case c) {
        var f = c.f(); var g = c.g(); var h = c.h(); var k = c.k(); var x = c.x();
        law("(h × k) ∘ (f × g) = (h ∘ f) × (k ∘ g)").prog("f", f).prog("g", g).prog("h", h).prog("k", k).vec("x", x)
                .close("⟦(h × k) ∘ (f × g)⟧ x", run(compose(cross(h, k), cross(f, g)), x),
                        "⟦(h ∘ f) × (k ∘ g)⟧ x", run(cross(compose(h, f), compose(k, g)), x), Tolerance.ROUNDING);
    }
}
