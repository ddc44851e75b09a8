package catad.laws;

import static catad.laws.Check.dot;
import static catad.laws.Check.dotScale;

import catad.interpreter.Transpose;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The transpose laws, for random programs of the linear sub-language. */
public interface TransposeLaws extends InterpretedLaws {

    /** A linear f, then x and u of its domain and v of its codomain. */
    @Provide default Arbitrary<Case> transposeCase() { return Cases.withTangents(Generators::linearPrograms); }

    @Provide default Arbitrary<Case> transposeScalars() {
        return Combinators.combine(transposeCase(), Generators.factors(), Generators.factors())
                .as((c, a, b) -> Case.of(c.progs(), List.of(c.x(), c.u(), new double[] {a, b})));
    }

    /** Linear f, then linear g after it, and a cotangent v of g's codomain. */
    @Provide default Arbitrary<Case> transposeChain() {
        return Generators.shapes().flatMap(s -> Generators.linearPrograms(s, 2).flatMap(f -> Generators.linearPrograms(f.cod(), 2)
                .flatMap(g -> Generators.values(g.cod()).map(v -> Case.of(List.of(f, g), List.of(v))))));
    }

    /** The generated programs are in the linear sub-language (a check of the generator and of {@code isLinear}). */
    @Property default void generatedLinearProgramsAreLinear(@ForAll("transposeCase") Case c) {
        law("isLinear(f)").prog("f", c.f()).that("Transpose.isLinear(f)", Transpose.isLinear(c.f()));
    }

    /** {@code f(a x + b u) = a f x + b f u}. */
    @Property default void linearProgramsAreLinearMaps(@ForAll("transposeScalars") Case c) {
        var f = c.f(); var x = c.x(); var u = c.u(); double a = c.v()[0], b = c.v()[1];
        var mix = new double[x.length];
        for (int i = 0; i < x.length; i++) mix[i] = a * x[i] + b * u[i];
        var fx = run(f, x); var fu = run(f, u);
        var rhs = new double[fx.length]; var scale = new double[fx.length];
        for (int i = 0; i < fx.length; i++) { rhs[i] = a * fx[i] + b * fu[i]; scale[i] = Math.abs(a * fx[i]) + Math.abs(b * fu[i]); }
        law("f(a x + b u) = a f x + b f u").prog("f", f).vec("x", x).vec("u", u).note("a, b", a + ", " + b)
                .close("f(a x + b u)", run(f, mix), "a f x + b f u", rhs, Tolerance.DERIVATIVE, scale);
    }

    /** {@code ⟨f u, v⟩ = ⟨u, fᵀ v⟩}. */
    @Property default void adjointIdentity(@ForAll("transposeCase") Case c) {
        var f = c.f(); var u = c.u(); var v = c.v();
        var ft = Transpose.transpose(f);
        var fu = run(f, u); var ftv = run(ft, v);
        law("⟨f u, v⟩ = ⟨u, fᵀ v⟩").prog("f", f).prog("fᵀ", ft).vec("u", u).vec("v", v).vec("f u", fu).vec("fᵀ v", ftv)
                .close("⟨f u, v⟩", dot(fu, v), "⟨u, fᵀ v⟩", dot(u, ftv), Tolerance.DERIVATIVE, Math.max(dotScale(fu, v), dotScale(u, ftv)));
    }

    /** {@code (g ∘ f)ᵀ = fᵀ ∘ gᵀ}, semantically. */
    @Property default void transposeOfComposition(@ForAll("transposeChain") Case c) {
        var f = c.f(); var g = c.g(); var v = c.x();
        var gft = Transpose.transpose(catad.dsl.Catad.compose(g, f));
        law("(g ∘ f)ᵀ = fᵀ ∘ gᵀ").prog("f", f).prog("g", g).prog("(g ∘ f)ᵀ", gft).vec("v", v)
                .close("(g ∘ f)ᵀ v", run(gft, v), "fᵀ (gᵀ v)", run(Transpose.transpose(f), run(Transpose.transpose(g), v)), Tolerance.ROUNDING);
    }

    /** {@code (fᵀ)ᵀ = f}, semantically. */
    @Property default void transposeIsAnInvolution(@ForAll("transposeCase") Case c) {
        var f = c.f(); var u = c.u();
        var ftt = Transpose.transpose(Transpose.transpose(f));
        law("(fᵀ)ᵀ = f").prog("f", f).prog("(fᵀ)ᵀ", ftt).vec("u", u)
                .close("(fᵀ)ᵀ u", run(ftt, u), "f u", run(f, u), Tolerance.ROUNDING);
    }
}
