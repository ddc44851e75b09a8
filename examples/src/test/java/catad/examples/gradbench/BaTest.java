package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Ba} against plain Java: the errors against a direct transcription of ADBench's projection,
 * the Jacobian's blocks against central differences of it, and the sparse layout (rows every 15
 * entries, columns of the observation's camera, point and weight) against its definition, on the
 * eval's kind of input (one camera, point, weight and feature, duplicated), with a rotation and, for
 * the small-angle branch, without.
 */
class BaTest {

    static ObjectNode input(int n, int m, int p, double[] cam) {
        ObjectNode in = JsonNodeFactory.instance.objectNode();
        in.put("n", n).put("m", m).put("p", p);
        var c = in.putArray("cam");
        for (double v : cam) c.add(v);
        in.putArray("x").add(-0.612).add(0.571).add(-1.847);
        in.put("w", 0.9);
        in.putArray("feat").add(-332.65).add(262.09);
        return in;
    }

    static final double[] CAM = {0.0157, -0.0128, -0.0044, -0.034, 0.0412, 0.1039, 399.75, 1.5, -2.5, -3.1e-7, 1.6e-13};
    static final double[] NO_ROTATION = {0, 0, 0, -0.034, 0.0412, 0.1039, 399.75, 1.5, -2.5, -3.1e-7, 1.6e-13};

    /** ADBench's reprojection error of one observation; q is cam (11), X (3), w. */
    static double[] reference(double[] q, double[] feat) {
        double[] xo = {q[11] - q[3], q[12] - q[4], q[13] - q[5]}, xc = new double[3];
        double sq = q[0] * q[0] + q[1] * q[1] + q[2] * q[2];
        if (sq != 0) {
            double t = Math.sqrt(sq), c = Math.cos(t), s = Math.sin(t);
            double[] w = {q[0] / t, q[1] / t, q[2] / t};
            double tmp = (w[0] * xo[0] + w[1] * xo[1] + w[2] * xo[2]) * (1 - c);
            double[] wx = {w[1] * xo[2] - w[2] * xo[1], w[2] * xo[0] - w[0] * xo[2], w[0] * xo[1] - w[1] * xo[0]};
            for (int i = 0; i < 3; i++) xc[i] = xo[i] * c + wx[i] * s + w[i] * tmp;
        } else {
            double[] rx = {q[1] * xo[2] - q[2] * xo[1], q[2] * xo[0] - q[0] * xo[2], q[0] * xo[1] - q[1] * xo[0]};
            for (int i = 0; i < 3; i++) xc[i] = xo[i] + rx[i];
        }
        double p0 = xc[0] / xc[2], p1 = xc[1] / xc[2];
        double rsq = p0 * p0 + p1 * p1, l = 1 + q[9] * rsq + q[10] * rsq * rsq;
        return new double[] {q[14] * (p0 * l * q[6] + q[7] - feat[0]), q[14] * (p1 * l * q[6] + q[8] - feat[1])};
    }

    @ParameterizedTest
    @CsvSource({"3, 5, 20, JIT, true", "3, 5, 20, INTERPRETER, true", "4, 7, 30, INTERPRETER, false", "49, 7776, 31843, JIT, true"})
    void errorsAndJacobianAgreeWithPlainJava(int n, int m, int p, Backend backend, boolean rotated) {
        double[] cam = rotated ? CAM : NO_ROTATION;
        ObjectNode in = input(n, m, p, cam);
        double[] q = new double[15], feat = {-332.65, 262.09};
        System.arraycopy(cam, 0, q, 0, 11);
        q[11] = -0.612;
        q[12] = 0.571;
        q[13] = -1.847;
        q[14] = 0.9;
        double[] err = reference(q, feat);

        Job obj = new Ba().prepare("objective", in, backend);
        obj.run();
        JsonNode o = obj.output();
        assertEquals(err[0], o.get("reproj_error").get("elements").get(0).asDouble(), 1e-9 * Math.abs(err[0]));
        assertEquals(err[1], o.get("reproj_error").get("elements").get(1).asDouble(), 1e-9 * Math.abs(err[1]));
        assertEquals(p, o.get("reproj_error").get("repeated").asInt());
        assertEquals(1 - 0.9 * 0.9, o.get("w_err").get("element").asDouble(), 1e-15);
        assertEquals(p, o.get("w_err").get("repeated").asInt());

        Job jac = new Ba().prepare("jacobian", in, backend);
        jac.run();
        JsonNode j = jac.output();
        JsonNode rows = j.get("rows"), cols = j.get("cols"), vals = j.get("vals");
        assertEquals(31, rows.size());
        assertEquals(31, cols.size());
        assertEquals(31, vals.size());
        for (int r = 0; r < 30; r++) assertEquals(15 * r, rows.get(r).asInt());
        assertEquals(2 * p * 15 + p, rows.get(30).asInt());
        // the first 30 entries: observation 0 (camera 0, point 0), rows 0 and 1
        for (int r = 0; r < 2; r++)
            for (int k = 0; k < 15; k++) {
                int e = 15 * r + k;
                int col = k < 11 ? k : k < 14 ? 11 * n + (k - 11) : 11 * n + 3 * m;
                assertEquals(col, cols.get(e).asInt(), "column of entry " + e);
                double h = 1e-6 * Math.max(1, Math.abs(q[k]));
                double[] plus = q.clone(), minus = q.clone();
                plus[k] += h;
                minus[k] -= h;
                double fd = (reference(plus, feat)[r] - reference(minus, feat)[r]) / (2 * h);
                assertEquals(fd, vals.get(e).asDouble(), 1e-6 * Math.abs(fd) + 1e-6 * Math.abs(err[r]) / h * 1e-8 + 1e-7, "entry " + e);
            }
        // the last entry: d(1 - w²)/dw of the last observation
        assertEquals(11 * n + 3 * m + p - 1, cols.get(30).asInt());
        assertEquals(-2 * 0.9, vals.get(30).asDouble(), 1e-15);
    }

    @Test
    void badInputIsRejected() {
        ObjectNode in = input(2, 2, 2, CAM);
        in.putArray("cam").add(1.0);
        var e = assertThrows(IllegalArgumentException.class, () -> new Ba().prepare("objective", in, Backend.JIT));
        assertTrue(e.getMessage().contains("cam"), e.getMessage());
    }
}
