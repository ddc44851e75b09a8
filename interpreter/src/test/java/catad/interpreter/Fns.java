package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;

import catad.dsl.Prog;
import catad.dsl.Shape;

/** Test functions written as catad programs, shared by several test classes. */
final class Fns {
    private Fns() {}

    static final Shape RR = Shape.pair(R, R);

    /** {@return the n×… row-major matrix selecting x[off .. off+rows-1] from [n]R} */
    static double[] selector(int rows, int n, int off) {
        var m = new double[rows * n];
        for (int i = 0; i < rows; i++) m[i * n + i + off] = 1;
        return m;
    }

    /** {@return Rosenbrock Σᵢ 100 (xᵢ₊₁ - xᵢ²)² + (1 - xᵢ)², vectorized: sum ∘ map term ∘ zip ∘ (lo △ hi)} */
    static Prog rosenbrock(int n) {
        Prog u = exl(R, R), v = exr(R, R);
        Prog t1 = compose(scale(100), square, sub, fork(v, compose(square, u)));
        Prog t2 = compose(square, oneMinus(u));
        Prog term = compose(add, fork(t1, t2));
        return compose(sum(Shape.vec(n - 1)), map(n - 1, term), zip(n - 1, R, R),
                fork(matrix(n - 1, n, selector(n - 1, n, 0)), matrix(n - 1, n, selector(n - 1, n, 1))));
    }

    static double rosenbrock(double[] x) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) s += 100 * (x[i + 1] - x[i] * x[i]) * (x[i + 1] - x[i] * x[i]) + (1 - x[i]) * (1 - x[i]);
        return s;
    }

    /** {@return the closed-form Hessian of Rosenbrock} */
    static double[][] rosenbrockHessian(double[] x) {
        int n = x.length;
        var h = new double[n][n];
        for (int i = 0; i + 1 < n; i++) {
            h[i][i] += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
            h[i][i + 1] += -400 * x[i];
            h[i + 1][i] += -400 * x[i];
            h[i + 1][i + 1] += 200;
        }
        return h;
    }

    /** {@return log Σ exp xᵢ} */
    static Prog logSumExp(int n) { return compose(log, sum(Shape.vec(n)), map(n, exp)); }

    /** {@return the closed-form Hessian of log-sum-exp: diag(p) - p pᵀ, p = softmax x} */
    static double[][] logSumExpHessian(double[] x) {
        int n = x.length;
        double z = 0;
        for (double xi : x) z += Math.exp(xi);
        var p = new double[n];
        for (int i = 0; i < n; i++) p[i] = Math.exp(x[i]) / z;
        var h = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) h[i][j] = (i == j ? p[i] : 0) - p[i] * p[j];
        return h;
    }

    static final double[] W1 = {0.5, -0.3, 0.8, 0.1, 0.9, -0.7, -0.4, 0.2, 0.6, 0.3, -0.5, 0.4};
    static final double[] B1 = {0.1, -0.2, 0.05, 0.3};
    static final double[] W2 = {0.7, -0.6, 0.2, 0.5, -0.3, 0.8, -0.1, 0.4};

    /** {@return x ↦ Σ softplus(W₂ tanh(W₁ x + b₁)) : [3]R → R, a small MLP} */
    static Prog mlp() {
        Shape h = Shape.vec(4);
        Prog layer1 = compose(map(4, tanh), add(h), fork(matrix(4, 3, W1), constant(Shape.vec(3), h, B1)));
        return compose(sum(Shape.vec(2)), map(2, softplus), matrix(2, 4, W2), layer1);
    }

    static double mlp(double[] x) {
        var a = new double[4];
        for (int i = 0; i < 4; i++) {
            double s = B1[i];
            for (int j = 0; j < 3; j++) s += W1[i * 3 + j] * x[j];
            a[i] = Math.tanh(s);
        }
        double out = 0;
        for (int i = 0; i < 2; i++) {
            double s = 0;
            for (int j = 0; j < 4; j++) s += W2[i * 4 + j] * a[j];
            out += Math.log1p(Math.exp(s));
        }
        return out;
    }
}
