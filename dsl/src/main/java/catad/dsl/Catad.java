package catad.dsl;

import static catad.dsl.Shape.R;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The combinators, as static factories: {@code import static catad.dsl.Catad.*} and write programs.
 *
 * <p>Names are ConCat's ({@code exl exr dup jam cross fork join}); every factory checks shapes and
 * fails at once with a message naming both shapes and both sub-programs.
 *
 * {@snippet :
 * Prog f = compose(sin, mul);                       // (x, y) ↦ sin(x·y)
 * Prog g = compose(sum(Shape.vec(3)), map(3, compose(sin, exp)));   // Σ sin(exp xᵢ)
 * }
 */
public final class Catad {
    private Catad() {}

    // ---------------------------------------------------------------- category

    /** {@return {@code id : a → a}} @param a the shape */
    public static Prog id(Shape a) { return new Prog.Id(a); }

    /**
     * {@return {@code fs[0] ∘ fs[1] ∘ … }, in mathematical order: the last is applied first}
     * @param fs the programs, outermost first
     */
    public static Prog compose(Prog... fs) {
        if (fs.length == 0) throw new IllegalArgumentException("compose needs at least one program");
        var steps = new ArrayList<Prog>();
        for (int i = fs.length - 1; i >= 0; i--) add(steps, fs[i]);
        return steps.size() == 1 ? steps.getFirst() : new Prog.Compose(steps);
    }

    /**
     * {@return the programs in the order data flows through them: {@code pipe(f, g, h) = h ∘ g ∘ f}}
     * @param fs the programs, first applied first
     */
    public static Prog pipe(Prog... fs) {
        if (fs.length == 0) throw new IllegalArgumentException("pipe needs at least one program");
        var steps = new ArrayList<Prog>();
        for (Prog f : fs) add(steps, f);
        return steps.size() == 1 ? steps.getFirst() : new Prog.Compose(steps);
    }

    /** {@return the steps in order of application, as one program} @param steps first applied first */
    public static Prog pipe(List<Prog> steps) { return pipe(steps.toArray(Prog[]::new)); }

    private static void add(List<Prog> steps, Prog f) {
        if (!steps.isEmpty()) Prog.Check.composable(f, steps.getLast());
        steps.addAll(f.steps());
    }

    // ---------------------------------------------------------------- monoidal, cartesian, cocartesian

    /** {@return {@code f × g}} @param f left @param g right */
    public static Prog cross(Prog f, Prog g) { return new Prog.Cross(f, g); }

    /** {@return {@code f △ g = (f × g) ∘ dup}} @param f left @param g right */
    public static Prog fork(Prog f, Prog g) {
        Prog.Check.sameDom(f, g, "fork: left", "right");
        return compose(cross(f, g), dup(f.dom()));
    }

    /** {@return {@code f ▽ g = jam ∘ (f × g)}} @param f left @param g right */
    public static Prog join(Prog f, Prog g) {
        Prog.Check.sameCod(f, g, "join: left", "right");
        return compose(jam(f.cod()), cross(f, g));
    }

    /** {@return {@code exl : a × b → a}} @param a left @param b right */
    public static Prog exl(Shape a, Shape b) { return new Prog.Exl(a, b); }

    /** {@return {@code exr : a × b → b}} @param a left @param b right */
    public static Prog exr(Shape a, Shape b) { return new Prog.Exr(a, b); }

    /** {@return {@code exl} on a pair shape} @param ab the pair shape */
    public static Prog exl(Shape ab) { var p = pair(ab, "exl"); return exl(p.left(), p.right()); }

    /** {@return {@code exr} on a pair shape} @param ab the pair shape */
    public static Prog exr(Shape ab) { var p = pair(ab, "exr"); return exr(p.left(), p.right()); }

    /** {@return {@code dup : a → a × a}} @param a the shape */
    public static Prog dup(Shape a) { return new Prog.Dup(a); }

    /** {@return {@code ! : a → 1}} @param a the shape */
    public static Prog bang(Shape a) { return new Prog.Bang(a); }

    /** {@return {@code inl : a → a × b}} @param a left @param b right */
    public static Prog inl(Shape a, Shape b) { return new Prog.Inl(a, b); }

    /** {@return {@code inr : b → a × b}} @param a left @param b right */
    public static Prog inr(Shape a, Shape b) { return new Prog.Inr(a, b); }

    /** {@return {@code jam : a × a → a}} @param a the shape */
    public static Prog jam(Shape a) { return new Prog.Jam(a); }

    /** {@return {@code swap : a × b → b × a}} @param a left @param b right */
    public static Prog swap(Shape a, Shape b) { return fork(exr(a, b), exl(a, b)); }

    // ---------------------------------------------------------------- constants, linear maps

    /** {@return {@code const c : dom → R}} @param dom input shape @param c the constant */
    public static Prog constant(Shape dom, double c) { return new Prog.Const(dom, R, new double[] {c}); }

    /** {@return {@code const c : dom → cod}} @param dom input shape @param cod output shape @param value flat value */
    public static Prog constant(Shape dom, Shape cod, double... value) { return new Prog.Const(dom, cod, value); }

    /** {@return {@code zero : dom → cod}} @param dom input @param cod output */
    public static Prog zero(Shape dom, Shape cod) { return new Prog.Zero(dom, cod); }

    /** {@return {@code scale s : a → a}} @param a the shape @param s the factor */
    public static Prog scale(Shape a, double s) { return new Prog.Scale(a, s); }

    /** {@return {@code scale s : R → R}} @param s the factor */
    public static Prog scale(double s) { return scale(R, s); }

    /** {@return {@code add = jam : a × a → a}} @param a the shape */
    public static Prog add(Shape a) { return jam(a); }

    /** {@return {@code sub = jam ∘ (id × scale -1) : a × a → a}} @param a the shape */
    public static Prog sub(Shape a) { return compose(jam(a), cross(id(a), scale(a, -1))); }

    /** {@return {@code neg = scale -1 : a → a}} @param a the shape */
    public static Prog neg(Shape a) { return scale(a, -1); }

    /** {@return {@code x ↦ x + c} on R} @param c the offset */
    public static Prog offset(double c) { return compose(add, fork(id(R), constant(R, c))); }

    /** {@return {@code x ↦ 1 - g x}} @param g a program to R */
    public static Prog oneMinus(Prog g) {
        Prog.Check.cod(g, R, "oneMinus argument");
        return compose(add, fork(constant(g.dom(), 1), compose(neg, g)));
    }

    // ---------------------------------------------------------------- scalar primitives

    /** {@code exp}. */ public static final Prog exp = Prims.EXP.prog();
    /** {@code log}. */ public static final Prog log = Prims.LOG.prog();
    /** {@code sin}. */ public static final Prog sin = Prims.SIN.prog();
    /** {@code cos}. */ public static final Prog cos = Prims.COS.prog();
    /** {@code tanh}. */ public static final Prog tanh = Prims.TANH.prog();
    /** {@code sqrt}. */ public static final Prog sqrt = Prims.SQRT.prog();
    /** {@code sigmoid}. */ public static final Prog sigmoid = Prims.SIGMOID.prog();
    /** {@code softplus}. */ public static final Prog softplus = Prims.SOFTPLUS.prog();
    /** {@code log1p}. */ public static final Prog log1p = Prims.LOG1P.prog();
    /** {@code expm1}. */ public static final Prog expm1 = Prims.EXPM1.prog();
    /** {@code abs}. */ public static final Prog abs = Prims.ABS.prog();
    /** {@code sign}. */ public static final Prog sign = Prims.SIGN.prog();
    /** {@code relu}. */ public static final Prog relu = Prims.RELU.prog();
    /** {@code step}: 1 where x > 0, else 0. */ public static final Prog step = Prims.STEP.prog();
    /** {@code square}. */ public static final Prog square = Prims.SQUARE.prog();
    /** {@code recip}: 1/x. */ public static final Prog recip = Prims.RECIP.prog();
    /** {@code mul : R × R → R}. */ public static final Prog mul = Prims.MUL.prog();
    /** {@code div : R × R → R}. */ public static final Prog div = Prims.DIV.prog();
    /** {@code max : R × R → R}. */ public static final Prog max = Prims.MAX.prog();
    /** {@code min : R × R → R}. */ public static final Prog min = Prims.MIN.prog();
    /** {@code powr : R × R → R}, {@code (u, v) ↦ u^v}. */ public static final Prog powr = Prims.POW.prog();
    /** {@code add : R × R → R}. */ public static final Prog add = jam(R);
    /** {@code sub : R × R → R}. */ public static final Prog sub = sub(R);
    /** {@code neg : R → R}. */ public static final Prog neg = neg(R);

    /** {@return {@code pow c : x ↦ x^c}} @param c the exponent */
    public static Prog pow(double c) { return Prims.pow(c).prog(); }

    /** {@return {@code dot : [n]R × [n]R → R}} @param n length */
    public static Prog dot(int n) { return Prims.dot(n).prog(); }

    /** {@return {@code matvec : [m][n]R × [n]R → [m]R}} @param m rows @param n columns */
    public static Prog matvec(int m, int n) { return Prims.matvec(m, n).prog(); }

    /** {@return {@code matmul : [m][k]R × [k][n]R → [m][n]R}} @param m rows @param k inner @param n columns */
    public static Prog matmul(int m, int k, int n) { return Prims.matmul(m, k, n).prog(); }

    /** {@return {@code maximum : [n]R → R}, the largest element} @param n length, at least 1 */
    public static Prog maximum(int n) { return Prims.maximum(n).prog(); }

    /** {@return {@code argmax : [n]R → [n]R}, one-hot at the first largest element} @param n length, at least 1 */
    public static Prog argmax(int n) { return Prims.argmax(n).prog(); }

    /** {@return the constant linear map of an m×n row-major matrix, {@code [n]R → [m]R}} @param m rows @param n columns @param data entries */
    public static Prog matrix(int m, int n, double... data) { return Prims.matrix(m, n, data).prog(); }

    /** {@return {@code R × [n]R → [n]R}, a scalar times a vector} @param n length */
    public static Prog scaleVec(int n) {
        return compose(map(n, mul), zip(n, R, R), cross(repl(n, R), id(Shape.vec(n))));
    }

    /** {@return {@code [m]R × [n]R → [m][n]R}, the outer product} @param m rows @param n columns */
    public static Prog outer(int m, int n) {
        return compose(map(m, scaleVec(n)), zip(m, R, Shape.vec(n)), cross(id(Shape.vec(m)), repl(m, Shape.vec(n))));
    }

    // ---------------------------------------------------------------- arrays

    /** {@return {@code map f : [n]A → [n]B}} @param n length @param f element program */
    public static Prog map(int n, Prog f) { return new Prog.Map(n, f); }

    /** {@return {@code ex i : [n]A → A}} @param arr the array shape @param i index */
    public static Prog ex(Shape arr, int i) { var a = arr(arr, "ex"); return new Prog.Ex(a.n(), a.elem(), i); }

    /** {@return {@code in i : A → [n]A}} @param n length @param a element @param i index */
    public static Prog in(int n, Shape a, int i) { return new Prog.In(n, a, i); }

    /** {@return {@code repl : A → [n]A}} @param n length @param a element */
    public static Prog repl(int n, Shape a) { return new Prog.Repl(n, a); }

    /** {@return {@code sum : [n]A → A}} @param arr the array shape */
    public static Prog sum(Shape arr) { var a = arr(arr, "sum"); return new Prog.Sum(a.n(), a.elem()); }

    /** {@return {@code sum : [n]A → A}} @param n length @param a element */
    public static Prog sum(int n, Shape a) { return new Prog.Sum(n, a); }

    /** {@return {@code zip : [n]A × [n]B → [n](A × B)}} @param n length @param a left @param b right */
    public static Prog zip(int n, Shape a, Shape b) { return new Prog.Zip(n, a, b); }

    /** {@return {@code unzip : [n](A × B) → [n]A × [n]B}} @param n length @param a left @param b right */
    public static Prog unzip(int n, Shape a, Shape b) { return new Prog.Unzip(n, a, b); }

    /** {@return {@code reshape : from → to}} @param from input @param to output */
    public static Prog reshape(Shape from, Shape to) { return new Prog.Reshape(from, to); }

    /** {@return {@code transpose : [m][n]A → [n][m]A}} @param m outer @param n inner @param a element */
    public static Prog transpose(int m, int n, Shape a) { return new Prog.Transpose(m, n, a); }

    // ---------------------------------------------------------------- control

    /** {@return {@code cond p f g}: f where p > 0, else g} @param p test @param f then @param g else */
    public static Prog cond(Prog p, Prog f, Prog g) { return new Prog.Cond(p, f, g); }

    /** {@return {@code iterate n f}} @param n count @param f step */
    public static Prog iterate(int n, Prog f) { return new Prog.Iterate(n, f); }

    /** The default bound on {@code while} iterations. */
    public static final int WHILE_BOUND = 10_000_000;

    /** {@return {@code while p f}: f while p > 0, at most {@link #WHILE_BOUND} steps} @param p test @param f step */
    public static Prog whileLoop(Prog p, Prog f) { return new Prog.While(p, f, WHILE_BOUND); }

    /** {@return {@code while p f}, failing after maxIter steps} @param p test @param f step @param maxIter bound */
    public static Prog whileLoop(Prog p, Prog f, int maxIter) { return new Prog.While(p, f, maxIter); }

    /** {@return {@code mapAccumL f : C × [n]A → C × [n]B}} @param n length @param f step {@code C × A → C × B} */
    public static Prog mapAccum(int n, Prog f) { return new Prog.MapAccum(n, f, false); }

    /** {@return {@code mapAccumR f}, last element first} @param n length @param f step {@code C × A → C × B} */
    public static Prog mapAccumR(int n, Prog f) { return new Prog.MapAccum(n, f, true); }

    /** {@return {@code fold f : C × [n]A → C}, left to right} @param n length @param f step {@code C × A → C} */
    public static Prog fold(int n, Prog f) {
        var p = pair(f.dom(), "fold step");
        return compose(exl(p.left(), Shape.arr(n, Shape.UNIT)), mapAccum(n, fork(f, bang(f.dom()))));
    }

    /** {@return {@code scan f : C × [n]A → [n]C}, the carry after each element} @param n length @param f step {@code C × A → C} */
    public static Prog scan(int n, Prog f) {
        var p = pair(f.dom(), "scan step");
        return compose(exr(p.left(), Shape.arr(n, p.left())), mapAccum(n, compose(dup(f.cod()), f)));
    }

    // ---------------------------------------------------------------- helpers

    private static Shape.Pair pair(Shape s, String what) {
        if (s instanceof Shape.Pair p) return p;
        throw new ShapeException(what + " needs a pair shape A × B, got " + s);
    }

    private static Shape.Arr arr(Shape s, String what) {
        if (s instanceof Shape.Arr a) return a;
        throw new ShapeException(what + " needs an array shape [n]A, got " + s);
    }

    /** {@return a copy of the values, for callers that want an array literal} @param xs numbers */
    public static double[] vec(double... xs) { return Arrays.copyOf(xs, xs.length); }
}
