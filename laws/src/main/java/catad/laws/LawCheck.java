package catad.laws;

import static catad.laws.Check.concat;
import static catad.laws.Check.dot;
import static catad.laws.Check.dotScale;

import catad.dsl.Printer;
import catad.dsl.Primitive;
import catad.dsl.Prog;
import catad.interpreter.AD;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One call to check a user primitive or a user program against the derivative laws, without
 * writing a jqwik test: {@code LawCheck.primitive(p).orThrow()}.
 *
 * <p>A deterministic randomized loop ({@link SplittableRandom} with a fixed {@link #SEED}) draws
 * {@link #POINTS} points {@code x} in the primitive's domain (a {@link Primitive.Unary}'s
 * {@code domain()}, a {@link Primitive.Binary}'s {@code leftDomain() × rightDomain()}, else R;
 * infinite ends are cut to a box of width 4, so all of R becomes {@code (-2, 2)}), tangents
 * {@code u} and cotangents {@code v} in {@code (-1, 1)}, and checks at each point:
 * <ol>
 * <li>{@code jvp(f,x,u)} against central finite differences {@code J u};</li>
 * <li>for a linear primitive, {@code f'(x) = f};</li>
 * <li>the adjoint identity {@code ⟨f'(x) u, v⟩ = ⟨u, f'(x)ᵀ v⟩} of {@code AD.linearize(f, x)};</li>
 * <li>{@code vjp(f,x,v)} against finite differences {@code Jᵀ v};</li>
 * <li>forward and reverse mode agree, {@code vjp·u = v·jvp};</li>
 * <li>the programs {@code AD.jvp(f)} and {@code AD.vjp(f)} give the numeric forms.</li>
 * </ol>
 * The first failure is shrunk (coordinates rounded towards 0, ±1, integers and short decimals,
 * halved, while the same law still fails) and returned as a {@link Report} naming the law, the
 * program in catad text, the shrunk input, both sides, their difference and the tolerance.
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

    /** {@return the laws checked for {@code p} at random points of its domain} @param p a (user) primitive */
    public static Report primitive(Primitive p) {
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
        return run(subject, p.prog(), rules, box(p), p.linear());
    }

    /** {@return the laws checked for {@code f} at random points of {@code (-2, 2)ⁿ}} @param f a program */
    public static Report program(Prog f) {
        return program(f, Primitive.Interval.ALL);
    }

    /**
     * {@return the laws checked for {@code f} at random points whose every coordinate lies in {@code domain}}
     * @param f a program @param domain where each input coordinate is drawn (infinite ends are cut)
     */
    public static Report program(Prog f, Primitive.Interval domain) {
        int n = f.dom().dim();
        var ivs = new Primitive.Interval[n];
        Arrays.fill(ivs, domain);
        return run("program : " + f.dom() + " → " + f.cod(), f, Map.of(), Box.of(ivs), false);
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
     */
    public record Report(String subject, String program, Map<String, String> rules, List<String> laws, int points, Failure failure) {
        /** {@return whether every law held at every point} */
        public boolean passed() { return failure == null; }

        /** Throws an {@link AssertionError} with this report unless every law held. */
        public void orThrow() { if (!passed()) throw new AssertionError(toString()); }

        @Override public String toString() {
            var sb = new StringBuilder("LawCheck of ").append(subject).append(passed() ? ": passed" : ": FAILED").append('\n');
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
            sb.append("  input      = ").append(show(f.input())).append('\n');
            sb.append("               (shrunk in ").append(f.shrinkSteps()).append(" steps from ").append(show(f.original()))
                    .append(", random point ").append(points).append(" of ").append(POINTS).append(")\n");
            if (f.error() != null) {
                sb.append("  error      = ").append(f.error()).append('\n');
                return sb.toString();
            }
            sb.append("  lhs  ").append(f.lhsName()).append(" = ").append(Arrays.toString(f.lhs())).append('\n');
            sb.append("  rhs  ").append(f.rhsName()).append(" = ").append(Arrays.toString(f.rhs())).append('\n');
            sb.append("  difference = ").append(f.difference()).append(" at coordinate ").append(f.coordinate())
                    .append(", allowed ").append(f.allowed()).append('\n');
            sb.append("  tolerance  = ").append(f.tolerance()).append(" (scale ").append(f.scale()).append(")\n");
            return sb.toString();
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
     * @param input the shrunk input, by name ({@code x}, {@code u}, {@code v})
     * @param original the input as first drawn
     * @param shrinkSteps how many simplifications were kept
     * @param lhsName how the left side is computed @param lhs the left side
     * @param rhsName how the right side is computed @param rhs the right side
     * @param coordinate the first coordinate where they differ too much
     * @param difference {@code |lhs − rhs|} there @param allowed the allowed difference there
     * @param tolerance the tolerance @param scale the magnitude of the terms there
     * @param error the exception's message when a side could not be computed, else null
     */
    public record Failure(String law, Map<String, double[]> input, Map<String, double[]> original, int shrinkSteps,
                          String lhsName, double[] lhs, String rhsName, double[] rhs, int coordinate,
                          double difference, double allowed, Tolerance tolerance, double scale, String error) {
        Failure withInput(Map<String, double[]> in, Map<String, double[]> orig, int steps) {
            return new Failure(law, in, orig, steps, lhsName, lhs, rhsName, rhs, coordinate, difference, allowed, tolerance, scale, error);
        }
    }

    // ---------------------------------------------------------------- the loop

    /** The random input of one law instance. */
    private record Point(double[] x, double[] u, double[] v) {
        Map<String, double[]> named(String uses) {
            var m = new LinkedHashMap<String, double[]>();
            if (uses.contains("x")) m.put("x", x);
            if (uses.contains("u")) m.put("u", u);
            if (uses.contains("v")) m.put("v", v);
            return m;
        }
        double[][] vectors() { return new double[][] {x, u, v}; }
    }

    /** A law: null when it holds at the point, else how it fails (input filled in later). */
    private interface Law {
        String name();
        /** {@return which of x, u, v the law reads, e.g. {@code "xu"}} */
        String uses();
        Failure at(Point p);
    }

    private static Report run(String subject, Prog f, Map<String, String> rules, Box box, boolean linear) {
        var laws = laws(f, linear);
        var names = laws.stream().map(Law::name).toList();
        String text = Printer.print(f);
        var rnd = new SplittableRandom(SEED);
        int n = f.dom().dim(), m = f.cod().dim();
        for (int i = 1; i <= POINTS; i++) {
            var x = new double[n];
            for (int k = 0; k < n; k++) x[k] = box.lo[k] + (box.hi[k] - box.lo[k]) * rnd.nextDouble();
            var pt = new Point(x, uniform(rnd, n), uniform(rnd, m));
            for (var law : laws) {
                var fail = safely(law, pt);
                if (fail != null) return new Report(subject, text, rules, names, i, shrink(law, pt, fail, box));
            }
        }
        return new Report(subject, text, rules, names, POINTS, null);
    }

    private static double[] uniform(SplittableRandom rnd, int n) {
        var out = new double[n];
        for (int k = 0; k < n; k++) out[k] = 2 * rnd.nextDouble() - 1;
        return out;
    }

    private static Failure safely(Law law, Point p) {
        try {
            return law.at(p);
        } catch (RuntimeException | StackOverflowError e) {
            return new Failure(law.name(), null, null, 0, null, null, null, null, -1, Double.NaN, Double.NaN, null, Double.NaN,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static List<Law> laws(Prog f, boolean linear) {
        var out = new ArrayList<Law>();
        int cod = f.cod().dim();
        out.add(law("jvp(f,x,u) = finite differences J u", "xu", p -> {
            var jac = FiniteDifferences.jacobian(y -> AD.eval(f, y), p.x(), cod);
            return compare("jvp(f,x,u)", AD.jvp(f, p.x(), p.u())._2, "J u", jac.apply(p.u()), Tolerance.FINITE_DIFFERENCE, jac.scale(p.u()));
        }));
        if (linear)
            out.add(law("f'(x) = f for linear f", "xu", p ->
                    compare("jvp(f,x,u)", AD.jvp(f, p.x(), p.u())._2, "f u", AD.eval(f, p.u()), Tolerance.DERIVATIVE, null)));
        out.add(law("⟨f'(x) u, v⟩ = ⟨u, f'(x)ᵀ v⟩ (adjoint identity of AD.linearize)", "xuv", p -> {
            var lin = AD.linearize(f, p.x())._2;
            var lu = lin.apply(p.u());
            var ltv = lin.transpose().apply(p.v());
            return compare("⟨f'(x) u, v⟩", new double[] {dot(lu, p.v())}, "⟨u, f'(x)ᵀ v⟩", new double[] {dot(p.u(), ltv)},
                    Tolerance.DERIVATIVE, new double[] {Math.max(dotScale(lu, p.v()), dotScale(p.u(), ltv))});
        }));
        out.add(law("vjp(f,x,v) = finite differences Jᵀ v", "xv", p -> {
            var jac = FiniteDifferences.jacobian(y -> AD.eval(f, y), p.x(), cod);
            return compare("vjp(f,x,v)", AD.vjp(f, p.x(), p.v()), "Jᵀ v", jac.applyTransposed(p.v(), p.x().length),
                    Tolerance.FINITE_DIFFERENCE, jac.scaleTransposed(p.v(), p.x().length));
        }));
        out.add(law("vjp(f,x,v)·u = v·jvp(f,x,u) (forward and reverse mode agree)", "xuv", p -> {
            var jvp = AD.jvp(f, p.x(), p.u())._2;
            var vjp = AD.vjp(f, p.x(), p.v());
            return compare("vjp·u", new double[] {dot(vjp, p.u())}, "v·jvp", new double[] {dot(p.v(), jvp)},
                    Tolerance.DERIVATIVE, new double[] {Math.max(dotScale(vjp, p.u()), dotScale(p.v(), jvp))});
        }));
        var jvpProg = new Prog[1];
        out.add(law("AD.jvp(f) (x, u) = (f x, jvp(f,x,u))", "xu", p -> {
            if (jvpProg[0] == null) jvpProg[0] = AD.jvp(f);
            var numeric = AD.jvp(f, p.x(), p.u());
            return compare("AD.jvp(f) (x, u)", AD.eval(jvpProg[0], concat(p.x(), p.u())),
                    "(f x, jvp(f,x,u))", concat(numeric._1, numeric._2), Tolerance.DERIVATIVE, null);
        }));
        var vjpProg = new Prog[1];
        out.add(law("AD.vjp(f) (x, v) = vjp(f,x,v)", "xv", p -> {
            if (vjpProg[0] == null) vjpProg[0] = AD.vjp(f);
            return compare("AD.vjp(f) (x, v)", AD.eval(vjpProg[0], concat(p.x(), p.v())),
                    "vjp(f,x,v)", AD.vjp(f, p.x(), p.v()), Tolerance.DERIVATIVE, null);
        }));
        return out;
    }

    private static Law law(String name, String uses, java.util.function.Function<Point, Failure> check) {
        return new Law() {
            @Override public String name() { return name; }
            @Override public String uses() { return uses; }
            @Override public Failure at(Point p) {
                var fail = check.apply(p);
                return fail == null ? null : new Failure(name, null, null, 0, fail.lhsName(), fail.lhs(), fail.rhsName(), fail.rhs(),
                        fail.coordinate(), fail.difference(), fail.allowed(), fail.tolerance(), fail.scale(), fail.error());
            }
        };
    }

    /** {@return null when close in every coordinate, as {@link Check.Context#close} decides, else the first coordinate that is not} */
    private static Failure compare(String lhsName, double[] lhs, String rhsName, double[] rhs, Tolerance tol, double[] scale) {
        if (lhs.length != rhs.length)
            return new Failure(null, null, null, 0, lhsName, lhs, rhsName, rhs, -1, Double.NaN, Double.NaN, tol, Double.NaN,
                    "lengths differ: " + lhs.length + " vs " + rhs.length);
        for (int i = 0; i < lhs.length; i++) {
            double s = scale == null ? 0 : scale[i];
            if (!tol.close(lhs[i], rhs[i], s))
                return new Failure(null, null, null, 0, lhsName, lhs, rhsName, rhs, i, Math.abs(lhs[i] - rhs[i]),
                        tol.allowed(lhs[i], rhs[i], s), tol, s, null);
        }
        return null;
    }

    // ---------------------------------------------------------------- shrinking

    /** Greedily simplifies coordinates while the same law still fails; keeps the simplest failing input. */
    private static Failure shrink(Law law, Point first, Failure fail, Box box) {
        var cur = new Point(first.x().clone(), first.u().clone(), first.v().clone());
        var curFail = fail;
        int steps = 0;
        boolean improved = true;
        while (improved && steps < MAX_SHRINK_STEPS) {
            improved = false;
            var vs = cur.vectors();
            for (int w = 0; w < vs.length && !improved; w++) {
                if (law.uses().indexOf("xuv".charAt(w)) < 0) continue;
                for (int k = 0; k < vs[w].length && !improved; k++) {
                    double c = vs[w][k];
                    for (double cand : candidates(c)) {
                        if (w == 0 ? !box.contains(k, cand) : Math.abs(cand) > 1) continue;
                        var next = new double[][] {cur.x().clone(), cur.u().clone(), cur.v().clone()};
                        next[w][k] = cand;
                        var p = new Point(next[0], next[1], next[2]);
                        var f = safely(law, p);
                        if (f != null && (f.error() == null) == (curFail.error() == null)) {
                            cur = p; curFail = f; steps++; improved = true;
                            break;
                        }
                    }
                }
            }
        }
        return curFail.withInput(cur.named(law.uses()), first.named(law.uses()), steps);
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
