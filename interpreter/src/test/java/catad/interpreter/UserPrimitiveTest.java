package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.CatadException;
import catad.dsl.Primitive;
import catad.dsl.Prog;
import catad.dsl.Shape;
import org.junit.jupiter.api.Test;

/** Users add primitives without editing catad, and every derivative path uses their rules. */
class UserPrimitiveTest {

    /** softsign x = x / (1 + |x|), derivative 1 / (1 + |x|)² written as a catad program. */
    static final Primitive.Unary SOFTSIGN = Primitive.unary("softsign", x -> x / (1 + Math.abs(x)),
            () -> compose(recip, square, offset(1), abs), Primitive.Interval.ALL);

    static double fd(java.util.function.DoubleUnaryOperator f, double x) {
        double h = 1e-6 * Math.max(1, Math.abs(x));
        return (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
    }

    @Test
    void unaryWithProgramDerivativeDifferentiatesTwice() {
        Prog f = compose(SOFTSIGN.prog(), scale(3));
        for (double x : new double[] {-2.5, -0.3, 0.4, 1.7}) {
            double d1 = AD.grad(f, x)[0];
            assertEquals(3 / Math.pow(1 + Math.abs(3 * x), 2), d1, 1e-12);
            double d2 = AD.hessian(f, x)[0][0];
            double expected = fd(y -> AD.grad(f, y)[0], x);
            assertEquals(expected, d2, 1e-6 * Math.max(1, Math.abs(expected)));
            assertEquals(d1, AD.eval(AD.grad(f), x)[0], 1e-15);
        }
    }

    @Test
    void unaryWithJavaDerivativeDifferentiatesOnceAndSaysWhyNotTwice() {
        Primitive.Unary cube = Primitive.unary("cube", x -> x * x * x, x -> 3 * x * x);
        assertEquals(12.0, AD.grad(cube.prog(), 2.0)[0], 0);
        var e = assertThrows(CatadException.class, () -> AD.hessian(cube.prog(), 2.0));
        assertTrue(e.getMessage().contains("cube'"), e.getMessage());
    }

    @Test
    void generalPrimitiveUsesItsRulesInBothModes() {
        // sumsq : [3]R → R, x ↦ Σ xᵢ²; jvp (x, dx) ↦ 2 x·dx; vjp (x, ct) ↦ 2 ct x
        Shape v = Shape.vec(3);
        Primitive.General sumsq = Primitive.general("sumsq", v, R, (x, xo, y, yo) -> {
            double s = 0;
            for (int i = 0; i < 3; i++) s += x[xo + i] * x[xo + i];
            y[yo] = s;
        }, () -> compose(scale(2), dot(3)), () -> compose(scale(v, 2), scaleVec(3), swap(v, R)));
        Prog f = compose(sin, sumsq.prog());
        double[] x = {0.3, -0.2, 0.5};
        double s = 0.09 + 0.04 + 0.25;
        double[] g = AD.grad(f, x);
        double[] gp = AD.eval(AD.grad(f), x);
        double[] fwd = AD.jacfwd(f, x)[0];
        for (int i = 0; i < 3; i++) {
            assertEquals(Math.cos(s) * 2 * x[i], g[i], 1e-14);
            assertEquals(g[i], gp[i], 1e-14);
            assertEquals(g[i], fwd[i], 1e-14);
        }
    }

    @Test
    void linearPrimitiveIsItsOwnDerivativeAndTransposes() {
        // cumsum : [3]R → [3]R with transpose revcumsum
        Shape v = Shape.vec(3);
        Primitive.General cumsum = Primitive.linear("cumsum", v, v, (x, xo, y, yo) -> {
            double s = 0;
            for (int i = 0; i < 3; i++) { s += x[xo + i]; y[yo + i] = s; }
        }, "revcumsum", (x, xo, y, yo) -> {
            double s = 0;
            for (int i = 2; i >= 0; i--) { s += x[xo + i]; y[yo + i] = s; }
        });
        double[] u = {1, 2, 3}, w = {0.5, -1, 2};
        var lin = AD.linearize(cumsum.prog(), 9, 9, 9)._2;
        assertArrayEquals(new double[] {1, 3, 6}, lin.apply(u), 0);
        double lhs = dotp(lin.apply(u), w), rhs = dotp(u, lin.transpose().apply(w));
        assertEquals(lhs, rhs, 1e-12);
        assertArrayEquals(lin.transpose().apply(w), AD.eval(catad.interpreter.Transpose.transpose(cumsum.prog()), w), 0);
    }

    private static double dotp(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
