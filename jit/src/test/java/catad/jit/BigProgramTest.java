package catad.jit;

import static catad.dsl.Catad.*;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Large and deeply nested programs compile (or fall back, saying why) and never crash the JVM. */
class BigProgramTest {

    /** A chain of k scalar steps mixing two running values, like an unrolled recurrence. */
    static Prog chain(int k, long seed) {
        var r = new SplittableRandom(seed);
        Shape rr = Shape.pair(Shape.R, Shape.R);
        Prog[] steps = new Prog[k];
        for (int i = 0; i < k; i++) {
            Prog mix = switch (r.nextInt(4)) {
                case 0 -> compose(sin, mul);
                case 1 -> compose(tanh, add);
                case 2 -> compose(cos, exl(Shape.R, Shape.R));
                default -> compose(sigmoid, sub);
            };
            steps[k - 1 - i] = fork(exr(Shape.R, Shape.R), mix);
        }
        return compose(add, compose(steps));
    }

    /** HotSpot compiles no method over 8,000 bytes of bytecode: a kernel with one would run interpreted. */
    static final int HUGE_METHOD = 8000;

    @Test void everyMethodOfALargeKernelIsSmallEnoughForHotSpotToCompile() {
        // the chain's gradient is straight-line code in parts; a map of rows whose body is a
        // chain of its own (with a loop inside, so the body has statements) is outlined
        Prog f = chain(250, 1);
        Kernel k = Jit.compile(AD.grad(f));
        assertTrue(k.largestMethodBytes() <= HUGE_METHOD, () -> "largest method " + k.largestMethodBytes() + " bytes: " + k);
        int rows = 7, cols = 9;
        Shape v = Shape.vec(cols);
        var rnd = new SplittableRandom(5);
        Prog[] steps = new Prog[300];
        for (int i = 0; i < steps.length; i++) steps[i] = switch (rnd.nextInt(3)) { case 0 -> sin; case 1 -> compose(tanh, scale(1.5)); default -> cos; };
        Prog row = compose(sum(v), map(cols, compose(steps)), iterate(2, map(cols, compose(tanh, scale(0.5)))));
        Prog many = compose(sum(Shape.vec(rows)), map(rows, row));
        Prog g = AD.grad(many);
        Kernel kg = Jit.compile(g);
        assertTrue(kg.largestMethodBytes() <= HUGE_METHOD, () -> "largest method " + kg.largestMethodBytes() + " bytes: " + kg);
        var x = new double[rows * cols];
        var r = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble(-1, 1);
        double[] expected = AD.eval(g, x), actual = kg.apply(x);
        for (int i = 0; i < x.length; i++) assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]), "element " + i);
    }

    /**
     * A loop big enough to be outlined whose state is read again after it: the body methods keep the
     * state they load in the workspace for each other, and that copy is stale once the loop ends
     * (found by {@code JitAgreementLaws.agreeOnHvpPrograms}: the final state came out as the state
     * at the start of the last step).
     */
    @Test void theStateOfAnOutlinedLoopIsReadFreshAfterIt() {
        // mapAccum over x with state (a, b): (a + sin x, b · x) is the first group of the outlined
        // body, which loads the state; chain(x, x), the output per element, fills the later
        // groups, which never read the state; the state is read again after the loop
        Shape rr = Shape.pair(Shape.R, Shape.R), state = Shape.pair(rr, Shape.R);
        Prog a = compose(exl(Shape.R, Shape.R), exl(rr, Shape.R)), b = compose(exr(Shape.R, Shape.R), exl(rr, Shape.R));
        Prog x = exr(rr, Shape.R);
        Prog carry = fork(compose(add, fork(a, compose(sin, x))), compose(mul, fork(b, x)));
        Prog step = fork(carry, compose(chain(150, 4), fork(x, x)));
        assertEquals(state, step.dom());
        for (int n : new int[] {1, 2, 5}) {
            Prog f = mapAccum(n, step);
            Kernel k = Jit.compile(f);
            var r = new SplittableRandom(n);
            double[] in = new double[2 + n];
            for (int i = 0; i < in.length; i++) in[i] = r.nextDouble(-1, 1);
            double[] expected = AD.eval(f, in), actual = k.apply(in);
            for (int i = 0; i < expected.length; i++) {
                int j = i;
                assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                        () -> n + " steps, element " + j + ": jit " + actual[j] + ", eval " + expected[j] + "\n" + k);
            }
        }
    }

    /**
     * The jvp program of a long chain mapped over tangents: the primal part, the same for every
     * tangent, is computed before the loop, and being long it gets methods of its own (it once
     * made one method of 70 KB, which the JVM refuses).
     */
    @Test void theInvariantPartOfALargeOutlinedLoopIsCutIntoMethodsToo() {
        Prog f = chain(400, 7);
        Shape rr = Shape.pair(Shape.R, Shape.R);
        int k = 20;   // more than a short array, so the columns are a loop
        double[] tangents = new double[2 * k];
        for (int i = 0; i < tangents.length; i++) tangents[i] = (i % 3) - 0.5 * (i % 2);
        Prog columns = pipe(fork(repl(k, rr), constant(rr, Shape.arr(k, rr), tangents)), zip(k, rr, rr),
                map(k, compose(exr(Shape.R, Shape.R), AD.jvp(f))));
        Kernel kc = Jit.compile(columns);
        assertTrue(kc.compiled(), kc::toString);
        assertTrue(kc.largestMethodBytes() <= HUGE_METHOD, () -> "largest method " + kc.largestMethodBytes() + " bytes: " + kc);
        double[] x = {0.3, -0.7};
        double[] expected = AD.eval(columns, x), actual = kc.apply(x);
        for (int i = 0; i < k; i++) assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]), "column " + i);
    }

    @Test void gradientOfAThousandNodeProgramCompilesAndAgrees() {
        Prog f = chain(250, 1);
        assertTrue(AD.size(f) >= 1000, () -> "size " + AD.size(f));
        Prog g = AD.grad(f);
        Kernel k = Jit.compile(g);
        double[] x = {0.3, -0.7};
        assertArrayEquals(AD.eval(g, x), k.apply(x));
        assertTrue(k.compiled(), k::toString);
    }

    /** 5,000 steps are over 100 KiB of bytecode: the code is split into methods that pass values through the workspace. */
    @Test void veryLongChainsCompileIntoSeveralMethods() {
        Prog f = chain(5000, 2);
        Kernel k = Jit.compile(f);
        double[] x = {0.3, -0.7};
        assertArrayEquals(AD.eval(f, x), k.apply(x), k::toString);
        assertTrue(k.compiled(), k::toString);
    }

    @Test void deeplyNestedProgramsDoNotOverflowTheStack() {
        Prog f = sin;
        for (int i = 0; i < 20_000; i++) f = compose(cos, add, fork(f, id(Shape.R)));
        Kernel k = Jit.compile(f);
        assertArrayEquals(AD.eval(f, 0.1), k.apply(0.1), k::toString);
        assertTrue(k.compiled(), k::toString);
    }
}
