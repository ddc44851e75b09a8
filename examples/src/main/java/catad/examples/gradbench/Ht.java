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
 * objective is the {@link #pose} (θ to the bone transforms, rotation and translation, once) and a
 * {@link #point} residual mapped over the points. The Jacobian is forward mode, one program
 * ({@link #jacobian}): per point, the {@code jvp} of the residual at one tangent per column — one per
 * θ entry, the pose's tangent for it from the {@code jvp} of the pose; in the complicated variant two
 * more tangents set every u₀ (then every u₁) at once, which gives the block-diagonal us part
 * (residual i depends only on u_i) — in the eval's layout {@code [∂/∂u₀, ∂/∂u₁, ∂/∂θ…]} per residual row.
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
                    for (int c = 0; c < cols; c++) row.add(columns[(r / 3 * cols + c) * 3 + r % 3]);
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
        return new Programs(objective(key.parents(), key.mirrored(), key.points(), key.complicated()),
                jacobian(key.parents(), key.mirrored(), key.points(), key.complicated()));
    }

    /**
     * {@return the Jacobian {@code vars × model → [n][cols][3]R}, one program}: the pose's tangents
     * first, one per θ entry ({@code jvp} of {@link #pose} mapped over θ's unit vectors, the
     * matrices' tangent zero), outside the points; then per point one {@code jvp} of {@link #point}
     * per column (the us columns first, then θ's). A θ entry moves only the bones below its own in the
     * skeleton (none for the global six), so each column's tangent is built with {@code zero} for the
     * others, and for the rotation unless the entry is one of its three, and the whole program is
     * simplified: {@code Zeros} follows those zeros into the skinning, whose products with them drop
     * out — a column costs what the bones it moves cost, as in ADBench's hand-written Jacobian. A
     * point's own residual is computed once for all its columns (the compiled kernel shares it).
     */
    static Prog jacobian(List<Integer> parents, boolean mirrored, int n, boolean complicated) {
        int bones = parents.size(), k = complicated ? 3 : 1;
        Prog pose = pose(parents), point = point(bones, mirrored, complicated);
        Shape poseShape = pose.cod(), res = point.cod(), data = ((Shape.Pair) point.dom()).right();
        Shape thetas = ((Shape.Pair) pose.dom()).left(), mats = ((Shape.Pair) pose.dom()).right();
        Shape rotation = Shape.tensor(3, 3), translation = Shape.vec(3);
        Prog dPose = Catad.pipe(AD.jvp(pose), Catad.exr(poseShape, poseShape));
        Prog dPoint = Catad.pipe(AD.jvp(point), Catad.exr(res, res));
        boolean[][] moves = moves(parents);
        // θ's unit vectors, as tuples
        var units = new double[THETA * THETA];
        for (int c = 0; c < THETA; c++) units[c * THETA + c] = 1;
        Prog f = Pointful.compile(vars(n, complicated), model(bones, n, k), (v, m) -> {
            Sym theta = complicated ? v.snd() : v;
            Sym tt = thetaTuple(theta), ms = m.fst();
            Sym p = Sym.pair(tt, ms).apply(pose);
            Sym dPs = Sym.constant(Shape.arr(THETA, thetas), units).map(e ->
                    Sym.pair(Sym.pair(tt, ms), Sym.pair(e, ms.apply(Catad.zero(mats, mats)))).apply(dPose));
            var dBones = new Sym[THETA][];
            var dRotation = new Sym[THETA];
            for (int c = 0; c < THETA; c++) {
                Sym dP = dPs.at(c);
                Sym[] all = untuple(dP.fst(), bones);
                dBones[c] = new Sym[bones];
                for (int b = 0; b < bones; b++) dBones[c][b] = moves[c][b] ? all[b] : dP.apply(Catad.zero(poseShape, Shape.vec(12)));
                dRotation[c] = c < 3 ? dP.snd().fst() : dP.apply(Catad.zero(poseShape, rotation));
            }
            return pointData(v, m, complicated).map(d -> {
                var cols = new Sym[THETA + (complicated ? 2 : 0)];
                int at = 0;
                if (complicated) {
                    // every u₀ (then every u₁) at once: residual i depends on u_i only
                    Shape rest = ((Shape.Pair) data).left(), u = ((Shape.Pair) data).right();
                    for (int j = 0; j < 2; j++) {
                        Prog du = Catad.fork(Catad.zero(data, rest), Catad.constant(data, u, j == 0 ? 1 : 0, j == 0 ? 0 : 1));
                        Sym tangent = Sym.pair(p.apply(Catad.zero(poseShape, poseShape)), d.apply(du));
                        cols[at++] = Sym.pair(Sym.pair(p, d), tangent).apply(dPoint);
                    }
                }
                for (int c = 0; c < THETA; c++) {
                    Sym dTranslation = c >= 3 && c < 6
                            ? Sym.constant(translation, c == 3 ? 1 : 0, c == 4 ? 1 : 0, c == 5 ? 1 : 0)
                            : d.apply(Catad.zero(data, translation));
                    Sym dP = Sym.pair(tuple(dBones[c]), Sym.pair(dRotation[c], dTranslation));
                    cols[at++] = Sym.pair(Sym.pair(p, d), Sym.pair(dP, d.apply(Catad.zero(data, data)))).apply(dPoint);
                }
                return tuple(cols);
            });
        });
        return AD.simplify(f);
    }

    /**
     * {@return for each θ entry and bone, whether the entry moves the bone}: the bone its angle
     * belongs to (see {@link #poseEulerAngles}) and every bone below it; the global six (rotation,
     * translation) move no bone, since they act after the skinning
     */
    static boolean[][] moves(List<Integer> parents) {
        int bones = parents.size();
        var moves = new boolean[THETA][bones];
        int t = 6, bone = 2;
        for (int finger = 0; finger < 5; finger++) {
            for (int j = 0; j < 3; j++) {
                int angles = j == 0 ? 2 : 1;
                for (int a = 0; a < angles; a++, t++) {
                    for (int b = 0; b < bones; b++) moves[t][b] = below(parents, b, bone);
                }
                bone++;
            }
            bone++;
        }
        return moves;
    }

    /** {@return whether bone b is bone a or below it} */
    private static boolean below(List<Integer> parents, int b, int a) {
        for (int x = b; x != -1; x = parents.get(x)) if (x == a) return true;
        return false;
    }

    /** {@return vars: θ, or {@code us × θ} in the complicated variant} */
    private static Shape vars(int n, boolean complicated) {
        Shape thetaShape = Shape.vec(THETA);
        return complicated ? Shape.pair(Shape.tensor(n, 2), thetaShape) : thetaShape;
    }

    /** {@return the model: {@code (base_relatives × inverse_base_absolutes) × ((vertices × weights) × points)}} */
    private static Shape model(int bones, int n, int k) {
        Shape mats = Shape.tensor(bones, 4, 4);
        return Shape.pair(Shape.pair(mats, mats),
                Shape.pair(Shape.pair(Shape.tensor(n, k, 4), Shape.tensor(n, k, bones)), Shape.tensor(n, 3)));
    }

    /** {@return θ's numbers as a tuple (so that a tangent can be zero in all but one of them)} */
    private static Sym thetaTuple(Sym theta) {
        var t = new Sym[THETA];
        for (int i = 0; i < THETA; i++) t[i] = theta.at(i);
        return tuple(t);
    }

    /** {@return per point, {@code ((vertices, weights), point)}, and its us in the complicated variant} */
    private static Sym pointData(Sym v, Sym m, boolean complicated) {
        Sym verts = m.snd().fst().fst(), weights = m.snd().fst().snd(), points = m.snd().snd();
        Sym d = zip(zip(verts, weights), points);
        return complicated ? zip(d, v.fst()) : d;
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
        Prog pose = pose(parents), point = point(bones, mirrored, complicated);
        return Pointful.compile(vars(n, complicated), model(bones, n, k), (v, m) -> {
            Sym theta = complicated ? v.snd() : v;
            Sym p = Sym.pair(thetaTuple(theta), m.fst()).apply(pose);
            return pointData(v, m, complicated).map(d -> Sym.pair(p, d).apply(point));
        });
    }

    /**
     * {@return the pose {@code θ × (base_relatives × inverse_base_absolutes) → bones × (rotation ×
     * translation)}}: θ a tuple of its 26 numbers; per bone the posed relative transform
     * {@code base_relative · [R_z R_y R_x, 0; 0, 1]}, absolutes along the parents, and the first three
     * rows of {@code absolute · inverse_base_absolute} ({@code [12]R}), the bones a tuple; the global
     * angle-axis rotation {@code [3][3]R} and translation {@code [3]R}
     */
    static Prog pose(List<Integer> parents) {
        int bones = parents.size();
        var thetaShapes = new Shape[THETA];
        Arrays.fill(thetaShapes, Shape.R);
        Shape mats = Shape.tensor(bones, 4, 4);
        return Pointful.compile(tupleShape(thetaShapes), Shape.pair(mats, mats), (tt, m) -> {
            Sym[] theta = untuple(tt, THETA);
            Sym baseRel = m.fst(), invBaseAbs = m.snd();
            Sym[] pose = poseEulerAngles(theta, bones);
            var absolutes = new Sym[bones];
            var transforms = new Sym[bones];
            for (int b = 0; b < bones; b++) {
                Sym relative = matmul4(baseRel.at(b), homogeneous(eulerRotation(pose[b])));
                absolutes[b] = parents.get(b) == -1 ? relative : matmul4(absolutes[parents.get(b)], relative);
                Sym t = matmul4(absolutes[b], invBaseAbs.at(b));
                transforms[b] = Sym.array(t.at(0), t.at(1), t.at(2)).apply(Catad.reshape(Shape.tensor(3, 4), Shape.vec(12)));
            }
            Sym rotation = angleAxisRotation(Sym.array(theta[0], theta[1], theta[2]));
            Sym translation = Sym.array(theta[3], theta[4], theta[5]);
            return Sym.pair(tuple(transforms), Sym.pair(rotation, translation));
        });
    }

    /**
     * {@return one residual {@code pose × data → [3]R}}: data {@code ((vertices [k][4]R, weights
     * [k][bones]R), point [3]R)}, and {@code u [2]R} in the complicated variant; each vertex skinned
     * as {@code (Σ_b w_b T_b) v} (a sum over the bones, so a bone whose tangent is zero adds nothing
     * to a column), x mirrored if the model is, then the global rotation and translation
     */
    static Prog point(int bones, boolean mirrored, boolean complicated) {
        int k = complicated ? 3 : 1;
        var boneShapes = new Shape[bones];
        Arrays.fill(boneShapes, Shape.vec(12));
        Shape poseShape = Shape.pair(tupleShape(boneShapes), Shape.pair(Shape.tensor(3, 3), Shape.vec(3)));
        Shape base = Shape.pair(Shape.pair(Shape.tensor(k, 4), Shape.tensor(k, bones)), Shape.vec(3));
        Shape data = complicated ? Shape.pair(base, Shape.vec(2)) : base;
        double[] mirror = {mirrored ? -1 : 1, 1, 1};
        return Pointful.compile(poseShape, data, (p, d) -> {
            Sym[] transforms = untuple(p.fst(), bones);
            Sym rotation = p.snd().fst(), translation = p.snd().snd();
            Sym b0 = complicated ? d.fst() : d;
            Sym verts = b0.fst().fst(), weights = b0.fst().snd(), target = b0.snd();
            var hand = new Sym[k];
            for (int j = 0; j < k; j++) {
                Sym w = weights.at(j), blend = null;
                for (int b = 0; b < bones; b++) {
                    Sym term = Sym.pair(w.at(b), transforms[b]).apply(Catad.scaleVec(12));
                    blend = blend == null ? term : blend.plus(term);
                }
                Sym m34 = blend.apply(Catad.reshape(Shape.vec(12), Shape.tensor(3, 4)));
                Sym local = m34.matvec(verts.at(j)).times(Sym.constant(Shape.vec(3), mirror));
                hand[j] = rotation.matvec(local).plus(translation);
            }
            if (!complicated) return target.minus(hand[0]);
            Sym u0 = d.snd().at(0), u1 = d.snd().at(1);
            Sym onHand = hand[0].times(u0).plus(hand[1].times(u1)).plus(hand[2].times(Sym.constant(1).minus(u0).minus(u1)));
            return target.minus(onHand);
        });
    }

    private static Shape tupleShape(Shape... s) {
        Shape t = s[s.length - 1];
        for (int i = s.length - 2; i >= 0; i--) t = Shape.pair(s[i], t);
        return t;
    }

    private static Sym tuple(Sym... xs) {
        Sym t = xs[xs.length - 1];
        for (int i = xs.length - 2; i >= 0; i--) t = Sym.pair(xs[i], t);
        return t;
    }

    private static Sym[] untuple(Sym t, int n) {
        var r = new Sym[n];
        for (int i = 0; i < n - 1; i++) {
            r[i] = t.fst();
            t = t.snd();
        }
        r[n - 1] = t;
        return r;
    }

    /** {@return per bone, its Euler angles (x, z, y) from θ: ADBench's fixed layout (zeros elsewhere)} */
    private static Sym[] poseEulerAngles(Sym[] theta, int bones) {
        var angles = new Sym[bones][3];
        Sym zero = Sym.constant(0);
        for (Sym[] a : angles) Arrays.fill(a, zero);
        // bones 0 and 1 (wrist, forearm columns) stay zero; each finger has 3 posed bones then a free one
        int t = 6, bone = 2;
        for (int finger = 0; finger < 5; finger++) {
            for (int j = 0; j < 3; j++) {
                angles[bone][0] = theta[t++];
                if (j == 0) angles[bone][1] = theta[t++];
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
