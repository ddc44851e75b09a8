package catad.dsl;

import static catad.dsl.Catad.*;
import static catad.dsl.Primitive.Interval.ALL;
import static catad.dsl.Primitive.Interval.POSITIVE;
import static catad.dsl.Shape.R;

import catad.dsl.Primitive.Binary;
import catad.dsl.Primitive.General;
import catad.dsl.Primitive.Interval;
import catad.dsl.Primitive.Unary;
import java.util.List;
import java.util.Optional;

/**
 * The built-in primitives, each with its value and its derivative on adjacent lines.
 *
 * <p>Where a derivative is a simple function of the output ({@code exp' = exp}, {@code tanh' = 1 - tanh²},
 * {@code sqrt' = 1 / (2 sqrt)}, {@code recip' = -recip²}, {@code expm1' = expm1 + 1}) the primitive
 * says so too, and derivatives reuse the value instead of recomputing it.
 *
 * <p>Transcendentals use {@link StrictMath}, so results are bitwise reproducible on every JVM.
 * Derivatives are programs: {@code sin' = cos}, {@code cos' = -sin}, so they differentiate again.
 */
public final class Prims {
    private Prims() {}

    /** {@code exp}; {@code exp' = exp}, that is the output itself. */
    public static final Unary EXP = Primitive.builtinUnary("exp", Double.NaN, StrictMath::exp, () -> Catad.exp, () -> id(R), ALL);
    /** {@code log}; {@code log' = recip}. */
    public static final Unary LOG = Primitive.builtinUnary("log", Double.NaN, StrictMath::log, () -> Catad.recip, POSITIVE);
    /** {@code sin}; {@code sin' = cos}. */
    public static final Unary SIN = Primitive.builtinUnary("sin", Double.NaN, StrictMath::sin, () -> Catad.cos, ALL);
    /** {@code cos}; {@code cos' = -sin}. */
    public static final Unary COS = Primitive.builtinUnary("cos", Double.NaN, StrictMath::cos, () -> compose(neg, Catad.sin), ALL);
    /** {@code tanh}; {@code tanh' = 1 - tanh²}. */
    public static final Unary TANH = Primitive.builtinUnary("tanh", Double.NaN, StrictMath::tanh, () -> oneMinus(compose(square, Catad.tanh)),
            () -> oneMinus(square), ALL);
    /** {@code sqrt}; {@code sqrt' = 1 / (2 sqrt)}. */
    public static final Unary SQRT = Primitive.builtinUnary("sqrt", Double.NaN, StrictMath::sqrt, () -> compose(scale(0.5), recip, Catad.sqrt),
            () -> compose(scale(0.5), recip), POSITIVE);
    /** {@code sigmoid x = 1 / (1 + e^-x)}, computed without overflow; {@code sigmoid' x = sigmoid x · sigmoid (-x)}. */
    public static final Unary SIGMOID = Primitive.builtinUnary("sigmoid", Double.NaN, Prims::sigmoid,
            () -> compose(mul, fork(Catad.sigmoid, compose(Catad.sigmoid, neg))), ALL);
    /** {@code softplus x = log(1 + e^x)}, computed without overflow; {@code softplus' = sigmoid}. */
    public static final Unary SOFTPLUS = Primitive.builtinUnary("softplus", Double.NaN,
            x -> Math.max(x, 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(x))), () -> Catad.sigmoid, ALL);
    /** {@code log1p x = log(1 + x)}; {@code log1p' x = 1 / (1 + x)}. */
    public static final Unary LOG1P = Primitive.builtinUnary("log1p", Double.NaN, StrictMath::log1p,
            () -> compose(recip, offset(1)), new Interval(-1, Double.POSITIVE_INFINITY));
    /** {@code expm1 x = e^x - 1}; {@code expm1' = exp}. */
    public static final Unary EXPM1 = Primitive.builtinUnary("expm1", Double.NaN, StrictMath::expm1, () -> Catad.exp, () -> offset(1), ALL);
    /** {@code abs}; {@code abs' = sign} (0 at 0). */
    public static final Unary ABS = Primitive.builtinUnary("abs", Double.NaN, Math::abs, () -> Catad.sign, ALL);
    /** {@code sign}, piecewise constant; {@code sign' = 0}. */
    public static final Unary SIGN = Primitive.builtinUnary("sign", Double.NaN, Math::signum, () -> zero(R, R), ALL);
    /** {@code relu x = max(x, 0)}; {@code relu' = step}. */
    public static final Unary RELU = Primitive.builtinUnary("relu", Double.NaN, x -> x > 0 ? x : Double.isNaN(x) ? x : 0, () -> Catad.step, ALL);
    /** {@code step x = 1 if x > 0 else 0}, piecewise constant; {@code step' = 0}. */
    public static final Unary STEP = Primitive.builtinUnary("step", Double.NaN, x -> x > 0 ? 1 : Double.isNaN(x) ? x : 0, () -> zero(R, R), ALL);
    /** {@code square x = x²}; {@code square' = scale 2}. */
    public static final Unary SQUARE = Primitive.builtinUnary("square", Double.NaN, x -> x * x, () -> scale(2), ALL);
    /** {@code recip x = 1 / x}; {@code recip' = -recip²}. */
    public static final Unary RECIP = Primitive.builtinUnary("recip", Double.NaN, x -> 1 / x, () -> compose(neg, square, Catad.recip),
            () -> compose(neg, square), POSITIVE);

    /** {@return {@code pow c : x ↦ x^c}; {@code (pow c)' = c · pow (c-1)}} @param c the exponent */
    public static Unary pow(double c) {
        return Primitive.builtinUnary("pow", c, x -> StrictMath.pow(x, c),
                () -> c == 0 ? zero(R, R) : compose(scale(c), Catad.pow(c - 1)), POSITIVE);
    }

    /** {@code mul (u, v) = u · v}; gradient {@code (v, u)}. */
    public static final Binary MUL = Primitive.builtinBinary("mul", (u, v) -> u * v, () -> swap(R, R), ALL, ALL);
    /** {@code div (u, v) = u / v}; gradient {@code (1/v, -u/v²)}. */
    public static final Binary DIV = Primitive.builtinBinary("div", (u, v) -> u / v,
            () -> fork(compose(recip, exr(R, R)), compose(neg, Catad.mul, cross(id(R), compose(square, recip)))), ALL, POSITIVE);
    /** {@code max}; gradient {@code (1 - step(v-u), step(v-u))}: ties go left. */
    public static final Binary MAX = Primitive.builtinBinary("max", Math::max,
            () -> compose(fork(oneMinus(id(R)), id(R)), step, sub, swap(R, R)), ALL, ALL);
    /** {@code min}; gradient {@code (1 - step(u-v), step(u-v))}: ties go left. */
    public static final Binary MIN = Primitive.builtinBinary("min", Math::min,
            () -> compose(fork(oneMinus(id(R)), id(R)), step, sub), ALL, ALL);
    /** {@code pow (u, v) = u^v}; gradient {@code (v · u^(v-1), u^v · log u)}. */
    public static final Binary POW = Primitive.builtinBinary("powr", StrictMath::pow,
            () -> fork(compose(Catad.mul, fork(exr(R, R), compose(Catad.powr, cross(id(R), offset(-1))))),
                       compose(Catad.mul, fork(Catad.powr, compose(Catad.log, exl(R, R))))), POSITIVE, ALL);

    /** {@return the sigmoid, without overflow for large |x|} @param x the point */
    static double sigmoid(double x) {
        if (x >= 0) return 1 / (1 + StrictMath.exp(-x));
        double e = StrictMath.exp(x);
        return e / (1 + e);
    }

    // ---------------------------------------------------------------- linear algebra

    /** {@return {@code dot : [n]R × [n]R → R}, summed in the canonical order of {@link Sums}; bilinear} @param n length */
    public static General dot(int n) {
        Shape v = Shape.vec(n);
        Shape d = Shape.pair(v, v);
        return Primitive.builtin("dot", Integer.toString(n), d, R, (x, xo, y, yo) -> y[yo] = Sums.dot(x, xo, 1, x, xo + n, 1, n),
           () -> bilinearJvp(Catad.dot(n), d),
           () -> {
               // ((u, v), ct) ↦ (ct·v, ct·u)
               Prog u = compose(exl(v, v), exl(d, R)), w = compose(exr(v, v), exl(d, R)), ct = exr(d, R);
               return fork(compose(scaleVec(n), fork(ct, w)), compose(scaleVec(n), fork(ct, u)));
           }, false);
    }

    /** {@return {@code matvec : [m][n]R × [n]R → [m]R}, each row a {@link Sums#dot}; bilinear} @param m rows @param n columns */
    public static General matvec(int m, int n) {
        Shape a = Shape.tensor(m, n), v = Shape.vec(n), d = Shape.pair(a, v);
        return Primitive.builtin("matvec", m + " " + n, d, Shape.vec(m), (x, xo, y, yo) -> {
            int vo = xo + m * n;
            for (int i = 0; i < m; i++) y[yo + i] = Sums.dot(x, xo + i * n, 1, x, vo, 1, n);
        }, () -> bilinearJvp(Catad.matvec(m, n), d),
           () -> {
               // ((A, x), ct) ↦ (ct ⊗ x, Aᵀ ct)
               Prog A = compose(exl(a, v), exl(d, Shape.vec(m))), x = compose(exr(a, v), exl(d, Shape.vec(m))), ct = exr(d, Shape.vec(m));
               return fork(compose(outer(m, n), fork(ct, x)),
                           compose(Catad.matvec(n, m), fork(compose(transpose(m, n, R), A), ct)));
           }, false);
    }

    /**
     * {@return {@code matmul : [m][k]R × [k][n]R → [m][n]R}, each entry a {@link Sums#dot} of a row of A
     * and a column of B; bilinear} @param m rows @param k inner @param n columns
     */
    public static General matmul(int m, int k, int n) {
        Shape a = Shape.tensor(m, k), b = Shape.tensor(k, n), c = Shape.tensor(m, n), d = Shape.pair(a, b);
        return Primitive.builtin("matmul", m + " " + k + " " + n, d, c, (x, xo, y, yo) -> {
            int bo = xo + m * k;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) y[yo + i * n + j] = Sums.dot(x, xo + i * k, 1, x, bo + j, n, k);
        }, () -> bilinearJvp(Catad.matmul(m, k, n), d),
           () -> {
               // ((A, B), ct) ↦ (ct · Bᵀ, Aᵀ · ct)
               Prog A = compose(exl(a, b), exl(d, c)), B = compose(exr(a, b), exl(d, c)), ct = exr(d, c);
               return fork(compose(Catad.matmul(m, n, k), fork(ct, compose(transpose(k, n, R), B))),
                           compose(Catad.matmul(k, m, n), fork(compose(transpose(m, k, R), A), ct)));
           }, false);
    }

    /**
     * {@return the constant linear map {@code [n]R → [m]R} of an m×n matrix (row-major), each row a
     * {@link Sums#dot} with x; its transpose is the transposed matrix}
     * @param m rows @param n columns @param data the entries, row-major
     */
    public static General matrix(int m, int n, double[] data) {
        if (data.length != m * n) throw new ShapeException("matrix " + m + "×" + n + " needs " + m * n + " entries, got " + data.length);
        double[] c = data.clone();
        double[] t = new double[c.length];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) t[j * m + i] = c[i * n + j];
        Shape in = Shape.vec(n), out = Shape.vec(m);
        var self = new General[1];
        self[0] = Primitive.builtin("matrix", m + " " + n + " " + Printer.numbers(c), in, out, (x, xo, y, yo) -> {
            for (int i = 0; i < m; i++) y[yo + i] = Sums.dot(c, i * n, 1, x, xo, 1, n);
        }, () -> compose(self[0].prog(), exr(in, in)), () -> compose(matrix(n, m, t).prog(), exr(in, out)), true);
        return self[0];
    }

    /**
     * {@return {@code maximum : [n]R → R}, the largest element (NaN if any is NaN); its derivative
     * picks the first largest element (a subgradient at ties)} @param n length, at least 1
     */
    public static General maximum(int n) {
        if (n < 1) throw new ShapeException("maximum needs at least one element, got length " + n);
        Shape v = Shape.vec(n);
        return Primitive.builtin("maximum", Integer.toString(n), v, R, (x, xo, y, yo) -> {
            double m = x[xo];
            for (int i = 1; i < n; i++) m = Math.max(m, x[xo + i]);
            y[yo] = m;
        }, () -> compose(Catad.dot(n), cross(argmax(n).prog(), id(v))),
           () -> compose(scaleVec(n), swap(v, R), cross(argmax(n).prog(), id(R))), false);
    }

    /**
     * {@return {@code argmax : [n]R → [n]R}, one-hot at the first largest element (all zero if any
     * is NaN); piecewise constant, so its derivative is zero} @param n length, at least 1
     */
    public static General argmax(int n) {
        if (n < 1) throw new ShapeException("argmax needs at least one element, got length " + n);
        Shape v = Shape.vec(n);
        return Primitive.builtin("argmax", Integer.toString(n), v, v, (x, xo, y, yo) -> {
            int best = 0;
            boolean nan = Double.isNaN(x[xo]);
            for (int i = 1; i < n; i++) {
                nan |= Double.isNaN(x[xo + i]);
                if (x[xo + i] > x[xo + best]) best = i;
            }
            for (int i = 0; i < n; i++) y[yo + i] = 0;
            if (!nan) y[yo + best] = 1;
        }, () -> zero(Shape.pair(v, v), v), () -> zero(Shape.pair(v, v), v), false);
    }

    /** {@return the forward rule of a bilinear {@code b}: {@code ((u,v),(du,dv)) ↦ b(du,v) + b(u,dv)}} */
    private static Prog bilinearJvp(Prog b, Shape d) {
        var p = (Shape.Pair) d;
        Shape u = p.left(), v = p.right();
        Prog x = exl(d, d), dx = exr(d, d);
        Prog du = compose(exl(u, v), dx), dv = compose(exr(u, v), dx), xu = compose(exl(u, v), x), xv = compose(exr(u, v), x);
        return compose(jam(b.cod()), fork(compose(b, fork(du, xv)), compose(b, fork(xu, dv))));
    }

    /**
     * {@return whether p is one of the built-in bilinear primitives ({@code mul}, {@code dot},
     * {@code matvec}, {@code matmul}): zero whenever one of its two arguments is} @param p a primitive
     */
    public static boolean bilinear(Primitive p) {
        if (p.equals(MUL)) return true;
        if (!(p instanceof General g) || !(g.dom() instanceof Shape.Pair d)) return false;
        String name = g.name();
        if (name.equals("dot")) return g.equals(dot(d.left().dim()));
        if (name.equals("matvec")) return d.left() instanceof Shape.Arr a && g.equals(matvec(a.n(), d.right().dim()));
        return name.equals("matmul") && d.left() instanceof Shape.Arr a && d.right() instanceof Shape.Arr b
                && g.equals(matmul(a.n(), a.elem().dim(), b.elem().dim()));
    }

    // ---------------------------------------------------------------- lookup for the parser

    /** The scalar primitives without parameters, by name. */
    public static final List<Primitive> SCALARS = List.of(EXP, LOG, SIN, COS, TANH, SQRT, SIGMOID, SOFTPLUS, LOG1P, EXPM1,
            ABS, SIGN, RELU, STEP, SQUARE, RECIP, MUL, DIV, MAX, MIN, POW);

    /** {@return the built-in scalar primitive without parameters of this name} @param name its token */
    public static Optional<Primitive> scalar(String name) {
        return SCALARS.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
