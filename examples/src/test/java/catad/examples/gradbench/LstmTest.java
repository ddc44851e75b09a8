package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Lstm} against plain Java: the loss against a direct transcription of ADBench's loops, the
 * gradient against central differences of it, on inputs made the way the eval's data generator
 * makes them (parameters and state uniform in [0, 1), the sequence a text's characters as bits).
 */
class LstmTest {
    private static final JsonNodeFactory J = JsonNodeFactory.instance;

    static ObjectNode input(int l, int c, int b, long seed) {
        var rnd = new SplittableRandom(seed);
        ObjectNode in = J.objectNode();
        in.set("main_params", uniform(2 * l, 4 * b, rnd));
        in.set("extra_params", uniform(3, b, rnd));
        in.set("state", uniform(2 * l, b, rnd));
        ArrayNode seq = in.putArray("sequence");
        for (int t = 0; t < c; t++) {
            int ch = 32 + rnd.nextInt(95);   // printable ASCII, b bits, most significant first
            ArrayNode bits = seq.addArray();
            for (int i = b - 1; i >= 0; i--) bits.add((ch >> i) & 1);
        }
        return in;
    }

    private static ArrayNode uniform(int r, int c, SplittableRandom rnd) {
        ArrayNode a = J.arrayNode();
        for (int i = 0; i < r; i++) {
            ArrayNode row = a.addArray();
            for (int j = 0; j < c; j++) row.add(rnd.nextDouble());
        }
        return a;
    }

    private static double[][] rows(JsonNode m) {
        var r = new double[m.size()][];
        for (int i = 0; i < r.length; i++) {
            r[i] = new double[m.get(i).size()];
            for (int j = 0; j < r[i].length; j++) r[i][j] = m.get(i).get(j).asDouble();
        }
        return r;
    }

    private static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

    /** ADBench's LSTM loss, loop for loop; p is main_params then extra_params, flat. */
    static double reference(double[] p, double[][] state0, double[][] seq, int l, int b) {
        double[][] state = new double[state0.length][];
        for (int i = 0; i < state.length; i++) state[i] = state0[i].clone();
        int extra = 8 * l * b;
        double total = 0;
        var x = new double[b];
        for (int t = 0; t + 1 < seq.length; t++) {
            for (int i = 0; i < b; i++) x[i] = seq[t][i] * p[extra + i];
            for (int layer = 0; layer < l; layer++) {
                int w = 8 * b * layer, bias = w + 4 * b;
                double[] h = state[2 * layer], cell = state[2 * layer + 1];
                for (int i = 0; i < b; i++) {
                    double f = sigmoid(x[i] * p[w + i] + p[bias + i]);
                    double in = sigmoid(h[i] * p[w + b + i] + p[bias + b + i]);
                    double o = sigmoid(x[i] * p[w + 2 * b + i] + p[bias + 2 * b + i]);
                    double g = Math.tanh(h[i] * p[w + 3 * b + i] + p[bias + 3 * b + i]);
                    cell[i] = cell[i] * f + in * g;
                    h[i] = o * Math.tanh(cell[i]);
                }
                x = h.clone();
            }
            double sum = 0;
            var y = new double[b];
            for (int i = 0; i < b; i++) {
                y[i] = x[i] * p[extra + b + i] + p[extra + 2 * b + i];
                sum += Math.exp(y[i]);
            }
            double lse = Math.log(sum + 2);
            for (int i = 0; i < b; i++) total += seq[t + 1][i] * (y[i] - lse);
        }
        return -total / ((seq.length - 1) * b);
    }

    @ParameterizedTest
    @CsvSource({"2, 1024, 7, JIT", "4, 300, 8, JIT", "2, 60, 7, INTERPRETER", "4, 40, 8, INTERPRETER"})
    void lossAndGradientAgreeWithPlainJava(int l, int c, int b, Backend backend) {
        ObjectNode in = input(l, c, b, 1000 + c);
        double[][] main = rows(in.get("main_params")), extra = rows(in.get("extra_params"));
        double[][] state = rows(in.get("state")), seq = rows(in.get("sequence"));
        var p = new double[8 * l * b + 3 * b];
        int at = EvalIo.put(p, 0, main);
        EvalIo.put(p, at, extra);
        double expected = reference(p, state, seq, l, b);

        Job obj = new Lstm().prepare("objective", in, backend);
        obj.run();
        assertEquals(expected, obj.output().asDouble(), 1e-12);

        Job jac = new Lstm().prepare("jacobian", in, backend);
        jac.run();
        JsonNode g = jac.output();
        assertEquals(p.length, g.size());
        var rnd = new SplittableRandom(3);
        for (int t = 0; t < 24; t++) {
            int i = t < 4 ? t * (p.length - 1) / 3 : rnd.nextInt(p.length);
            double h = 1e-5;
            double[] plus = p.clone(), minus = p.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (reference(plus, state, seq, l, b) - reference(minus, state, seq, l, b)) / (2 * h);
            assertEquals(fd, g.get(i).asDouble(), 1e-6 * Math.abs(fd) + 1e-9, "d/dp[" + i + "]");
        }
    }

    @Test
    void malformedInputIsRejected() {
        ObjectNode in = input(2, 10, 7, 1);
        in.set("extra_params", uniform(2, 7, new SplittableRandom(1)));
        var e = assertThrows(IllegalArgumentException.class, () -> new Lstm().prepare("objective", in, Backend.JIT));
        assertTrue(e.getMessage().contains("extra_params"), e.getMessage());
    }
}
