package catad.laws;

import static catad.dsl.Catad.*;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The category laws, checked semantically: both sides evaluated at random inputs. (Catad's
 * {@code compose} keeps compositions flat, so associativity also holds of the programs themselves;
 * the law is still checked for interpretations that might not respect it.)
 */
public interface CategoryLaws extends InterpretedLaws {

    @Provide default Arbitrary<Case> categoryOne() { return Cases.oneProgram(Generators::programs); }

    @Provide default Arbitrary<Case> categoryChain() { return Cases.chain(); }

    /** {@code id ∘ f = f}. */
    @Property default void leftIdentity(@ForAll("categoryOne") Case c) {
        var f = c.f(); var x = c.x();
        law("id ∘ f = f").prog("f", f).vec("x", x)
                .close("(id ∘ f) x", run(compose(id(f.cod()), f), x), "f x", run(f, x), Tolerance.ROUNDING);
    }

    /** {@code f ∘ id = f}. */
    @Property default void rightIdentity(@ForAll("categoryOne") Case c) {
        var f = c.f(); var x = c.x();
        law("f ∘ id = f").prog("f", f).vec("x", x)
                .close("(f ∘ id) x", run(compose(f, id(f.dom())), x), "f x", run(f, x), Tolerance.ROUNDING);
    }

    /** {@code (h ∘ g) ∘ f = h ∘ (g ∘ f)}, and both equal applying f, g, h in turn. */
    @Property default void associativity(@ForAll("categoryChain") Case c) {
        var f = c.f(); var g = c.g(); var h = c.h(); var x = c.x();
        var ctx = law("(h ∘ g) ∘ f = h ∘ (g ∘ f)").prog("f", f).prog("g", g).prog("h", h).vec("x", x);
        var left = run(compose(compose(h, g), f), x);
        ctx.close("((h ∘ g) ∘ f) x", left, "(h ∘ (g ∘ f)) x", run(compose(h, compose(g, f)), x), Tolerance.ROUNDING);
        ctx.close("((h ∘ g) ∘ f) x", left, "h (g (f x))", run(h, run(g, run(f, x))), Tolerance.ROUNDING);
    }
}
