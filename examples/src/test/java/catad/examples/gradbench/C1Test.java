package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HotSpot's compilers compile every method of the kernels of gmm's, lstm's and lse's two smallest
 * workloads. Where C1 gives up on a kernel method ("COMPILE SKIPPED: out of virtual registers in
 * linear scan"), the method can stay in C1's unprofiled code and never reach C2: the gmm 2_5_1000
 * gradient ran at 1 ms a call instead of 65 µs that way, in most JVMs (docs/jit.md). Where C2 gives
 * up ("Too many clones … in partial peeling", the vector loops {@code Emit.guardIndex} is about),
 * the method stays in C1's code, boxing its vectors. The kernels run in a JVM of their own with
 * {@code -XX:+PrintCompilation}, which names every method a compiler skipped; whether a compiler
 * tries a method at all depends on timing, so this test can miss a failure, but never reports one
 * that is not there.
 */
class C1Test {

    /** Runs the primal and derivative of an eval's first workloads for a while each. @param args eval, how many workloads, seconds each */
    public static void main(String[] args) {
        var eval = Workloads.all().stream().filter(e -> e.name().equals(args[0])).findFirst().orElseThrow();
        int count = Integer.parseInt(args[1]);
        long nanos = (long) (Double.parseDouble(args[2]) * 1e9);
        Module m = new Modules().define(eval.name());
        for (var w : eval.workloads().subList(0, count)) {
            for (String f : List.of(eval.primal(), eval.derivative())) {
                Job job = m.prepare(f, w.input().get(), Backend.JIT);
                for (long end = System.nanoTime() + nanos; System.nanoTime() < end; ) job.run();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gmm", "lstm", "lse"})
    void compilersCompileEveryKernelMethodOfTheSmallestWorkloads(String eval) throws Exception {
        var cmd = new ArrayList<String>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return;   // no vector loops: nothing to check
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-XX:+PrintCompilation", "-Xmx1g"));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), C1Test.class.getName(), eval, "2", "1.5"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        var skipped = new ArrayList<String>();
        int lines = 0;
        try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; lines++)
                if (l.contains("Kernel$Code") && (l.contains("COMPILE SKIPPED") || l.contains("bailout"))) skipped.add(l);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the kernels' JVM did not exit within 120 s");
        assertEquals(0, p.exitValue(), "the kernels' JVM failed");
        assertTrue(lines > 100, "-XX:+PrintCompilation printed " + lines + " lines: did it run?");
        assertEquals(List.of(), skipped, "kernel methods a compiler gave up on");
    }
}
