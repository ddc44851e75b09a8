package catad.laws;

import catad.dsl.Printer;
import catad.dsl.Primitive;
import catad.dsl.Prog;
import catad.laws.GradCheck.At;
import catad.laws.GradCheck.Frame;
import catad.laws.GradCheck.Law;
import catad.laws.GradCheck.Level;
import catad.laws.GradCheck.Mode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One call to check a user primitive or a user program against the derivative laws, without
 * writing a jqwik test: {@code LawCheck.primitive(p).orThrow()}, or {@code LawCheck.primitive(p, 2)}
 * to check second derivatives too.
 *
 * <p>A deterministic randomized loop ({@link SplittableRandom} with a fixed {@link #SEED}) draws
 * {@link #POINTS} points {@code x} in the primitive's domain (a {@link Primitive.Unary}'s
 * {@code domain()}, a {@link Primitive.Binary}'s {@code leftDomain() × rightDomain()}, else R;
 * infinite ends are cut to a box of width 4, so all of R becomes {@code (-2, 2)}), tangents
 * {@code u} and cotangents {@code v} in {@code (-1, 1)}, and checks at each point:
 * <ol>
 * <li>{@code jvp(f,x,u)} against central finite differences {@code J u} ({@link FiniteDifferences#directional});</li>
 * <li>for a linear primitive, {@code f'(x) = f};</li>
 * <li>the adjoint identity {@code ⟨f'(x) u, v⟩ = ⟨u, f'(x)ᵀ v⟩} of {@code AD.linearize(f, x)};</li>
 * <li>{@code vjp(f,x,v)} against finite differences, in the adjoint form {@code ⟨vjp(f,x,v), u⟩ = ⟨v, J u⟩};</li>
 * <li>forward and reverse mode agree, {@code vjp·u = v·jvp};</li>
 * <li>the programs {@code AD.jvp(f)} and {@code AD.vjp(f)} give the numeric forms.</li>
 * </ol>
 * Up to order {@code k > 1}, the laws 1 and 3 to 6 of {@link GradCheck} are also checked on the
 * derivative programs {@code AD.jvp(f)} at {@code (x, u)} and {@code AD.vjp(f)} at {@code (x, v)},
 * and so on up the tower, with directions of their own drawn at each point.
 * The first failure is shrunk (the coordinates of {@code x}, {@code u}, {@code v} rounded towards 0,
 * ±1, integers and short decimals, halved, while the same law still fails) and returned as a
 * {@link Report} naming the law, the programs in catad text, the shrunk input, both sides, their
 * difference and the tolerance.
 *
 * <p>For jqwik properties of one's own, {@link #domainOf(Primitive)} gives the same inputs as an
 * {@link Arbitrary}.
 */
public final class LawCheck {
    private LawCheck() {}

    /** The seed of the random points: the same program is checked at the same points on every run. */
    public static final long SEED = 0x5EED_CA7ADL;
    /** How many random points are checked. */
    public static final int POINTS = 200;
    /** Half the width of the box that stands in for all of R. */
    public static final double HALF_WIDTH = 2;
    private static final int MAX_SHRINK_STEPS = 1000;

    // ---------------------------------------------------------------- entry points

    /** {@return the first-order laws checked for {@code p} at random points of its domain} @param p a (user) primitive */
    public static Report primitive(Primitive p) { return primitive(p, 1); }

    /**
     * {@return the laws up to {@code order} checked for {@code p} at random points of its domain}
     * @param p a (user) primitive @param order 1 for first derivatives, 2 for second, …
     */
    public static Report primitive(Primitive p, int order) {
        var rules = new LinkedHashMap<String, String>();
        try {
            switch (p) {
                case Primitive.Unary u -> rules.put("derivative", Printer.print(u.derivative()));
                case Primitive.Binary b -> rules.put("gradient", Printer.print(b.gradient()));
                case Primitive.General g -> {
                    rules.put("jvp rule", Printer.print(g.jvp()));
                    rules.put("vjp rule", Printer.print(g.vjp()));
                }
            }
        } catch (RuntimeException e) {
            rules.put("rules", "cannot be built: " + e);
        }
        String subject = "primitive " + p + " : " + p.dom() + " → " + p.cod() + (p.linear() ? " (linear)" : "");
        return run(subject, p.prog(), rules, box(p), p.linear(), order);
    }

    /** {@return the first-order laws checked for {@code f} at random points of {@code (-2, 2)ⁿ}} @param f a program */
    public static Report program(Prog f) { return program(f, Primitive.Interval.ALL, 1); }

    /**
     * {@return the laws up to {@code order} checked for {@code f} at random points of {@code (-2, 2)ⁿ}}
     * @param f a program @param order 1 for first derivatives, 2 for second, …
     */
    public static Report program(Prog f, int order) { return program(f, Primitive.Interval.ALL, order); }

    /**
     * {@return the first-order laws checked for {@code f} at random points whose every coordinate lies in {@code domain}}
     * @param f a program @param domain where each input coordinate is drawn (infinite ends are cut)
     */
    public static Report program(Prog f, Primitive.Interval domain) { return program(f, domain, 1); }

    /**
     * {@return the laws up to {@code order} checked for {@code f} at random points whose every coordinate lies in {@code domain}}
     * @param f a program @param domain where each input coordinate is drawn (infinite ends are cut) @param order at least 1
     */
    public static Report program(Prog f, Primitive.Interval domain, int order) {
        int n = f.dom().dim();
        var ivs = new Primitive.Interval[n];
        Arrays.fill(ivs, domain);
        return run("program : " + f.dom() + " → " + f.cod(), f, Map.of(), Box.of(ivs), false, order);
    }

    /**
     * {@return random flat inputs of {@code p}, drawn where {@link #primitive} draws them, for jqwik properties}
     * @param p a primitive
     */
    public static Arbitrary<double[]> domainOf(Primitive p) {
        var b = box(p);
        var coords = new ArrayList<Arbitrary<Double>>();
        for (int i = 0; i < b.lo.length; i++) {
            double lo = b.lo[i], width = b.hi[i] - b.lo[i];
            coords.add(Arbitraries.doubles().between(0, 1).ofScale(12).map(t -> lo + width * t));
        }
        if (coords.isEmpty()) return Arbitraries.just(new double[0]);
        return Combinators.combine(coords).as(xs -> xs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    // ---------------------------------------------------------------- the report

    /**
     * The outcome of a check.
     * @param subject what was checked, e.g. {@code "primitive softsign : R → R"}
     * @param program the program in catad text
     * @param rules the primitive's derivative rules in catad text, by name
     * @param laws the laws checked
     * @param points how many points were checked (up to and including a failing one)
     * @param failure the shrunk counterexample, or null when every law held
     * @param order the order the derivatives were checked up to
     */
    public record Report(String subject, String program, Map<String, String> rules, List<String> laws, int points, Failure failure, int order) {
        /** {@return whether every law held at every point} */
        public boolean passed() { return failure == null; }

        /** Throws an {@link AssertionError} with this report unless every law held. */
        public void orThrow() { if (!passed()) throw new AssertionError(toString()); }

        @Override public String toString() {
            var sb = new StringBuilder("LawCheck of ").append(subject).append(order > 1 ? " up to order " + order : "")
                    .append(passed() ? ": passed" : ": FAILED").append('\n');
            sb.append("  program    = ").append(program).append('\n');
            rules.forEach((k, v) -> sb.append("  ").append(k).append(" = ").append(v).append('\n'));
            if (passed()) {
                sb.append("  ").append(laws.size()).append(" laws held at ").append(points).append(" random points (seed 0x")
                        .append(Long.toHexString(SEED).toUpperCase()).append("):\n");
                for (var l : laws) sb.append("    ").append(l).append('\n');
                return sb.toString();
            }
            var f = failure;
            sb.append("  law violated: ").append(f.law()).append('\n');
            f.programs().forEach((k, v) -> sb.append("  ").append(k).append(" = ").append(v).append('\n'));
            sb.append("  input      = ").append(show(f.input())).append('\n');
            sb.append("               (shrunk in ").append(f.shrinkSteps()).append(" steps from ").append(show(f.original()))
                    .append(", random point ").append(points).append(" of ").append(POINTS).append(")\n");
            return sb.append(f.mismatch().describe("  ")).toString();
        }

        private static String show(Map<String, double[]> in) {
            var parts = new ArrayList<String>();
            in.forEach((k, v) -> parts.add(k + " = " + Arrays.toString(v)));
            return String.join(", ", parts);
        }
    }

    /**
     * A counterexample to one law.
     * @param law the law
     * @param programs the derivative program the law was checked on, in catad text, by name (empty for laws of f)
     * @param input the shrunk input, by name ({@code x}, {@code u}, {@code v}, and directions of derivative programs)
     * @param original the input as first drawn
     * @param shrinkSteps how many simplifications were kept
     * @param mismatch the two sides and the tolerance, at the shrunk input
     */
    public record Failure(String law, Map<String, String> programs, Map<String, double[]> input, Map<String, double[]> original,
                          int shrinkSteps, Mismatch mismatch) {
        /** {@return {@code |lhs − rhs|} where the sides differ too much, as {@link Mismatch#difference()}} */
        public double difference() { return mismatch.difference(); }

        /** {@return the allowed difference there, as {@link Mismatch#allowed()}} */
        public double allowed() { return mismatch.allowed(); }
    }

    // ---------------------------------------------------------------- the loop

    /**
     * The random input of one point: {@code x}, {@code u}, {@code v} of {@code f}, which shrink, and
     * the tangent and cotangent of each derivative program above it, which do not.
     */
    private record Point(double[] x, double[] u, double[] v, Map<Level, double[][]> above) {
        Frame frame(Level root) {
            var dirs = new HashMap<>(above);
            dirs.put(root, new double[][] {u, v});
            return new Frame(x, dirs);
        }
        double[][] vectors() { return new double[][] {x, u, v}; }
    }

    /**
     * A law at one level of the tower.
     * @param level the program it is checked on
     * @param law the law
     * @param uses which of {@code f}'s {@code x}, {@code u}, {@code v} it reads, e.g. {@code "xu"}: these shrink
     */
    private record Instance(Level level, Law law, String uses) {
        static Instance of(Level level, Law law) {
            var l = level;
            while (l.parent() != null && l.parent().parent() != null) l = l.parent();
            String own = l.parent() == null ? law.uses() : switch (l.via()) {
                case FORWARD -> "u";
                case REVERSE -> "v";
            };
            return new Instance(level, law, "x" + own);
        }
        String name() { return law.name(level); }
    }

    /** {@return null when the law holds at the point, else its failure, not yet shrunk}; {@code ats} shares each level's finite differences among its laws */
    private static Failure failure(Instance in, Point pt, Level root, Map<Level, At> ats) {
        var frame = pt.frame(root);
        var at = ats.computeIfAbsent(in.level(), l -> {
            var dirs = frame.directions().get(l);
            return new At(l, frame.point(l), dirs[0], dirs[1], Tolerance.FINITE_DIFFERENCE);
        });
        var m = in.law().safely(at);
        if (m == null) return null;
        var named = frame.named(in.level(), in.law(), at.u, at.v);
        return new Failure(in.name(), in.level().programs(), named, named, 0, m);
    }

    private static Report run(String subject, Prog f, Map<String, String> rules, Box box, boolean linear, int order) {
        if (order < 1) throw new IllegalArgumentException("order must be at least 1, got " + order);
        var levels = Level.tower(f, order, EnumSet.allOf(Mode.class));
        var root = levels.getFirst();
        var instances = new ArrayList<Instance>();
        for (var l : levels) {
            var laws = l == root ? rootLaws(linear) : GradCheck.laws(EnumSet.allOf(Mode.class));
            for (var law : laws) instances.add(Instance.of(l, law));
        }
        var names = instances.stream().map(Instance::name).toList();
        String text = Printer.print(f);
        var rnd = new SplittableRandom(SEED);
        int n = f.dom().dim(), m = f.cod().dim();
        for (int i = 1; i <= POINTS; i++) {
            var x = new double[n];
            for (int k = 0; k < n; k++) x[k] = box.lo[k] + (box.hi[k] - box.lo[k]) * rnd.nextDouble();
            var u = GradCheck.uniform(rnd, n);
            var v = GradCheck.uniform(rnd, m);
            var above = new HashMap<Level, double[][]>();
            for (var l : levels)
                if (l != root) above.put(l, new double[][] {GradCheck.uniform(rnd, l.domDim()), GradCheck.uniform(rnd, l.codDim())});
            var pt = new Point(x, u, v, above);
            var ats = new HashMap<Level, At>();
            for (var in : instances) {
                var fail = failure(in, pt, root, ats);
                if (fail != null) return new Report(subject, text, rules, names, i, shrink(in, pt, fail, box, root), order);
            }
        }
        return new Report(subject, text, rules, names, POINTS, null, order);
    }

    /** {@return the laws of f itself, in the order they are checked: those of GradCheck, with the linear and adjoint laws} */
    private static List<Law> rootLaws(boolean linear) {
        var out = new ArrayList<Law>();
        out.add(Law.JVP_FD);
        if (linear) out.add(Law.LINEAR);
        out.add(Law.ADJOINT);
        out.add(Law.VJP_FD);
        out.add(Law.MODES_AGREE);
        out.add(Law.JVP_PROGRAM);
        out.add(Law.VJP_PROGRAM);
        return out;
    }

    // ---------------------------------------------------------------- shrinking

    /** Greedily simplifies coordinates while the same law still fails; keeps the simplest failing input. */
    private static Failure shrink(Instance in, Point first, Failure fail, Box box, Level root) {
        var cur = first;
        var curFail = fail;
        int steps = 0;
        boolean improved = true;
        while (improved && steps < MAX_SHRINK_STEPS) {
            improved = false;
            var vs = cur.vectors();
            for (int w = 0; w < vs.length && !improved; w++) {
                if (in.uses().indexOf("xuv".charAt(w)) < 0) continue;
                for (int k = 0; k < vs[w].length && !improved; k++) {
                    double c = vs[w][k];
                    for (double cand : candidates(c)) {
                        if (w == 0 ? !box.contains(k, cand) : Math.abs(cand) > 1) continue;
                        var next = new double[][] {cur.x().clone(), cur.u().clone(), cur.v().clone()};
                        next[w][k] = cand;
                        var p = new Point(next[0], next[1], next[2], cur.above());
                        var f = failure(in, p, root, new HashMap<>());
                        if (f != null && (f.mismatch().error() == null) == (curFail.mismatch().error() == null)) {
                            cur = p; curFail = f; steps++; improved = true;
                            break;
                        }
                    }
                }
            }
        }
        return new Failure(curFail.law(), curFail.programs(), curFail.input(), fail.input(), steps, curFail.mismatch());
    }

    /** {@return simpler numbers than c, simplest first} */
    private static double[] candidates(double c) {
        double[] all = {0, 1, -1, 2, -2, Math.rint(c), c / 2, round(c, 1), round(c, 2), round(c, 3)};
        long cc = complexity(c);
        return Arrays.stream(all).filter(d -> Double.isFinite(d) && complexity(d) < cc)
                .boxed().sorted((a, b) -> Long.compare(complexity(a), complexity(b))).distinct()
                .mapToDouble(Double::doubleValue).toArray();
    }

    private static double round(double c, int decimals) {
        double s = Math.pow(10, decimals);
        return Math.rint(c * s) / s;
    }

    /** Zero, then integers by size, then numbers by how many decimals they need. */
    private static long complexity(double c) {
        if (c == 0) return 0;
        int decimals = Math.max(0, new BigDecimal(Double.toString(c)).stripTrailingZeros().scale());
        return decimals * 1000L + Math.min(999, (long) Math.ceil(Math.abs(c))) * 2 + (c < 0 ? 1 : 0);
    }

    // ---------------------------------------------------------------- where points are drawn

    /** Open boxes, one interval per input coordinate, pulled in from their ends so finite differences stay inside. */
    private record Box(double[] lo, double[] hi) {
        static Box of(Primitive.Interval... ivs) {
            var lo = new double[ivs.length];
            var hi = new double[ivs.length];
            for (int i = 0; i < ivs.length; i++) {
                double a = ivs[i].lo(), b = ivs[i].hi();
                if (Double.isInfinite(a) && Double.isInfinite(b)) { a = -HALF_WIDTH; b = HALF_WIDTH; }
                else if (Double.isInfinite(a)) a = b - 2 * HALF_WIDTH;
                else if (Double.isInfinite(b)) b = a + 2 * HALF_WIDTH;
                double margin = 1e-3 * (b - a);
                lo[i] = a + margin;
                hi[i] = b - margin;
            }
            return new Box(lo, hi);
        }
        boolean contains(int k, double c) { return c >= lo[k] && c <= hi[k]; }
    }

    private static Box box(Primitive p) {
        return switch (p) {
            case Primitive.Unary u -> Box.of(u.domain());
            case Primitive.Binary b -> Box.of(orAll(b.leftDomain()), orAll(b.rightDomain()));
            case Primitive.General g -> {
                var ivs = new Primitive.Interval[g.dom().dim()];
                Arrays.fill(ivs, Primitive.Interval.ALL);
                yield Box.of(ivs);
            }
        };
    }

    private static Primitive.Interval orAll(Primitive.Interval iv) { return iv == null ? Primitive.Interval.ALL : iv; }
}
