package catad.laws;

import static catad.dsl.Catad.compose;
import static catad.laws.Check.dot;
import static catad.laws.Check.dotScale;

import catad.dsl.Parser;
import catad.dsl.Primitive;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.interpreter.AD;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The laws of one primitive, as a jqwik contract for your own tests: implement it with your
 * primitive and jqwik draws points of its domain, checks them, and shrinks a failure.
 *
 * {@snippet :
 * class SoftsignLaws implements PrimitiveLaws {
 *     public Primitive primitive() { return SOFTSIGN; }
 *     public int order() { return 2; }          // its derivative is a program, so check second derivatives too
 * }
 * }
 *
 * <p>Points come from {@link LawCheck#domainOf} (the primitive's declared domain, all of R cut to
 * {@code (-2, 2)}). {@link LawCheck#primitive} runs the same kind of check in one call, outside jqwik.
 */
public interface PrimitiveLaws {

    /** {@return the primitive whose laws are checked} */
    Primitive primitive();

    /** {@return the order of derivatives checked against finite differences; 1 unless overridden} */
    default int order() { return 1; }

    /** A point of the primitive's domain. */
    @Provide default Arbitrary<double[]> primitivePoint() { return LawCheck.domainOf(primitive()); }

    /** A point of the domain, a tangent of the input and a cotangent of the output. */
    @Provide default Arbitrary<Case> primitiveTangents() {
        var p = primitive();
        return Combinators.combine(LawCheck.domainOf(p), Cases.tangents(p.dom()), Cases.tangents(p.cod()))
                .as((x, u, v) -> Case.of(List.of(p.prog()), List.of(x, u, v)));
    }

    /** A point of the domain, a tangent, and a random program g after the primitive. */
    @Provide default Arbitrary<Case> primitiveThenProgram() {
        var p = primitive();
        return Generators.programs(p.cod()).flatMap(g -> Combinators.combine(LawCheck.domainOf(p), Cases.tangents(p.dom()))
                .as((x, u) -> Case.of(List.of(p.prog(), g), List.of(x, u))));
    }

    /** A random program that applies this primitive (its only primitive, guarded into its domain), with an input. */
    @Provide default Arbitrary<Case> programUsingIt() {
        var p = primitive();
        var config = Generators.Config.DEFAULT.withPrimitives(List.of(p)).withDepth(2);
        return Cases.withInput(s -> Generators.programs(s, config).filter(f -> uses(f, p)));
    }

    /** {@return whether {@code f} applies {@code p} somewhere} @param f a program @param p a primitive */
    static boolean uses(Prog f, Primitive p) {
        return f.nodes().stream().anyMatch(g -> g instanceof Prog.Prim(Primitive q) && q.equals(p));
    }

    /** Its derivatives, up to {@link #order()}, agree with finite differences and with each other ({@link GradCheck}). */
    @Property default void derivativesMatchFiniteDifferences(@ForAll("primitivePoint") double[] x) {
        GradCheck.check(primitive().prog(), x, order());
    }

    /** {@code ⟨f'(x) u, v⟩ = ⟨u, f'(x)ᵀ v⟩}; for a linear primitive also {@code f'(x) = f}. */
    @Property default void derivativeIsAdjointToItsTranspose(@ForAll("primitiveTangents") Case c) {
        var p = primitive(); var f = p.prog(); var x = c.x(); var u = c.u(); var v = c.v();
        var lin = AD.linearize(f, x)._2;
        var fu = lin.apply(u); var ftv = lin.transpose().apply(v);
        var ctx = Check.law("⟨f'(x) u, v⟩ = ⟨u, f'(x)ᵀ v⟩").prog("f", f).vec("x", x).vec("u", u).vec("v", v);
        ctx.close("⟨f'(x) u, v⟩", dot(fu, v), "⟨u, f'(x)ᵀ v⟩", dot(u, ftv), Tolerance.DERIVATIVE, Math.max(dotScale(fu, v), dotScale(u, ftv)));
        if (p.linear()) ctx.close("f'(x) u", fu, "f u", AD.eval(f, u), Tolerance.ROUNDING);
    }

    /** The chain rule through it: {@code D(g ∘ f)(x) u = D g(f x) (D f(x) u)}, for random programs g. */
    @Property default void chainRuleThroughIt(@ForAll("primitiveThenProgram") Case c) {
        var f = c.f(); var g = c.g(); var x = c.x(); var u = c.u();
        var fx = AD.jvp(f, x, u);
        Check.law("D(g ∘ f) = D g ∘ D f").prog("f", f).prog("g", g).vec("x", x).vec("u", u)
                .close("jvp(g ∘ f, x, u)", AD.jvp(compose(g, f), x, u)._2,
                        "jvp(g, f x, jvp(f,x,u))", AD.jvp(g, fx._1, fx._2)._2, Tolerance.DERIVATIVE);
    }

    /** Random programs built with it differentiate correctly: {@link GradCheck} at order 1. */
    @Property default void programsUsingItDifferentiateCorrectly(@ForAll("programUsingIt") Case c) {
        GradCheck.check(c.f(), c.x(), 1);
    }

    /** Programs that use it, and their derivative programs, print and parse back equal. */
    @Property default void programsUsingItPrintAndParse(@ForAll("primitiveThenProgram") Case c) {
        for (Prog h : List.of(compose(c.g(), c.f()), AD.jvp(compose(c.g(), c.f())), AD.vjp(compose(c.g(), c.f())))) {
            var text = Printer.print(h);
            var back = Parser.parse(text, Parser.primitivesOf(h));
            Check.law("parse(print(h)) = h").note("h", text).note("parse(print(h))", Printer.print(back)).that("parse(print(h)).equals(h)", back.equals(h));
        }
    }
}
