package catad.laws;

import static catad.dsl.Catad.*;

import catad.dsl.Shape;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The cocartesian laws: {@code f ▽ g = jam ∘ (f × g)} is the copairing of the biproduct. They
 * hold for linear (additive) maps, so f, g and h are drawn from the linear sub-language.
 */
public interface CocartesianLaws extends InterpretedLaws {

    /** Linear f, g into one shape, and an input of f's meaning. */
    @Provide default Arbitrary<Case> cocartesianInl() {
        return Cases.inputs(interpretation(), Cases.linearJoin(), ps -> List.of(ps.get(0)));
    }

    /** Linear f, g into one shape, and an input of g's meaning. */
    @Provide default Arbitrary<Case> cocartesianInr() {
        return Cases.inputs(interpretation(), Cases.linearJoin(), ps -> List.of(ps.get(1)));
    }

    /** A linear h from a pair, and an input of its meaning. */
    @Provide default Arbitrary<Case> cocartesianFromPair() {
        var hs = Combinators.combine(Generators.shapes(1), Generators.shapes(1))
                .flatAs((a, b) -> Generators.linearPrograms(Shape.pair(a, b)).map(List::of));
        return Cases.inputs(interpretation(), hs, ps -> ps);
    }

    /** {@code (f ▽ g) ∘ inl = f}. */
    @Property default void joinAfterInl(@ForAll("cocartesianInl") Case c) {
        var f = c.f(); var g = c.g(); var x = c.x();
        law("(f ▽ g) ∘ inl = f").prog("f", f).prog("g", g).vec("x", x)
                .close("⟦(f ▽ g) ∘ inl⟧ x", run(compose(join(f, g), inl(f.dom(), g.dom())), x), "⟦f⟧ x", run(f, x), Tolerance.ROUNDING);
    }

    /** {@code (f ▽ g) ∘ inr = g}. */
    @Property default void joinAfterInr(@ForAll("cocartesianInr") Case c) {
        var f = c.f(); var g = c.g(); var y = c.x();
        law("(f ▽ g) ∘ inr = g").prog("f", f).prog("g", g).vec("y", y)
                .close("⟦(f ▽ g) ∘ inr⟧ y", run(compose(join(f, g), inr(f.dom(), g.dom())), y), "⟦g⟧ y", run(g, y), Tolerance.ROUNDING);
    }

    /** {@code (h ∘ inl) ▽ (h ∘ inr) = h} for linear h. */
    @Property default void joinOfInjections(@ForAll("cocartesianFromPair") Case c) {
        var h = c.f(); var x = c.x();
        var p = (Shape.Pair) h.dom();
        law("(h ∘ inl) ▽ (h ∘ inr) = h").prog("h", h).vec("x", x)
                .close("⟦(h ∘ inl) ▽ (h ∘ inr)⟧ x",
                        run(join(compose(h, inl(p.left(), p.right())), compose(h, inr(p.left(), p.right()))), x),
                        "⟦h⟧ x", run(h, x), Tolerance.ROUNDING);
    }
}
