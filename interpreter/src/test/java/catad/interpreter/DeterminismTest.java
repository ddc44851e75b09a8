package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static catad.interpreter.Num.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The same program and input give bitwise-identical results on every run and on any thread, for
 * numbers and for derivative programs (which must also print identically).
 */
class DeterminismTest {

    static final int THREADS = 8;

    /** Programs with long sums, transcendentals, loops and branches: where order-dependence would show. */
    static Map<String, Supplier<Prog>> programs() {
        var m = new LinkedHashMap<String, Supplier<Prog>>();
        m.put("rosenbrock(30)", () -> Fns.rosenbrock(30));
        m.put("log-sum-exp(200)", () -> Fns.logSumExp(200));
        m.put("mlp", Fns::mlp);
        m.put("softplus-cond-while", () -> {
            Prog step = compose(offset(0.7), scale(1.3));
            Prog elem = cond(id(R), compose(softplus, whileLoop(compose(offset(9), neg), step, 1000)), compose(tanh, sin));
            return compose(sum(Shape.vec(64)), map(64, elem));
        });
        m.put("scan", () -> compose(sum(Shape.vec(40)), scan(40, compose(sin, mul)),
                fork(constant(Shape.vec(40), 0.9), id(Shape.vec(40)))));
        return m;
    }

    static double[] input(Prog f) {
        return random(new Random(f.dom().dim()), f.dom().dim(), -1.5, 1.5);
    }

    /** Every result of every mode, flattened, keyed by what computed it; derivative programs by their text too. */
    static Map<String, double[]> everything(Map<String, Supplier<Prog>> progs) {
        var out = new LinkedHashMap<String, double[]>();
        for (var e : progs.entrySet()) {
            Prog f = e.getValue().get();
            double[] x = input(f);
            double[] u = random(new Random(1), x.length, -1, 1);
            String k = e.getKey();
            out.put(k + " eval", AD.eval(f, x));
            out.put(k + " grad", AD.grad(f, x));
            out.put(k + " jvp", AD.jvp(f, x, u)._2);
            out.put(k + " vjp", AD.vjp(f, x, new double[] {0.75}));
            out.put(k + " hvp", AD.hvp(f, x, u));
            Prog g = AD.grad(f);
            out.put(k + " grad program", AD.eval(g, x));
            out.put(k + " grad program text", textBits(Printer.print(g)));
            out.put(k + " jvp program", AD.eval(AD.jvp(f), concat(x, u)));
            out.put(k + " vjp program", AD.eval(AD.vjp(f), concat(x, new double[] {0.75})));
            if (x.length <= 40) {
                out.put(k + " hessian", flat(AD.hessian(f, x)));
                if (f.dom() instanceof Shape.Arr) out.put(k + " hessian program", AD.eval(AD.hessian(f), x));
            }
        }
        return out;
    }

    /** A string as numbers, so program texts compare with the same machinery. */
    static double[] textBits(String s) { return s.chars().asDoubleStream().toArray(); }

    static void assertSame(Map<String, double[]> expected, Map<String, double[]> actual, String where) {
        assertEquals(expected.keySet(), actual.keySet(), where);
        for (String k : expected.keySet()) sameBits(where + ": " + k, expected.get(k), actual.get(k));
    }

    @Test
    void repeatedRunsGiveTheSameBits() {
        var first = everything(programs());
        for (int run = 0; run < 3; run++) assertSame(first, everything(programs()), "run " + run);
    }

    @Test
    void eightConcurrentThreadsGiveTheSameBits() throws Exception {
        var reference = everything(programs());
        var shared = new LinkedHashMap<String, Supplier<Prog>>();
        for (var e : programs().entrySet()) {
            Prog p = e.getValue().get();
            shared.put(e.getKey(), () -> p);   // the same program objects on every thread
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            var start = new CyclicBarrier(THREADS);
            var results = new ArrayList<Future<Map<String, double[]>>>();
            for (int t = 0; t < THREADS; t++) {
                boolean sharedPrograms = t % 2 == 0;   // half share program objects, half build their own
                results.add(pool.submit(() -> {
                    start.await();
                    var r = everything(sharedPrograms ? shared : programs());
                    var again = everything(sharedPrograms ? shared : programs());
                    assertSame(r, again, "same thread, twice");
                    return r;
                }));
            }
            for (int t = 0; t < THREADS; t++) assertSame(reference, results.get(t).get(), "thread " + t);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theComparisonCanFail() {
        // guard against a vacuous check: different inputs must give different bits somewhere
        Prog f = Fns.mlp();
        var a = Map.of("eval", AD.eval(f, 0.1, 0.2, 0.3));
        var b = Map.of("eval", AD.eval(f, 0.1, 0.2, Math.nextUp(0.3)));
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> assertSame(a, b, "perturbed"));
    }
}
