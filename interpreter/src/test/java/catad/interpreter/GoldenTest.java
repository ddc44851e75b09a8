package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static catad.interpreter.Num.*;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Parser;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files of printed gradient programs (ConCat keeps these), so a change that bloats or
 * alters a gradient shows up in review as a diff of {@code src/test/resources/golden/NAME.txt}.
 *
 * <p>Each file records {@code Printer.print(f)}, {@code Printer.print(AD.grad(f))}, their sizes and
 * the ratio. The test fails on any difference and shows a line diff. After an intended change,
 * regenerate the files and review the diff before committing:
 *
 * <pre>{@code
 * mvn -pl dsl,interpreter -am test -Dtest=GoldenTest -Dsurefire.failIfNoSpecifiedTests=false -Dcatad.golden.update=true
 * }</pre>
 *
 * <p>Independently of the files, every gradient program must stay within {@link #MAX_RATIO} times
 * the size of its function (the cheap-gradient principle, DESIGN §7), must parse back to an equal
 * program, and must evaluate to the numeric gradient.
 */
class GoldenTest {

    /** Set to rewrite the golden files from the current output instead of comparing. */
    static final boolean UPDATE = Boolean.getBoolean("catad.golden.update");

    /**
     * The bound on {@code size(grad f) / size(f)}, chosen from the sizes measured when the files were
     * written: norm 34/3 = 11.3 (a 3-node function whose {@code dot} reverse rule alone is ~20 nodes),
     * fold 107/14 = 7.6, iterate 59/8 = 7.4 (both keep their states with a mapAccum), log-sum-exp
     * 21/4 = 5.3, the other eight 2.3 to 4.1. Small functions pay a fixed cost per primitive rule,
     * so the ratio is largest for them; 12 admits the measured dozen and fails on expression swell.
     */
    static final double MAX_RATIO = 12;

    static Path dir() {
        return Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "golden");
    }

    record Golden(String name, Prog f, double[] x) {
        @Override public String toString() { return name; }
    }

    static final Shape V4 = Shape.vec(4), V3 = Shape.vec(3);

    static Stream<Golden> functions() {
        double[] w = {0.5, -1.5, 2, 0.25};
        double[] labels = {1, 0, 0, 1};
        double[] mat = {0.3, -0.2, 0.5, 0.1, 0.7, -0.4, -0.6, 0.2, 0.9, 0.4, -0.3, 0.8};
        // ((z, y) ↦ softplus z - y·z): binary cross-entropy of the logit z against label y
        Prog bce = compose(sub, fork(compose(softplus, exl(R, R)), mul));
        Prog foldStep = compose(add, fork(compose(mul, cross(id(R), cos)), compose(sin, mul)));
        return Stream.of(
                new Golden("sum_map_sin_exp", compose(sum(V4), map(4, compose(sin, exp))), new double[] {0.1, -0.5, 0.8, 1.2}),
                new Golden("log_sum_exp", Fns.logSumExp(4), new double[] {0.3, -1, 2, 0.5}),
                new Golden("rosenbrock", Fns.rosenbrock(4), new double[] {-1.2, 1, 0.8, 1.1}),
                new Golden("dot_loss", compose(scale(0.5), square, offset(-1.5), dot(4), fork(id(V4), constant(V4, V4, w))),
                        new double[] {0.2, 0.4, -0.6, 1}),
                new Golden("matvec_tanh_layer", compose(sum(V3), map(3, compose(square, tanh)), matvec(3, 4),
                        fork(constant(V4, Shape.tensor(3, 4), mat), id(V4))), new double[] {0.5, -0.2, 0.3, 0.9}),
                new Golden("softplus", compose(sum(V4), map(4, softplus)), new double[] {-2, -0.1, 0.4, 3}),
                new Golden("sigmoid_cross_entropy", compose(sum(V4), map(4, bce), zip(4, R, R), fork(id(V4), constant(V4, V4, labels))),
                        new double[] {1.5, -0.3, 0.2, -2}),
                new Golden("cond", cond(id(R), compose(square, sin), compose(exp, scale(0.5))), new double[] {0.7}),
                new Golden("iterate", compose(square, iterate(3, compose(add, fork(id(R), compose(scale(-0.1), sin))))), new double[] {1.3}),
                new Golden("fold", fold(4, foldStep), new double[] {0.5, 0.1, -0.4, 0.9, 0.3}),
                // 3x³ - 2x² + x - 5
                new Golden("polynomial", compose(offset(-5), add, fork(compose(add, fork(compose(scale(3), pow(3)), compose(scale(-2), square))), id(R))),
                        new double[] {1.7}),
                new Golden("norm", compose(sqrt, dot(4), dup(V4)), new double[] {0.3, -1.2, 0.5, 2}));
    }

    /** {@return the golden text: the function, the sizes and their ratio, and the gradient program} */
    static String render(Golden g, Prog grad) {
        long sf = AD.size(g.f()), sg = AD.size(grad);
        return "# Gradient program of " + g.name() + ", checked by GoldenTest.\n"
                + "# Regenerate with -Dcatad.golden.update=true (see GoldenTest) and review the diff.\n"
                + "f: " + Printer.print(g.f()) + "\n"
                + "size(f) = " + sf + "\n"
                + "size(grad f) = " + sg + "\n"
                + "ratio = " + String.format(Locale.ROOT, "%.2f", (double) sg / sf) + "\n"
                + "grad f:\n"
                + Printer.print(grad) + "\n";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void gradientProgramMatchesItsGoldenFile(Golden g) throws IOException {
        Prog grad = AD.grad(g.f());
        String actual = render(g, grad);
        Path file = dir().resolve(g.name() + ".txt");
        if (UPDATE) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        assertTrue(Files.exists(file), "no golden file " + file.toAbsolutePath() + "; run with -Dcatad.golden.update=true to create it");
        String expected = Files.readString(file, StandardCharsets.UTF_8);
        if (!expected.equals(actual))
            fail("gradient program of " + g.name() + " differs from " + file + " (- golden, + now):\n" + diff(expected, actual)
                    + "If the change is intended, rerun with -Dcatad.golden.update=true and review the diff.");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void gradientProgramStaysSmall(Golden g) {
        long sf = AD.size(g.f()), sg = AD.size(AD.grad(g.f()));
        double ratio = (double) sg / sf;
        assertTrue(ratio <= MAX_RATIO, g.name() + ": size(grad f) / size(f) = " + sg + " / " + sf + " = " + ratio + " > " + MAX_RATIO);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void printedGradientParsesBackAndComputesTheGradient(Golden g) {
        Prog grad = AD.grad(g.f());
        String text = Printer.print(grad);
        Prog parsed = Parser.parse(text);
        assertEquals(grad, parsed, "parse(print(grad f)) should equal grad f:\n" + text);
        assertEquals(text, Printer.print(parsed), "printing the parsed program gives the same text");
        sameBits(g.name() + ": parsed gradient program vs gradient program", AD.eval(grad, g.x()), AD.eval(parsed, g.x()));
        double[] numeric = AD.grad(g.f(), g.x());
        close(g.name() + ": gradient program vs numeric gradient", numeric, AD.eval(parsed, g.x()), MODE_TOL);
        close(g.name() + ": numeric gradient vs finite differences", fdJacobian(g.f(), g.x())[0], numeric, FD_TOL);
        // the function's own text parses back too
        assertEquals(g.f(), Parser.parse(Printer.print(g.f())), "parse(print(f)) should equal f");
        // and at random points as well as the fixed one
        var rnd = new Random(g.name().hashCode());
        for (int k = 0; k < 3; k++) {
            double[] x = g.x().clone();
            for (int i = 0; i < x.length; i++) x[i] += 0.1 * (rnd.nextDouble() - 0.5);
            sameBits(g.name() + " at a random point", AD.eval(grad, x), AD.eval(parsed, x));
        }
    }

    /** {@return a line diff of two texts: common lines with two spaces, removed with "- ", added with "+ "} */
    static String diff(String expected, String actual) {
        List<String> a = expected.lines().toList(), b = actual.lines().toList();
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--)
            for (int j = b.size() - 1; j >= 0; j--)
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        var out = new ArrayList<String>();
        int i = 0, j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) { out.add("  " + a.get(i)); i++; j++; }
            else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) out.add("- " + a.get(i++));
            else out.add("+ " + b.get(j++));
        }
        return String.join("\n", out) + "\n";
    }

    @org.junit.jupiter.api.Test
    void diffShowsRemovedAndAddedLines() {
        assertEquals("  a\n- b\n+ c\n  d\n", diff("a\nb\nd\n", "a\nc\nd\n"));
        assertEquals("  a\n+ x\n", diff("a\n", "a\nx\n"));
    }
}
