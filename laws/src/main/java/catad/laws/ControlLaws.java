package catad.laws;

import static catad.dsl.Catad.compose;
import static catad.dsl.Catad.iterate;

import catad.dsl.Prog;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The laws of loops: {@code iterate k f} is k copies of f composed. On non-scalar states the steps'
 * Jacobians do not commute, so in reverse mode this checks that the backward pass walks the
 * states last to first (docs/mutations.md, mutation 9c).
 */
public interface ControlLaws extends InterpretedLaws {

    /** A program {@code f : a → a} on a state of two or more numbers, and k in 2–3. */
    @Provide default Arbitrary<Case> controlIterate() {
        var steps = Generators.shapes(1).filter(a -> a.dim() >= 2)
                .flatMap(a -> Combinators.combine(Generators.programs(a, a, 2), Arbitraries.integers().between(2, 3))
                        .as((f, k) -> List.of(f, iterate(k, f))));
        return Cases.inputs(interpretation(), steps, ps -> List.of(ps.get(1)));
    }

    /** {@code iterate k f = f ∘ … ∘ f}. */
    @Property default void iterateIsRepeatedComposition(@ForAll("controlIterate") Case c) {
        var f = c.f(); var it = (Prog.Iterate) c.g(); var x = c.x();
        Prog unrolled = compose(Collections.nCopies(it.n(), f).toArray(Prog[]::new));
        law("iterate k f = f ∘ … ∘ f").prog("f", f).note("k", Integer.toString(it.n())).vec("x", x)
                .close("⟦iterate k f⟧ x", run(it, x), "⟦f ∘ … ∘ f⟧ x", run(unrolled, x), Tolerance.ROUNDING);
    }
}
