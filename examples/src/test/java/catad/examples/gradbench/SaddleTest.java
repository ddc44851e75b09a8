package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Prog;
import catad.interpreter.AD;
import catad.jit.Jit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Saddle} against the eval's own published expected output for its one workload (start
 * (1, 1): every coordinate 8.246324826140356e-06, for all four modes), compiled; on the interpreter
 * (too slow for that workload: tens of seconds) the nested gradient the outer descent follows.
 */
class SaddleTest {
    /** The saddle eval's expected output for start (1, 1) (python/gradbench/gradbench/evals/saddle/run.py). */
    private static final double EXPECTED = 8.246324826140356e-06;

    private static ObjectNode start(double a, double b) {
        ObjectNode in = JsonNodeFactory.instance.objectNode();
        in.putArray("start").add(a).add(b);
        return in;
    }

    private static JsonNode run(String function, ObjectNode in, Backend backend) {
        Job job = new Saddle().prepare(function, in, backend);
        job.run();
        return job.output();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ff", "fr", "rf", "rr"})
    void theEvalsWorkloadGivesItsExpectedOutput(String function) {
        JsonNode out = run(function, start(1, 1), Backend.JIT);
        assertEquals(4, out.size());
        for (JsonNode e : out) assertEquals(EXPECTED, e.asDouble(), 1e-15);
    }

    /**
     * The nested derivative itself on the interpreter (the whole descent takes tens of seconds there):
     * the gradient in x of {@code x ↦ max_y f(x, y)}, a derivative program of a program holding the
     * inner descent and its own derivative program, for each pair of modes, against central
     * differences of the interpreted {@code max_y f}, and against the compiled gradient bit for bit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ff", "fr", "rf", "rr"})
    void theNestedGradientOnTheInterpreterAgreesWithDifferencesAndTheJit(String function) {
        Prog maxF = Saddle.maxF(Solver.Mode.of(function.charAt(1)));
        Prog grad = Solver.gradient(Solver.Mode.of(function.charAt(0)), maxF);
        double[] at = {1.0, 1.0, 0.7, -0.4};   // start, then x
        double[] g = AD.eval(grad, at);
        for (int i = 0; i < 2; i++) {
            double h = 1e-6;
            double[] plus = at.clone(), minus = at.clone();
            plus[2 + i] += h;
            minus[2 + i] -= h;
            double fd = (AD.eval1(maxF, plus) - AD.eval1(maxF, minus)) / (2 * h);
            assertEquals(fd, g[i], 1e-6, "d/dx" + i);
        }
        assertArrayEquals(Jit.compile(grad).apply(at), g);
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Saddle().prepare("fx", start(1, 1), Backend.JIT));
        ObjectNode in = JsonNodeFactory.instance.objectNode();
        in.putArray("start").add(1.0);
        var e = assertThrows(IllegalArgumentException.class, () -> new Saddle().prepare("ff", in, Backend.JIT));
        assertTrue(e.getMessage().contains("start"), e.getMessage());
    }
}
