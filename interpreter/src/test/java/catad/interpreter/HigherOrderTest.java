package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static catad.interpreter.Fns.RR;
import static catad.interpreter.Num.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Second and third derivatives, Hessian-vector products, and AD nested inside the program being differentiated. */
class HigherOrderTest {

    /** Tolerance of a Hessian against finite differences of the gradient, relative to the entries' scale. */
    static final double HESS_TOL = 1e-6;

    record Case(String name, Prog f, Function<Random, double[]> point, Function<double[], double[][]> closedForm) {
        @Override public String toString() { return name; }
    }

    static Stream<Case> functions() {
        return Stream.of(
                new Case("rosenbrock", Fns.rosenbrock(4), r -> random(r, 4, -1.5, 1.5), Fns::rosenbrockHessian),
                new Case("log-sum-exp", Fns.logSumExp(5), r -> random(r, 5, -2, 2), Fns::logSumExpHessian),
                new Case("mlp", Fns.mlp(), r -> random(r, 3, -2, 2), null));
    }

    /** Scale of a Hessian's entries, for relative tolerances. */
    static double maxAbs(double[][] h) {
        double s = 1;
        for (double[] row : h) for (double e : row) s = Math.max(s, Math.abs(e));
        return s;
    }

    static void closeMatrix(String what, double[][] expected, double[][] actual, double rtol) {
        assertEquals(expected.length, actual.length, what + ": rows");
        double s = maxAbs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, what + ": columns");
            for (int j = 0; j < expected[i].length; j++)
                assertEquals(expected[i][j], actual[i][j], rtol * s, what + " [" + i + "][" + j + "]");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void hessianMatchesFiniteDifferencesOfTheGradient(Case c) {
        var rnd = new Random(c.name().hashCode());
        Prog hprog = AD.hessian(c.f());
        int n = c.f().dom().dim();
        assertEquals(Shape.tensor(n, n), hprog.cod(), "hessian program codomain");
        for (int k = 0; k < 5; k++) {
            double[] x = c.point().apply(rnd);
            double[][] fd = fdHessian(c.f(), x);
            double[][] h = AD.hessian(c.f(), x);
            closeMatrix(c + " hessian(f, x) vs finite differences", fd, h, HESS_TOL);
            double[] hp = AD.eval(hprog, x);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    assertEquals(h[i][j], hp[i * n + j], MODE_TOL * maxAbs(h), c + " hessian program [" + i + "][" + j + "]");
                    assertEquals(h[i][j], h[j][i], MODE_TOL * maxAbs(h), c + " symmetry [" + i + "][" + j + "]");
                }
            if (c.closedForm() != null) closeMatrix(c + " hessian vs closed form", c.closedForm().apply(x), h, 1e-12);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void hessianVectorProductIsHessianTimesVector(Case c) {
        var rnd = new Random(~c.name().hashCode());
        Prog hvp = AD.hvp(c.f());
        int n = c.f().dom().dim();
        assertEquals(Shape.pair(c.f().dom(), c.f().dom()), hvp.dom(), "hvp program domain");
        for (int k = 0; k < 5; k++) {
            double[] x = c.point().apply(rnd), v = random(rnd, n, -1, 1);
            double[][] h = AD.hessian(c.f(), x);
            double[] hv = mul(h, v), scale = absMul(h, v);
            close(c + " hvp(f, x, v)", hv, AD.hvp(c.f(), x, v), scale, MODE_TOL);
            close(c + " hvp program", hv, AD.eval(hvp, concat(x, v)), scale, MODE_TOL);
            close(c + " hvp vs finite differences", mul(fdHessian(c.f(), x), v), AD.hvp(c.f(), x, v), scale, HESS_TOL);
        }
    }

    @Test
    void valuesOfTheTestFunctionsMatchJava() {
        var rnd = new Random(7);
        for (int k = 0; k < 5; k++) {
            double[] x = random(rnd, 4, -1.5, 1.5);
            assertEquals(Fns.rosenbrock(x), AD.eval1(Fns.rosenbrock(4), x), 1e-12 * (1 + Math.abs(Fns.rosenbrock(x))));
            double[] y = random(rnd, 3, -2, 2);
            assertEquals(Fns.mlp(y), AD.eval1(Fns.mlp(), y), 1e-12);
        }
    }

    @Test
    void thirdDerivativeOfSinIsMinusCos() {
        Prog d1 = AD.grad(sin), d2 = AD.grad(d1), d3 = AD.grad(d2);
        for (Prog d : new Prog[] {d1, d2, d3}) {
            assertEquals(R, d.dom());
            assertEquals(R, d.cod());
        }
        var rnd = new Random(3);
        for (int k = 0; k < 50; k++) {
            double x = -10 + 20 * rnd.nextDouble();
            assertEquals(StrictMath.cos(x), AD.eval1(d1, x), 1e-15, "sin' at " + x);
            assertEquals(-StrictMath.sin(x), AD.eval1(d2, x), 1e-15, "sin'' at " + x);
            assertEquals(-StrictMath.cos(x), AD.eval1(d3, x), 1e-15, "sin''' at " + x);
            // the same order reached by other routes: numbers on top of programs
            assertEquals(-StrictMath.cos(x), AD.grad(d2, x)[0], 1e-15, "grad(grad(grad sin)) numerically at " + x);
            assertEquals(-StrictMath.cos(x), AD.hessian(d1, x)[0][0], 1e-15, "hessian(grad sin) at " + x);
            assertEquals(StrictMath.sin(x), AD.grad(d3, x)[0], 1e-15, "sin'''' at " + x);
        }
    }

    @Test
    void thirdDerivativeOfAComposite() {
        // f = exp ∘ sin: f''' = e^{sin x} (cos³x - 3 sin x cos x - cos x)
        Prog f = compose(exp, sin);
        Prog d3 = AD.grad(AD.grad(AD.grad(f)));
        var rnd = new Random(4);
        for (int k = 0; k < 20; k++) {
            double x = -3 + 6 * rnd.nextDouble(), s = Math.sin(x), c = Math.cos(x);
            double expected = Math.exp(s) * (c * c * c - 3 * s * c - c);
            assertEquals(expected, AD.eval1(d3, x), 1e-13 * (1 + Math.abs(expected)), "(exp∘sin)''' at " + x);
        }
    }

    // ------------------------------------------------------------------ nested AD: differentiating through an argmin

    /** Inner objective g(x, y) = ½ (y - sin x)² + ¼ y⁴, strictly convex in y. */
    static final Prog G = compose(add, fork(
            compose(scale(0.5), square, sub, fork(exr(R, R), compose(sin, exl(R, R)))),
            compose(scale(0.25), square, square, exr(R, R))));

    /** Outer objective h(x, y) = sin(x)·y + y². */
    static final Prog H = compose(add, fork(compose(mul, fork(compose(sin, exl(R, R)), exr(R, R))), compose(square, exr(R, R))));

    static final int NEWTON_STEPS = 10;

    /**
     * F(x) = h(x, y*(x)) with y*(x) = argmin_y g(x, y) found by Newton's method,
     * {@code y ← y - g_y / g_yy}, where g_y and g_yy are themselves gradient programs of g.
     */
    static Prog bilevel() {
        Prog gy = compose(exr(R, R), AD.grad(G));
        Prog gyy = compose(exr(R, R), AD.grad(gy));
        Prog newton = fork(exl(R, R), compose(sub, fork(exr(R, R), compose(div, fork(gy, gyy)))));
        Prog argmin = compose(exr(R, R), iterate(NEWTON_STEPS, newton), fork(id(R), constant(R, 0)));
        return compose(H, fork(id(R), argmin));
    }

    /** {@return y*(x): the root of g_y = y - sin x + y³, to machine precision} */
    static double argmin(double x) {
        double y = 0;
        for (int i = 0; i < 100; i++) y -= (y - Math.sin(x) + y * y * y) / (1 + 3 * y * y);
        return y;
    }

    @Test
    void gradientThroughAnArgminWhoseStepsAreGradients() {
        Prog f = bilevel();
        Prog df = AD.grad(f);
        var rnd = new Random(11);
        for (int k = 0; k < 10; k++) {
            double x = -2 + 4 * rnd.nextDouble();
            double y = argmin(x);
            assertEquals(Math.sin(x) * y + y * y, AD.eval1(f, x), 1e-14, "F(x) at the converged argmin, x = " + x);
            // implicit function theorem: dy*/dx = -g_xy / g_yy = cos x / (1 + 3y²)
            double dy = Math.cos(x) / (1 + 3 * y * y);
            double ift = Math.cos(x) * y + (Math.sin(x) + 2 * y) * dy;
            double numeric = AD.grad(f, x)[0];
            double program = AD.eval1(df, x);
            double fd = fdJacobian(f, new double[] {x})[0][0];
            assertEquals(fd, numeric, FD_TOL * (1 + Math.abs(fd)), "grad vs finite differences of the whole, x = " + x);
            assertEquals(ift, numeric, 1e-12 * (1 + Math.abs(ift)), "grad vs implicit-function-theorem closed form, x = " + x);
            assertEquals(numeric, program, MODE_TOL * (1 + Math.abs(numeric)), "grad program vs numeric, x = " + x);
            assertEquals(numeric, AD.jvp(f, new double[] {x}, new double[] {1})._2[0], MODE_TOL * (1 + Math.abs(numeric)), "forward mode, x = " + x);
        }
    }

    @Test
    void secondDerivativeThroughTheArgmin() {
        Prog f = bilevel();
        var rnd = new Random(12);
        for (int k = 0; k < 3; k++) {
            double[] x = {-2 + 4 * rnd.nextDouble()};
            double h = AD.hessian(f, x)[0][0];
            double fd = fdHessian(f, x)[0][0];
            assertEquals(fd, h, HESS_TOL * (1 + Math.abs(fd)), "F'' vs finite differences of F', x = " + x[0]);
        }
    }

    @Test
    void gradientOfAGradientNormIsHessianTimesGradient() {
        // ∇(½‖∇f‖²) = H ∇f, with ∇f a program inside the program differentiated
        Prog f = Fns.rosenbrock(3);
        Shape v = Shape.vec(3);
        Prog halfNormSq = compose(scale(0.5), dot(3), dup(v), AD.grad(f));
        var rnd = new Random(5);
        for (int k = 0; k < 5; k++) {
            double[] x = random(rnd, 3, -1.2, 1.2);
            double[] g = AD.grad(f, x);
            double[][] h = Fns.rosenbrockHessian(x);
            close("∇(½‖∇f‖²) = H∇f", mul(h, g), AD.grad(halfNormSq, x), absMul(h, g), 1e-12);
            close("same, as a program", mul(h, g), AD.eval(AD.grad(halfNormSq), x), absMul(h, g), 1e-12);
        }
    }

    @Test
    void hessianOfFunctionOnPairs() {
        // numbers-only hessian works on any input shape: f(x, y) = sin(x·y)
        Prog f = compose(sin, mul);
        var rnd = new Random(6);
        for (int k = 0; k < 10; k++) {
            double x = -2 + 4 * rnd.nextDouble(), y = -2 + 4 * rnd.nextDouble();
            double s = Math.sin(x * y), c = Math.cos(x * y);
            double[][] expected = {{-y * y * s, c - x * y * s}, {c - x * y * s, -x * x * s}};
            closeMatrix("hessian of sin(xy)", expected, AD.hessian(f, x, y), 1e-13);
        }
        assertEquals(RR, f.dom());
    }
}
