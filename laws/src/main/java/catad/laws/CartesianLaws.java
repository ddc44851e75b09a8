package catad.laws;

import static catad.dsl.Catad.*;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The cartesian laws: {@code f △ g} is the pairing of the product. */
public interface CartesianLaws extends InterpretedLaws {

    /** f, g with one domain, and an input of f's meaning. */
    @Provide default Arbitrary<Case> cartesianExl() {
        return Cases.inputs(interpretation(), Cases.sameDomain(), ps -> List.of(ps.get(0)));
    }

    /** f, g with one domain, and an input of g's meaning. */
    @Provide default Arbitrary<Case> cartesianExr() {
        return Cases.inputs(interpretation(), Cases.sameDomain(), ps -> List.of(ps.get(1)));
    }

    /** A program h to a pair, and an input of its meaning. */
    @Provide default Arbitrary<Case> cartesianToPair() {
        return Cases.inputs(interpretation(), Cases.toPair(), ps -> ps);
    }

    /** {@code exl ∘ (f △ g) = f}. */
    @Property default void exlAfterFork(@ForAll("cartesianExl") Case c) {
        var f = c.f(); var g = c.g(); var x = c.x();
        law("exl ∘ (f △ g) = f").prog("f", f).prog("g", g).vec("x", x)
                .close("⟦exl ∘ (f △ g)⟧ x", run(compose(exl(f.cod(), g.cod()), fork(f, g)), x), "⟦f⟧ x", run(f, x), Tolerance.ROUNDING);
    }

    /** {@code exr ∘ (f △ g) = g}. */
    @Property default void exrAfterFork(@ForAll("cartesianExr") Case c) {
        var f = c.f(); var g = c.g(); var x = c.x();
        law("exr ∘ (f △ g) = g").prog("f", f).prog("g", g).vec("x", x)
                .close("⟦exr ∘ (f △ g)⟧ x", run(compose(exr(f.cod(), g.cod()), fork(f, g)), x), "⟦g⟧ x", run(g, x), Tolerance.ROUNDING);
    }

    /** {@code (exl ∘ h) △ (exr ∘ h) = h}. */
    @Property default void forkOfProjections(@ForAll("cartesianToPair") Case c) {
        var h = c.f(); var x = c.x();
        var ab = h.cod();
        law("(exl ∘ h) △ (exr ∘ h) = h").prog("h", h).vec("x", x)
                .close("⟦(exl ∘ h) △ (exr ∘ h)⟧ x", run(fork(compose(exl(ab), h), compose(exr(ab), h)), x), "⟦h⟧ x", run(h, x), Tolerance.ROUNDING);
    }
}
