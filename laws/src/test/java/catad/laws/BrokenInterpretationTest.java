package catad.laws;

import static catad.dsl.Catad.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import catad.dsl.Parser;
import catad.dsl.Primitive;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The contracts catch a broken interpretation, and report it shrunk: a wrong derivative of
 * {@code sin}, and a projection that doubles its value. Each broken interpretation rewrites the
 * programs it is given, as a faulty interpreter would treat them, and is run through the contracts
 * from inside this test.
 */
class BrokenInterpretationTest {

    /** sin whose derivative is 1% too large. */
    static final Primitive.Unary BAD_SIN = Primitive.unary("badsin", StrictMath::sin, () -> compose(scale(1.01), cos), Primitive.Interval.ALL);

    /** Evaluation where every {@code sin} has a wrong derivative. */
    static final ProgramInterpretation WRONG_SIN_DERIVATIVE = new ProgramInterpretation() {
        @Override public String name() { return "eval with a wrong sin'"; }
        @Override public Prog view(Prog f) { return replace(f, sin, BAD_SIN.prog()); }
        @Override public Shape input(Prog f) { return f.dom(); }
        @Override public Shape output(Prog f) { return f.cod(); }
    };

    /** Evaluation where {@code exr} doubles what it projects. */
    static final ProgramInterpretation DOUBLING_EXR = new ProgramInterpretation() {
        @Override public String name() { return "eval with exr doubled"; }
        @Override public Prog view(Prog f) {
            return rewrite(f, g -> g instanceof Prog.Exr e ? compose(scale(e.b(), 2), e) : g);
        }
        @Override public Shape input(Prog f) { return f.dom(); }
        @Override public Shape output(Prog f) { return f.cod(); }
    };

    static final class WrongSinDerivative implements DerivativeLaws {
        @Override public ProgramInterpretation interpretation() { return WRONG_SIN_DERIVATIVE; }
    }

    static final class DoublingExr implements CartesianLaws {
        @Override public Interpretation interpretation() { return DOUBLING_EXR; }
    }

    /** A property that rejects most of its tries by an assumption. */
    static final class Starved {
        @Provide Arbitrary<Integer> any() { return Arbitraries.integers().between(0, 1000); }
        @Property(maxDiscardRatio = 100) void rarelyChecked(@ForAll("any") int i) {
            Assume.that(i % 10 == 0);
            assertEquals(0, i % 10);
        }
    }

    private static final Pattern PROGRAM_LINE = Pattern.compile("^ {2}(f|g|P) = (.*)$", Pattern.MULTILINE);

    @Test
    void aWrongDerivativeIsCaughtByTheFiniteDifferenceLawsAndShrunk() {
        var failures = ContractRuns.failures(ContractRuns.run(WrongSinDerivative.class, 500));
        for (var law : List.of("jvpMatchesFiniteDifferences", "vjpMatchesFiniteDifferences"))
            assertTrue(failures.containsKey(law), () -> law + " did not fail; failures: " + failures.keySet());
        // laws that compare AD with AD (not with the function's values) rightly hold: the rule is wrong consistently
        assertFalse(failures.containsKey("forwardAndReverseAgree"), () -> failures.get("forwardAndReverseAgree"));
        var message = failures.get("jvpMatchesFiniteDifferences");
        for (var part : List.of("law violated: jvp(P,x,u) = finite differences J u", "badsin", "J u", "difference", "rtol"))
            assertTrue(message.contains(part), () -> "report lacks " + part + ":\n" + message);
        assertSmall(message, 3);
    }

    @Test
    void aWrongProjectionIsCaughtByTheCartesianLawAndShrunk() {
        var failures = ContractRuns.failures(ContractRuns.run(DoublingExr.class, 300));
        assertTrue(failures.containsKey("exrAfterFork"), failures::toString);
        var message = failures.get("exrAfterFork");
        assertTrue(message.contains("law violated: exr ∘ (f △ g) = g  [eval with exr doubled]"), message);
        assertSmall(message, 1);
    }

    @Test
    void aPropertyThatRejectsItsTriesIsNoticed() {
        var checks = ContractRuns.checks(ContractRuns.run(Starved.class, 100));
        assertTrue(checks.get("rarelyChecked") < 100, checks::toString);
    }

    /** Every program in the report parses back and has at most {@code maxSize} nodes: shrinking worked. */
    private static void assertSmall(String message, int maxSize) {
        var m = PROGRAM_LINE.matcher(message);
        int seen = 0;
        while (m.find()) {
            seen++;
            var p = Parser.parse(m.group(2), Parser.primitives(BAD_SIN));
            assertTrue(AD.size(p) <= maxSize, () -> "not shrunk: " + m.group(2) + "\n" + message);
        }
        assertTrue(seen > 0, () -> "no program in the report:\n" + message);
    }

    // ---------------------------------------------------------------- rewriting

    static Prog replace(Prog f, Prog from, Prog to) { return rewrite(f, g -> g.equals(from) ? to : g); }

    /** Applies {@code leaf} to every node without children, rebuilding the rest around them. */
    static Prog rewrite(Prog f, java.util.function.UnaryOperator<Prog> leaf) {
        return switch (f) {
            case Prog.Compose c -> pipe(c.steps().stream().map(s -> rewrite(s, leaf)).toList());
            case Prog.Cross c -> cross(rewrite(c.f(), leaf), rewrite(c.g(), leaf));
            case Prog.Map m -> map(m.n(), rewrite(m.f(), leaf));
            case Prog.Cond c -> cond(rewrite(c.p(), leaf), rewrite(c.f(), leaf), rewrite(c.g(), leaf));
            case Prog.Iterate it -> iterate(it.n(), rewrite(it.f(), leaf));
            case Prog.While w -> whileLoop(rewrite(w.p(), leaf), rewrite(w.f(), leaf), w.maxIter());
            case Prog.MapAccum m -> new Prog.MapAccum(m.n(), rewrite(m.f(), leaf), m.reverse());
            default -> leaf.apply(f);
        };
    }

    @Test
    void rewritingReachesEveryLeaf() {
        var f = compose(add, fork(compose(sin, exl(Shape.pair(Shape.R, Shape.R))), compose(sin, exr(Shape.pair(Shape.R, Shape.R)))));
        assertEquals(Map.of("badsin", BAD_SIN), Parser.primitivesOf(replace(f, sin, BAD_SIN.prog())));
        assertEquals(AD.eval1(f, 0.3, 0.4), AD.eval1(replace(f, sin, BAD_SIN.prog()), 0.3, 0.4));
    }
}
