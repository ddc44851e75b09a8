package catad.jit;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One kernel compiled and called in a JVM of its own, for {@link FreshJvmKernelTest}: whether C2 compiles a
 * kernel's vector code can depend on what the JVM ran before, so a check that must see a kernel
 * compiled first runs here. Prints the bytes the last round of calls allocated and whether the
 * result had the interpreter's bits.
 */
final class FreshJvmKernel {
    private FreshJvmKernel() {}

    /** {@return the program of that name} */
    static Prog program(String name, int n) {
        Shape v = Shape.vec(n);
        return switch (name) {
            // three loops of sin, their cos in the backward loops: one method made C2 give up ("too many clones")
            case "sinSteps" -> AD.grad(compose(sum(v), iterate(3, map(n, compose(sin, scale(1.3))))));
            case "expSteps" -> AD.grad(compose(sum(v), iterate(3, map(n, compose(exp, scale(0.3))))));
            case "tanhSteps" -> AD.grad(compose(sum(v), iterate(3, map(n, compose(tanh, scale(1.5))))));
            // the first array access of the loop's body at an offset (the second half of the input), then
            // VecMath: C2 gave up on the method until the loop began with a check of its index (Emit.guardIndex)
            case "offsetMap" -> compose(map(n, compose(mul, fork(compose(log, exp, exr(R, R)), compose(exp, exl(R, R))))), zip(n, R, R));
            case "offsetSum" -> compose(sum(v), map(n, compose(mul, fork(compose(log, exp, exr(R, R)), compose(exp, exl(R, R))))), zip(n, R, R));
            // sin beyond 2^20 π/2 in every other lane or so (inputs times 10^6): Payne and Hanek's reduction
            case "largeSin" -> map(n, compose(sin, scale(1e6)));
            // after largeSin: VecMath's sin and cos must still inline into kernels (they did not while they
            // handled such lanes themselves)
            case "trigSum" -> compose(sum(v), map(n, compose(sin, exp)), map(n, cos));
            case "trigSumGrad" -> AD.grad(compose(sum(v), map(n, compose(sin, exp)), map(n, cos)));
            case "cosSin" -> map(n, compose(cos, sin));
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** Runs each kernel named in the arguments in turn, in this one JVM, and prints a line for each. */
    public static void main(String[] args) {
        for (String name : args) run(name);
    }

    private static void run(String name) {
        int n = 300;
        Prog f = program(name, n);
        var r = new SplittableRandom(7);
        double[] x = new double[f.dom().dim()];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble(-3, 3);
        double[] want = AD.eval(f, x);   // (the interpreter first, as a user checking the kernel would)
        Kernel k = Jit.compile(f);
        double[] y = new double[f.cod().dim()];
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // rounds of 20,000 calls until one allocates (next to) nothing, at most 15: compiled as it should be, the
        // kernels here took 3 (2 s); in C1's code until C2 gave up on them and then took another path, 28 (18 s)
        long bytes = Long.MAX_VALUE, rounds = 0, start = System.nanoTime();
        while (bytes >= 20_000 && rounds < 15) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++) k.apply(x, y);
            bytes = threads.getCurrentThreadAllocatedBytes() - before;
            rounds++;
        }
        boolean same = Arrays.equals(want, k.apply(x));
        System.out.printf("kernel %s lanes %d rounds %d (%.1f s) allocated %d same %b%n", name, k.vectorLanes(), rounds,
                (System.nanoTime() - start) / 1e9, bytes, same);
    }
}
