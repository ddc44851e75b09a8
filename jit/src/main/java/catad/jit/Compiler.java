package catad.jit;

import catad.dsl.CatadException;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.interpreter.Deep;

/**
 * Compiles one program: lowering ({@link Lower}), stored values read from where they were made
 * ({@link Forward}), a backward loop's expensive values taped by its forward loop ({@link Tape}),
 * sharing between loops ({@link Share}), sums accumulated where their terms are made
 * ({@link Accumulate}), values stored straight where a copy would move them ({@link Copies}), cheap
 * stored arrays computed where they are read ({@link Recompute}), expensive ones read where they are
 * computed again ({@link Reuse}), stores nothing reads dropped ({@link DeadStores}), then
 * code generation ({@link Emit}). A program
 * the JVM cannot take as one class (a method over 64 KiB of bytecode) runs on the interpreter
 * instead, and says so once.
 */
final class Compiler {
    private Compiler() {}

    private static final System.Logger LOG = System.getLogger("catad.jit");
    private static volatile boolean warnedTooBig;
    /** {@code -Dcatad.jit.forward=false} turns off reading stored values from where they were made ({@link Forward}), for comparison. */
    private static final boolean FORWARD = !"false".equals(System.getProperty("catad.jit.forward"));
    /** {@code -Dcatad.jit.share=false} turns off sharing element computations between loops ({@link Share}), for comparison. */
    private static final boolean SHARE = !"false".equals(System.getProperty("catad.jit.share"));
    /** {@code -Dcatad.jit.tape=false} turns off keeping a forward loop's expensive values for its backward loop ({@link Tape}), for comparison. */
    private static final boolean TAPE = !"false".equals(System.getProperty("catad.jit.tape"));
    /** {@code -Dcatad.jit.accumulate=false} turns off summing terms inside the loop that produces them ({@link Accumulate}), for comparison. */
    private static final boolean ACCUMULATE = !"false".equals(System.getProperty("catad.jit.accumulate"));
    /** {@code -Dcatad.jit.shortLoops=false} turns off writing out short loops that fill scratch arrays ({@link ShortLoops}), for comparison. */
    private static final boolean SHORT_LOOPS = !"false".equals(System.getProperty("catad.jit.shortLoops"));

    /** {@code -Dcatad.jit.copies=false} turns off storing values straight where a copy would move them ({@link Copies}), for comparison. */
    private static final boolean COPIES = !"false".equals(System.getProperty("catad.jit.copies"));

    /** {@code -Dcatad.jit.deadStores=false} turns off dropping stores into workspace places nothing reads ({@link DeadStores}), for comparison. */
    private static final boolean DEAD_STORES = !"false".equals(System.getProperty("catad.jit.deadStores"));

    /** {@code -Dcatad.jit.recompute=false} turns off computing cheap stored arrays where they are read ({@link Recompute}), for comparison. */
    private static final boolean RECOMPUTE = !"false".equals(System.getProperty("catad.jit.recompute"));

    /** {@code -Dcatad.jit.reuse=false} turns off reading expensive stored arrays where they are computed again ({@link Reuse}), for comparison. */
    private static final boolean REUSE = !"false".equals(System.getProperty("catad.jit.reuse"));

    static Kernel compile(Prog f, Jit.Options options) {
        long t0 = System.nanoTime();
        int lanes = options.vectorize() ? Vectors.LANES : 0;
        if (options.vectorize()) Vectors.tellOnce();
        Lower lo = Deep.run("jit", () -> {
            var l = new Lower(f);
            if (FORWARD) l.body = Forward.run(l.ir, l.body);
            if (TAPE) l.body = Tape.run(l.ir, l.body);
            if (SHARE) l.body = Share.run(l.ir, l.body);
            if (SHORT_LOOPS) l.body = ShortLoops.run(l.ir, l.body);
            if (ACCUMULATE) l.body = Accumulate.run(l.ir, l.body);
            if (COPIES) l.body = Copies.run(l.ir, l.body);
            if (RECOMPUTE) l.body = Recompute.run(l.ir, l.body);
            if (REUSE) l.body = Reuse.run(l.ir, l.body);
            if (DEAD_STORES) l.body = DeadStores.run(l.ir, l.body);
            if (Boolean.getBoolean("catad.jit.dump")) System.err.println("catad jit: " + Printer.brief(f) + "\n" + Ir.dump(l.body));
            return l;
        });
        try {
            Emit.Result r = Deep.run("jit", () -> Emit.emit(lo, lanes, options.fastMath()));
            return new Kernel(f, r, System.nanoTime() - t0);
        } catch (IllegalArgumentException | IllegalStateException | VerifyError | ClassFormatError e) {
            if (e instanceof CatadException) throw e;
            String why = "the generated code does not fit the JVM's limits (" + e.getMessage() + ")";
            if (!warnedTooBig) {
                warnedTooBig = true;
                LOG.log(System.Logger.Level.WARNING, "catad jit: " + Printer.brief(f) + " runs on the interpreter: " + why);
            }
            return new Kernel(f, why, System.nanoTime() - t0);
        }
    }
}
