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
 * {@link Particle} against the eval's own published expected output for its one workload (w = 0:
 * 0.2071918746486116, all four modes), compiled; on the interpreter, the nested gradient (see
 * below). The compiled {@code rf} and {@code rr} on the eval's workload (10-25 s each here) are left
 * out of the default run; {@code -Dcatad.test.gradbench.slow=true} includes them.
 */
class ParticleTest {
    /** The particle eval's expected output for w = 0 (python/gradbench/gradbench/evals/particle/run.py). */
    private static final double EXPECTED = 0.2071918746486116;

    private static ObjectNode w(double w) { return JsonNodeFactory.instance.objectNode().put("w", w); }

    private static JsonNode run(String function, ObjectNode in, Backend backend) {
        Job job = new Particle().prepare(function, in, backend);
        job.run();
        return job.output();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ff", "fr", "rf", "rr"})
    void theEvalsWorkloadGivesItsExpectedOutput(String function) {
        if (function.charAt(0) == 'r' && !Boolean.getBoolean("catad.test.gradbench.slow")) return;   // 10-25 s each compiled
        assertEquals(EXPECTED, run(function, w(0), Backend.JIT).asDouble(), 1e-12);
    }

    /**
     * On the interpreter (the eval's workload takes minutes there): the descent's gradient, a
     * derivative program of the whole simulation with the force programs inside its loop, against
     * central differences of the interpreted simulation and against the compiled gradient bit for
     * bit; and, with a forward outer mode, the whole module from a start next to the optimum, where it
     * stops after one gradient, against the JIT.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ff", "fr", "rf", "rr"})
    void theNestedGradientOnTheInterpreterAgreesWithDifferencesAndTheJit(String function) {
        Prog miss = Particle.miss(Solver.Mode.of(function.charAt(1)));
        Prog grad = Solver.gradient(Solver.Mode.of(function.charAt(0)), miss);
        double[] at = {0.0, 0.1};   // w₀ (unused), w
        double g = AD.eval(grad, at)[0];
        double h = 1e-6;
        double fd = (AD.eval1(miss, 0.0, 0.1 + h) - AD.eval1(miss, 0.0, 0.1 - h)) / (2 * h);
        assertEquals(fd, g, 1e-6 * Math.abs(fd) + 1e-8);
        assertEquals(Jit.compile(grad).apply(at)[0], g);

        if (function.charAt(0) == 'r') return;   // the whole module, reverse outer, takes 10 s on the interpreter
        ObjectNode near = w(0.2072);
        JsonNode interpreted = run(function, near, Backend.INTERPRETER);
        assertEquals(EXPECTED, interpreted.asDouble(), 1e-3);
        assertEquals(run(function, near, Backend.JIT), interpreted);
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Particle().prepare("ff", JsonNodeFactory.instance.objectNode(), Backend.JIT));
        assertThrows(IllegalArgumentException.class, () -> new Particle().prepare("r", w(0), Backend.JIT));
    }
}
