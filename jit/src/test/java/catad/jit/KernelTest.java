package catad.jit;

import static catad.dsl.Catad.*;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What a kernel promises besides its numbers: thread safety, no allocation per call, fusion, caching. */
class KernelTest {

    static final int N = 300;
    static final Shape V = Shape.vec(N);

    /** A log-sum-exp with a loop inside: reductions, maps, zips and an iterate, and its gradient. */
    static Prog program() {
        Prog lse = pipe(fork(id(V), maximum(N)), fork(exr(V, Shape.R),
                pipe(cross(id(V), repl(N, Shape.R)), zip(N, Shape.R, Shape.R), map(N, compose(exp, sub)), sum(V), log)), add);
        return compose(lse, iterate(3, map(N, compose(tanh, scale(1.5)))));
    }

    static double[] input(long seed) {
        var r = new SplittableRandom(seed);
        var x = new double[N];
        for (int i = 0; i < N; i++) x[i] = r.nextDouble(-3, 3);
        return x;
    }

    @Test void manyThreadsGiveTheBitsOfOne() throws Exception {
        Kernel k = Jit.compile(AD.grad(program()));
        int inputs = 64;
        var expected = new double[inputs][];
        for (int i = 0; i < inputs; i++) expected[i] = k.apply(input(i));
        try (var pool = Executors.newFixedThreadPool(8)) {
            var jobs = new ArrayList<Callable<Boolean>>();
            for (int t = 0; t < 16; t++) {
                int first = t;
                jobs.add(() -> {
                    var y = new double[N];
                    for (int rep = 0; rep < 15; rep++)
                        for (int i = 0; i < inputs; i++) {
                            int j = (i + first) % inputs;
                            k.apply(input(j), y);
                            for (int q = 0; q < N; q++)
                                if (Double.doubleToRawLongBits(y[q]) != Double.doubleToRawLongBits(expected[j][q])) return false;
                        }
                    return true;
                });
            }
            for (Future<Boolean> f : pool.invokeAll(jobs)) assertTrue(f.get(), "a thread computed different bits");
        }
    }

    @Test void aCallAllocatesNothing() {
        // (kernels that must settle in a JVM of their own, among them sin beyond 2^20 π/2 before other sin
        // and cos kernels: FreshJvmKernelTest)
        Prog trig = compose(sum(V), map(N, compose(sin, exp)), map(N, cos));
        for (Prog f : new Prog[] {program(), AD.grad(program()), trig, AD.grad(trig), map(N, compose(cos, sin))})
            assertSettlesAllocationFree(Jit.compile(f), input(7), new double[f.cod().dim()]);
    }

    /**
     * Calls k in rounds of 20,000 until one allocates (next to) nothing, for up to a minute: until C2
     * has compiled the kernel, C1's code boxes its vectors (a kernel with three VecMath calls took
     * some 40,000 calls).
     */
    private static void assertSettlesAllocationFree(Kernel k, double[] x, double[] y) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long bytes = Long.MAX_VALUE, deadline = System.nanoTime() + 60_000_000_000L;
        while (bytes >= 20_000 && System.nanoTime() < deadline) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++) k.apply(x, y);
            bytes = threads.getCurrentThreadAllocatedBytes() - before;
        }
        long last = bytes;
        assertTrue(last < 20_000, () -> k + " still allocated " + last + " bytes in 20,000 calls after a minute");
    }

    @Test void chainsOfMapsFuseIntoOneLoopWithoutBuffers() {
        int n = 10_000;
        Kernel k = Jit.compile(compose(map(n, exp), map(n, sin), map(n, compose(cos, scale(2)))));
        // no buffer of n: at most the row through which a vector loop redoes sin's and cos's large lanes
        assertTrue(k.workspaceSize() <= k.vectorLanes(), k::toString);
        Kernel s = Jit.compile(compose(sum(Shape.vec(n)), map(n, sin), map(n, cos)));
        assertTrue(s.workspaceSize() <= 8 + s.vectorLanes(), s::toString);
    }

    /** Each stage doubles its input after {@code dup}, so it must be written to memory; a buffer dead two stages later is reused. */
    @Test void deadBuffersAreReused() {
        int n = 1000;
        Shape v = Shape.vec(n);
        Prog stage = compose(add(v), dup(v), map(n, sin));
        Prog f = compose(stage, stage, stage, stage, stage);
        Kernel k = Jit.compile(f);
        assertArrayEquals(AD.eval(f, input(n, 5)), k.apply(input(n, 5)));
        // plus, with vectors, the row sin's vector loops pass arguments beyond VecMath's range through
        assertTrue(k.workspaceSize() <= 2 * n + k.vectorLanes(), () -> "five stages, two buffers of " + n + " suffice: " + k);
    }

    static double[] input(int n, long seed) {
        var r = new SplittableRandom(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextDouble(-3, 3);
        return x;
    }

    /**
     * The gradient of a balanced tree over 256 leaves sums 256 one-hot rows, one expression per
     * element of a loop over 256: as one vector loop it needed more than 65,535 local slots and fell
     * back to the interpreter. A body that large is outlined as scalar code instead, in either mode.
     */
    @Test void aLoopBodyTooLargeForOneMethodIsStillCompiled() {
        int depth = 8, n = 1 << depth;
        Shape v = Shape.vec(n);
        var rnd = new SplittableRandom(3);
        var level = new Prog[n];
        for (int i = 0; i < n; i++) level[i] = compose(sin, scale(rnd.nextDouble(0.5, 1.5)), ex(v, i));
        for (int d = 0; level.length > 1; d++) {
            var up = new Prog[level.length / 2];
            for (int i = 0; i < up.length; i++) up[i] = compose(d % 2 == 0 ? mul : add, fork(level[2 * i], level[2 * i + 1]));
            level = up;
        }
        Prog g = AD.grad(level[0]);
        for (Jit.Options o : new Jit.Options[] {Jit.Options.DEFAULT, Jit.Options.SCALAR}) {
            Kernel k = Jit.compile(g, o);
            assertTrue(k.compiled(), () -> o + ": " + k);
            double[] x = input(n, 9);
            double[] expected = AD.eval(g, x), actual = k.apply(x);
            for (int i = 0; i < n; i++)
                assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]), o + ": element " + i);
        }
    }

    @Test void compilingTheSameProgramAgainIsACacheHit() {
        Prog f = program();
        Kernel first = Jit.compile(f);
        Kernel again = Jit.compile(program());
        assertSame(first, again);
        assertNotSame(first, Jit.compile(program(), Jit.Options.SCALAR));
    }

    @Test void nanAndInfinityPassThroughAsInTheInterpreter() {
        Prog f = program();
        double[] x = input(3);
        x[5] = Double.NaN;
        x[9] = Double.POSITIVE_INFINITY;
        assertArrayEquals(AD.eval(f, x), Jit.eval(f, x));
        assertArrayEquals(AD.eval(AD.grad(f), x), Jit.grad(f, x));
    }

    @Test void emptyArraysWork() {
        Prog f = compose(sum(Shape.vec(0)), map(0, exp));
        assertArrayEquals(AD.eval(f), Jit.eval(f));
        assertArrayEquals(new double[0], Jit.eval(map(0, sin)));
    }
}
