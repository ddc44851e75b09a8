package catad.examples.bench;

import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import catad.jit.Jit;
import catad.jit.Kernel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks cannot silently measure wrong code: every program they time, compiled, agrees with
 * the interpreter, and every hand-written twin with catad. Runs the programs at small sizes (the
 * JMH benchmarks themselves never run in the test suite).
 */
class BenchProgramsTest {

    /** A program and an input for it. */
    record Case(String name, Prog f, double[] x) {}

    /** Every benchmark program at the given sizes: length n, MLP h = d = side, GMM points × d × k. */
    static List<Case> programs(int n, int side, int points, int d, int k, int chain, int depth) {
        var cs = new ArrayList<Case>();
        cs.add(new Case("sumSinExp", BenchPrograms.sumSinExp(n), BenchPrograms.uniform(n, 1, -2, 2)));
        cs.add(new Case("logSumExp", BenchPrograms.logSumExp(n), BenchPrograms.uniform(n, 2, -2, 2)));
        cs.add(new Case("mlp", BenchPrograms.mlp(side, side), BenchPrograms.uniform(BenchPrograms.mlpShape(side, side).dim(), 3, -1, 1)));
        cs.add(new Case("mlpTrain", BenchPrograms.mlpTrain(side, side, BenchPrograms.uniform(side + 1, 13, -1, 1)),
                BenchPrograms.uniform(BenchPrograms.mlpTrainShape(side, side).dim(), 14, -1, 1)));
        cs.add(new Case("gmm", BenchPrograms.gmm(points, d, k), BenchPrograms.uniform(BenchPrograms.gmmShape(points, d, k).dim(), 4, -2, 2)));
        cs.add(new Case("dot", BenchPrograms.dotProduct(n), BenchPrograms.uniform(2 * n, 5, -2, 2)));
        cs.add(new Case("axpy", BenchPrograms.axpy(n, 2.5), BenchPrograms.uniform(2 * n, 6, -2, 2)));
        cs.add(new Case("matvec", BenchPrograms.matrixVector(side, side), BenchPrograms.uniform(side * side + side, 7, -2, 2)));
        cs.add(new Case("mapExp", BenchPrograms.mapExp(n), BenchPrograms.uniform(n, 8, -2, 2)));
        cs.add(new Case("sumExpSquared", BenchPrograms.sumExpSquared(n), BenchPrograms.uniform(n, 9, -2, 2)));
        cs.add(new Case("sumSinNext", BenchPrograms.sumSinNext(n), BenchPrograms.uniform(n, 10, -2, 2)));
        cs.add(new Case("chain", BenchPrograms.chain(chain, 11), BenchPrograms.uniform(1, 11, -1, 1)));
        cs.add(new Case("tree", BenchPrograms.tree(depth, 12), BenchPrograms.uniform(1 << depth, 12, -1, 1)));
        return cs;
    }

    /** Compiles f with the options and compares it, and its gradient program when f has one output, with the interpreter. */
    static void jitAgrees(Case c, Jit.Options options, double rtol) {
        check(c.name, c.f, c.x, options, rtol);
        if (c.f.cod().equals(Shape.R)) check(c.name + " gradient", AD.grad(c.f), c.x, options, rtol);
    }

    static void check(String name, Prog f, double[] x, Jit.Options options, double rtol) {
        Kernel k = Jit.compile(f, options);
        try {
            Agreement.check(name, AD.eval(f, x), k.apply(x), rtol);
        } catch (IllegalStateException e) {
            fail(e.getMessage() + "\noptions " + options + ", input of " + x.length + " numbers\nprogram " + Printer.print(f), e);
        }
    }

    @Test void atSmallSizesTheJitGivesTheInterpretersBits() {
        for (Case c : programs(5, 3, 5, 3, 3, 40, 2)) {
            jitAgrees(c, Jit.Options.DEFAULT, 0);
            jitAgrees(c, Jit.Options.SCALAR, 0);
        }
    }

    @Test void atLargerSizesTheJitGivesTheInterpretersBitsToo() {
        // sums of eight or more terms, vector loops and VecMath included: both use catad's canonical order and StrictMath's bits
        for (Case c : programs(1003, 20, 100, JitBench.GMM_DIM, JitBench.GMM_COMPONENTS, CompileBench.CHAIN, CompileBench.TREE_DEPTH)) {
            jitAgrees(c, Jit.Options.DEFAULT, 0);
            jitAgrees(c, Jit.Options.SCALAR, 0);
        }
        Case exp = programs(1001, 1, 1, 1, 1, 1, 1).stream().filter(c -> c.name.equals("mapExp")).findFirst().orElseThrow();
        check("mapExp FAST", exp.f, exp.x, Jit.Options.FAST, 1e-14);
    }

    @Test void handWrittenTwinsAgreeWithCatad() {
        for (int n : new int[] {1, 2, 7, 100}) {
            double[] x = BenchPrograms.uniform(n, 20 + n, -2, 2), g = new double[n];
            hand("sumSinExp", BenchPrograms.sumSinExp(n), x, HandWritten.sumSinExp(x), HandWritten::sumSinExpGrad);
            hand("logSumExp", BenchPrograms.logSumExp(n), x, HandWritten.logSumExp(x), HandWritten::logSumExpGrad);
            hand("sumExpSquared", BenchPrograms.sumExpSquared(n), x, HandWritten.sumExpSquared(x), HandWritten::sumExpSquaredGrad);
            hand("sumSinNext", BenchPrograms.sumSinNext(n), x, HandWritten.sumSinNext(x), HandWritten::sumSinNextGrad);
            Agreement.check("Hipparchus Σ exp(xᵢ)²", AD.grad(BenchPrograms.sumExpSquared(n), x), HipparchusBench.sumExpSquared(x).getGradient(), JitBench.HAND_RTOL);
            HandWritten.sumSinNextGrad(x, g);
            Agreement.check("Hipparchus Σ sin(xᵢ)·xᵢ₊₁", g, HipparchusBench.sumSinNext(x).getGradient(), JitBench.HAND_RTOL);
        }
        for (int side : new int[] {1, 3, 16}) {
            double[] in = BenchPrograms.uniform(BenchPrograms.mlpShape(side, side).dim(), 30 + side, -1, 1);
            hand("mlp", BenchPrograms.mlp(side, side), in, HandWritten.mlp(side, side, in), (a, g) -> HandWritten.mlpGrad(side, side, a, g));
            double[] p = BenchPrograms.uniform(BenchPrograms.mlpTrainShape(side, side).dim(), 50 + side, -1, 1);
            double[] ex = BenchPrograms.uniform(side + 1, 60 + side, -1, 1);
            hand("mlpTrain", BenchPrograms.mlpTrain(side, side, ex), p, HandWritten.mlpTrain(side, side, p, ex),
                    (a, g) -> HandWritten.mlpTrainGrad(side, side, a, ex, g));
        }
        for (int[] s : new int[][] {{1, 1, 1}, {5, 3, 2}, {50, JitBench.GMM_DIM, JitBench.GMM_COMPONENTS}}) {
            int points = s[0], d = s[1], k = s[2];
            double[] in = BenchPrograms.uniform(BenchPrograms.gmmShape(points, d, k).dim(), 40 + points, -2, 2), work = new double[k];
            hand("gmm", BenchPrograms.gmm(points, d, k), in, HandWritten.gmm(points, d, k, in, work),
                    (a, g) -> HandWritten.gmmGrad(points, d, k, a, g, work));
        }
    }

    static void hand(String name, Prog f, double[] x, double primal, java.util.function.BiConsumer<double[], double[]> grad) {
        Agreement.check(name + " hand-written primal, n=" + x.length, AD.eval(f, x), new double[] {primal}, JitBench.HAND_RTOL);
        var g = new double[x.length];
        grad.accept(x, g);
        Agreement.check(name + " hand-derived gradient, n=" + x.length, AD.eval(AD.grad(f), x), g, JitBench.HAND_RTOL);
    }

    @Test void everyBenchmarkSetupRunsAndChecksAtSmallSizes() {
        var cases = List.of(new JitBench.SumSinExp(), new JitBench.LogSumExp(), new JitBench.Mlp(), new JitBench.Gmm());
        for (JitBench.Case c : cases) c.n = 200;
        ((JitBench.SumSinExp) cases.get(0)).setup();
        ((JitBench.LogSumExp) cases.get(1)).setup();
        ((JitBench.Mlp) cases.get(2)).setup();
        ((JitBench.Gmm) cases.get(3)).setup();
        var v = new VectorBench();
        v.n = 1000;
        v.setup();
        var h = new HipparchusBench();
        h.n = 10;
        h.setup();
        for (String shape : new String[] {"chain", "tree"}) {
            var fresh = new CompileBench.Fresh();
            fresh.shape = shape;
            fresh.describe();
            fresh.next();
            assertNotEquals(fresh.f, CompileBench.program(shape, -1), "each invocation compiles a new program");
        }
    }
}
