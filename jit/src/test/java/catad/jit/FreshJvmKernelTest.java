package catad.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Kernels checked in a JVM of their own ({@link FreshJvmKernel}); nothing to check without vector loops. */
class FreshJvmKernelTest {

    /**
     * Kernels whose vector code C2 compiled or not depending on what the JVM had run before, each
     * first in a JVM of its own ({@link FreshJvmKernel}): a gradient with three loops of sin (one
     * method for all, until each loop that calls VecMath got a method of its own: 150 KB a call), and
     * of tanh (100 KB a call, whatever the methods, until the check below); a
     * map and a sum whose loop reads the second half of its input before calling VecMath (C2 gave up
     * on them until such loops began with a check of their index, {@code Emit.guardIndex}: 21 and
     * 25 KB a call); and, in one JVM, a kernel whose sin arguments go beyond 2^20 π/2 (Payne and
     * Hanek's reduction, allocation-free since {@link PayneHanek}), then kernels of sin and cos,
     * which must still inline VecMath's sin and cos after it.
     */
    @Test void kernelsCompiledFirstInAJvmAllocateNothing() throws Exception {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && Vectors.LANES >= 4, "no vector loops calling VecMath here");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // one JVM for each list: the kernels run in turn, each until it settles
        for (List<String> names : List.of(List.of("sinSteps"), List.of("expSteps"), List.of("tanhSteps"), List.of("offsetMap"),
                List.of("offsetSum"), List.of("largeSin", "trigSum", "trigSumGrad", "cosSin"))) {
            var command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector", "-Xmx1g", "-cp", classPath, FreshJvmKernel.class.getName()));
            command.addAll(names);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(3, TimeUnit.MINUTES), out);
            assertEquals(0, p.exitValue(), out);
            var m = Pattern.compile("kernel (\\w+) .*allocated (\\d+) same (\\w+)").matcher(out);
            int seen = 0;
            while (m.find()) {
                seen++;
                assertEquals("true", m.group(3), out);
                assertTrue(Long.parseLong(m.group(2)) < 20_000, () -> "20,000 calls still allocate after 15 rounds: " + out);
            }
            assertEquals(names.size(), seen, out);
        }
    }
}
