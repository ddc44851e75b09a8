package catad.interpreter;

import catad.dsl.CatadException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a recursive pass so that deeply nested programs cannot crash the JVM.
 *
 * <p>Passes recurse over the program tree. A pass first runs on the caller's thread; if the program
 * is too deep for that stack, it runs again on a thread with a large stack (passes are pure, so a
 * second run is safe); if even that overflows, the caller gets a {@link CatadException} saying so.
 */
public final class Deep {
    private Deep() {}

    /** Stack size of the fallback thread: room for programs nested about a million levels deep. */
    static final long BIG_STACK = 2L << 30;

    private static final ThreadLocal<Boolean> ON_BIG_STACK = ThreadLocal.withInitial(() -> false);

    /** {@return the pass's result, computed on a big stack if the program is deep} @param what the pass, for the error @param pass the pass */
    public static <T> T run(String what, Supplier<T> pass) {
        if (ON_BIG_STACK.get()) return pass.get();
        try {
            return pass.get();
        } catch (StackOverflowError e) {
            return onBigStack(what, pass);
        }
    }

    private static <T> T onBigStack(String what, Supplier<T> pass) {
        var result = new AtomicReference<T>();
        var failure = new AtomicReference<Throwable>();
        double[] tracker = Magnitude.tracker();
        Thread t = new Thread(null, () -> {
            ON_BIG_STACK.set(true);
            Magnitude.adopt(tracker);
            try {
                result.set(pass.get());
            } catch (StackOverflowError e) {
                failure.set(new CatadException(what + ": the program is nested too deeply even for a " + (BIG_STACK >> 20)
                        + " MiB stack; build long chains with compose/pipe (kept flat) rather than nesting"));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "catad-deep", BIG_STACK);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatadException(what + ": interrupted", e);
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error er) throw er;
        if (f != null) throw new CatadException(what + " failed", f);
        return result.get();
    }
}
