package catad.laws;

import static catad.dsl.Catad.*;
import static catad.laws.Check.concat;
import static catad.laws.Check.dot;
import static catad.laws.Check.dotScale;

import catad.dsl.Shape;
import catad.interpreter.AD;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The derivative laws: forward and reverse mode agree, both agree with central finite differences,
 * the derivative programs ({@code AD.jvp(f)}, {@code AD.vjp(f)}, {@code AD.grad(f)}) run by the
 * interpretation agree with the numeric forms, D respects composition, and a linear map is its own
 * derivative. The numeric forms differentiate {@link Interpretation#view} of the program.
 */
public interface DerivativeLaws extends InterpretedLaws {

    @Provide default Arbitrary<Case> derivativeCase() { return Cases.withTangents(Generators::programs); }

    @Provide default Arbitrary<Case> derivativeLinearCase() { return Cases.withTangents(Generators::linearPrograms); }

    @Provide default Arbitrary<Case> derivativeScalarCase() { return Cases.oneProgram(s -> Generators.programs(s, Shape.R)); }

    @Provide default Arbitrary<Case> derivativeChainCase() {
        return Generators.shapes().flatMap(s -> Generators.programs(s, 2).flatMap(f ->
                Combinators.combine(Generators.programs(f.cod(), 2), Generators.values(s), Generators.values(s))
                        .as((g, x, u) -> Case.of(List.of(f, g), List.of(x, u)))));
    }

    /** {@code vjp(f, x, v) · u = v · jvp(f, x, u)}. */
    @Property default void forwardAndReverseAgree(@ForAll("derivativeCase") Case c) {
        var f = interpretation().view(c.f()); var x = c.x(); var u = c.u(); var v = c.v();
        var jvp = AD.jvp(f, x, u)._2;
        var vjp = AD.vjp(f, x, v);
        law("vjp(f,x,v)·u = v·jvp(f,x,u)").prog("f", f).vec("x", x).vec("u", u).vec("v", v)
                .vec("jvp(f,x,u)", jvp).vec("vjp(f,x,v)", vjp)
                .close("vjp·u", dot(vjp, u), "v·jvp", dot(v, jvp), Tolerance.DERIVATIVE, Math.max(dotScale(vjp, u), dotScale(v, jvp)));
    }

    /** {@code jvp(f, x, u) ≈ (J u)} with J by central finite differences of the interpretation. */
    @Property default void jvpMatchesFiniteDifferences(@ForAll("derivativeCase") Case c) {
        var f = c.f(); var x = c.x(); var u = c.u();
        var jac = FiniteDifferences.jacobian(y -> run(f, y), x, f.cod().dim());
        law("jvp(f,x,u) = finite differences J u").prog("f", f).vec("x", x).vec("u", u)
                .close("jvp(f,x,u)", AD.jvp(interpretation().view(f), x, u)._2, "J u", jac.apply(u), Tolerance.FINITE_DIFFERENCE, jac.scale(u));
    }

    /** {@code vjp(f, x, v) ≈ Jᵀ v} with J by central finite differences of the interpretation. */
    @Property default void vjpMatchesFiniteDifferences(@ForAll("derivativeCase") Case c) {
        var f = c.f(); var x = c.x(); var v = c.v();
        var jac = FiniteDifferences.jacobian(y -> run(f, y), x, f.cod().dim());
        law("vjp(f,x,v) = finite differences Jᵀ v").prog("f", f).vec("x", x).vec("v", v)
                .close("vjp(f,x,v)", AD.vjp(interpretation().view(f), x, v), "Jᵀ v", jac.applyTransposed(v, x.length),
                        Tolerance.FINITE_DIFFERENCE, jac.scaleTransposed(v, x.length));
    }

    /** The program {@code AD.jvp(f)} at {@code (x, u)} gives {@code (f x, jvp(f, x, u))}. */
    @Property default void jvpProgramMatchesNumeric(@ForAll("derivativeCase") Case c) {
        var f = c.f(); var x = c.x(); var u = c.u();
        var df = AD.jvp(f);
        var numeric = AD.jvp(interpretation().view(f), x, u);
        law("AD.jvp(f) (x, u) = (f x, jvp(f,x,u))").prog("f", f).prog("AD.jvp(f)", df).vec("x", x).vec("u", u)
                .close("AD.jvp(f) (x, u)", run(df, concat(x, u)), "(f x, jvp(f,x,u))", concat(numeric._1, numeric._2), Tolerance.DERIVATIVE);
    }

    /** The program {@code AD.vjp(f)} at {@code (x, v)} gives {@code vjp(f, x, v)}. */
    @Property default void vjpProgramMatchesNumeric(@ForAll("derivativeCase") Case c) {
        var f = c.f(); var x = c.x(); var v = c.v();
        var df = AD.vjp(f);
        law("AD.vjp(f) (x, v) = vjp(f,x,v)").prog("f", f).prog("AD.vjp(f)", df).vec("x", x).vec("v", v)
                .close("AD.vjp(f) (x, v)", run(df, concat(x, v)), "vjp(f,x,v)", AD.vjp(interpretation().view(f), x, v), Tolerance.DERIVATIVE);
    }

    /** The program {@code AD.grad(f)} at {@code x} gives {@code grad(f, x)}, for {@code f} to R. */
    @Property default void gradProgramMatchesNumeric(@ForAll("derivativeScalarCase") Case c) {
        var f = c.f(); var x = c.x();
        var df = AD.grad(f);
        law("AD.grad(f) x = grad(f,x)").prog("f", f).prog("AD.grad(f)", df).vec("x", x)
                .close("AD.grad(f) x", run(df, x), "grad(f,x)", AD.grad(interpretation().view(f), x), Tolerance.DERIVATIVE);
    }

    /** {@code linearize(f, x)} applies as {@code jvp} and its transpose as {@code vjp}. */
    @Property default void linearizeMatchesJvpAndVjp(@ForAll("derivativeCase") Case c) {
        var f = interpretation().view(c.f()); var x = c.x(); var u = c.u(); var v = c.v();
        var lin = AD.linearize(f, x)._2;
        var ctx = law("linearize(f,x) u = jvp(f,x,u), linearize(f,x)ᵀ v = vjp(f,x,v)").prog("f", f).vec("x", x).vec("u", u).vec("v", v);
        ctx.close("linearize(f,x) u", lin.apply(u), "jvp(f,x,u)", AD.jvp(f, x, u)._2, Tolerance.DERIVATIVE);
        ctx.close("linearize(f,x)ᵀ v", lin.transpose().apply(v), "vjp(f,x,v)", AD.vjp(f, x, v), Tolerance.DERIVATIVE);
    }

    /** {@code D(g ∘ f)(x) u = D g(f x) (D f(x) u)}: the chain rule. */
    @Property default void chainRule(@ForAll("derivativeChainCase") Case c) {
        var f = c.f(); var g = c.g(); var x = c.x(); var u = c.u();
        var fx = AD.jvp(f, x, u);
        law("D(g ∘ f) = D g ∘ D f").prog("f", f).prog("g", g).vec("x", x).vec("u", u)
                .close("jvp(g ∘ f, x, u)", AD.jvp(interpretation().view(compose(g, f)), x, u)._2,
                        "jvp(g, f x, jvp(f,x,u))", AD.jvp(g, fx._1, fx._2)._2, Tolerance.DERIVATIVE);
    }

    /** For linear {@code f}: {@code f'(x) = f}, i.e. {@code jvp(f, x, u) = f u}. */
    @Property default void linearIsItsOwnDerivative(@ForAll("derivativeLinearCase") Case c) {
        var f = c.f(); var x = c.x(); var u = c.u();
        law("f'(x) = f for linear f").prog("f", f).vec("x", x).vec("u", u)
                .close("jvp(f,x,u)", AD.jvp(interpretation().view(f), x, u)._2, "f u", run(f, u), Tolerance.ROUNDING);
    }
}
