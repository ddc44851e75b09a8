package catad.jit;

import java.lang.management.ManagementFactory;

/**
 * Whether kernels may use the Vector API ({@code jdk.incubator.vector}), and how wide.
 *
 * <p>Nothing in catad links to the incubator module: generated classes refer to it only when this
 * class has found it present, usable and worth it (C2 enabled, at least two doubles per vector).
 * Otherwise kernels use scalar loops that compute the same bits, and the first compilation says
 * once, on the {@code catad.jit} logger, why they are slower. Apache Lucene decides its
 * vectorization provider the same way.
 */
final class Vectors {
    private Vectors() {}

    /** Doubles per vector kernels use (2, 4 or 8), or 0 for scalar loops only. */
    static final int LANES;
    /** Doubles in the preferred species (0 when the module is absent). */
    static final int LANES_PREFERRED;
    /** Why kernels are scalar, or null when they are not. */
    static final String WHY_SCALAR;

    static {
        int lanes = 0, preferred = 0;
        String why = null;
        if (Boolean.getBoolean("catad.jit.scalar")) {
            why = "the system property catad.jit.scalar is set";
        } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            why = "the module jdk.incubator.vector is not present (run java with --add-modules jdk.incubator.vector)";
        } else if (!c2()) {
            why = "the JVM's optimizing compiler (C2) is off, and Vector API code is slow without it";
        } else {
            try {
                Object species = Class.forName("jdk.incubator.vector.DoubleVector").getField("SPECIES_PREFERRED").get(null);
                int n = (int) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("length").invoke(species);
                preferred = n;
                if (n < 2) why = "this CPU has no vectors of two or more doubles";
                else lanes = Math.min(n, 8);
            } catch (ReflectiveOperationException | LinkageError e) {
                why = "the Vector API could not be initialized (" + e + ")";
            }
        }
        LANES = lanes;
        LANES_PREFERRED = preferred;
        WHY_SCALAR = why;
    }

    private static volatile boolean told;

    /** Says once, when kernels are scalar, why. */
    static void tellOnce() {
        if (WHY_SCALAR == null || told) return;
        told = true;
        System.getLogger("catad.jit").log(System.Logger.Level.INFO,
                "catad jit: kernels use scalar loops, which are slower on arrays, because " + WHY_SCALAR);
    }

    /** {@return whether C2 compiles: not -Xint, not tiered compilation stopped below level 4} */
    private static boolean c2() {
        if (System.getProperty("java.vm.info", "").contains("interpreted mode")) return false;
        try {
            for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (arg.startsWith("-XX:TieredStopAtLevel=") && !arg.endsWith("=4")) return false;
                if (arg.equals("-Xint")) return false;
            }
        } catch (LinkageError | SecurityException e) {
            return true;
        }
        return true;
    }
}
