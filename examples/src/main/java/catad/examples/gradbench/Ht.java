package catad.examples.gradbench;

import static catad.examples.gradbench.EvalIo.*;
import static catad.examples.gradbench.Inputs.job;
import static catad.examples.gradbench.Inputs.unknownFunction;

import catad.dsl.Catad;
import catad.dsl.Pointful;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.Sym;
import catad.interpreter.AD;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GradBench's {@code ht} eval: ADBench's hand tracking, the residuals between observed points and a
 * skinned hand model posed by θ ({@code objective}) and their Jacobian ({@code jacobian}), in both
 * of ADBench's variants: simple (each point against one model vertex) and complicated (each point
 * against a point u₀v₀ + u₁v₁ + (1 - u₀ - u₁)v₂ of a triangle, the us being variables too).
 *
 * <p>Formulation (the eval's reference implementation): θ to pose parameters (global rotation,
 * scale 1, translation, then per finger the Euler angles of its bones); per bone the posed relative
 * transform {@code base_relative · [R_z R_y R_x, 0; 0, 1]}, absolutes along the parents, transforms
 * {@code absolute · inverse_base_absolute}; each vertex skinned as {@code Σ_b w_b T_b v}; x mirrored
 * if the model is; then the global angle-axis rotation (identity below a norm of 10⁻⁴) and
 * translation. Skinning is per vertex, so the program skins only the vertices the residuals use (the
 * correspondences', or their triangles'), gathered from the model when the input is read. The
 * Jacobian is forward mode, one program: the {@code jvp} program mapped over unit tangents, one per
 * θ entry; in the complicated variant two more tangents set every u₀ (then every u₁) at once, which
 * gives the block-diagonal us part (residual i depends only on u_i), in the eval's layout
 * {@code [∂/∂u₀, ∂/∂u₁, ∂/∂θ…]} per residual row. The primal work every tangent shares (the bone
 * transforms) is done once by the compiled program.
 */
public final class Ht implements Module {

    /** A new ht module. */
    public Ht() {}

    private static final int THETA = 26;

    /** What fixes the programs: the skeleton and the sizes. */
    private record Key(List<Integer> parents, boolean mirrored, int points, boolean complicated) {}

    private record Programs(Prog objective, Prog jacobian) {}

    private static final Map<Key, Programs> PROGRAMS = new ConcurrentHashMap<>();

    @Override public String name() { return "ht"; }

    @Override
    public Job prepare(String function, JsonNode input, Backend backend) {
        if (!function.equals("objective") && !function.equals("jacobian")) throw unknownFunction("ht", function, "objective, jacobian");
        double[] theta = vector(field(input, "theta"), THETA, "theta");
        JsonNode data = field(input, "data"), model = field(data, "model");
        JsonNode parentsNode = field(model, "parents");
        int bones = parentsNode.size();
        var parents = new Integer[bones];
        for (int b = 0; b < bones; b++) {
            parents[b] = parentsNode.get(b).asInt();
            if (parents[b] >= b || parents[b] < -1)
                throw new IllegalArgumentException("parents[" + b + "] = " + parents[b] + ": a parent must come before its bone");
        }
        if (bones != 22) throw new IllegalArgumentException("the hand model must have 22 bones (θ has 26 numbers for them), got " + bones);
        boolean mirrored = field(model, "is_mirrored").asBoolean();
        double[][][] baseRelatives = tensor3(field(model, "base_relatives"), bones, "base_relatives");
        double[][][] inverseBaseAbsolutes = tensor3(field(model, "inverse_base_absolutes"), bones, "inverse_base_absolutes");
        double[][] basePositions = matrix(field(model, "base_positions"), -1, 4, "base_positions");
        int vertices = basePositions.length;
        double[][] weights = matrix(field(model, "weights"), vertices, bones, "weights");
        double[][] points = matrix(field(data, "points"), -1, 3, "points");
        int n = points.length;
        JsonNode corr = field(data, "correspondences");
        if (!corr.isArray() || corr.size() != n) throw new IllegalArgumentException("correspondences must have one index per point (" + n + ")");
        JsonNode usNode = input.has("us") ? input.get("us") : JSON.arrayNode();
        boolean complicated = usNode.size() > 0;
        double[][] us = complicated ? matrix(usNode, n, 2, "us") : new double[0][];
        int[][] triangles = null;
        if (complicated) {
            double[][] t = matrix(field(model, "triangles"), -1, 3, "triangles");
            triangles = new int[t.length][3];
            for (int i = 0; i < t.length; i++) for (int j = 0; j < 3; j++) triangles[i][j] = index((int) t[i][j], vertices, "triangles");
        }
        int k = complicated ? 3 : 1;
        // the vertices the residuals use, and their weights
        double[] verts = new double[n * k * 4], vertWeights = new double[n * k * bones];
        for (int i = 0; i < n; i++) {
            int c = corr.get(i).asInt();
            for (int j = 0; j < k; j++) {
                int v = complicated ? triangles[index(c, triangles.length, "correspondences")][j] : index(c, vertices, "correspondences");
                System.arraycopy(basePositions[v], 0, verts, (i * k + j) * 4, 4);
                System.arraycopy(weights[v], 0, vertWeights, (i * k + j) * bones, bones);
            }
        }
        Programs p = PROGRAMS.computeIfAbsent(new Key(List.of(parents), mirrored, n, complicated), Ht::build);
        int vars = THETA + 2 * us.length;
        var in = new double[vars + 2 * bones * 16 + verts.length + vertWeights.length + 3 * n];
        int at = put(in, 0, us);
        at = put(in, at, theta);
        for (double[][] m : baseRelatives) at = put(in, at, m);
        for (double[][] m : inverseBaseAbsolutes) at = put(in, at, m);
        at = put(in, at, verts, vertWeights);
        put(in, at, points);

        if (function.equals("objective")) return job(backend.compile(p.objective()), in, 3 * n, EvalIo::array);
        int cols = THETA + (complicated ? 2 : 0), m = 3 * n;
        Backend.Fn jacobian = backend.compile(p.jacobian());
        double[] columns = new double[cols * m];
        return new Job() {
            @Override public void run() { jacobian.apply(in, columns); }
            @Override public JsonNode output() {
                ArrayNode rows = JSON.arrayNode(m);
                for (int r = 0; r < m; r++) {
                    ArrayNode row = rows.addArray();
                    for (int c = 0; c < cols; c++) row.add(columns[c * m + r]);
                }
                return rows;
            }
        };
    }

    private static int index(int i, int n, String what) {
        if (i < 0 || i >= n) throw new IllegalArgumentException(what + " has index " + i + ", outside 0.." + (n - 1));
        return i;
    }

    private static double[][][] tensor3(JsonNode f, int n, String what) {
        if (!f.isArray() || f.size() != n) throw new IllegalArgumentException(what + " must have " + n + " matrices");
        var t = new double[n][][];
        for (int i = 0; i < n; i++) t[i] = matrix(f.get(i), 4, 4, what + "[" + i + "]");
        return t;
    }

    // ---------------------------------------------------------------- programs

    private static Programs build(Key key) {
        Prog f = objective(key.parents(), key.mirrored(), key.points(), key.complicated());
        return new Programs(f, jacobian(f, key.points(), key.complicated()));
    }

    /**
     * {@return the Jacobian's columns {@code vars × model → [cols][n][3]R}}: the jvp program of f
     * mapped over the tangents, one program. A tangent is a unit vector of θ (or, complicated, every
     * u₀ or every u₁ at once), and zero for the model. The primal work, the same for every tangent,
     * is done once (the JIT moves it out of the map); each column costs the tangent work only. The
     * whole program is simplified, so the model's zero tangent removes the products it meets (the
     * weights' tangent times the bone transforms in the skinning): {@code Zeros} follows it into the map.
     */
    static Prog jacobian(Prog f, int n, boolean complicated) {
        var dom = (Shape.Pair) f.dom();
        Shape vars = dom.left(), model = dom.right(), cod = f.cod();
        int cols = THETA + (complicated ? 2 : 0), vd = vars.dim();
        var tangents = new double[cols * vd];
        for (int c = 0; c < cols; c++) {
            if (complicated && c < 2) for (int i = 0; i < n; i++) tangents[c * vd + 2 * i + c] = 1;
            else tangents[c * vd + vd - THETA + c - (complicated ? 2 : 0)] = 1;
        }
        Shape elem = Shape.pair(f.dom(), vars);
        Prog withTangent = Catad.fork(Catad.exl(f.dom(), vars), Catad.fork(Catad.exr(f.dom(), vars), Catad.zero(elem, model)));
        Prog column = Catad.pipe(withTangent, AD.jvp(f), Catad.exr(cod, cod));
        return AD.simplify(Catad.pipe(
                Catad.fork(Catad.repl(cols, f.dom()), Catad.constant(f.dom(), Shape.arr(cols, vars), tangents)),
                Catad.zip(cols, f.dom(), vars),
                Catad.map(cols, column)));
    }

    /**
     * {@return the residuals {@code vars × model → [n][3]R}} vars is θ (simple) or {@code us × θ}
     * (complicated, us {@code [n][2]R}); model is
     * {@code (base_relatives × inverse_base_absolutes) × ((vertices × weights) × points)}, the
     * vertices {@code [n][k][4]R} and their weights {@code [n][k][bones]R} (k = 3 per triangle in the
     * complicated variant, else 1)
     */
    static Prog objective(List<Integer> parents, boolean mirrored, int n, boolean complicated) {
        int bones = parents.size(), k = complicated ? 3 : 1;
        Shape thetaShape = Shape.vec(THETA);
        Shape vars = complicated ? Shape.pair(Shape.tensor(n, 2), thetaShape) : thetaShape;
        Shape mats = Shape.tensor(bones, 4, 4);
        Shape model = Shape.pair(Shape.pair(mats, mats),
                Shape.pair(Shape.pair(Shape.tensor(n, k, 4), Shape.tensor(n, k, bones)), Shape.tensor(n, 3)));
        return Pointful.compile(vars, model, (v, m) -> {
            Sym theta = complicated ? v.snd() : v;
            Sym baseRel = m.fst().fst(), invBaseAbs = m.fst().snd();
            Sym verts = m.snd().fst().fst(), weights = m.snd().fst().snd(), points = m.snd().snd();
            Sym[] pose = poseEulerAngles(theta, bones);
            // posed relatives, absolutes along the parents, transforms (first three rows)
            var absolutes = new Sym[bones];
            var transforms = new Sym[bones];
            for (int b = 0; b < bones; b++) {
                Sym relative = matmul4(baseRel.at(b), homogeneous(eulerRotation(pose[b])));
                absolutes[b] = parents.get(b) == -1 ? relative : matmul4(absolutes[parents.get(b)], relative);
                Sym t = matmul4(absolutes[b], invBaseAbs.at(b));
                transforms[b] = Sym.array(t.at(0), t.at(1), t.at(2)).apply(Catad.reshape(Shape.tensor(3, 4), Shape.vec(12)));
            }
            Sym stacked = Sym.array(transforms);                                  // [bones][12]
            Sym rotation = angleAxisRotation(Sym.array(theta.at(0), theta.at(1), theta.at(2)));
            Sym translation = Sym.array(theta.at(3), theta.at(4), theta.at(5));
            double[] mirror = {mirrored ? -1 : 1, 1, 1};
            Sym flip = Sym.constant(Shape.vec(3), mirror);
            // each used vertex: (Σ_b w_b T_b) v, mirrored, then the global transform
            Sym skinned = zip(verts, weights).map(vw -> zip(vw.fst(), vw.snd()).map(one -> {
                Sym blend = Sym.pair(one.snd(), stacked).apply(vecTimesMatrix(bones));
                Sym m34 = blend.apply(Catad.reshape(Shape.vec(12), Shape.tensor(3, 4)));
                Sym local = m34.matvec(one.fst()).times(flip);
                return rotation.matvec(local).plus(translation);
            }));                                                                  // [n][k][3]
            if (!complicated) return points.minus(skinned.map(p -> p.at(0)));
            Sym us = v.fst();
            return zip(points, zip(us, skinned)).map(pu -> {
                Sym u = pu.snd().fst(), tri = pu.snd().snd();
                Sym u0 = u.at(0), u1 = u.at(1);
                Sym onHand = tri.at(0).times(u0).plus(tri.at(1).times(u1)).plus(tri.at(2).times(Sym.constant(1).minus(u0).minus(u1)));
                return pu.fst().minus(onHand);
            });
        });
    }

    /** {@return {@code w [bones]R × T [bones][12]R ↦ wᵀ T : [12]R}} */
    private static Prog vecTimesMatrix(int bones) {
        return Catad.compose(Catad.reshape(Shape.tensor(1, 12), Shape.vec(12)), Catad.matmul(1, bones, 12),
                Catad.cross(Catad.reshape(Shape.vec(bones), Shape.tensor(1, bones)), Catad.id(Shape.tensor(bones, 12))));
    }

    /** {@return per bone, its Euler angles (x, z, y) from θ: ADBench's fixed layout (zeros elsewhere)} */
    private static Sym[] poseEulerAngles(Sym theta, int bones) {
        var angles = new Sym[bones][3];
        Sym zero = Sym.constant(0);
        for (Sym[] a : angles) Arrays.fill(a, zero);
        // bones 0 and 1 (wrist, forearm columns) stay zero; each finger has 3 posed bones then a free one
        int t = 6, bone = 2;
        for (int finger = 0; finger < 5; finger++) {
            for (int j = 0; j < 3; j++) {
                angles[bone][0] = theta.at(t++);
                if (j == 0) angles[bone][1] = theta.at(t++);
                bone++;
            }
            bone++;
        }
        var out = new Sym[bones];
        for (int b = 0; b < bones; b++) out[b] = Sym.array(angles[b]);
        return out;
    }

    /** {@return R_z R_y R_x for angles (x, z, y), ADBench's order} */
    private static Sym eulerRotation(Sym xzy) {
        Sym tx = xzy.at(0), ty = xzy.at(2), tz = xzy.at(1);
        Sym zero = Sym.constant(0), one = Sym.constant(1);
        Sym cx = tx.cos(), sx = tx.sin(), cy = ty.cos(), sy = ty.sin(), cz = tz.cos(), sz = tz.sin();
        Sym rx = mat3(one, zero, zero, zero, cx, sx.neg(), zero, sx, cx);
        Sym ry = mat3(cy, zero, sy, zero, one, zero, sy.neg(), zero, cy);
        Sym rz = mat3(cz, sz.neg(), zero, sz, cz, zero, zero, zero, one);
        Prog mm = Catad.matmul(3, 3, 3);
        return Sym.pair(Sym.pair(rz, ry).apply(mm), rx).apply(mm);
    }

    /** {@return the 4×4 {@code [R, 0; 0, 1]}} */
    private static Sym homogeneous(Sym r) {
        Sym zero = Sym.constant(0), one = Sym.constant(1);
        return Sym.array(
                Sym.array(r.at(0).at(0), r.at(0).at(1), r.at(0).at(2), zero),
                Sym.array(r.at(1).at(0), r.at(1).at(1), r.at(1).at(2), zero),
                Sym.array(r.at(2).at(0), r.at(2).at(1), r.at(2).at(2), zero),
                Sym.array(zero, zero, zero, one));
    }

    /** {@return the rotation matrix of an angle-axis vector; the identity below a norm of 10⁻⁴} */
    private static Sym angleAxisRotation(Sym aa) {
        Sym norm = aa.dot(aa).sqrt();
        return Sym.cond(norm.lt(1e-4),
                () -> Sym.constant(Shape.tensor(3, 3), 1, 0, 0, 0, 1, 0, 0, 0, 1),
                () -> {
                    Sym x = aa.at(0).div(norm), y = aa.at(1).div(norm), z = aa.at(2).div(norm);
                    Sym s = norm.sin(), c = norm.cos(), oc = Sym.constant(1).minus(c);
                    return mat3(
                            x.times(x).plus(Sym.constant(1).minus(x.times(x)).times(c)), x.times(y).times(oc).minus(z.times(s)), x.times(z).times(oc).plus(y.times(s)),
                            x.times(y).times(oc).plus(z.times(s)), y.times(y).plus(Sym.constant(1).minus(y.times(y)).times(c)), y.times(z).times(oc).minus(x.times(s)),
                            x.times(z).times(oc).minus(y.times(s)), z.times(y).times(oc).plus(x.times(s)), z.times(z).plus(Sym.constant(1).minus(z.times(z)).times(c)));
                });
    }

    private static Sym mat3(Sym... e) {
        return Sym.array(Sym.array(e[0], e[1], e[2]), Sym.array(e[3], e[4], e[5]), Sym.array(e[6], e[7], e[8]));
    }

    private static Sym matmul4(Sym a, Sym b) { return Sym.pair(a, b).apply(Catad.matmul(4, 4, 4)); }
}
