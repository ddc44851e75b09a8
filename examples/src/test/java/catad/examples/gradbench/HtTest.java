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
 * {@link Ht} against plain Java: the residuals against a direct transcription of ADBench's hand model
 * (matrices as arrays, loops), the Jacobian against central differences of it, in the simple and the
 * complicated variant, on a synthetic hand of ADBench's shape (22 bones in a finger-like tree, rigid
 * base transforms, weights summing to one per vertex, θ and us in ADBench's ranges); the real model
 * files are not in this repository.
 */
class HtTest {
    private static final JsonNodeFactory J = JsonNodeFactory.instance;
    static final int BONES = SyntheticHand.BONES;

    static int[] parents() { return SyntheticHand.parents(); }

    static ObjectNode input(int vertices, int n, boolean complicated, boolean mirrored, long seed) {
        return SyntheticHand.input(vertices, n, complicated, mirrored, seed);
    }

    static double[][] rotation(double[] a) { return SyntheticHand.rotation(a); }

    private static double[][] mul(double[][] a, double[][] b) {
        var c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++)
            for (int j = 0; j < b[0].length; j++)
                for (int k = 0; k < b.length; k++) c[i][j] += a[i][k] * b[k][j];
        return c;
    }

    private static double[][] mat(JsonNode m) {
        var r = new double[m.size()][];
        for (int i = 0; i < r.length; i++) {
            r[i] = new double[m.get(i).size()];
            for (int j = 0; j < r[i].length; j++) r[i][j] = m.get(i).get(j).asDouble();
        }
        return r;
    }

    /** ADBench's residuals; vars is us (complicated) then θ. */
    static double[] reference(JsonNode in, double[] vars) {
        JsonNode model = in.get("data").get("model");
        boolean complicated = in.get("us").size() > 0;
        int n = in.get("data").get("points").size(), off = complicated ? 2 * n : 0;
        double[] theta = java.util.Arrays.copyOfRange(vars, off, off + 26);
        // pose parameters, 3 × (bones + 3), column-wise
        var pose = new double[BONES + 3][3];
        pose[0] = new double[] {theta[0], theta[1], theta[2]};
        pose[1] = new double[] {1, 1, 1};
        pose[2] = new double[] {theta[3], theta[4], theta[5]};
        int t = 6, col = 5;
        for (int f = 0; f < 5; f++) {
            for (int i = 2; i <= 4; i++) {
                pose[col][0] = theta[t++];
                if (i == 2) pose[col][1] = theta[t++];
                col++;
            }
            col++;
        }
        int[] parents = parents();
        var abs = new double[BONES][][];
        var transforms = new double[BONES][][];
        for (int b = 0; b < BONES; b++) {
            double[] xzy = pose[b + 3];
            double tx = xzy[0], ty = xzy[2], tz = xzy[1];
            double[][] rx = {{1, 0, 0}, {0, Math.cos(tx), -Math.sin(tx)}, {0, Math.sin(tx), Math.cos(tx)}};
            double[][] ry = {{Math.cos(ty), 0, Math.sin(ty)}, {0, 1, 0}, {-Math.sin(ty), 0, Math.cos(ty)}};
            double[][] rz = {{Math.cos(tz), -Math.sin(tz), 0}, {Math.sin(tz), Math.cos(tz), 0}, {0, 0, 1}};
            double[][] r = mul(mul(rz, ry), rx);
            var tr = new double[4][4];
            for (int i = 0; i < 3; i++) System.arraycopy(r[i], 0, tr[i], 0, 3);
            tr[3][3] = 1;
            double[][] relative = mul(mat(model.get("base_relatives").get(b)), tr);
            abs[b] = parents[b] == -1 ? relative : mul(abs[parents[b]], relative);
            transforms[b] = mul(abs[b], mat(model.get("inverse_base_absolutes").get(b)));
        }
        double[][] base = mat(model.get("base_positions")), weights = mat(model.get("weights"));
        double[][] rot = rotation(theta);
        boolean mirrored = model.get("is_mirrored").asBoolean();
        java.util.function.IntFunction<double[]> vertex = v -> {
            var p = new double[3];
            for (int b = 0; b < BONES; b++)
                for (int i = 0; i < 3; i++) {
                    double s = 0;
                    for (int k = 0; k < 4; k++) s += transforms[b][i][k] * base[v][k];
                    p[i] += s * weights[v][b];
                }
            if (mirrored) p[0] = -p[0];
            var q = new double[3];
            for (int i = 0; i < 3; i++) q[i] = rot[i][0] * p[0] + rot[i][1] * p[1] + rot[i][2] * p[2] + theta[3 + i];
            return q;
        };
        double[][] points = mat(in.get("data").get("points"));
        var err = new double[3 * n];
        for (int i = 0; i < n; i++) {
            int c = in.get("data").get("correspondences").get(i).asInt();
            double[] hand;
            if (complicated) {
                JsonNode tri = model.get("triangles").get(c);
                double[] a = vertex.apply(tri.get(0).asInt()), b = vertex.apply(tri.get(1).asInt()), d = vertex.apply(tri.get(2).asInt());
                double u0 = vars[2 * i], u1 = vars[2 * i + 1];
                hand = new double[3];
                for (int j = 0; j < 3; j++) hand[j] = u0 * a[j] + u1 * b[j] + (1 - u0 - u1) * d[j];
            } else {
                hand = vertex.apply(c);
            }
            for (int j = 0; j < 3; j++) err[3 * i + j] = points[i][j] - hand[j];
        }
        return err;
    }

    private static double[] vars(JsonNode in) {
        JsonNode us = in.get("us"), theta = in.get("theta");
        var v = new double[2 * us.size() + 26];
        int at = 0;
        for (JsonNode u : us) { v[at++] = u.get(0).asDouble(); v[at++] = u.get(1).asDouble(); }
        for (JsonNode t : theta) v[at++] = t.asDouble();
        return v;
    }

    @ParameterizedTest
    @CsvSource({"300, 50, false, false, JIT", "12, 2, false, true, INTERPRETER", "100, 20, true, true, JIT", "12, 2, true, false, INTERPRETER"})
    void residualsAndJacobianAgreeWithPlainJava(int vertices, int n, boolean complicated, boolean mirrored, Backend backend) {
        ObjectNode in = input(vertices, n, complicated, mirrored, vertices + n);
        double[] v = vars(in);
        double[] err = reference(in, v);
        Job obj = new Ht().prepare("objective", in, backend);
        obj.run();
        JsonNode o = obj.output();
        assertEquals(3 * n, o.size());
        for (int i = 0; i < 3 * n; i++) assertEquals(err[i], o.get(i).asDouble(), 1e-12, "residual " + i);

        Job jac = new Ht().prepare("jacobian", in, backend);
        jac.run();
        JsonNode jm = jac.output();
        assertEquals(3 * n, jm.size());
        int off = complicated ? 2 * n : 0, cols = 26 + (complicated ? 2 : 0);
        for (int c = 0; c < cols; c++) {
            // column c: ∂/∂u_i0 or ∂/∂u_i1 (each row's own u, so one shift of all of them at once
            // gives every row's derivative), then ∂/∂θ_(c-2)
            double h = 1e-6;
            double[] plus = v.clone(), minus = v.clone();
            if (complicated && c < 2) {
                for (int i = 0; i < n; i++) { plus[2 * i + c] += h; minus[2 * i + c] -= h; }
            } else {
                plus[off + c - (complicated ? 2 : 0)] += h;
                minus[off + c - (complicated ? 2 : 0)] -= h;
            }
            double[] ep = reference(in, plus), em = reference(in, minus);
            for (int r = 0; r < 3 * n; r++) {
                double fd = (ep[r] - em[r]) / (2 * h);
                assertEquals(fd, jm.get(r).get(c).asDouble(), 1e-6 * Math.abs(fd) + 1e-7, "J[" + r + "][" + c + "]");
            }
        }
    }

    @Test
    void badInputIsRejected() {
        ObjectNode in = input(30, 5, false, false, 1);
        in.putArray("theta").add(1.0);
        var e = assertThrows(IllegalArgumentException.class, () -> new Ht().prepare("objective", in, Backend.JIT));
        assertTrue(e.getMessage().contains("theta"), e.getMessage());
    }
}
