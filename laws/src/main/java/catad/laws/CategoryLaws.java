package catad.laws;

import static catad.dsl.Catad.*;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The category laws, checked semantically (both sides run at random inputs), and the functor law
 * of the interpretation: the meaning of {@code g ∘ f} is the meaning of {@code g} after that of
 * {@code f}. For forward mode that law is the chain rule; for reverse mode it is the chain rule
 * with the cotangent run backwards. (Catad's {@code compose} keeps compositions flat, so
 * associativity also holds of the programs themselves; it is still checked, for interpretations
 * that might not respect it.)
 */
public interface CategoryLaws extends InterpretedLaws {

    /** A program f and an input of the meaning of {@code id ∘ f}. */
    @Provide default Arbitrary<Case> categoryLeft() {
        return Cases.inputs(interpretation(), Cases.one(Generators::programs), ps -> List.of(compose(id(ps.get(0).cod()), ps.get(0))));
    }

    /** A program f and an input of its meaning. */
    @Provide default Arbitrary<Case> categoryRight() {
        return Cases.inputs(interpretation(), Cases.one(Generators::programs), ps -> List.of(ps.get(0)));
    }

    /** A chain f, g, h and an input of the meaning of {@code h ∘ g ∘ f}. */
    @Provide default Arbitrary<Case> categoryChain() {
        return Cases.inputs(interpretation(), Cases.chain(), ps -> List.of(compose(ps.get(2), ps.get(1), ps.get(0))));
    }

    /** {@code id ∘ f = f}. */
    @Property default void leftIdentity(@ForAll("categoryLeft") Case c) {
        var f = c.f(); var x = c.x();
        law("id ∘ f = f").prog("f", f).vec("x", x)
                .close("⟦id ∘ f⟧ x", run(compose(id(f.cod()), f), x), "⟦f⟧ x", run(f, x), Tolerance.ROUNDING);
    }

    /** {@code f ∘ id = f}. */
    @Property default void rightIdentity(@ForAll("categoryRight") Case c) {
        var f = c.f(); var x = c.x();
        law("f ∘ id = f").prog("f", f).vec("x", x)
                .close("⟦f ∘ id⟧ x", run(compose(f, id(f.dom())), x), "⟦f⟧ x", run(f, x), Tolerance.ROUNDING);
    }

    /** {@code (h ∘ g) ∘ f = h ∘ (g ∘ f)}. */
    @Property default void associativity(@ForAll("categoryChain") Case c) {
        var f = c.f(); var g = c.g(); var h = c.h(); var x = c.x();
        law("(h ∘ g) ∘ f = h ∘ (g ∘ f)").prog("f", f).prog("g", g).prog("h", h).vec("x", x)
                .close("⟦(h ∘ g) ∘ f⟧ x", run(compose(compose(h, g), f), x), "⟦h ∘ (g ∘ f)⟧ x", run(compose(h, compose(g, f)), x), Tolerance.ROUNDING);
    }

    /** {@code ⟦h ∘ g ∘ f⟧ = ⟦h⟧ ∘ ⟦g⟧ ∘ ⟦f⟧}, composed in the interpretation's own category, grouped both ways. */
    @Property default void meaningOfCompositionIsComposition(@ForAll("categoryChain") Case c) {
        var f = c.f(); var g = c.g(); var h = c.h(); var x = c.x();
        var ctx = law("⟦h ∘ g ∘ f⟧ = ⟦h⟧ ∘ ⟦g⟧ ∘ ⟦f⟧").prog("f", f).prog("g", g).prog("h", h).vec("x", x);
        var whole = run(compose(h, g, f), x);
        ctx.close("⟦h ∘ g ∘ f⟧ x", whole, "(⟦h ∘ g⟧ ∘ ⟦f⟧) x", interpretation().runThen(f, compose(h, g), x), Tolerance.ROUNDING);
        ctx.close("⟦h ∘ g ∘ f⟧ x", whole, "(⟦h⟧ ∘ ⟦g ∘ f⟧) x", interpretation().runThen(compose(g, f), h, x), Tolerance.ROUNDING);
    }
}
