package catad.laws;

import static catad.dsl.Catad.*;
import static catad.laws.Check.concat;
import static catad.laws.Check.dot;
import static catad.laws.Check.dotScale;

import catad.dsl.Prog;
import catad.interpreter.AD;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The derivative laws, for the program {@code P = view(f)} an interpretation runs: forward and
 * reverse mode agree, both agree with central finite differences of the interpretation, the
 * derivative programs ({@code AD.jvp(P)}, {@code AD.vjp(P)}, {@code AD.grad}) agree with the
 * numeric forms, {@code linearize} agrees with both modes, and D is a functor
 * ({@code D id = id}, {@code D(g ∘ f) = D g ∘ D f}, {@code D(f × g) = D f × D g}, a linear map is
 * its own derivative).
 *
 * <p>For evaluation P is f itself. For a derivative-program interpretation P is {@code AD.jvp(f)}
 * or {@code AD.vjp(f)}, so the same laws check second derivatives; for forward over forward, third.
 */
public interface DerivativeLaws extends InterpretedLaws {

    /** {@inheritDoc} One that runs a program, so that program can be differentiated. */
    @Override ProgramInterpretation interpretation();

    /** f, then x and u of the input of P = view(f), and v of its output. */
    @Provide default Arbitrary<Case> derivativeCase() { return withTangents(Cases.one(Generators::programs)); }

    /** The same for a linear f. */
    @Provide default Arbitrary<Case> derivativeLinearCase() { return withTangents(Cases.one(Generators::linearPrograms)); }

    /** {@code P = view(id)} on a random shape, and x, u of its input. */
    @Provide default Arbitrary<Case> derivativeIdentityCase() {
        var m = interpretation();
        return Generators.shapes().flatMap(s -> {
            var p = m.view(id(s));
            return Cases.vectors(List.of(p.dom(), p.dom())).map(xs -> Case.of(List.of(p), xs));
        });
    }

    /** f, and P = view(f) followed by a program g from P's output, then x, u of P's input. */
    @Provide default Arbitrary<Case> derivativeChainCase() {
        var m = interpretation();
        return Cases.one(Generators::programs).flatMap(fs -> {
            var p = m.view(fs.get(0));
            return Generators.programs(p.cod(), 2).flatMap(g ->
                    Cases.pointAndTangents(p.dom(), p.cod()).map(xs -> Case.of(List.of(fs.get(0), g), xs)));
        });
    }

    /** f and g, then x, y of the inputs of their views and tangents u, w of the same shapes. */
    @Provide default Arbitrary<Case> derivativeCrossCase() {
        var m = interpretation();
        return Cases.one(Generators::programs).flatMap(fs -> Cases.one(Generators::programs).flatMap(gs -> {
            var p = m.view(fs.get(0));
            var q = m.view(gs.get(0));
            return Cases.vectors(List.of(p.dom(), q.dom(), p.dom(), q.dom()))
                    .map(xs -> Case.of(List.of(fs.get(0), gs.get(0)), xs));
        }));
    }

    private Arbitrary<Case> withTangents(Arbitrary<List<Prog>> progs) {
        var m = interpretation();
        return progs.flatMap(ps -> {
            var p = m.view(ps.get(0));
            return Cases.pointAndTangents(p.dom(), p.cod()).map(xs -> Case.of(ps, xs));
        });
    }

    /** {@code vjp(P, x, v) · u = v · jvp(P, x, u)}. */
    @Property default void forwardAndReverseAgree(@ForAll("derivativeCase") Case c) {
        var p = interpretation().view(c.f()); var x = c.x(); var u = c.u(); var v = c.v();
        var jvp = AD.jvp(p, x, u)._2;
        var vjp = AD.vjp(p, x, v);
        law("vjp(P,x,v)·u = v·jvp(P,x,u)").prog("f", c.f()).prog("P", p).vec("x", x).vec("u", u).vec("v", v)
                .vec("jvp(P,x,u)", jvp).vec("vjp(P,x,v)", vjp)
                .close("vjp·u", dot(vjp, u), "v·jvp", dot(v, jvp), Tolerance.DERIVATIVE, Math.max(dotScale(vjp, u), dotScale(v, jvp)));
    }

    /** {@code jvp(P, x, u) ≈ J u}, J by central finite differences of the interpretation. */
    @Property default void jvpMatchesFiniteDifferences(@ForAll("derivativeCase") Case c) {
        var f = c.f(); var p = interpretation().view(f); var x = c.x(); var u = c.u();
        var jac = FiniteDifferences.jacobian(y -> run(f, y), x, p.cod().dim());
        law("jvp(P,x,u) = finite differences J u").prog("f", f).prog("P", p).vec("x", x).vec("u", u)
                .close("jvp(P,x,u)", AD.jvp(p, x, u)._2, "J u", jac.apply(u), Tolerance.FINITE_DIFFERENCE, jac.scale(u));
    }

    /** {@code vjp(P, x, v) ≈ Jᵀ v}, J by central finite differences of the interpretation. */
    @Property default void vjpMatchesFiniteDifferences(@ForAll("derivativeCase") Case c) {
        var f = c.f(); var p = interpretation().view(f); var x = c.x(); var v = c.v();
        var jac = FiniteDifferences.jacobian(y -> run(f, y), x, p.cod().dim());
        law("vjp(P,x,v) = finite differences Jᵀ v").prog("f", f).prog("P", p).vec("x", x).vec("v", v)
                .close("vjp(P,x,v)", AD.vjp(p, x, v), "Jᵀ v", jac.applyTransposed(v, x.length),
                        Tolerance.FINITE_DIFFERENCE, jac.scaleTransposed(v, x.length));
    }

    /** The program {@code AD.jvp(P)} at {@code (x, u)} gives {@code (P x, jvp(P, x, u))}. */
    @Property default void jvpProgramMatchesNumeric(@ForAll("derivativeCase") Case c) {
        var p = interpretation().view(c.f()); var x = c.x(); var u = c.u();
        var dp = AD.jvp(p);
        var numeric = AD.jvp(p, x, u);
        law("AD.jvp(P) (x, u) = (P x, jvp(P,x,u))").prog("P", p).prog("AD.jvp(P)", dp).vec("x", x).vec("u", u)
                .close("AD.jvp(P) (x, u)", AD.eval(dp, concat(x, u)), "(P x, jvp(P,x,u))", concat(numeric._1, numeric._2), Tolerance.DERIVATIVE);
    }

    /** The program {@code AD.vjp(P)} at {@code (x, v)} gives {@code vjp(P, x, v)}. */
    @Property default void vjpProgramMatchesNumeric(@ForAll("derivativeCase") Case c) {
        var p = interpretation().view(c.f()); var x = c.x(); var v = c.v();
        var dp = AD.vjp(p);
        law("AD.vjp(P) (x, v) = vjp(P,x,v)").prog("P", p).prog("AD.vjp(P)", dp).vec("x", x).vec("v", v)
                .close("AD.vjp(P) (x, v)", AD.eval(dp, concat(x, v)), "vjp(P,x,v)", AD.vjp(p, x, v), Tolerance.DERIVATIVE);
    }

    /** The gradient program of {@code Σ ∘ P} (all outputs added up, a program to R) gives the gradient. */
    @Property default void gradProgramMatchesNumeric(@ForAll("derivativeCase") Case c) {
        var p = interpretation().view(c.f()); var x = c.x();
        var s = compose(Generators.total(p.cod()), p);
        var gs = AD.grad(s);
        law("AD.grad(S) x = grad(S,x) for S = Σ ∘ P").prog("S", s).prog("AD.grad(S)", gs).vec("x", x)
                .close("AD.grad(S) x", AD.eval(gs, x), "grad(S,x)", AD.grad(s, x), Tolerance.DERIVATIVE);
    }

    /** {@code linearize(P, x)} applies as {@code jvp} and its transpose as {@code vjp}. */
    @Property default void linearizeMatchesJvpAndVjp(@ForAll("derivativeCase") Case c) {
        var p = interpretation().view(c.f()); var x = c.x(); var u = c.u(); var v = c.v();
        var lin = AD.linearize(p, x)._2;
        var ctx = law("linearize(P,x) u = jvp(P,x,u), linearize(P,x)ᵀ v = vjp(P,x,v)").prog("P", p).vec("x", x).vec("u", u).vec("v", v);
        ctx.close("linearize(P,x) u", lin.apply(u), "jvp(P,x,u)", AD.jvp(p, x, u)._2, Tolerance.DERIVATIVE);
        ctx.close("linearize(P,x)ᵀ v", lin.transpose().apply(v), "vjp(P,x,v)", AD.vjp(p, x, v), Tolerance.DERIVATIVE);
    }

    /** {@code D id = id}: {@code jvp(view(id), x, u) = u}. */
    @Property default void derivativeOfIdentity(@ForAll("derivativeIdentityCase") Case c) {
        var id = c.f(); var x = c.x(); var u = c.u();
        law("D id = id").prog("P = view(id)", id).vec("x", x).vec("u", u)
                .close("jvp(P,x,u)", AD.jvp(id, x, u)._2, "u", u, Tolerance.ROUNDING);
    }

    /** {@code D(g ∘ P)(x) u = D g(P x) (D P(x) u)}: the chain rule. */
    @Property default void chainRule(@ForAll("derivativeChainCase") Case c) {
        var p = interpretation().view(c.f()); var g = c.g(); var x = c.x(); var u = c.u();
        var px = AD.jvp(p, x, u);
        law("D(g ∘ P) = D g ∘ D P").prog("P", p).prog("g", g).vec("x", x).vec("u", u)
                .close("jvp(g ∘ P, x, u)", AD.jvp(compose(g, p), x, u)._2,
                        "jvp(g, P x, jvp(P,x,u))", AD.jvp(g, px._1, px._2)._2, Tolerance.DERIVATIVE);
    }

    /** {@code D(P × Q) = D P × D Q}. */
    @Property default void derivativeOfCross(@ForAll("derivativeCrossCase") Case c) {
        var p = interpretation().view(c.f()); var q = interpretation().view(c.g());
        var x = c.x(); var y = c.u(); var u = c.v(); var w = c.w();
        var both = AD.jvp(cross(p, q), concat(x, y), concat(u, w));
        var jp = AD.jvp(p, x, u); var jq = AD.jvp(q, y, w);
        law("D(P × Q) = D P × D Q").prog("P", p).prog("Q", q).vec("(x, y)", concat(x, y)).vec("(u, w)", concat(u, w))
                .close("jvp(P × Q, (x,y), (u,w))", concat(both._1, both._2), "(P x, Q y, jvp(P,x,u), jvp(Q,y,w))",
                        concat(concat(jp._1, jq._1), concat(jp._2, jq._2)), Tolerance.ROUNDING);
    }

    /** For linear {@code f}, P is linear too and {@code P'(x) = P}: {@code jvp(P, x, u) = P u}. */
    @Property default void linearIsItsOwnDerivative(@ForAll("derivativeLinearCase") Case c) {
        var p = interpretation().view(c.f()); var x = c.x(); var u = c.u();
        law("P'(x) = P for linear P").prog("f", c.f()).prog("P", p).vec("x", x).vec("u", u)
                .close("jvp(P,x,u)", AD.jvp(p, x, u)._2, "P u", AD.eval(p, u), Tolerance.ROUNDING);
    }
}
