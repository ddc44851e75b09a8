package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code mapAccum} is linearized once at all its steps together and applied a step at a time
 * through row slices of that one linear map; these steps hold every kind of point-dependent
 * derivative (scalar coefficients, a rule, a cond, a while), run inside {@code map} (batch > 1)
 * and both ways, and must agree with the derivative program and with finite differences.
 */
class AccumRowsTest {
    static final Shape RR = Shape.pair(R, R);

    /** A step (c, a) ↦ (c', b) whose derivative holds a Diag, a Rule (dot), a Cond and a Loop. */
    static Prog step() {
        Prog c = exl(RR), a = exr(RR);
        Prog smooth = compose(add, fork(compose(sin, mul), compose(dot(1), fork(compose(repl(1, R), c), compose(repl(1, R), a)))));
        Prog branchy = cond(compose(sub, fork(a, c)), compose(sqrt, offset(2), square, a), compose(tanh, c));
        // halve c until |c| ≤ 1: a while whose trip count depends on the point
        Prog shrink = compose(whileLoop(compose(offset(-1), abs), scale(0.5)), c);
        return fork(compose(add, fork(smooth, shrink)), branchy);
    }

    @Test
    void mapAccumStepsSliceEveryKindOfDerivative() {
        int n = 5, outer = 3;
        Shape in = Shape.pair(R, Shape.vec(n));
        for (boolean reverse : new boolean[] {false, true}) {
            Prog acc = reverse ? mapAccumR(n, step()) : mapAccum(n, step());
            Prog one = compose(add, cross(id(R), sum(Shape.vec(n))), acc);          // C × [n]A → R
            Prog f = compose(sum(Shape.vec(outer)), map(outer, one));              // [3](C × [n]A) → R
            var rnd = new SplittableRandom(reverse ? 7 : 11);
            for (int trial = 0; trial < 5; trial++) {
                var x = new double[outer * (n + 1)];
                for (int i = 0; i < x.length; i++) x[i] = rnd.nextDouble(-3, 3);
                double[] g = AD.grad(f, x), gp = AD.eval(AD.grad(f), x), gf = Num.fdJacobian(f, x)[0];
                double[] jf = AD.jacfwd(f, x)[0];
                for (int i = 0; i < x.length; i++) {
                    assertEquals(gp[i], g[i], 1e-12 * Math.max(1, Math.abs(g[i])), "grad vs grad program at " + i);
                    assertEquals(jf[i], g[i], 1e-12 * Math.max(1, Math.abs(g[i])), "forward vs reverse at " + i);
                    assertEquals(gf[i], g[i], 1e-5 * Math.max(1, Math.abs(g[i])), "grad vs finite differences at " + i);
                }
            }
        }
    }
}
