package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;

/** Helpers of the module tests: inputs in the evals' JSON form, runs, and comparisons. */
final class Evals {
    private Evals() {}

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** {@return the module's output for one run of the function on the input} */
    static JsonNode run(Module m, String function, JsonNode input, Backend backend) {
        Job job = m.prepare(function, input, backend);
        job.run();
        return job.output();
    }

    /** {@return n fixed-seed numbers uniform in [lo, hi)} */
    static double[] uniform(int n, long seed, double lo, double hi) {
        var rnd = new SplittableRandom(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextDouble(lo, hi);
        return x;
    }

    /** {@return an input object with the Runs fields} */
    static ObjectNode input() { return JSON.objectNode().put("min_runs", 1).put("min_seconds", 0); }

    static ArrayNode array(double[] x) {
        ArrayNode a = JSON.arrayNode();
        for (double v : x) a.add(v);
        return a;
    }

    static ArrayNode rows(double[] x, int m, int n) {
        ArrayNode a = JSON.arrayNode();
        for (int i = 0; i < m; i++) {
            ArrayNode r = a.addArray();
            for (int j = 0; j < n; j++) r.add(x[i * n + j]);
        }
        return a;
    }

    /** {@return a JSON array of numbers (or of rows of numbers) flattened} */
    static double[] numbers(JsonNode v) {
        assertTrue(v.isArray(), () -> "expected an array, got " + v);
        var out = new java.util.ArrayList<Double>();
        for (JsonNode e : v) {
            if (e.isArray()) for (JsonNode f : e) out.add(f.doubleValue());
            else {
                assertTrue(e.isNumber(), () -> "expected a number, got " + e);
                out.add(e.doubleValue());
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Checks |a - e| <= atol + rtol |e| for a number. */
    static void close(double expected, double actual, double rtol, double atol, String what) {
        assertTrue(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected),
                () -> what + ": expected " + expected + ", got " + actual + " (difference " + Math.abs(actual - expected) + ")");
    }

    /** Checks every element, and the length. */
    static void close(double[] expected, double[] actual, double rtol, double atol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) close(expected[i], actual[i], rtol, atol, what + "[" + i + "]");
    }
}
