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
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GradBench's {@code ba} eval: ADBench's bundle adjustment, the reprojection and weight errors
 * ({@code objective}) and their sparse Jacobian ({@code jacobian}).
 *
 * <p>Formulation (the eval's README and reference implementation): the input's one camera, point,
 * weight and feature are duplicated to n cameras, m points and p observations, observation i seeing
 * camera {@code i mod n} and point {@code i mod m}; the reprojection error is
 * {@code w·(project(cam, X) - feat)} with ADBench's Rodrigues rotation (the small-angle form where
 * θ = 0), radial distortion, focal length and principal point; the weight error is {@code 1 - w²}.
 * The Jacobian's nonzero blocks are, per observation, the 2 × 15 derivative of its error with
 * respect to its camera (11), point (3) and weight (1), row by row: the {@code vjp} program of the
 * error at the two unit cotangents, mapped over the observations (reverse mode; the forward pass
 * both rows need is computed once per observation, the JIT moving it out of the map over the
 * cotangents); and per weight the derivative of {@code 1 - w²} by {@code grad}. The kernel writes
 * them in the order of the eval's compressed sparse rows, so its output is the {@code vals} list;
 * {@code rows} and {@code cols}, which depend only on which camera and point each observation sees,
 * are laid out when the input is read. The eval's compressed
 * sparse rows (rows, cols, vals), of which the output carries, as the eval asks, the first 30 entries
 * of each list and the last. The objective's output is the first error and the repetition count.
 */
public final class Ba implements Module {

    /** A new ba module. */
    public Ba() {}

    private static final int CAM = 11, BLOCK = CAM + 3 + 1;

    /** One observation's input: {@code ((cam × X) × (w × feat))}. */
    static final Shape OBS = Shape.pair(Shape.pair(Shape.vec(CAM), Shape.vec(3)), Shape.pair(Shape.R, Shape.vec(2)));

    private record Programs(Prog objective, Prog jacobian) {}

    private static final Map<Integer, Programs> PROGRAMS = new ConcurrentHashMap<>();

    @Override public String name() { return "ba"; }

    @Override
    public Job prepare(String function, JsonNode input, Backend backend) {
        if (!function.equals("objective") && !function.equals("jacobian")) throw unknownFunction("ba", function, "objective, jacobian");
        int n = integer(input, "n"), m = integer(input, "m"), p = integer(input, "p");
        if (n < 1 || m < 1 || p < 1) throw new IllegalArgumentException("ba needs n, m, p >= 1, got n=" + n + " m=" + m + " p=" + p);
        double[] cam = vector(field(input, "cam"), CAM, "cam");
        double[] x = vector(field(input, "x"), 3, "x");
        double w = number(input, "w");
        double[] feat = vector(field(input, "feat"), 2, "feat");
        // the duplicated problem, as the eval defines it
        double[] cams = new double[CAM * n], points = new double[3 * m], weights = new double[p], feats = new double[2 * p];
        int[] camOf = new int[p], pointOf = new int[p];
        for (int i = 0; i < n; i++) System.arraycopy(cam, 0, cams, CAM * i, CAM);
        for (int i = 0; i < m; i++) System.arraycopy(x, 0, points, 3 * i, 3);
        for (int i = 0; i < p; i++) {
            weights[i] = w;
            System.arraycopy(feat, 0, feats, 2 * i, 2);
            camOf[i] = i % n;
            pointOf[i] = i % m;
        }
        Programs progs = PROGRAMS.computeIfAbsent(p, Ba::build);
        int obs = OBS.dim();
        double[] in = new double[p * obs + p];
        // gathers each observation's camera and point (reading the input, not differentiating)
        Runnable gather = () -> {
            for (int i = 0; i < p; i++) {
                int at = i * obs;
                System.arraycopy(cams, CAM * camOf[i], in, at, CAM);
                System.arraycopy(points, 3 * pointOf[i], in, at + CAM, 3);
                in[at + CAM + 3] = weights[i];
                System.arraycopy(feats, 2 * i, in, at + CAM + 4, 2);
                in[p * obs + i] = weights[i];
            }
        };
        if (function.equals("objective")) {
            Backend.Fn f = backend.compile(progs.objective());
            double[] y = new double[3 * p];
            return new Job() {
                @Override public void run() { gather.run(); f.apply(in, y); }
                @Override public JsonNode output() {
                    ObjectNode o = JSON.objectNode();
                    ObjectNode r = o.putObject("reproj_error");
                    r.set("elements", array(y, 0, 2));
                    r.put("repeated", p);
                    ObjectNode we = o.putObject("w_err");
                    we.put("element", y[2 * p]);
                    we.put("repeated", p);
                    return o;
                }
            };
        }
        Backend.Fn f = backend.compile(progs.jacobian());
        int nnz = 2 * p * BLOCK + p;
        // the sparsity structure depends on n, m, p and which camera and point each observation
        // sees, not on any value: it is laid out once, here; the timed run computes the values,
        // which the kernel writes in the structure's order (row by row, cam, X, w)
        int[] rows = new int[3 * p + 1], cols = new int[nnz];
        int k0 = 0, row0 = 0;
        for (int i = 0; i < p; i++)
            for (int r = 0; r < 2; r++) {
                rows[row0++] = k0;
                for (int j = 0; j < CAM; j++) cols[k0++] = CAM * camOf[i] + j;
                for (int j = 0; j < 3; j++) cols[k0++] = CAM * n + 3 * pointOf[i] + j;
                cols[k0++] = CAM * n + 3 * m + i;
            }
        for (int i = 0; i < p; i++) {
            rows[row0++] = k0;
            cols[k0++] = CAM * n + 3 * m + i;
        }
        rows[row0] = k0;
        double[] vals = new double[nnz];
        return new Job() {
            @Override public void run() {
                gather.run();
                f.apply(in, vals);
            }
            @Override public JsonNode output() {
                ObjectNode o = JSON.objectNode();
                ArrayNode r = o.putArray("rows"), c = o.putArray("cols"), v = o.putArray("vals");
                for (int i = 0; i < 30 && i < rows.length - 1; i++) r.add(rows[i]);
                r.add(rows[rows.length - 1]);
                for (int i = 0; i < 30 && i < nnz - 1; i++) {
                    c.add(cols[i]);
                    v.add(vals[i]);
                }
                c.add(cols[nnz - 1]);
                v.add(vals[nnz - 1]);
                return o;
            }
        };
    }

    private static Programs build(int p) {
        Prog err = reprojectionError();
        Prog zach = weightError();
        Prog objective = Catad.cross(Catad.map(p, err), Catad.map(p, zach));
        // per observation: the 2 rows of d err / d (cam, X, w, feat), the vjp program at the unit
        // cotangents (reverse mode: the forward pass, shared by both rows, runs once)
        // cotangents of (cam × X) × w only: the feature is data, not a parameter
        var obs = (Shape.Pair) OBS;
        Prog parameters = Catad.cross(Catad.id(obs.left()), Catad.exl(Shape.R, Shape.vec(2)));
        Prog vjp = Catad.compose(parameters, AD.vjp(err));
        Shape ct = Shape.vec(2);
        Prog rows = Catad.pipe(
                Catad.fork(Catad.repl(2, OBS), Catad.constant(OBS, Shape.arr(2, ct), new double[] {1, 0, 0, 1})),
                Catad.zip(2, OBS, ct),
                Catad.map(2, vjp));
        Prog jacobian = Catad.cross(Catad.map(p, rows), Catad.map(p, AD.grad(zach)));
        return new Programs(objective, jacobian);
    }

    /** {@return {@code 1 - w² : R → R}} */
    static Prog weightError() { return Pointful.compile(Shape.R, w -> w.square().neg().plus(1)); }

    /** {@return one observation's reprojection error {@code ((cam × X) × (w × feat)) → [2]R}} */
    static Prog reprojectionError() {
        return Pointful.compile(OBS, o -> {
            Sym cam = o.fst().fst(), x = o.fst().snd(), w = o.snd().fst(), feat = o.snd().snd();
            Sym rot = Sym.array(cam.at(0), cam.at(1), cam.at(2));
            Sym centre = Sym.array(cam.at(3), cam.at(4), cam.at(5));
            Sym xo = x.minus(centre);
            Sym sqTheta = rot.dot(rot);
            Sym xcam = Sym.cond(sqTheta,
                    () -> {
                        Sym theta = sqTheta.sqrt(), cos = theta.cos(), sin = theta.sin();
                        Sym axis = rot.div(theta);
                        Sym tmp = axis.dot(xo).times(Sym.constant(1).minus(cos));
                        return xo.times(cos).plus(cross(axis, xo).times(sin)).plus(axis.times(tmp));
                    },
                    () -> xo.plus(cross(rot, xo)));
            Sym proj = Sym.array(xcam.at(0).div(xcam.at(2)), xcam.at(1).div(xcam.at(2)));
            Sym rsq = proj.dot(proj);
            Sym distortion = cam.at(9).times(rsq).plus(cam.at(10).times(rsq).times(rsq)).plus(1);
            Sym pixel = proj.times(distortion).times(cam.at(6)).plus(Sym.array(cam.at(7), cam.at(8)));
            return pixel.minus(feat).times(w);
        });
    }

    private static Sym cross(Sym a, Sym b) {
        return Sym.array(
                a.at(1).times(b.at(2)).minus(a.at(2).times(b.at(1))),
                a.at(2).times(b.at(0)).minus(a.at(0).times(b.at(2))),
                a.at(0).times(b.at(1)).minus(a.at(1).times(b.at(0))));
    }
}
