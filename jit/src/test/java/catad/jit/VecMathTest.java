package catad.jit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link VecMath} gives {@link StrictMath}'s bits in every lane (all NaNs counting as one), at every
 * vector width, both interpreted and compiled by C2.
 *
 * <p>Compiled: each function runs a warm loop (10,000 passes over the same 2048 inputs, every pass
 * compared, so the interpreter, C1 and C2 all take part) until a pass allocates nothing, which
 * happens only once C2 has inlined the code into the loop with the Vector API's intrinsics; then
 * all thresholds, every binade's boundaries and millions of random inputs are compared on that code.
 * This JVM does it with the preferred species, first, as a kernel would: a JVM uses one species, and
 * once C2 has compiled {@code VecMath} for several, the compiled methods are too big to inline
 * ("already compiled into a big method"). The other widths are compared here too, on that code, and
 * the 256-bit one in a JVM of its own as for the preferred one. 128-bit vectors give the same bits
 * but never stop allocating: C2 does not intrinsify masks of two lanes on x86. Interpreted: the
 * warm-loop inputs at every width in a JVM run with {@code -Xint}.
 *
 * <p>Vector types appear only in {@link VecMathHarness}, so that this class loads, and is skipped,
 * on the build's run without {@code jdk.incubator.vector}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VecMathTest {

    /** {@code -Dcatad.test.soak=true}: a million random inputs per set and 128-bit vectors too (minutes, not seconds). */
    static final boolean SOAK = Boolean.getBoolean("catad.test.soak");
    static final int REPEATS = 10_000;
    static final int RANDOM_SET = SOAK ? 1 << 20 : 1 << 15;

    @BeforeAll static void needsTheVectorModule() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "jdk.incubator.vector is absent");
    }

    /** The width this JVM compiles for: the preferred one (at most 512 bits, at least 256). */
    static int mainWidth() {
        return Math.max(256, Math.min(VecMathHarness.preferredWidth(), VecMathHarness.widths().getLast()));
    }

    @ParameterizedTest @Order(2)
    @ValueSource(strings = {"exp", "log", "expm1", "tanh", "sin", "cos"})
    void givesStrictMathsBitsWhenCompiled(String function) throws Exception {
        int width = mainWidth();
        if (VecMathHarness.OWN_JVM.contains(function)) {
            System.out.println("VecMath." + function + ", " + width + "-bit vectors, C2, a JVM of its own: "
                    + child("compiled", String.valueOf(width), function));
            return;
        }
        var report = new StringBuilder();
        double[] core = VecMathHarness.core(function);
        long[] w = VecMathHarness.warm(function, width, core, VecMathHarness.strictOf(function, core), REPEATS, true, 120, report);
        assertEquals(0, w[2], report::toString);
        assertEquals(0, w[3], () -> function + " with " + width + "-bit vectors still allocates after " + w[0]
                + " passes: C2 has not inlined it with the Vector API's intrinsics");
        long inputs = core.length, lanes = w[1];
        int bad = 0;
        for (double[] in : sets(function)) {
            double[] out = new double[in.length];
            VecMathHarness.apply(function, width, in, out);
            bad += VecMathHarness.mismatches(function, width, in, out, VecMathHarness.strictOf(function, in), report);
            inputs += in.length;
            lanes += in.length;
        }
        assertEquals(0, bad, report::toString);
        System.out.printf("VecMath.%s, %d-bit vectors, C2: %,d inputs, %,d lanes compared (%,d warm passes): StrictMath's bits%n",
                function, width, inputs, lanes, w[0]);
    }

    /** The thresholds, every binade's boundaries and four or five sets of a million random inputs. */
    static List<double[]> sets(String function) {
        var sets = new ArrayList<>(List.of(MathInputs.thresholds(), MathInputs.binades()));
        sets.addAll(MathInputs.random(function, 2, RANDOM_SET));
        return sets;
    }

    @Test @Order(3) void givesStrictMathsBitsAtTheOtherWidths() {
        var report = new StringBuilder();
        for (int width : VecMathHarness.widths()) {
            if (width == mainWidth()) continue;
            // kernels use VecMath from four lanes up; 128-bit vectors (slow: boxed masks) only in a soak run
            if (!SOAK && width < 256) continue;
            for (String function : VecMathHarness.FUNCTIONS) {
                double[] core = VecMathHarness.core(function);
                long[] w = VecMathHarness.warm(function, width, core, VecMathHarness.strictOf(function, core), SOAK ? REPEATS : 500, false, 0, report);
                long inputs = core.length, lanes = w[1];
                long bad = w[2];
                for (double[] in : sets(function)) {
                    double[] out = new double[in.length];
                    VecMathHarness.apply(function, width, in, out);
                    bad += VecMathHarness.mismatches(function, width, in, out, VecMathHarness.strictOf(function, in), report);
                    inputs += in.length;
                    lanes += in.length;
                }
                assertEquals(0, bad, report::toString);
                System.out.printf("VecMath.%s, %d-bit vectors: %,d inputs, %,d lanes compared: StrictMath's bits%n",
                        function, width, inputs, lanes);
            }
        }
    }

    @Test @Order(4) void givesStrictMathsBitsWhenCompiledForOtherWidthsAlone() throws Exception {
        for (int width : VecMathHarness.widths())
            if (width >= 256 && width != mainWidth() && width <= VecMathHarness.preferredWidth()) {
                var shared = new ArrayList<>(List.of("compiled", String.valueOf(width)));
                for (String f : VecMathHarness.FUNCTIONS) if (!VecMathHarness.OWN_JVM.contains(f)) shared.add(f);
                System.out.println("VecMath, " + width + "-bit vectors alone, C2: " + child(shared.toArray(String[]::new)));
                for (String f : VecMathHarness.OWN_JVM)
                    System.out.println("VecMath." + f + ", " + width + "-bit vectors alone, C2: " + child("compiled", String.valueOf(width), f));
            }
    }

    @Test @Order(5) void givesStrictMathsBitsWhenInterpreted() throws Exception {
        System.out.println("VecMath interpreted (-Xint), every width: " + child("-Xint"));
    }

    /** {@return the summary line of VecMathHarness.main run in a new JVM with these arguments (-Xint as a JVM flag)}, asserting it passed */
    private static String child(String... args) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx1g"));
        if (args[0].equals("-Xint")) command.add("-Xint");
        command.addAll(List.of("-cp", classPath, VecMathHarness.class.getName()));
        if (!args[0].equals("-Xint")) command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("mismatches 0"), out);
        return out.lines().filter(l -> l.startsWith("checked")).findFirst().orElse(out);
    }
}
