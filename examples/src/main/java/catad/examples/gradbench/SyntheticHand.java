package catad.examples.gradbench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;

/**
 * A synthetic hand model in the ht eval's input form, for tests and the report: ADBench's bone
 * hierarchy (22 bones: two roots, five chains of four), random rigid bone transforms, random
 * vertices with sparse skinning weights. GradBench's own model files are not in this repository;
 * the work per correspondence is the same.
 */
public final class SyntheticHand {
    private SyntheticHand() {}

    private static final JsonNodeFactory J = JsonNodeFactory.instance;
    /** Bones of ADBench's hand. */
    public static final int BONES = 22;

    /** Parents like ADBench's hand: two root bones, then five chains of four. */
    /** {@return the bones' parents} */
    static int[] parents() {
        var p = new int[BONES];
        p[0] = -1;
        p[1] = 0;
        for (int f = 0; f < 5; f++)
            for (int j = 0; j < 4; j++) p[2 + 4 * f + j] = j == 0 ? 1 : 2 + 4 * f + j - 1;
        return p;
    }

    /**
     * {@return an ht input: a synthetic model of {@code vertices} vertices, n correspondences, θ, and
     * for the complicated variant the us} @param vertices model vertices @param n correspondences
     * @param complicated with us @param mirrored the model's flag @param seed the draws' seed
     */
    public static ObjectNode input(int vertices, int n, boolean complicated, boolean mirrored, long seed) {
        var rnd = new SplittableRandom(seed);
        ObjectNode model = J.objectNode();
        model.put("bone_count", BONES);
        ArrayNode names = model.putArray("bone_names"), par = model.putArray("parents");
        for (int b = 0; b < BONES; b++) names.add("bone" + b);
        for (int q : parents()) par.add(q);
        ArrayNode rel = model.putArray("base_relatives"), inv = model.putArray("inverse_base_absolutes");
        for (int b = 0; b < BONES; b++) {
            rel.add(rigid(rnd));
            inv.add(rigid(rnd));
        }
        ArrayNode pos = model.putArray("base_positions"), w = model.putArray("weights");
        for (int v = 0; v < vertices; v++) {
            pos.addArray().add(rnd.nextDouble(-1, 1)).add(rnd.nextDouble(-1, 1)).add(rnd.nextDouble(-1, 1)).add(1.0);
            var ws = new double[BONES];
            double sum = 0;
            for (int b = 0; b < BONES; b++) sum += ws[b] = rnd.nextDouble() < 0.2 ? rnd.nextDouble() : 0;
            ArrayNode row = w.addArray();
            for (int b = 0; b < BONES; b++) row.add(sum == 0 ? (b == 0 ? 1 : 0) : ws[b] / sum);
        }
        ArrayNode tri = model.putArray("triangles");
        for (int t = 0; t < vertices; t++) tri.addArray().add(rnd.nextInt(vertices)).add(rnd.nextInt(vertices)).add(rnd.nextInt(vertices));
        model.put("is_mirrored", mirrored);
        ObjectNode data = J.objectNode();
        data.set("model", model);
        ArrayNode corr = data.putArray("correspondences"), pts = data.putArray("points");
        for (int i = 0; i < n; i++) {
            corr.add(rnd.nextInt(vertices));
            pts.addArray().add(rnd.nextDouble(-1, 1)).add(rnd.nextDouble(-1, 1)).add(rnd.nextDouble(-1, 1));
        }
        ObjectNode in = J.objectNode();
        ArrayNode theta = in.putArray("theta");
        for (int i = 0; i < 26; i++) theta.add(rnd.nextDouble(-0.5, 0.5));
        in.set("data", data);
        ArrayNode us = in.putArray("us");
        if (complicated) for (int i = 0; i < n; i++) us.addArray().add(rnd.nextDouble(0, 0.5)).add(rnd.nextDouble(0, 0.5));
        return in;
    }

    /** A random rotation (about a random axis) with a translation, as a row-major 4×4. */
    private static ArrayNode rigid(SplittableRandom rnd) {
        double[] a = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
        double[][] r = rotation(a);
        ArrayNode m = J.arrayNode();
        for (int i = 0; i < 3; i++) m.addArray().add(r[i][0]).add(r[i][1]).add(r[i][2]).add(rnd.nextDouble(-1, 1));
        m.addArray().add(0.0).add(0.0).add(0.0).add(1.0);
        return m;
    }

    /** ADBench's angle-axis rotation matrix. */
    static double[][] rotation(double[] a) {
        double norm = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        if (norm < 1e-4) return new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        double x = a[0] / norm, y = a[1] / norm, z = a[2] / norm, s = Math.sin(norm), c = Math.cos(norm);
        return new double[][] {
            {x * x + (1 - x * x) * c, x * y * (1 - c) - z * s, x * z * (1 - c) + y * s},
            {x * y * (1 - c) + z * s, y * y + (1 - y * y) * c, y * z * (1 - c) - x * s},
            {x * z * (1 - c) - y * s, z * y * (1 - c) + x * s, z * z + (1 - z * z) * c}};
    }

}
