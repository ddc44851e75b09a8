package catad.interpreter;

import static catad.dsl.Catad.*;

import catad.dsl.CatadException;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import io.vavr.Function1;
import io.vavr.Tuple;
import io.vavr.Tuple2;
import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import io.vavr.control.Validation;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * Automatic differentiation of catad programs, with JAX's names.
 *
 * <p>Two forms of each derivative. Given a point, {@code grad(f, x)}, {@code jvp(f, x, dx)},
 * {@code vjp(f, x, ct)}, {@code hessian(f, x)} … compute numbers: forward mode linearizes {@code f}
 * at {@code x} into a {@link LinearMap}, reverse mode applies its transpose. Given only a program,
 * {@code grad(f)}, {@code jvp(f)}, {@code vjp(f)}, {@code hvp(f)}, {@code hessian(f)} return
 * <em>programs</em>, simplified, that print, evaluate, compile and differentiate again; so
 * {@code hessian} is forward-over-reverse ({@code jvp ∘ grad}) and nested AD needs nothing special.
 *
 * {@snippet :
 * Prog f = compose(sum(Shape.vec(3)), map(3, compose(sin, exp)));
 * double[] g = AD.grad(f, 0.1, 0.2, 0.3);           // numbers
 * Prog gf = AD.grad(f);                             // a program [3]R → [3]R
 * double[][] h = AD.hessian(f, 0.1, 0.2, 0.3);      // forward over reverse
 * }
 *
 * <p>All results are deterministic: the same program and input give the same bits on every run
 * and thread (sums run in the canonical order of {@link catad.dsl.Sums}; transcendentals use {@link StrictMath}).
 */
public final class AD {
    private AD() {}

    // ---------------------------------------------------------------- evaluation

    /** {@return f x} @param f a program @param x its input, flat */
    public static double[] eval(Prog f, double... x) {
        return Layout.copy(Deep.run("eval", () -> Eval.eval(f, Eval.checkInput(f, x), 1)));
    }

    /** {@return f x for a program with scalar output} @param f a program {@code A → R} @param x its input */
    public static double eval1(Prog f, double... x) {
        requireScalar(f, "eval1");
        return eval(f, x)[0];
    }

    // ---------------------------------------------------------------- forward mode

    /** {@return (f x, f'(x)): the value and the derivative at x} @param f a program @param x the point */
    public static Tuple2<double[], LinearMap> linearize(Prog f, double... x) {
        Linearize.Pair p = Deep.run("linearize", () -> Linearize.at(f, Eval.checkInput(f, x), 1));
        return Tuple.of(Layout.copy(p.y()), new LinearMap(p.d()));
    }

    /** {@return (f x, f'(x) dx)} @param f a program @param x the point @param dx a tangent */
    public static Tuple2<double[], double[]> jvp(Prog f, double[] x, double[] dx) {
        checkTangent(Deep.run("jvp", f::dom), dx, "tangent");
        var l = linearize(f, x);
        return Tuple.of(l._1, l._2.apply(dx));
    }

    /** {@return the Jacobian at x by forward mode, {@code J[i][j] = ∂fᵢ/∂xⱼ}} @param f a program @param x the point */
    public static double[][] jacfwd(Prog f, double... x) {
        Deep.run("jacfwd", () -> Eval.checkInput(f, x));
        int n = x.length, m = Deep.run("jacfwd", () -> f.cod().dim());
        // all n directions at once: linearize at n copies of x, push the n unit vectors through
        double[] cols = Deep.run("jacfwd", () -> Linearize.at(f, Layout.tile(x, n), n).d().apply(Layout.identity(n), n));
        var jac = new double[m][n];
        for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) jac[i][j] = cols[j * m + i];
        return jac;
    }

    // ---------------------------------------------------------------- reverse mode

    /** {@return (f x, ct ↦ f'(x)ᵀ ct)} @param f a program @param x the point */
    public static Tuple2<double[], Function1<double[], double[]>> vjp(Prog f, double... x) {
        var l = linearize(f, x);
        LinearMap t = l._2.transpose();
        return Tuple.of(l._1, t::apply);
    }

    /** {@return f'(x)ᵀ ct} @param f a program @param x the point @param ct a cotangent of the output */
    public static double[] vjp(Prog f, double[] x, double[] ct) {
        checkTangent(Deep.run("vjp", f::cod), ct, "cotangent");
        return linearize(f, x)._2.transpose().apply(ct);
    }

    /** {@return ∇f(x) for a program to R, by reverse mode} @param f a program {@code A → R} @param x the point */
    public static double[] grad(Prog f, double... x) {
        return valueAndGrad(f, x)._2;
    }

    /** {@return (f x, ∇f(x))} @param f a program {@code A → R} @param x the point */
    public static Tuple2<Double, double[]> valueAndGrad(Prog f, double... x) {
        requireScalar(f, "grad");
        var l = linearize(f, x);
        return Tuple.of(l._1[0], l._2.transpose().apply(1.0));
    }

    /** {@return the Jacobian at x by reverse mode} @param f a program @param x the point */
    public static double[][] jacrev(Prog f, double... x) {
        Deep.run("jacrev", () -> Eval.checkInput(f, x));
        int n = x.length, m = Deep.run("jacrev", () -> f.cod().dim());
        double[] rows = Deep.run("jacrev", () -> Linearize.at(f, Layout.tile(x, m), m).d().transpose().apply(Layout.identity(m), m));
        var jac = new double[m][n];
        for (int i = 0; i < m; i++) System.arraycopy(rows, i * n, jac[i], 0, n);
        return jac;
    }

    // ---------------------------------------------------------------- second order

    /** {@return the Hessian of a program to R at x: forward mode over the reverse-mode gradient program} @param f a program {@code A → R} @param x the point */
    public static double[][] hessian(Prog f, double... x) {
        return jacfwd(GradCache.grad(f), x);
    }

    /** {@return the Hessian-vector product ∇²f(x) v} @param f a program {@code A → R} @param x the point @param v a direction */
    public static double[] hvp(Prog f, double[] x, double[] v) {
        return jvp(GradCache.grad(f), x, v)._2;
    }

    // ---------------------------------------------------------------- derivatives as programs

    /** {@return the program {@code (x, dx) ↦ (f x, f'(x) dx) : A × A → B × B}} @param f a program */
    public static Prog jvp(Prog f) { return Simplify.simplify(Deep.run("jvp", () -> Derive.jvp(f))); }

    /** {@return the program {@code (x, ct) ↦ f'(x)ᵀ ct : A × B → A}} @param f a program */
    public static Prog vjp(Prog f) { return Simplify.simplify(Deep.run("vjp", () -> Derive.vjp(f))); }

    /** {@return the gradient program {@code A → A} of a program {@code A → R}} @param f a program to R */
    public static Prog grad(Prog f) {
        requireScalar(f, "grad");
        return Simplify.simplify(Deep.run("grad", () -> {
            Shape a = f.dom();
            return compose(Derive.vjp(f), fork(id(a), constant(a, 1)));
        }));
    }

    /** {@return the program {@code x ↦ (f x, ∇f(x)) : A → R × A}} @param f a program to R */
    public static Prog valueAndGrad(Prog f) { return Simplify.simplify(fork(f, grad(f))); }

    /** {@return the Hessian-vector-product program {@code (x, v) ↦ ∇²f(x) v : A × A → A}, forward over reverse} @param f a program to R */
    public static Prog hvp(Prog f) {
        Shape a = Deep.run("hvp", f::dom);
        return Simplify.simplify(compose(exr(a, a), jvp(grad(f))));
    }

    /** {@return the Hessian program {@code [n]R → [n][n]R} (row i is ∇²f(x) eᵢ)} @param f a program {@code [n]R → R} */
    public static Prog hessian(Prog f) {
        return Deep.run("hessian", () -> {
            if (!(f.dom() instanceof Shape.Arr(int n, Shape e)) || !e.equals(Shape.R))
                throw new CatadException("hessian(f) as a program needs f : [n]R → R, got " + f.dom() + " → " + f.cod()
                        + "; use hessian(f, x) for numbers");
            Shape a = f.dom();
            Prog basis = constant(a, Shape.arr(n, a), Layout.identity(n));
            return Simplify.simplify(compose(map(n, hvp(f)), zip(n, a, a), fork(repl(n, a), basis)));
        });
    }

    /** {@return the program simplified with the laws} @param f a program */
    public static Prog simplify(Prog f) { return Simplify.simplify(f); }

    /** {@return the number of nodes in a program} @param f a program */
    public static long size(Prog f) { return Simplify.size(f); }

    // ---------------------------------------------------------------- functional Java

    /** {@return the program as a vavr function} @param f a program */
    public static Function1<double[], double[]> function(Prog f) { return x -> eval(f, x); }

    /** {@return a program R → R as a {@code DoubleUnaryOperator}} @param f a program {@code R → R} */
    public static DoubleUnaryOperator unary(Prog f) {
        if (!f.dom().equals(Shape.R) || !f.cod().equals(Shape.R))
            throw new CatadException("unary needs a program R → R, got " + f.dom() + " → " + f.cod() + ": " + Printer.brief(f));
        return x -> eval(f, x)[0];
    }

    /** {@return a program A → R as a {@code ToDoubleFunction<double[]>}} @param f a program to R */
    public static ToDoubleFunction<double[]> scalar(Prog f) {
        requireScalar(f, "scalar");
        return x -> eval(f, x)[0];
    }

    /** {@return x ↦ (f x, ∇f(x)) as a vavr function} @param f a program to R */
    public static Function1<double[], Tuple2<Double, double[]>> valueAndGradFunction(Prog f) {
        requireScalar(f, "valueAndGradFunction");
        return x -> valueAndGrad(f, x);
    }

    /** {@return f x, or the error as a value} @param f a program @param x its input */
    public static Either<CatadException, double[]> tryEval(Prog f, double... x) {
        return CatadException.attempt(() -> eval(f, x));
    }

    /** {@return ∇f(x), or the error as a value} @param f a program to R @param x the point */
    public static Either<CatadException, double[]> tryGrad(Prog f, double... x) {
        return CatadException.attempt(() -> grad(f, x));
    }

    /**
     * {@return the input if it fits f and is finite, else every problem found (wrong length, each NaN
     * or infinite entry)} — for callers who want to reject such input before running.
     * @param f a program @param x a candidate input
     */
    public static Validation<Seq<String>, double[]> validate(Prog f, double... x) {
        List<String> errors = List.empty();
        if (x == null) return Validation.invalid(List.of("input is null"));
        if (x.length != f.dom().dim())
            errors = errors.append("input has " + Eval.count(x.length) + " but the program takes " + f.dom() + " (" + f.dom().dim() + ")");
        for (int i = 0; i < x.length; i++)
            if (!Double.isFinite(x[i])) errors = errors.append("input[" + i + "] is " + x[i]);
        return errors.isEmpty() ? Validation.valid(x) : Validation.invalid(errors);
    }

    // ---------------------------------------------------------------- checks

    private static void requireScalar(Prog f, String what) {
        if (!Deep.run(what, () -> f.cod().equals(Shape.R)))
            throw new CatadException(what + " needs a program with output R, but " + Printer.brief(f) + " gives "
                    + Deep.run(what, () -> Printer.shape(f.cod())));
    }

    private static void checkTangent(Shape s, double[] t, String what) {
        if (t == null || t.length != s.dim())
            throw new CatadException(what + " has " + (t == null ? "no numbers" : Eval.count(t.length)) + " but must be " + s + " (" + s.dim() + ")");
    }
}
