package catad.laws;

import static catad.dsl.Catad.*;
import static catad.interpreter.Transpose.transpose;
import static catad.laws.Check.dot;
import static catad.laws.Check.dotScale;

import catad.dsl.Catad;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.Transpose;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The transpose laws, for random programs of the linear sub-language: the adjoint identity, the
 * structural rules of DESIGN §4 ({@code (g ∘ f)ᵀ = fᵀ ∘ gᵀ}, {@code (f × g)ᵀ = fᵀ × gᵀ},
 * {@code (f △ g)ᵀ = fᵀ ▽ gᵀ}, {@code exlᵀ = inl}, …, {@code (fᵀ)ᵀ = f}), each checked by running
 * both sides. The meaning of {@code fᵀ} goes from {@code output(f)} back to {@code input(f)} in every
 * interpretation, so these hold for forward and reverse meanings as well as for evaluation.
 */
public interface TransposeLaws extends InterpretedLaws {

    /** A linear f, then x and u of its input, v of its output. */
    @Provide default Arbitrary<Case> transposeCase() {
        var m = interpretation();
        return Cases.one(Generators::linearPrograms).flatMap(ps -> Cases.pointAndTangents(m.input(ps.get(0)), m.output(ps.get(0)))
                .map(xs -> Case.of(ps, xs)));
    }

    /** As {@link #transposeCase()}, with two factors a, b as w. */
    @Provide default Arbitrary<Case> transposeScalars() {
        return Combinators.combine(transposeCase(), Generators.factors(), Generators.factors())
                .as((c, a, b) -> Case.of(c.progs(), List.of(c.x(), c.u(), c.v(), new double[] {a, b})));
    }

    /** Linear f, then linear g after it, and v of the output of g ∘ f. */
    @Provide default Arbitrary<Case> transposeChain() {
        return outputs(Cases.linearChain(), ps -> compose(ps.get(1), ps.get(0)));
    }

    /** Linear f and g, and v of the output of f × g. */
    @Provide default Arbitrary<Case> transposeCross() { return outputs(Cases.linearPair(), ps -> cross(ps.get(0), ps.get(1))); }

    /** Linear f and g with one domain, and v of the output of f △ g. */
    @Provide default Arbitrary<Case> transposeFork() { return outputs(Cases.linearSameDomain(), ps -> fork(ps.get(0), ps.get(1))); }

    /** A linear f, and v of the output of map n f. */
    @Provide default Arbitrary<Case> transposeMap() {
        var maps = Combinators.combine(Arbitraries.integers().between(0, 3), Cases.one(Generators::linearPrograms))
                .as((n, fs) -> List.<Prog>of(map(n, fs.get(0))));
        return outputs(maps, ps -> ps.get(0));
    }

    /** One linear combinator f whose transpose DESIGN §4 names, that transpose as g, and v of f's output. */
    @Provide default Arbitrary<Case> transposeAtom() {
        var atoms = Combinators.combine(Generators.shapes(1), Generators.shapes(1), Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(0, 3), Generators.factors())
                .flatAs((a, b, n, m, s) -> Arbitraries.integers().between(0, n - 1).flatMap(i -> Arbitraries.<List<Prog>>of(
                        List.of(exl(a, b), inl(a, b)), List.of(exr(a, b), inr(a, b)), List.of(dup(a), jam(a)), List.of(jam(a), dup(a)),
                        List.of(scale(a, s), scale(a, s)), List.of(repl(n, a), sum(n, a)), List.of(sum(n, a), repl(n, a)),
                        List.of(ex(Shape.arr(n, a), i), in(n, a, i)), List.of(in(n, a, i), ex(Shape.arr(n, a), i)),
                        List.of(Catad.transpose(m, n, a), Catad.transpose(n, m, a)),
                        List.of(reshape(Shape.arr(m, Shape.arr(n, a)), Shape.arr(m * n, a)), reshape(Shape.arr(m * n, a), Shape.arr(m, Shape.arr(n, a)))))));
        return outputs(atoms, ps -> ps.get(0));
    }

    /** A constant matrix {@code M : [n]R → [m]R}, the transposed matrix, and v of M's output. */
    @Provide default Arbitrary<Case> transposeMatrix() {
        var ms = Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3))
                .flatAs((m, n) -> Generators.factors().array(double[].class).ofSize(m * n).map(data -> {
                    var t = new double[n * m];
                    for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) t[j * m + i] = data[i * n + j];
                    return List.of(matrix(m, n, data), matrix(n, m, t));
                }));
        return outputs(ms, ps -> ps.get(0));
    }

    private Arbitrary<Case> outputs(Arbitrary<List<Prog>> progs, Function<List<Prog>, Prog> subject) {
        var m = interpretation();
        return progs.flatMap(ps -> Generators.values(m.output(subject.apply(ps))).map(v -> Case.of(ps, List.of(v))));
    }

    /** The generated programs are in the linear sub-language (a check of the generator and of {@code isLinear}). */
    @Property default void generatedLinearProgramsAreLinear(@ForAll("transposeCase") Case c) {
        law("isLinear(f)").prog("f", c.f()).that("Transpose.isLinear(f)", Transpose.isLinear(c.f()));
    }

    /** {@code ⟦f⟧(a x + b u) = a ⟦f⟧ x + b ⟦f⟧ u} for linear f. */
    @Property default void linearProgramsAreLinearMaps(@ForAll("transposeScalars") Case c) {
        var f = c.f(); var x = c.x(); var u = c.u(); double a = c.w()[0], b = c.w()[1];
        var mix = new double[x.length];
        for (int i = 0; i < x.length; i++) mix[i] = a * x[i] + b * u[i];
        var fx = run(f, x); var fu = run(f, u);
        var rhs = new double[fx.length]; var scale = new double[fx.length];
        for (int i = 0; i < fx.length; i++) { rhs[i] = a * fx[i] + b * fu[i]; scale[i] = Math.abs(a * fx[i]) + Math.abs(b * fu[i]); }
        law("f(a x + b u) = a f x + b f u").prog("f", f).vec("x", x).vec("u", u).note("a, b", a + ", " + b)
                .close("⟦f⟧(a x + b u)", run(f, mix), "a ⟦f⟧ x + b ⟦f⟧ u", rhs, Tolerance.DERIVATIVE, scale);
    }

    /** {@code ⟨f u, v⟩ = ⟨u, fᵀ v⟩}. */
    @Property default void adjointIdentity(@ForAll("transposeCase") Case c) {
        var f = c.f(); var u = c.u(); var v = c.v();
        var ft = transpose(f);
        var fu = run(f, u); var ftv = run(ft, v);
        law("⟨f u, v⟩ = ⟨u, fᵀ v⟩").prog("f", f).prog("fᵀ", ft).vec("u", u).vec("v", v).vec("⟦f⟧ u", fu).vec("⟦fᵀ⟧ v", ftv)
                .close("⟨⟦f⟧ u, v⟩", dot(fu, v), "⟨u, ⟦fᵀ⟧ v⟩", dot(u, ftv), Tolerance.DERIVATIVE, Math.max(dotScale(fu, v), dotScale(u, ftv)));
    }

    /** {@code (g ∘ f)ᵀ = fᵀ ∘ gᵀ}. */
    @Property default void transposeOfComposition(@ForAll("transposeChain") Case c) {
        var f = c.f(); var g = c.g(); var v = c.x();
        var gft = transpose(compose(g, f));
        law("(g ∘ f)ᵀ = fᵀ ∘ gᵀ").prog("f", f).prog("g", g).prog("(g ∘ f)ᵀ", gft).vec("v", v)
                .close("⟦(g ∘ f)ᵀ⟧ v", run(gft, v), "(⟦fᵀ⟧ ∘ ⟦gᵀ⟧) v", interpretation().runThen(transpose(g), transpose(f), v), Tolerance.ROUNDING);
    }

    /** {@code (f × g)ᵀ = fᵀ × gᵀ}. */
    @Property default void transposeOfCross(@ForAll("transposeCross") Case c) {
        var f = c.f(); var g = c.g(); var v = c.x();
        law("(f × g)ᵀ = fᵀ × gᵀ").prog("f", f).prog("g", g).vec("v", v)
                .close("⟦(f × g)ᵀ⟧ v", run(transpose(cross(f, g)), v), "⟦fᵀ × gᵀ⟧ v", run(cross(transpose(f), transpose(g)), v), Tolerance.ROUNDING);
    }

    /** {@code (f △ g)ᵀ = fᵀ ▽ gᵀ}. */
    @Property default void transposeOfFork(@ForAll("transposeFork") Case c) {
        var f = c.f(); var g = c.g(); var v = c.x();
        law("(f △ g)ᵀ = fᵀ ▽ gᵀ").prog("f", f).prog("g", g).vec("v", v)
                .close("⟦(f △ g)ᵀ⟧ v", run(transpose(fork(f, g)), v), "⟦fᵀ ▽ gᵀ⟧ v", run(join(transpose(f), transpose(g)), v), Tolerance.ROUNDING);
    }

    /** {@code (map f)ᵀ = map fᵀ}. */
    @Property default void transposeOfMap(@ForAll("transposeMap") Case c) {
        var m = (Prog.Map) c.f(); var v = c.x();
        law("(map f)ᵀ = map fᵀ").prog("map f", m).vec("v", v)
                .close("⟦(map f)ᵀ⟧ v", run(transpose(m), v), "⟦map fᵀ⟧ v", run(map(m.n(), transpose(m.f())), v), Tolerance.ROUNDING);
    }

    /**
     * The transposes of the linear combinators: {@code exlᵀ = inl}, {@code exrᵀ = inr},
     * {@code dupᵀ = jam}, {@code jamᵀ = dup}, {@code (scale s)ᵀ = scale s}, {@code replᵀ = sum},
     * {@code sumᵀ = repl}, {@code (ex i)ᵀ = in i}, {@code (in i)ᵀ = ex i}.
     */
    @Property default void transposeOfCombinators(@ForAll("transposeAtom") Case c) {
        var f = c.f(); var expected = c.g(); var v = c.x();
        law("fᵀ = g").prog("f", f).prog("g", expected).vec("v", v)
                .close("⟦fᵀ⟧ v", run(transpose(f), v), "⟦g⟧ v", run(expected, v), Tolerance.ROUNDING);
    }

    /** {@code Mᵀ} of a constant matrix is the transposed matrix. */
    @Property default void transposeOfMatrix(@ForAll("transposeMatrix") Case c) {
        var f = c.f(); var mt = c.g(); var v = c.x();
        law("Mᵀ = the transposed matrix").prog("M", f).prog("transposed M", mt).vec("v", v)
                .close("⟦Mᵀ⟧ v", run(transpose(f), v), "⟦transposed M⟧ v", run(mt, v), Tolerance.ROUNDING);
    }

    /** {@code (fᵀ)ᵀ = f}. */
    @Property default void transposeIsAnInvolution(@ForAll("transposeCase") Case c) {
        var f = c.f(); var u = c.u();
        var ftt = transpose(transpose(f));
        law("(fᵀ)ᵀ = f").prog("f", f).prog("(fᵀ)ᵀ", ftt).vec("u", u)
                .close("⟦(fᵀ)ᵀ⟧ u", run(ftt, u), "⟦f⟧ u", run(f, u), Tolerance.ROUNDING);
    }
}
