package catad.laws;

import static catad.laws.Check.concat;
import static catad.laws.Check.dot;
import static catad.laws.Check.dotScale;

import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.interpreter.AD;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * JAX's {@code check_grads} for catad programs: the derivatives of {@code f} at {@code x}, up to a
 * requested order, against finite differences.
 *
 * {@snippet :
 * GradCheck.check(compose(sin, mul), new double[] {0.3, 0.7}, 2);   // throws AssertionError if a law fails
 * }
 *
 * <p>At order 1, along random tangents {@code u} and cotangents {@code v} (uniform in {@code (-1, 1)},
 * from a {@link SplittableRandom} with a fixed seed, so a check is the same on every run):
 * <ul>
 * <li>forward mode: {@code jvp(f,x,u)} against the {@linkplain FiniteDifferences#directional directional
 *     finite difference} {@code J u}, and the program {@code AD.jvp(f)} at {@code (x, u)} against the
 *     numbers;</li>
 * <li>reverse mode: {@code ⟨vjp(f,x,v), u⟩} against {@code ⟨v, J u⟩} (the adjoint form, which needs the
 *     finite differences along {@code u} only, not the whole Jacobian), and the program {@code AD.vjp(f)}
 *     at {@code (x, v)} against the numbers;</li>
 * <li>both modes: {@code vjp(f,x,v)·u = v·jvp(f,x,u)}.</li>
 * </ul>
 * At order {@code k > 1} the same checks run, at order {@code k − 1}, on the derivative programs
 * {@code AD.jvp(f)} at {@code (x, u)} and {@code AD.vjp(f)} at {@code (x, v)}, which are ordinary catad
 * programs: finite differences of a derivative program check the derivative of a derivative, so a
 * wrong second-derivative rule fails at order 2 even when every first derivative is right.
 *
 * <p>A comparison with finite differences allows the tolerance plus {@link FiniteDifferences#MARGIN}
 * times their error estimate, and takes the derivative along the direction the rounded points of the
 * differences realize ({@link FiniteDifferences.Directional#direction}, {@code u} but for rounding);
 * comparisons between exact derivatives use {@link Tolerance#DERIVATIVE}.
 */
public final class GradCheck {
    private GradCheck() {}

    /** The default seed of the random directions. */
    public static final long SEED = 0x6AD_C4EC_5L;
    /** The default number of random direction pairs checked per derivative program. */
    public static final int DIRECTIONS = 2;

    /** Which derivative is checked, as JAX's {@code modes=("fwd", "rev")}. */
    public enum Mode {
        /** {@code jvp} and the {@code AD.jvp} programs. */
        FORWARD,
        /** {@code vjp} and the {@code AD.vjp} programs. */
        REVERSE
    }

    /**
     * How a check runs.
     * @param modes the modes checked, not empty; with both, forward and reverse must also agree
     * @param tolerance the tolerance of comparisons with finite differences (their error estimate is added)
     * @param directions how many random {@code (u, v)} pairs are checked per program; the first one makes
     *                   the points of the derivative programs
     * @param seed the seed of the random directions
     */
    public record Options(Set<Mode> modes, Tolerance tolerance, int directions, long seed) {
        /** Both modes, {@link Tolerance#FINITE_DIFFERENCE}, {@link #DIRECTIONS} directions, {@link #SEED}. */
        public static final Options DEFAULT = new Options(EnumSet.allOf(Mode.class), Tolerance.FINITE_DIFFERENCE, DIRECTIONS, SEED);

        /** Checks that a mode and a direction are asked for and a tolerance is given. */
        public Options {
            if (modes == null || modes.isEmpty()) throw new IllegalArgumentException("at least one mode must be checked");
            if (tolerance == null) throw new IllegalArgumentException("tolerance must not be null");
            if (directions < 1) throw new IllegalArgumentException("at least one direction must be checked, got " + directions);
            modes = Collections.unmodifiableSet(EnumSet.copyOf(modes));
        }

        /** {@return these options checking only the given modes} @param modes forward, reverse or both */
        public Options withModes(Mode... modes) { return new Options(Set.copyOf(Arrays.asList(modes)), tolerance, directions, seed); }

        /** {@return these options with another finite-difference tolerance} @param tolerance the tolerance */
        public Options withTolerance(Tolerance tolerance) { return new Options(modes, tolerance, directions, seed); }

        /** {@return these options with another number of directions per program} @param directions at least 1 */
        public Options withDirections(int directions) { return new Options(modes, tolerance, directions, seed); }

        /** {@return these options with another seed} @param seed the seed of the random directions */
        public Options withSeed(long seed) { return new Options(modes, tolerance, directions, seed); }

        @Override public String toString() {
            var m = modes.stream().map(x -> x.name().toLowerCase()).toList();
            return String.join(" and ", m) + " mode, " + directions + " random direction" + (directions == 1 ? "" : "s")
                    + " per program, seed 0x" + Long.toHexString(seed).toUpperCase() + ", " + tolerance;
        }
    }

    // ---------------------------------------------------------------- entry points

    /**
     * Checks the derivatives of {@code f} at {@code x} up to {@code order} in both modes with the default options.
     * @param f a program @param x a flat point of its domain @param order 1 for first derivatives, 2 for second, …
     * @throws AssertionError naming the law, the programs, the inputs, both sides and the tolerance, if a law fails
     */
    public static void check(Prog f, double[] x, int order) { check(f, x, order, Options.DEFAULT); }

    /**
     * Checks the derivatives of {@code f} at {@code x} up to {@code order}.
     * @param f a program @param x a flat point of its domain @param order at least 1 @param options modes, tolerance, directions, seed
     * @throws AssertionError naming the law, the programs, the inputs, both sides and the tolerance, if a law fails
     */
    public static void check(Prog f, double[] x, int order, Options options) { report(f, x, order, options).orThrow(); }

    /**
     * {@return what {@link #check(Prog, double[], int, Options)} finds, without throwing}
     * @param f a program @param x a flat point of its domain @param order at least 1 @param options modes, tolerance, directions, seed
     */
    public static Report report(Prog f, double[] x, int order, Options options) {
        if (order < 1) throw new IllegalArgumentException("order must be at least 1, got " + order);
        if (x.length != f.dom().dim())
            throw new IllegalArgumentException("x has " + x.length + " numbers but f takes " + f.dom() + " (" + f.dom().dim() + ")");
        var rnd = new SplittableRandom(options.seed());
        var frame = new Frame(x.clone(), new HashMap<>());
        // where f is not finite every side is NaN, and NaN = NaN would pass vacuously
        Mismatch undefined;
        try {
            var fx = AD.eval(f, x);
            undefined = Arrays.stream(fx).allMatch(Double::isFinite) ? null
                    : new Mismatch(null, null, null, null, -1, Double.NaN, Double.NaN, null, Double.NaN, 0, "f x = " + Arrays.toString(fx));
        } catch (RuntimeException | StackOverflowError e) {
            undefined = Mismatch.thrown(e);
        }
        if (undefined != null)
            return new Report(Printer.print(f), f.dom() + " → " + f.cod(), frame.x(), order, options, 0, 1,
                    new Failure("f x is finite, so its derivatives can be checked there", 1, Map.of(), Map.of("x", frame.x()), undefined));
        var laws = laws(options.modes());
        var levels = Level.tower(f, order, options.modes());
        int checks = 0;
        for (var level : levels) {
            for (int d = 0; d < options.directions(); d++) {
                var u = uniform(rnd, level.domDim());
                var v = uniform(rnd, level.codDim());
                if (d == 0) frame.directions().put(level, new double[][] {u, v});
                var at = new At(level, frame.point(level), u, v, options.tolerance());
                for (var law : laws) {
                    checks++;
                    var m = law.safely(at);
                    if (m != null)
                        return new Report(Printer.print(f), f.dom() + " → " + f.cod(), frame.x(), order, options, levels.size(), checks,
                                new Failure(law.name(level), level.order(), level.programs(), frame.named(level, law, u, v), m));
                }
            }
        }
        return new Report(Printer.print(f), f.dom() + " → " + f.cod(), frame.x(), order, options, levels.size(), checks, null);
    }

    // ---------------------------------------------------------------- the report

    /**
     * The outcome of a check.
     * @param program {@code f} in catad text
     * @param signature {@code f}'s shapes, {@code A → B}
     * @param x the point
     * @param order the order checked up to
     * @param options how the check ran
     * @param programs how many programs were checked ({@code f} and its derivative programs)
     * @param checks how many law instances were checked, up to and including a failing one
     * @param failure the first law that failed, or null
     */
    public record Report(String program, String signature, double[] x, int order, Options options, int programs, int checks, Failure failure) {
        /** {@return whether every law held} */
        public boolean passed() { return failure == null; }

        /** Throws an {@link AssertionError} with this report unless every law held. */
        public void orThrow() { if (!passed()) throw new AssertionError(toString()); }

        @Override public String toString() {
            var sb = new StringBuilder("GradCheck of f : ").append(signature).append(" up to order ").append(order)
                    .append(" (").append(options).append("): ");
            if (!passed())
                return sb.append("FAILED at order ").append(failure.order()).append('\n')
                        .append("  f = ").append(program).append('\n').append(failure.describe("  ")).toString();
            sb.append("passed ").append(checks).append(" checks of ").append(programs).append(programs == 1 ? " program\n" : " programs\n");
            sb.append("  f = ").append(program).append('\n');
            return sb.append("  x = ").append(Arrays.toString(x)).append('\n').toString();
        }
    }

    /**
     * A law that failed.
     * @param law the law, in terms of the program it was checked on ({@code f} or a derivative program such as {@code AD.jvp(f)})
     * @param order the order of the derivative it checks
     * @param programs the derivative program the law was checked on, in catad text, by name (empty at order 1)
     * @param input the named inputs: {@code x}, the directions that made the point, and the law's own directions
     * @param mismatch the two sides and the tolerance
     */
    public record Failure(String law, int order, Map<String, String> programs, Map<String, double[]> input, Mismatch mismatch) {
        /** {@return the failure, one item per line, each line indented} @param indent the indentation */
        public String describe(String indent) {
            var sb = new StringBuilder(indent).append("law violated: ").append(law).append('\n');
            programs.forEach((k, v) -> sb.append(indent).append(k).append(" = ").append(v).append('\n'));
            input.forEach((k, v) -> sb.append(indent).append(k).append(" = ").append(Arrays.toString(v)).append('\n'));
            return sb.append(mismatch.describe(indent)).toString();
        }
    }

    // ---------------------------------------------------------------- the tower of derivative programs

    /**
     * One program checked: {@code f} (order 1), or the jvp or vjp program of the level below, whose
     * point pairs that level's point with its first tangent or cotangent. Programs are built on first
     * use, inside a law, so a rule that cannot be built fails that law instead of the whole check.
     */
    static final class Level {
        private final Prog root;
        private final int order;
        private final String name;
        private final Level parent;
        private final Mode via;
        private final int domDim;
        private final int codDim;
        private Prog prog;
        private Prog jvp;
        private Prog vjp;

        private Level(Prog root, int order, String name, Level parent, Mode via, int domDim, int codDim) {
            this.root = root; this.order = order; this.name = name; this.parent = parent; this.via = via;
            this.domDim = domDim; this.codDim = codDim;
        }

        /** {@return f and its derivative programs up to {@code order}, each level before the ones it makes} */
        static List<Level> tower(Prog f, int order, Set<Mode> modes) {
            var out = new ArrayList<Level>();
            out.add(new Level(f, 1, "f", null, null, f.dom().dim(), f.cod().dim()));
            for (int i = 0; i < out.size(); i++) {
                var l = out.get(i);
                if (l.order < order) for (var m : modes) out.add(l.child(m));
            }
            return out;
        }

        private Level child(Mode m) {
            return switch (m) {
                case FORWARD -> new Level(root, order + 1, "AD.jvp(" + name + ")", this, m, 2 * domDim, 2 * codDim);
                case REVERSE -> new Level(root, order + 1, "AD.vjp(" + name + ")", this, m, domDim + codDim, domDim);
            };
        }

        int order() { return order; }
        Level parent() { return parent; }
        Mode via() { return via; }
        int domDim() { return domDim; }
        int codDim() { return codDim; }

        /** {@return the program checked at this level} */
        Prog prog() {
            if (prog == null) prog = parent == null ? root : parent.derivative(via);
            return prog;
        }

        /** {@return {@code AD.jvp} or {@code AD.vjp} of this level's program, built once} @param m which */
        Prog derivative(Mode m) {
            return switch (m) {
                case FORWARD -> jvp == null ? (jvp = AD.jvp(prog())) : jvp;
                case REVERSE -> vjp == null ? (vjp = AD.vjp(prog())) : vjp;
            };
        }

        /** {@return the program's name in laws: {@code f}, {@code AD.jvp(f)}, …} */
        String name() { return name; }

        /** {@return the point's name in laws: {@code x}, {@code (x,u)}, …} */
        String point() { return parent == null ? "x" : "(" + parent.point() + "," + parent.direction(via) + ")"; }

        /** {@return the tangent's name: {@code u}, {@code u₂}, …} */
        String u() { return "u" + subscript(); }

        /** {@return the cotangent's name: {@code v}, {@code v₂}, …} */
        String v() { return "v" + subscript(); }

        private String direction(Mode m) {
            return switch (m) {
                case FORWARD -> u();
                case REVERSE -> v();
            };
        }

        private String subscript() {
            if (order == 1) return "";
            var sb = new StringBuilder();
            for (char c : Integer.toString(order).toCharArray()) sb.append((char) ('₀' + (c - '0')));
            return sb.toString();
        }

        /** {@return this level's program in catad text, by name; empty for f itself, which a report shows anyway} */
        Map<String, String> programs() {
            return parent == null ? Map.of() : Map.of(name, Printer.print(prog()));
        }
    }

    /**
     * The point {@code x} of {@code f} and the first tangent and cotangent of each level, which make
     * the points of the levels above.
     * @param x the point of {@code f}
     * @param directions per level, {@code {u, v}}
     */
    record Frame(double[] x, Map<Level, double[][]> directions) {
        /** {@return the level's point} @param l a level whose ancestors have directions */
        double[] point(Level l) {
            if (l.parent() == null) return x;
            return concat(point(l.parent()), directions.get(l.parent())[index(l.via())]);
        }

        /**
         * {@return the inputs a law reads, by name: {@code x}, the directions that made the level's point,
         * and the law's own tangent and cotangent}
         * @param l the level @param law the law @param u its tangent @param v its cotangent
         */
        Map<String, double[]> named(Level l, Law law, double[] u, double[] v) {
            var out = new LinkedHashMap<String, double[]>();
            out.put("x", x);
            path(l, out);
            if (law.uses().contains("u")) out.put(l.u(), u);
            if (law.uses().contains("v")) out.put(l.v(), v);
            return out;
        }

        private void path(Level l, Map<String, double[]> out) {
            if (l.parent() == null) return;
            path(l.parent(), out);
            out.put(l.parent().direction(l.via()), directions.get(l.parent())[index(l.via())]);
        }

        private static int index(Mode m) {
            return switch (m) {
                case FORWARD -> 0;
                case REVERSE -> 1;
            };
        }
    }

    // ---------------------------------------------------------------- the laws

    /** One level's program at its point with one tangent and cotangent; the finite differences along {@code u} are taken once. */
    static final class At {
        final Level level;
        final double[] x;
        final double[] u;
        final double[] v;
        final Tolerance tolerance;
        private FiniteDifferences.Directional fd;

        At(Level level, double[] x, double[] u, double[] v, Tolerance tolerance) {
            this.level = level; this.x = x; this.u = u; this.v = v; this.tolerance = tolerance;
        }

        Prog g() { return level.prog(); }

        FiniteDifferences.Directional fd() {
            if (fd == null) {
                var g = g();
                fd = FiniteDifferences.directional(y -> AD.eval(g, y), x, u);
            }
            return fd;
        }
    }

    /**
     * The first-order laws of a program {@code g} at {@code x} with tangent {@code u} and cotangent
     * {@code v}. {@link #LINEAR} and {@link #ADJOINT} are {@link LawCheck}'s, checked on {@code f} only.
     */
    enum Law {
        /** {@code jvp(g,x,u) ≈ J u}, finite differences along {@code u}. */
        JVP_FD("u"),
        /** {@code g'(x) = g} for a linear {@code g}. */
        LINEAR("u"),
        /** {@code ⟨g'(x) u, v⟩ = ⟨u, g'(x)ᵀ v⟩} of {@code AD.linearize}. */
        ADJOINT("uv"),
        /** {@code ⟨vjp(g,x,v), u⟩ ≈ ⟨v, J u⟩}, finite differences along {@code u}. */
        VJP_FD("uv"),
        /** {@code vjp(g,x,v)·u = v·jvp(g,x,u)}. */
        MODES_AGREE("uv"),
        /** The program {@code AD.jvp(g)} gives the numbers. */
        JVP_PROGRAM("u"),
        /** The program {@code AD.vjp(g)} gives the numbers. */
        VJP_PROGRAM("v");

        private final String uses;

        Law(String uses) { this.uses = uses; }

        /** {@return which of the level's own tangent {@code u} and cotangent {@code v} the law reads} */
        String uses() { return uses; }

        /** {@return the law in terms of the level's program, point and directions} @param l the level */
        String name(Level l) {
            String g = l.name(), x = l.point(), u = l.u(), v = l.v();
            return switch (this) {
                case JVP_FD -> "jvp(" + g + "," + x + "," + u + ") = finite differences J " + u;
                case LINEAR -> g + "'(" + x + ") = " + g + " for linear " + g;
                case ADJOINT -> "⟨" + g + "'(" + x + ") " + u + ", " + v + "⟩ = ⟨" + u + ", " + g + "'(" + x + ")ᵀ " + v
                        + "⟩ (adjoint identity of AD.linearize)";
                case VJP_FD -> "⟨vjp(" + g + "," + x + "," + v + "), " + u + "⟩ = ⟨" + v + ", finite differences J " + u + "⟩";
                case MODES_AGREE -> "vjp(" + g + "," + x + "," + v + ")·" + u + " = " + v + "·jvp(" + g + "," + x + "," + u
                        + ") (forward and reverse mode agree)";
                case JVP_PROGRAM -> "AD.jvp(" + g + ") (" + x + ", " + u + ") = (" + g + " " + x + ", jvp(" + g + "," + x + "," + u + "))";
                case VJP_PROGRAM -> "AD.vjp(" + g + ") (" + x + ", " + v + ") = vjp(" + g + "," + x + "," + v + ")";
            };
        }

        /** {@return null when the law holds at {@code at}, else how it fails; an exception is a failure too} @param at where */
        Mismatch safely(At at) {
            try {
                return check(at);
            } catch (RuntimeException | StackOverflowError e) {
                return Mismatch.thrown(e);
            }
        }

        private Mismatch check(At at) {
            var g = at.g();
            double[] x = at.x, u = at.u, v = at.v;
            // the sides are named as in the law: g, x, u, v stand for the level's program, point and directions
            var l = at.level;
            String gn = l.name(), xn = l.point(), un = l.u(), vn = l.v();
            String jvp = "jvp(" + gn + "," + xn + "," + un + ")", vjp = "vjp(" + gn + "," + xn + "," + vn + ")";
            return switch (this) {
                case JVP_FD -> {
                    var fd = at.fd();
                    yield Mismatch.compare(jvp, AD.jvp(g, x, fd.direction())._2, "finite differences J " + un, fd.value(),
                            at.tolerance, null, margin(fd.error()));
                }
                case LINEAR -> Mismatch.compare(jvp, AD.jvp(g, x, u)._2, gn + " " + un, AD.eval(g, u), Tolerance.DERIVATIVE, null, null);
                case ADJOINT -> {
                    var lin = AD.linearize(g, x)._2;
                    var lu = lin.apply(u);
                    var ltv = lin.transpose().apply(v);
                    yield scalars("⟨" + gn + "'(" + xn + ") " + un + ", " + vn + "⟩", lu, v,
                            "⟨" + un + ", " + gn + "'(" + xn + ")ᵀ " + vn + "⟩", u, ltv, Tolerance.DERIVATIVE, 0);
                }
                case VJP_FD -> {
                    var fd = at.fd();
                    double slack = 0;
                    for (int i = 0; i < v.length; i++) slack += Math.abs(v[i]) * fd.error()[i];
                    yield scalars("⟨" + vjp + ", " + un + "⟩", AD.vjp(g, x, v), fd.direction(),
                            "⟨" + vn + ", finite differences J " + un + "⟩", v, fd.value(), at.tolerance, FiniteDifferences.MARGIN * slack);
                }
                case MODES_AGREE -> scalars(vjp + "·" + un, AD.vjp(g, x, v), u, vn + "·" + jvp, v, AD.jvp(g, x, u)._2, Tolerance.DERIVATIVE, 0);
                case JVP_PROGRAM -> {
                    var numeric = AD.jvp(g, x, u);
                    yield Mismatch.compare("AD.jvp(" + gn + ") (" + xn + ", " + un + ")", AD.eval(l.derivative(Mode.FORWARD), concat(x, u)),
                            "(" + gn + " " + xn + ", " + jvp + ")", concat(numeric._1, numeric._2), Tolerance.DERIVATIVE, null, null);
                }
                case VJP_PROGRAM -> Mismatch.compare("AD.vjp(" + gn + ") (" + xn + ", " + vn + ")", AD.eval(l.derivative(Mode.REVERSE), concat(x, v)),
                        vjp, AD.vjp(g, x, v), Tolerance.DERIVATIVE, null, null);
            };
        }

        /** {@return the comparison of {@code ⟨a, b⟩} with {@code ⟨c, d⟩}, at the scale of their terms} */
        private static Mismatch scalars(String lhsName, double[] a, double[] b, String rhsName, double[] c, double[] d, Tolerance tol, double slack) {
            return Mismatch.compare(lhsName, new double[] {dot(a, b)}, rhsName, new double[] {dot(c, d)}, tol,
                    new double[] {Math.max(dotScale(a, b), dotScale(c, d))}, new double[] {slack});
        }

        private static double[] margin(double[] error) {
            var out = new double[error.length];
            for (int i = 0; i < out.length; i++) out[i] = FiniteDifferences.MARGIN * error[i];
            return out;
        }
    }

    /** {@return the laws GradCheck checks at every level, in the order they are checked} @param modes the modes */
    static List<Law> laws(Set<Mode> modes) {
        boolean fwd = modes.contains(Mode.FORWARD), rev = modes.contains(Mode.REVERSE);
        var out = new ArrayList<Law>();
        if (fwd) out.add(Law.JVP_FD);
        if (rev) out.add(Law.VJP_FD);
        if (fwd && rev) out.add(Law.MODES_AGREE);
        if (fwd) out.add(Law.JVP_PROGRAM);
        if (rev) out.add(Law.VJP_PROGRAM);
        return out;
    }

    /** {@return n numbers uniform in (-1, 1)} @param rnd the source @param n how many */
    static double[] uniform(SplittableRandom rnd, int n) {
        var out = new double[n];
        for (int k = 0; k < n; k++) out[k] = 2 * rnd.nextDouble() - 1;
        return out;
    }
}
