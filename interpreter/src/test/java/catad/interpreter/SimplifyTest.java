package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static catad.interpreter.Num.*;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each rewrite of {@link Simplify} on a program where it fires: the result is no bigger and computes
 * the same function. Derivative programs exercise only some rules, so a wrong rule could otherwise
 * go unnoticed.
 */
class SimplifyTest {

    static final Shape RR = Shape.pair(R, R), V2 = Shape.vec(2);

    record Rule(String name, Prog f) {
        @Override public String toString() { return name; }
    }

    static Stream<Rule> rules() {
        Prog x = exl(R, R), y = exr(R, R);
        return Stream.of(
                new Rule("const after f", compose(constant(R, 2.5), sin)),
                new Rule("zero after f", compose(zero(R, V2), exp)),
                new Rule("! after f", compose(add, cross(sin, compose(constant(Shape.UNIT, 1.5), bang(R))))),
                new Rule("constant folding", compose(exp, sin, constant(R, 0.3))),
                new Rule("linear after zero", compose(scale(3), sum(V2), zero(R, V2))),
                new Rule("exl after dup", compose(sin, exl(R, R), dup(R))),
                new Rule("exr after dup", compose(cos, exr(R, R), dup(R))),
                new Rule("f △ f", compose(mul, fork(sin, sin))),
                new Rule("(f∘h) △ (g∘h)", compose(add, fork(compose(sin, exp), compose(cos, exp)))),
                new Rule("(f∘h) △ h", compose(mul, fork(compose(sin, exp), exp))),
                new Rule("h △ (g∘h)", compose(mul, fork(exp, compose(cos, exp)))),
                new Rule("exl after cross", compose(exl(R, R), cross(sin, cos))),
                new Rule("exr after cross", compose(exr(R, R), cross(sin, cos))),
                new Rule("cross after cross", compose(cross(exp, tanh), cross(sin, cos))),
                new Rule("jam of f and zero", compose(jam(R), cross(sin, zero(R, R)))),
                new Rule("jam of zero and g", compose(jam(R), cross(zero(R, R), cos))),
                new Rule("jam of pairs by parts: inl and a fork with a zero", compose(mul, jam(RR), cross(inl(R, R), fork(zero(R, R), id(R))))),
                new Rule("jam of pairs by parts: inl and a pair", compose(sin, exr(R, R), jam(RR), cross(inl(R, R), id(RR)))),
                new Rule("mul by zero on the left", compose(mul, cross(zero(R, R), sin))),
                new Rule("mul by zero on the right", compose(mul, cross(sin, zero(R, R)))),
                new Rule("mul by one on the left", compose(mul, cross(constant(R, 1), sin))),
                new Rule("mul by one on the right", compose(mul, cross(sin, constant(R, 1)))),
                new Rule("mul by a constant on the left", compose(mul, cross(constant(R, -2.5), sin))),
                new Rule("mul by a constant on the right", compose(mul, cross(sin, constant(R, 0.75)))),
                new Rule("exl after inl", compose(sin, exl(R, V2), inl(R, V2))),
                new Rule("exr after inl", compose(sum(V2), exr(R, V2), inl(R, V2))),
                new Rule("exr after inr", compose(sum(V2), exr(R, V2), inr(R, V2))),
                new Rule("exl after inr", compose(sin, exl(R, V2), inr(R, V2))),
                new Rule("scale after scale", compose(scale(3), scale(-0.5))),
                new Rule("map after map", compose(map(2, sin), map(2, exp))),
                new Rule("id × id", compose(mul, cross(id(R), id(R)))),
                new Rule("zero × zero", compose(add, cross(zero(R, R), zero(R, R)), cross(sin, cos))),
                new Rule("map id", compose(sum(V2), map(2, id(R)))),
                new Rule("map zero", compose(sum(V2), map(2, zero(R, R)))),
                new Rule("map scale", compose(sum(V2), map(2, scale(4)))),
                new Rule("cond with equal branches", cond(x, compose(sin, y), compose(sin, y))),
                new Rule("iterate 0", compose(sin, iterate(0, exp))),
                new Rule("iterate 1", compose(sin, iterate(1, exp))),
                new Rule("scale 1", compose(sin, scale(1))),
                new Rule("scale 0", compose(sum(V2), scale(V2, 0), map(2, exp))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void rewriteKeepsTheFunction(Rule r) {
        Prog s = AD.simplify(r.f());
        assertEquals(r.f().dom(), s.dom(), "domain");
        assertEquals(r.f().cod(), s.cod(), "codomain");
        // the rule fires, and the program does not grow (sharing rules trade a repeated h for an id)
        assertNotEquals(r.f(), s, r + ": the rule should fire on " + Printer.print(r.f()));
        assertTrue(AD.size(s) <= AD.size(r.f()), r + ": " + Printer.print(r.f()) + " ⇒ " + Printer.print(s));
        var rnd = new Random(r.name().hashCode());
        for (int k = 0; k < 10; k++) {
            double[] x = random(rnd, r.f().dom().dim(), -2, 2);
            close(r + ": " + Printer.print(r.f()) + " ⇒ " + Printer.print(s), AD.eval(r.f(), x), AD.eval(s, x), 1e-15);
        }
        assertEquals(s, AD.simplify(s), "simplify reaches a fixed point");
    }
}
