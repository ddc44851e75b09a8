package catad.laws;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import catad.dsl.Parser;
import catad.dsl.Primitive;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple3;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A failing law shrinks to a small program. Each property of {@link Falsified} fails exactly for
 * the generated programs that contain some combinator or primitive; it is run with the jqwik
 * engine here, and the counterexample jqwik settles on, read back from its message, must be the
 * smallest program the generator makes with that node, or within two nodes of it.
 */
class ShrinkingTest {

    /**
     * Properties that fail on purpose. Run only through {@link #shrunk}: surefire skips nested
     * classes, and the jqwik engine finds no properties in {@link ShrinkingTest} itself.
     */
    static class Falsified {
        @Provide Arbitrary<Prog> programs() { return Generators.shapes().flatMap(Generators::programs); }

        @Property(tries = 10_000, seed = "20261202") void noTranspose(@ForAll("programs") Prog f) { absent(f, p -> p instanceof Prog.Transpose); }

        @Property(tries = 10_000, seed = "20261202") void noCond(@ForAll("programs") Prog f) { absent(f, p -> p instanceof Prog.Cond); }

        @Property(tries = 10_000, seed = "20261202") void noWhile(@ForAll("programs") Prog f) { absent(f, p -> p instanceof Prog.While); }

        @Property(tries = 10_000, seed = "20261202") void noMapAccumR(@ForAll("programs") Prog f) { absent(f, p -> p instanceof Prog.MapAccum m && m.reverse()); }

        /**
         * Not {@code log}: a {@code cond} whose then-branch is {@code log} of its test is a local
         * minimum for it (no simpler recipe keeps a {@code log}), three times the smallest size.
         */
        @Property(tries = 10_000, seed = "20261202") void noSqrt(@ForAll("programs") Prog f) { absent(f, p -> p instanceof Prog.Prim(Primitive q) && q.equals(catad.dsl.Prims.SQRT)); }

        @Provide Arbitrary<Tuple3<Prog, double[], double[]>> withBadPrimitive() {
            var config = Generators.Config.DEFAULT.plus(List.of(BAD_SOFTSIGN));
            return Generators.shapes().flatMap(s -> Combinators.combine(Generators.programs(s, config), Generators.values(s), Generators.values(s))
                    .as(Tuple::of));
        }

        /** The derivative law, with a user primitive whose derivative lacks a square. */
        @Property(tries = 10_000, seed = "20261202") void jvpMatchesFiniteDifferences(@ForAll("withBadPrimitive") Tuple3<Prog, double[], double[]> c) {
            Prog f = c.get1();
            var jac = FiniteDifferences.jacobian(y -> AD.eval(f, y), c.get2(), f.cod().dim());
            double[] jvp = AD.jvp(f, c.get2(), c.get3())._2, fd = jac.apply(c.get3()), scale = jac.scale(c.get3());
            for (int i = 0; i < jvp.length; i++)
                if (!Tolerance.FINITE_DIFFERENCE.close(jvp[i], fd[i], scale[i])) throw new AssertionError(MARK + Printer.print(f));
        }
    }

    /** softsign x = x / (1 + |x|), with the derivative 1 / (1 + |x|) instead of 1 / (1 + |x|)². */
    static final Primitive.Unary BAD_SOFTSIGN = Primitive.unary("badsoftsign", x -> x / (1 + Math.abs(x)),
            () -> compose(recip, offset(1), abs), Primitive.Interval.ALL);

    /** Starts the program text in a counterexample's message. */
    static final String MARK = "counterexample: ";

    static void absent(Prog f, Predicate<Prog> node) {
        if (contains(f, node)) throw new AssertionError(MARK + Printer.print(f));
    }

    static boolean contains(Prog f, Predicate<Prog> node) {
        return f.nodes().stream().anyMatch(node);
    }

    /** {@return the counterexample a property of {@link Falsified} shrinks to, parsed back from its message} */
    static Prog shrunk(String property) {
        var results = EngineTestKit.engine("jqwik")
                // a fresh seed each time, and jqwik's failure database kept out of the source tree
                .configurationParameter("jqwik.failures.after.default", "RANDOM_SEED")
                .configurationParameter("jqwik.database", "target/jqwik-database-shrinking")
                .selectors(selectMethod(Falsified.class, Arrays.stream(Falsified.class.getDeclaredMethods())
                        .filter(m -> m.getName().equals(property)).findFirst().orElseThrow()))
                .execute();
        var failed = results.testEvents().failed().list();
        assertEquals(1, failed.size(), () -> property + " did not fail once: " + results.testEvents().list());
        var error = failed.getFirst().getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow();
        String message = error.getMessage();
        assertTrue(message != null && message.contains(MARK), () -> "unexpected failure of " + property + ": " + error);
        String text = message.substring(message.indexOf(MARK) + MARK.length()).lines().findFirst().orElseThrow();
        return Parser.parse(text, Parser.primitives(BAD_SOFTSIGN));
    }

    /** Fails unless the shrunk program is at most two nodes bigger than the smallest one. */
    static void small(Prog shrunk, Prog smallest) {
        assertTrue(AD.size(shrunk) <= AD.size(smallest) + 2,
                () -> "shrunk to " + AD.size(shrunk) + " nodes, the smallest has " + AD.size(smallest) + ":\n  " + Printer.print(shrunk)
                        + "\n  smallest: " + Printer.print(smallest));
    }

    @Test
    void transposeShrinksToTheTransposeAlone() {
        small(shrunk("noTranspose"), transpose(0, 0, R));
    }

    @Test
    void condShrinksToACondOfIdentities() {
        Prog test = compose(jam(R), fork(id(R), constant(R, Generators.PHI / 8)));
        small(shrunk("noCond"), cond(test, id(R), id(R)));
    }

    @Test
    void whileShrinksToALoopOfNoSteps() {
        Prog countDown = compose(jam(R), fork(id(R), constant(R, -1)));
        small(shrunk("noWhile"), compose(exl(R, R), whileLoop(exr(R, R), cross(id(R), countDown), 0), fork(id(R), constant(R, 0))));
    }

    @Test
    void mapAccumRShrinksToOneOfTheSmallest() {
        Shape rr = Shape.pair(R, R);
        small(shrunk("noMapAccumR"), compose(mapAccumR(1, fork(jam(R), id(rr))), inl(R, Shape.vec(1))));
    }

    @Test
    void sqrtShrinksToItsGuard() {
        small(shrunk("noSqrt"), compose(sqrt, exp, tanh));
    }

    @Test
    void aWrongDerivativeShrinksToThePrimitive() {
        Prog f = shrunk("jvpMatchesFiniteDifferences");
        assertTrue(contains(f, p -> p instanceof Prog.Prim(Primitive q) && q.equals(BAD_SOFTSIGN)), () -> Printer.print(f));
        small(f, BAD_SOFTSIGN.prog());
    }
}
