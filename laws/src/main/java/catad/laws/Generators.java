package catad.laws;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;

import catad.dsl.Catad;
import catad.dsl.Primitive;
import catad.dsl.Primitive.Interval;
import catad.dsl.Prims;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.Transpose;
import catad.laws.Ranges.Num;
import catad.laws.Ranges.Range;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Shrinkable;
import net.jqwik.api.ShrinkingDistance;
import net.jqwik.api.Tuple;

/**
 * Arbitraries of shapes, values and well-shaped programs for the law contracts.
 *
 * <h2>Programs are decoded from recipes</h2>
 * A random program is not built by jqwik combinators directly: what a sub-program may be depends on
 * its domain shape, and jqwik's {@code flatMap} shrinks by regenerating the dependent part. Instead
 * a <em>recipe</em> is drawn, a shape-free tree of random numbers, and decoded against the domain:
 * each recipe node picks, among the combinators that fit the shape in hand, one (by weight, simplest
 * first) and hands its sub-recipes to the sub-programs. Any recipe decodes to a well-shaped program
 * of any domain, so a recipe can shrink freely: to a sub-recipe (the program shrinks to a
 * sub-program, or one built by it), to a leaf, or to smaller numbers (simpler options). The empty
 * recipe decodes to {@code id}. A failing law therefore shrinks to a small program.
 *
 * <h2>Every combinator and primitive</h2>
 * {@link #programs(Shape, Config)} generates every {@link Prog} record kind ({@code cond},
 * {@code iterate}, {@code while}, {@code mapAccumL/R} and so {@code fold} and {@code scan},
 * {@code reshape}, {@code transpose}, constants, …), the built-in scalar primitives, {@code pow c},
 * the linear algebra ({@code dot}, {@code matvec}, {@code matmul}, {@code maximum}, {@code argmax},
 * constant matrices), and any primitives a {@link Config} adds.
 * {@link #linearPrograms(Shape)} stays in the linear sub-language.
 *
 * <h2>Smooth and finite at every finite input</h2>
 * Laws compose generated programs and evaluate one at the output of another, so a generated
 * program must be safe for <em>any</em> finite input, not only for {@link #values}. The generator
 * keeps, for every coordinate of every intermediate value, an interval that holds whatever the
 * program's input (an interval analysis over the program), and uses it so that:
 * <ul>
 * <li>a primitive with a restricted domain ({@code log}, {@code sqrt}, {@code recip}, {@code pow c},
 *     {@code log1p}, the right side of {@code div}, the left side of {@code powr}, a user
 *     primitive's declared domain) is applied only where its input is inside the domain, at least
 *     {@value #MARGIN} from its boundary; elsewhere a guard maps the reals into the domain first
 *     ({@code exp ∘ tanh} into {@code [1/e, e]}, shifted or scaled for other intervals);</li>
 * <li>a primitive that grows faster than linearly ({@code exp}, {@code expm1}, {@code square},
 *     {@code mul}, {@code pow c}, {@code powr}, {@code dot}, {@code matvec}, {@code matmul}, and
 *     user primitives, whose growth is unknown) is applied only
 *     where its output stays within ±{@value #LIMIT}; elsewhere its input is first scaled down by a
 *     power of two, or squashed by {@code tanh} when unbounded. Every program is thus at most
 *     linear in the size of its input, and so are loops of it, whose steps are built for an
 *     unbounded input;</li>
 * <li>a piecewise primitive ({@code abs}, {@code relu}, {@code sign}, {@code step}, {@code max},
 *     {@code min}, {@code maximum}, {@code argmax}) and the test of a {@code cond} see their input
 *     shifted by a constant {@code δ = ±(k + φ)/8}, {@code φ = 0.618…} the golden section and
 *     {@code k} in 0–7 (consecutive {@code k} for the elements of an array, so that equal elements
 *     do not tie). Generated inputs often sit at special points (0, ±2, the grid of 1e-3 of
 *     {@link #values}, where a linear map in front of the kink gives 0 or a multiple of 1/64); δ is
 *     at least 0.077 from 0 and 8e-4 from every multiple of 1/64, so a finite-difference step
 *     (≤ 1e-5) from such a point crosses the kink only behind a map that multiplies by hundreds.
 *     Elsewhere kinks and jumps fall at generic points, where a uniform input lands within a
 *     step of one with probability about 1e-6 per kink and coordinate.</li>
 * </ul>
 * {@code while} loops count: {@code exl ∘ while (counter > 0) (f × (counter − 1)) ∘ (id △ const k)}
 * runs at most {@code k ≤ 3} steps; half of them also stop once the state leaves {@code s + δ > 0},
 * so their trip count depends on the input and jumps where a {@code cond} would. Half of the
 * {@code cond}s have a then-branch that is NaN where the test fails by more than 1/2, so that a
 * meaning that evaluates the branch not taken is caught.
 */
public final class Generators {
    private Generators() {}

    /** The default program depth: deep enough for every combinator to nest, small enough to read. */
    public static final int DEPTH = 3;

    /** The largest magnitude a superlinear primitive may produce from the range of its input. */
    static final double LIMIT = 100;

    /** The least distance between a restricted primitive's input and the boundary of its domain. */
    static final double MARGIN = 0.1;

    /** The golden section, the irrational part of the offsets of kinks. */
    static final double PHI = 0.6180339887498949;

    /** The built-in primitives that are smooth on their domains, with a few exponents for {@code pow}. */
    public static final List<Primitive> SMOOTH = List.of(Prims.EXP, Prims.LOG, Prims.SIN, Prims.COS, Prims.TANH,
            Prims.SQRT, Prims.SIGMOID, Prims.SOFTPLUS, Prims.LOG1P, Prims.EXPM1, Prims.SQUARE, Prims.RECIP,
            Prims.pow(0.5), Prims.pow(2), Prims.pow(3), Prims.pow(-1.5), Prims.MUL, Prims.DIV, Prims.POW);

    /** The built-in piecewise primitives, with kinks ({@code abs relu max min}) or jumps ({@code sign step}). */
    public static final List<Primitive> PIECEWISE = List.of(Prims.ABS, Prims.SIGN, Prims.RELU, Prims.STEP, Prims.MAX, Prims.MIN);

    /**
     * What {@link #programs(Shape, Config)} may build.
     *
     * @param depth how deeply sub-programs nest (a recipe's depth), at least 0
     * @param primitives the primitives it may apply where their input shape can be made; user
     *     primitives are assumed smooth on their declared domains and finite on finite inputs
     * @param linearAlgebra whether it may also use {@code dot}, {@code matvec}, {@code matmul},
     *     {@code maximum}, {@code argmax} and constant matrices, of sizes 0–3
     */
    public record Config(int depth, List<Primitive> primitives, boolean linearAlgebra) {
        /** Depth {@link #DEPTH}, every built-in primitive ({@link #SMOOTH} and {@link #PIECEWISE}) and the linear algebra. */
        public static final Config DEFAULT = new Config(DEPTH, concat(SMOOTH, PIECEWISE), true);

        /** Checks the depth and copies the list. */
        public Config {
            if (depth < 0) throw new IllegalArgumentException("depth must be >= 0, got " + depth);
            primitives = List.copyOf(primitives);
        }

        /** {@return this configuration with another depth} @param depth the nesting bound */
        public Config withDepth(int depth) { return new Config(depth, primitives, linearAlgebra); }

        /** {@return this configuration with exactly these primitives} @param primitives the primitives */
        public Config withPrimitives(List<Primitive> primitives) { return new Config(depth, primitives, linearAlgebra); }

        /** {@return this configuration with more primitives} @param extra primitives to add, e.g. user primitives */
        public Config plus(List<Primitive> extra) { return withPrimitives(concat(primitives, extra)); }

        /** {@return this configuration with the linear algebra on or off} @param on whether to use it */
        public Config withLinearAlgebra(boolean on) { return new Config(depth, primitives, on); }
    }

    private static List<Primitive> concat(List<Primitive> a, List<Primitive> b) {
        var all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    // ---------------------------------------------------------------- shapes and values

    /** {@return small shapes: R (sometimes 1), pairs and arrays of length 0–3, nested at most twice} */
    public static Arbitrary<Shape> shapes() { return shapes(2); }

    /** {@return shapes nested at most {@code depth} times; they shrink towards R} @param depth nesting bound */
    public static Arbitrary<Shape> shapes(int depth) {
        return Arbitraries.recursive(() -> Arbitraries.frequency(Tuple.of(12, R), Tuple.of(1, Shape.UNIT)),
                s -> Arbitraries.oneOf(
                        Combinators.combine(s, s).as(Shape::pair),
                        Combinators.combine(Arbitraries.integers().between(0, 3), s).as(Shape::arr)),
                0, depth);
    }

    /** {@return flat values of the shape, uniform on a grid of 1e-3 in [-2, 2]} @param s the shape */
    public static Arbitrary<double[]> values(Shape s) { return values(s, Interval.ALL); }

    /**
     * {@return flat values of the shape inside a domain: uniform on a grid of 1e-3 in [-2, 2] cut to
     * the domain shrunk by 0.1 at each finite end (an interval outside [-2, 2] gets a window of
     * width 2 at its near end)} For example {@code Interval.POSITIVE} gives [0.1, 2].
     * @param s the shape @param domain where every coordinate must lie
     */
    public static Arbitrary<double[]> values(Shape s, Interval domain) {
        double lo = domain.lo() + 0.1, hi = domain.hi() - 0.1;
        double a = Math.max(lo, -2), b = Math.min(hi, 2);
        if (a > b) {
            if (hi < -2) { a = Math.max(lo, hi - 2); b = hi; }
            else { a = lo; b = Math.min(hi, lo + 2); }
        }
        if (a > b) throw new IllegalArgumentException("domain " + domain + " is too narrow for values");
        return vectors(s.dim(), a, b);
    }

    /** {@return flat values of the shape, uniform on a grid of 1e-3 in [0.1, 2]} @param s the shape */
    public static Arbitrary<double[]> positiveValues(Shape s) { return values(s, Interval.POSITIVE); }

    private static Arbitrary<double[]> vectors(int n, double lo, double hi) {
        return Arbitraries.doubles().between(lo, hi).ofScale(3).withDistribution(RandomDistribution.uniform())
                .array(double[].class).ofSize(n);
    }

    /** {@return constant factors for {@code scale}, in [-2, 2]} */
    public static Arbitrary<Double> factors() { return Arbitraries.doubles().between(-2, 2).ofScale(2).withDistribution(RandomDistribution.uniform()); }

    // ---------------------------------------------------------------- programs

    /** {@return programs from {@code dom} to some codomain, of depth at most {@link #DEPTH}, smooth and finite at every finite input} @param dom the domain */
    public static Arbitrary<Prog> programs(Shape dom) { return programs(dom, Config.DEFAULT); }

    /** {@return programs from {@code dom} to some codomain} @param dom the domain @param depth the nesting bound */
    public static Arbitrary<Prog> programs(Shape dom, int depth) { return programs(dom, Config.DEFAULT.withDepth(depth)); }

    /**
     * {@return programs from {@code dom} that may also apply the given primitives}
     * @param dom the domain @param depth the nesting bound @param extra more primitives, e.g. user primitives
     */
    public static Arbitrary<Prog> programs(Shape dom, int depth, List<Primitive> extra) {
        return programs(dom, Config.DEFAULT.withDepth(depth).plus(extra));
    }

    /** {@return programs from {@code dom} built as {@code config} says} @param dom the domain @param config what to build */
    public static Arbitrary<Prog> programs(Shape dom, Config config) {
        Objects.requireNonNull(dom);
        return new Decoding(dom, null, config, false).arbitrary();
    }

    /** {@return programs {@code dom → cod}: a program to some shape followed, if need be, by a linear {@link #adapter} to {@code cod}} @param dom domain @param cod codomain */
    public static Arbitrary<Prog> programs(Shape dom, Shape cod) { return programs(dom, cod, Config.DEFAULT); }

    /** {@return programs {@code dom → cod}} @param dom domain @param cod codomain @param depth nesting bound */
    public static Arbitrary<Prog> programs(Shape dom, Shape cod, int depth) { return programs(dom, cod, Config.DEFAULT.withDepth(depth)); }

    /** {@return programs {@code dom → cod} built as {@code config} says} @param dom domain @param cod codomain @param config what to build */
    public static Arbitrary<Prog> programs(Shape dom, Shape cod, Config config) {
        Objects.requireNonNull(dom);
        Objects.requireNonNull(cod);
        return new Decoding(dom, cod, config, false).arbitrary();
    }

    /** {@return programs of the linear sub-language from {@code dom}, of depth at most {@link #DEPTH}} @param dom the domain */
    public static Arbitrary<Prog> linearPrograms(Shape dom) { return linearPrograms(dom, DEPTH); }

    /** {@return programs of the linear sub-language from {@code dom}} @param dom the domain @param depth nesting bound */
    public static Arbitrary<Prog> linearPrograms(Shape dom, int depth) { return linearPrograms(dom, Config.DEFAULT.withDepth(depth)); }

    /**
     * {@return programs of the linear sub-language from {@code dom}, with the linear primitives of
     * {@code config} (constant matrices when it has the linear algebra)}
     * @param dom the domain @param config what to build
     */
    public static Arbitrary<Prog> linearPrograms(Shape dom, Config config) {
        Objects.requireNonNull(dom);
        return new Decoding(dom, null, config, true).arbitrary();
    }

    /** {@return linear programs {@code dom → cod}} @param dom domain @param cod codomain */
    public static Arbitrary<Prog> linearPrograms(Shape dom, Shape cod) {
        Objects.requireNonNull(dom);
        Objects.requireNonNull(cod);
        return new Decoding(dom, cod, Config.DEFAULT, true).arbitrary();
    }

    // ---------------------------------------------------------------- bridges

    /**
     * {@return {@code f} followed, unless it already ends in {@code cod}, by the linear map that adds
     * up all its output coordinates and broadcasts the total to every coordinate of {@code cod}}
     * @param f a program @param cod the wanted codomain
     */
    public static Prog bridge(Prog f, Shape cod) {
        return f.cod().equals(cod) ? f : steps(f, total(f.cod()), broadcast(cod));
    }

    /** {@return the linear map {@code s → R} adding up all coordinates, without identity steps} @param s a shape */
    public static Prog total(Shape s) {
        return switch (s) {
            case Shape.Real r -> id(R);
            case Shape.Unit u -> zero(s, R);
            case Shape.Pair(Shape a, Shape b) -> {
                Prog ta = total(a), tb = total(b);
                yield ta instanceof Prog.Id && tb instanceof Prog.Id ? jam(R) : compose(jam(R), cross(ta, tb));
            }
            case Shape.Arr(int n, Shape e) -> steps(sum(n, e), total(e));
        };
    }

    /** {@return the linear map {@code R → s} copying its input to every coordinate, without identity steps} @param s a shape */
    public static Prog broadcast(Shape s) {
        return switch (s) {
            case Shape.Real r -> id(R);
            case Shape.Unit u -> bang(R);
            case Shape.Pair(Shape a, Shape b) -> {
                Prog ba = broadcast(a), bb = broadcast(b);
                yield ba instanceof Prog.Id && bb instanceof Prog.Id ? dup(R) : fork(ba, bb);
            }
            case Shape.Arr(int n, Shape e) -> steps(broadcast(e), repl(n, e));
        };
    }

    /**
     * {@return a linear map {@code from → to}: id if they are equal, part by part where both are
     * pairs or arrays of one length, else everything added up ({@link #total}) and copied to every
     * coordinate ({@link #broadcast}), so that every input coordinate reaches the output}
     * @param from a shape @param to a shape
     */
    public static Prog adapter(Shape from, Shape to) {
        if (from.equals(to)) return id(from);
        if (from instanceof Shape.Pair(Shape a, Shape b) && to instanceof Shape.Pair(Shape c, Shape d)) {
            Prog l = adapter(a, c), r = adapter(b, d);
            return l instanceof Prog.Id && r instanceof Prog.Id ? id(from) : cross(l, r);
        }
        if (from instanceof Shape.Arr(int n, Shape a) && to instanceof Shape.Arr(int m, Shape c) && n == m)
            return map(n, adapter(a, c));
        return steps(total(from), broadcast(to));
    }

    /** {@return the programs in order of application, identities left out} */
    private static Prog steps(Prog... fs) {
        var kept = new ArrayList<Prog>();
        for (Prog f : fs) if (!(f instanceof Prog.Id)) kept.add(f);
        return kept.isEmpty() ? fs[0] : pipe(kept);
    }

    // ---------------------------------------------------------------- recipes

    /** How many random numbers a recipe node carries. */
    private static final int PICKS = 8;
    /** How many sub-recipes an inner recipe node has (cond needs three). */
    private static final int KIDS = 3;
    /** Random numbers are in [0, 2^16); a choice among n options scales them, so smaller numbers pick earlier options. */
    private static final int PICK_BITS = 16;
    /**
     * The chance, in percent, that a recipe node is inner rather than a leaf, by its height above
     * the depth bound (index 1 just above it): high at the top, so few programs are trivial, and
     * low below, so few are large.
     */
    private static final int[] INNER_PERCENT = {0, 15, 30, 70};

    /**
     * The random choices behind a program: a node's numbers, read in order by the decoder, and its
     * sub-recipes. A node without sub-recipes decodes to a leaf; numbers past the end read as 0,
     * missing sub-recipes as {@link #LEAF}, so every recipe decodes.
     *
     * <p>Decoding also gives the recipe's <em>canonical</em> form, which decodes to the same
     * program: numbers never read are 0, each number read is the least that gives the same choice
     * (and {@code bounds} says among how many options it chose), sub-recipes never used are
     * {@link #LEAF}. Shrinking starts from canonical recipes, so every simpler recipe it tries is
     * a different program.
     *
     * @param picks the node's numbers, each in [0, 2^16), without trailing zeros
     * @param bounds for each number, the count of options it chose among, or 0 if unknown or unread
     * @param kids the sub-recipes; none for a leaf
     */
    record Recipe(int[] picks, int[] bounds, List<Recipe> kids) {
        /** The simplest recipe: a leaf whose numbers are all 0. */
        static final Recipe LEAF = new Recipe(new int[0], new int[0], List.of());

        Recipe {
            int n = picks.length;
            while (n > 0 && picks[n - 1] == 0) n--;
            picks = Arrays.copyOf(picks, n);
            bounds = Arrays.copyOf(bounds, n);
            kids = List.copyOf(kids);
        }

        @Override public int[] picks() { return picks.clone(); }

        @Override public int[] bounds() { return bounds.clone(); }

        /** {@return whether it decodes to a leaf} */
        boolean leaf() { return kids.isEmpty(); }

        /** {@return number i, 0 if there is none} */
        int pick(int i) { return i < picks.length ? picks[i] : 0; }

        /** {@return sub-recipe i, {@link #LEAF} if there is none} */
        Recipe kid(int i) { return i < kids.size() ? kids.get(i) : LEAF; }

        /** {@return the number of nodes} */
        long nodes() {
            long n = 1;
            for (Recipe k : kids) n += k.nodes();
            return n;
        }

        /** {@return the sum of all numbers} */
        long weight() {
            long w = 0;
            for (int p : picks) w += p;
            for (Recipe k : kids) w += k.weight();
            return w;
        }

        /** Equal when they have the same numbers and sub-recipes; the bounds are a note on the numbers. */
        @Override public boolean equals(Object o) {
            return o instanceof Recipe r && Arrays.equals(picks, r.picks) && kids.equals(r.kids);
        }

        @Override public int hashCode() { return Arrays.hashCode(picks) * 31 + kids.hashCode(); }

        @Override public String toString() { return Arrays.toString(picks) + (kids.isEmpty() ? "" : kids.toString()); }

        /** {@return a random recipe at most {@code depth} deep} */
        static Recipe random(Random random, int depth) {
            var picks = new int[PICKS];
            for (int i = 0; i < PICKS; i++) picks[i] = random.nextInt(1 << PICK_BITS);
            if (depth <= 0 || random.nextInt(100) >= INNER_PERCENT[Math.min(depth, INNER_PERCENT.length - 1)])
                return new Recipe(picks, new int[0], List.of());
            var kids = new ArrayList<Recipe>(KIDS);
            for (int i = 0; i < KIDS; i++) kids.add(random(random, depth - 1));
            return new Recipe(picks, new int[0], kids);
        }

        /** {@return the least number that chooses option k of n} */
        static int least(int k, int n) { return (int) (((long) k << PICK_BITS) + n - 1) / n; }

        /**
         * {@return simpler recipes, most aggressive first: the leaf, each sub-recipe in its place,
         * the node without sub-recipes, each sub-recipe made the leaf, each sub-recipe simplified,
         * each number made to choose an earlier option}; each has fewer nodes, or as many and a
         * smaller weight
         */
        Stream<Recipe> simpler() {
            List<Supplier<Stream<Recipe>>> tries = new ArrayList<>();
            if (!equals(LEAF)) tries.add(() -> Stream.of(LEAF));
            tries.add(() -> kids.stream().filter(k -> !k.equals(LEAF)));
            if (!leaf()) tries.add(() -> Stream.of(new Recipe(picks, bounds, List.of())));
            for (int i = 0; i < kids.size(); i++) {
                int k = i;
                tries.add(() -> kids.get(k).equals(LEAF) ? Stream.empty() : Stream.of(withKid(k, LEAF)));
            }
            for (int i = 0; i < kids.size(); i++) {
                int k = i;
                tries.add(() -> kids.get(k).simpler().filter(s -> !s.equals(LEAF)).map(s -> withKid(k, s)));
            }
            for (int i = 0; i < picks.length; i++) {
                int j = i, v = picks[i], n = bounds[i];
                // with a known bound, the least number of each earlier option; else smaller numbers
                IntStream lower = n > 0
                        ? IntStream.range(0, (int) (((long) v * n) >>> PICK_BITS)).map(k -> least(k, n))
                        : IntStream.of(0, v / 2, v - 1).filter(x -> x >= 0 && x < v).distinct();
                tries.add(() -> lower.mapToObj(x -> withPick(j, x)));
            }
            return tries.stream().flatMap(Supplier::get);
        }

        private Recipe withKid(int i, Recipe k) {
            var ks = new ArrayList<>(kids);
            ks.set(i, k);
            return new Recipe(picks, bounds, ks);
        }

        private Recipe withPick(int i, int v) {
            var ps = picks.clone();
            ps[i] = v;
            return new Recipe(ps, bounds, kids);
        }
    }

    /**
     * How recipes become programs: from {@code dom}, to {@code cod} if it is not null, built as
     * {@code config} says, in the linear sub-language if {@code linear}.
     */
    private record Decoding(Shape dom, Shape cod, Config config, boolean linear) {
        /** {@return the shrinkable program a recipe decodes to, which remembers the recipe's canonical form} */
        DecodedProgram decode(Recipe r) {
            var b = new Build(config, linear);
            Prog p = cod == null ? b.program(dom, r) : b.program(dom, cod, r);
            return new DecodedProgram(this, b.canonical(r), p);
        }

        /** {@return these programs, from random recipes} */
        Arbitrary<Prog> arbitrary() {
            return Arbitraries.fromGenerator(random -> decode(Recipe.random(random, config.depth())));
        }
    }

    /**
     * A program and its canonical recipe; it shrinks to the programs of the {@link Recipe#simpler}
     * recipes, by the recipe's node count first, then its weight.
     */
    private record DecodedProgram(Decoding decoding, Recipe recipe, Prog value) implements Shrinkable<Prog> {
        @Override public Stream<Shrinkable<Prog>> shrink() { return recipe.simpler().map(decoding::decode); }
        @Override public ShrinkingDistance distance() { return ShrinkingDistance.of(recipe.nodes(), recipe.weight()); }
    }

    /** {@return random recipes at most {@code depth} deep} @param depth the depth bound */
    static Arbitrary<Recipe> recipes(int depth) {
        return Arbitraries.fromGenerator(random -> Shrinkable.unshrinkable(Recipe.random(random, depth)));
    }

    /** {@return the program a recipe decodes to, as {@link #programs(Shape, Config)} builds it} @param dom the domain @param r the recipe @param config what to build */
    static Prog decode(Shape dom, Recipe r, Config config) { return new Decoding(dom, null, config, false).decode(r).value(); }

    /** {@return the canonical form of a recipe for programs from {@code dom}} @param dom the domain @param r the recipe @param config what to build */
    static Recipe canonical(Shape dom, Recipe r, Config config) { return new Decoding(dom, null, config, false).decode(r).recipe(); }

    // ---------------------------------------------------------------- decoding

    /** The numbers of one recipe node, read in order; it notes how each was read, for the canonical form. */
    private static final class Cursor {
        private final Recipe r;
        private final int[] picks = new int[PICKS];
        private final int[] bounds = new int[PICKS];
        private int i;

        Cursor(Recipe r) { this.r = r; }

        /** {@return the next number scaled to [0, n): smaller numbers give smaller results} @param n the bound, at least 1 */
        int below(int n) {
            int k = (int) (((long) r.pick(i) * n) >>> PICK_BITS);
            if (i < PICKS) {
                picks[i] = Recipe.least(k, n);
                bounds[i] = n;
            }
            i++;
            return k;
        }

        /** {@return the next number as a coin, false first} */
        boolean coin() { return below(2) == 1; }

        /** {@return a factor or constant from {@link #FACTORS}, simplest first} */
        double factor() { return FACTORS[below(FACTORS.length)]; }

        /** {@return the index k of a kink offset {@code ±(k + φ)/8}, its sign in the lowest bit} */
        int delta() { return below(16); }

        /** {@return the canonical form of the node read, with these canonical sub-recipes} */
        Recipe canonical(List<Recipe> kids) {
            int n = kids.size();
            while (n > 1 && kids.get(n - 1).equals(Recipe.LEAF)) n--;
            return new Recipe(picks, bounds, kids.subList(0, n));
        }
    }

    /** Factors of {@code scale} and constants, simplest first, all on a grid of 1/4. */
    private static final double[] FACTORS = {1, -1, 0.5, 2, -0.5, -2, 0, 0.25, 1.5, -0.25, -1.5, 0.75, -0.75, 1.25, -1.25, 1.75, -1.75};

    /** Options of a decoding step, in the order they shrink to, with weights for generation. */
    private static final class Options {
        private final List<Integer> weights = new ArrayList<>();
        private final List<Supplier<Prog>> makers = new ArrayList<>();

        void add(int weight, Supplier<Prog> make) { weights.add(weight); makers.add(make); }

        Prog choose(Cursor c) {
            int total = weights.stream().mapToInt(Integer::intValue).sum();
            int x = c.below(total);
            for (int i = 0; i < weights.size(); i++) {
                x -= weights.get(i);
                if (x < 0) return makers.get(i).get();
            }
            return makers.getLast().get();
        }
    }

    /** Decodes recipes into programs of one configuration, general or linear. */
    private static final class Build {
        private final Config config;
        private final boolean linear;
        /** The canonical form of each recipe node decoded, by identity: a node is decoded once. */
        private final Map<Recipe, Recipe> canonical = new IdentityHashMap<>();

        Build(Config config, boolean linear) {
            this.config = config;
            this.linear = linear;
        }

        /** {@return the canonical form of a recipe decoded by this builder, {@link Recipe#LEAF} if it was never used} */
        Recipe canonical(Recipe r) { return canonical.getOrDefault(r, Recipe.LEAF); }

        Prog program(Shape dom, Recipe r) { return any(dom, Ranges.all(dom, Num.ALL), r); }

        Prog program(Shape dom, Shape cod, Recipe r) { return to(dom, Ranges.all(dom, Num.ALL), cod, r); }

        /** {@return a program from {@code dom}, whose input lies in {@code in}} */
        Prog any(Shape dom, Range in, Recipe r) {
            var c = new Cursor(r);
            Prog f = r.leaf() ? leaf(dom, in, c) : node(dom, in, c, r);
            if (r != Recipe.LEAF) canonical.put(r, c.canonical(r.leaf() ? List.of() : List.of(canonical(r.kid(0)), canonical(r.kid(1)), canonical(r.kid(2)))));
            return f;
        }

        /** {@return a program {@code dom → cod}: one from {@code dom}, then a linear {@link #adapter} to {@code cod}} */
        Prog to(Shape dom, Range in, Shape cod, Recipe r) {
            Prog f = any(dom, in, r);
            return steps(f, adapter(f.cod(), cod));
        }

        /** {@return a step {@code dom → dom} of a loop: built for any input, since it is run on its own outputs} */
        Prog step(Shape dom, Recipe r) { return to(dom, Ranges.all(dom, Num.ALL), dom, r); }

        private Prog leaf(Shape dom, Range in, Cursor c) {
            var o = new Options();
            o.add(3, () -> id(dom));
            o.add(3, () -> scale(dom, c.factor()));
            o.add(1, () -> zero(dom, c.coin() ? dom : R));
            if (!linear) o.add(1, () -> switch (c.below(3)) {
                case 0 -> constant(dom, c.factor());
                case 1 -> constant(dom, Shape.vec(2), c.factor(), c.factor());
                default -> constant(dom, dom, entries(dom.dim(), c));
            });
            o.add(1, () -> bang(dom));
            o.add(2, () -> dup(dom));
            o.add(2, () -> c.coin() ? inr(R, dom) : inl(dom, R));
            o.add(2, () -> repl(c.below(4), dom));
            o.add(1, () -> { int n = 1 + c.below(3); return in(n, dom, c.below(n)); });
            if (dom instanceof Shape.Pair(Shape a, Shape b)) {
                o.add(4, () -> c.coin() ? exr(a, b) : exl(a, b));
                if (a.equals(b)) o.add(2, () -> jam(a));
                if (a instanceof Shape.Arr(int n, Shape ea) && b instanceof Shape.Arr(int m, Shape eb) && n == m)
                    o.add(2, () -> zip(n, ea, eb));
            }
            if (dom instanceof Shape.Arr(int n, Shape e)) {
                o.add(2, () -> sum(n, e));
                if (n > 0) o.add(2, () -> ex(dom, c.below(n)));
                if (e instanceof Shape.Pair(Shape a, Shape b)) o.add(2, () -> unzip(n, a, b));
                if (e instanceof Shape.Arr(int m, Shape ee)) o.add(3, () -> transpose(n, m, ee));
                var targets = reshapes(dom);
                if (!targets.isEmpty()) o.add(2, () -> reshape(dom, targets.get(c.below(targets.size()))));
            }
            var ops = ops(dom, c);
            if (!ops.isEmpty()) o.add(dom.equals(R) ? 12 : 4, () -> guarded(ops.get(c.below(ops.size())).get(), in, c));
            return o.choose(c);
        }

        /**
         * An inner node. The options are the same at every shape, each replaced where it does not
         * fit by one that always does ({@code compose}, {@code fork}), so that a recipe means the
         * same combinators at a smaller shape: when jqwik shrinks the domain of a program, the
         * program it regenerates there still has the node that made the law fail.
         */
        private Prog node(Shape dom, Range in, Cursor c, Recipe r) {
            Recipe k0 = r.kid(0), k1 = r.kid(1), k2 = r.kid(2);
            Supplier<Prog> compose = () -> {
                Prog f = any(dom, in, k0);
                return steps(f, any(f.cod(), Ranges.of(f, in), k1));
            };
            Supplier<Prog> fork = () -> fork(any(dom, in, k0), any(dom, in, k1));
            boolean ops = config.linearAlgebra() || config.primitives().stream().anyMatch(p -> !linear || p.linear());
            var o = new Options();
            o.add(4, dom instanceof Shape.Arr(int n, Shape e) ? () -> map(n, any(e, Ranges.each(in), k0)) : compose);
            o.add(6, compose);
            o.add(3, dom instanceof Shape.Pair(Shape a, Shape b) ? () -> cross(any(a, Ranges.left(in), k0), any(b, Ranges.right(in), k1)) : fork);
            o.add(3, fork);
            o.add(2, dom instanceof Shape.Pair(Shape a, Shape b) ? () -> {
                Prog f = any(a, Ranges.left(in), k0);
                return join(f, to(b, Ranges.right(in), f.cod(), k1));
            } : fork);
            o.add(2, () -> iterate(c.below(4), step(dom, k0)));
            o.add(5, ops ? () -> primitive(dom, in, c, k0, k1) : compose);
            o.add(2, () -> accumulate(dom, c, k0, k1));
            o.add(2, linear ? compose : () -> condition(dom, in, c, k0, k1, k2));
            o.add(1, linear ? compose : () -> loop(dom, c, k0, k1));
            return o.choose(c);
        }

        /** {@code op ∘ (guards) ∘ arg} for an operation chosen among all, its argument made from {@code dom}. */
        private Prog primitive(Shape dom, Range in, Cursor c, Recipe k0, Recipe k1) {
            var ops = ops(null, c);
            Prog op = ops.get(c.below(ops.size())).get();
            Prog arg = op.dom() instanceof Shape.Pair(Shape a, Shape b)
                    ? fork(to(dom, in, a, k0), to(dom, in, b, k1))
                    : to(dom, in, op.dom(), k0);
            return steps(arg, guarded(op, Ranges.of(arg, in), c));
        }

        /**
         * {@code cond t f g} with the test {@code t = s + δ} shifted off the grid of inputs; or, the
         * second variant when {@code log} is configured, {@code cond t (log ∘ (t + 1/2)) g}, whose
         * then-branch is NaN where {@code t < -1/2}: every meaning must leave the branch not taken
         * unevaluated.
         */
        private Prog condition(Shape dom, Range in, Cursor c, Recipe k0, Recipe k1, Recipe k2) {
            boolean poisoned = c.coin() && config.primitives().contains(Prims.LOG);
            Prog s = to(dom, in, R, k0);
            double delta = offset(c.delta(), 0);
            Prog t = compose(jam(R), fork(s, constant(dom, delta)));
            if (poisoned) return cond(t, compose(log, jam(R), fork(s, constant(dom, delta + 0.5))), to(dom, in, R, k2));
            Prog f = any(dom, in, k1);
            return cond(t, f, to(dom, in, f.cod(), k2));
        }

        /**
         * {@code exl ∘ while (counter > 0) (f × (counter − 1)) ∘ (id △ const k)}, exactly k steps;
         * or, the second variant when {@code min} is configured, with the test
         * {@code min(counter, s + δ)}: at most k steps, fewer
         * where the state leaves {@code s + δ > 0}, so the trip count depends on the input.
         */
        private Prog loop(Shape dom, Cursor c, Recipe k0, Recipe k1) {
            int k = c.below(4);
            int bound = k + c.below(2);
            Prog test = exr(dom, R);
            if (c.coin() && config.primitives().contains(Prims.MIN)) {
                Prog s = to(dom, Ranges.all(dom, Num.ALL), R, k1);
                test = compose(min, fork(test, compose(jam(R), fork(s, constant(dom, offset(c.delta(), 0))), exl(dom, R))));
            }
            Prog countDown = compose(jam(R), fork(id(R), constant(R, -1)));
            Prog w = whileLoop(test, cross(step(dom, k0), countDown), bound);
            return compose(exl(dom, R), w, fork(id(dom), constant(dom, k)));
        }

        /**
         * mapAccumL, mapAccumR, fold or scan: on {@code C × [n]A} directly, on {@code [n]A} with the
         * carry {@code R} starting at 0 ({@code inr}), on anything else as the carry beside zeros
         * ({@code inl}).
         */
        private Prog accumulate(Shape dom, Cursor c, Recipe k0, Recipe k1) {
            int variant = c.below(4);
            Shape carry, elem;
            int n;
            Prog pre;
            if (dom instanceof Shape.Pair(Shape cc, Shape.Arr(int m, Shape e))) { carry = cc; elem = e; n = m; pre = id(dom); }
            else if (dom instanceof Shape.Arr(int m, Shape e)) { carry = R; elem = e; n = m; pre = inr(R, dom); }
            else { n = 1 + c.below(3); carry = dom; elem = R; pre = inl(dom, Shape.vec(n)); }
            Shape ca = Shape.pair(carry, elem);
            Prog next = to(ca, Ranges.all(ca, Num.ALL), carry, k0);
            Prog acc = switch (variant) {
                case 0, 1 -> {
                    Prog s = fork(next, any(ca, Ranges.all(ca, Num.ALL), k1));
                    yield variant == 0 ? mapAccum(n, s) : mapAccumR(n, s);
                }
                case 2 -> fold(n, next);
                default -> scan(n, next);
            };
            return steps(pre, acc);
        }

        /**
         * {@return the operations whose input is {@code dom} (all of them when null): the
         * configured primitives and, with the linear algebra, its families at sizes read from
         * {@code c}; only linear ones for linear programs}
         */
        private List<Supplier<Prog>> ops(Shape dom, Cursor c) {
            var out = new ArrayList<Supplier<Prog>>();
            for (Primitive p : config.primitives())
                if ((!linear || p.linear()) && (dom == null || p.dom().equals(dom))) out.add(p::prog);
            if (!config.linearAlgebra()) return out;
            if (dom == null) {
                out.add(() -> {
                    int m = c.below(4), n = c.below(4);
                    return matrix(m, n, entries(m * n, c));
                });
                if (linear) return out;
                out.add(() -> dot(c.below(4)));
                out.add(() -> matvec(c.below(4), c.below(4)));
                out.add(() -> matmul(c.below(4), c.below(4), c.below(4)));
                out.add(() -> maximum(1 + c.below(3)));
                out.add(() -> argmax(1 + c.below(3)));
                return out;
            }
            if (dom instanceof Shape.Arr(int n, Shape.Real e)) {
                out.add(() -> {
                    int m = c.below(4);
                    return matrix(m, n, entries(m * n, c));
                });
                if (!linear && n > 0) { out.add(() -> maximum(n)); out.add(() -> argmax(n)); }
            }
            if (linear || !(dom instanceof Shape.Pair(Shape a, Shape b))) return out;
            if (a instanceof Shape.Arr(int n, Shape.Real x) && b.equals(a)) out.add(() -> dot(n));
            if (a instanceof Shape.Arr(int m, Shape.Arr(int n, Shape.Real x)) && b.equals(Shape.vec(n))) out.add(() -> matvec(m, n));
            if (a instanceof Shape.Arr(int m, Shape.Arr(int k, Shape.Real x)) && b instanceof Shape.Arr(int k2, Shape.Arr(int n, Shape.Real y)) && k == k2)
                out.add(() -> matmul(m, k, n));
            return out;
        }

        /**
         * {@return {@code op} after the guards its input in {@code r} needs}: none for a linear
         * operation; a shift off the grid for a piecewise one; for others the first of no change,
         * a scaling down by a power of two, or {@code tanh}, that with a domain guard after it
         * keeps the input in the operation's domain and its output within ±{@link #LIMIT} (or
         * grows at most linearly)
         */
        private Prog guarded(Prog op, Range r, Cursor c) {
            if (Transpose.isLinear(op)) return op;
            Shape d = op.dom();
            if (piecewise(op)) {
                int code = c.delta();
                double[] deltas = new double[d.dim()];
                for (int i = 0; i < deltas.length; i++) deltas[i] = offset(code, i);
                if (op.equals(Catad.max) || op.equals(Catad.min)) deltas[1] = 0;
                return compose(op, jam(d), fork(id(d), constant(d, d, deltas)));
            }
            Prog last = op;
            for (Prog pre : squashes(d, r)) {
                Prog g = steps(pre, domainGuard(op, Ranges.of(pre, r)), op);
                if (tame(op) || Ranges.hull(Ranges.of(g, r)).within(LIMIT)) return g;
                last = g;
            }
            return last;
        }

        /** {@return ways to bring a value of {@code d} in {@code r} closer to 0: none, halvings while it is over 1, tanh} */
        private static List<Prog> squashes(Shape d, Range r) {
            var out = new ArrayList<Prog>();
            out.add(id(d));
            double m = Ranges.hull(r).magnitude();
            if (Double.isFinite(m)) for (int k = 1; k <= 64 && Math.scalb(m, 1 - k) > 1; k++) out.add(scale(d, Math.scalb(1.0, -k)));
            out.add(Ranges.squash(d, r));
            return out;
        }

        /** {@return the guard that keeps the input of a restricted scalar primitive inside its domain, or id} */
        private static Prog domainGuard(Prog op, Range r) {
            if (!(op instanceof Prog.Prim(Primitive p))) return id(op.dom());
            return switch (p) {
                case Primitive.Unary u -> guard(u.domain(), Ranges.hull(r));
                case Primitive.Binary b -> {
                    Prog gl = guard(b.leftDomain(), Ranges.hull(Ranges.left(r))), gr = guard(b.rightDomain(), Ranges.hull(Ranges.right(r)));
                    yield gl instanceof Prog.Id && gr instanceof Prog.Id ? id(op.dom()) : cross(gl, gr);
                }
                case Primitive.General g -> id(op.dom());
            };
        }

        /** {@return a map of the reals into {@code d}, {@link #MARGIN} inside it, or id if {@code x} is already there} */
        private static Prog guard(Interval d, Num x) {
            double m = Math.min(MARGIN, (d.hi() - d.lo()) / 4);
            if (inside(x, d, m)) return id(R);
            Prog expTanh = compose(exp, tanh);
            if (d.hi() == Double.POSITIVE_INFINITY) {
                if (x.bounded() && inside(x.map(StrictMath::exp), d, m) && Math.exp(x.hi()) <= LIMIT) return exp;
                if (inside(new Num(Math.exp(-1), Math.exp(1)), d, m)) return expTanh;
                return compose(jam(R), fork(expTanh, constant(R, d.lo())));
            }
            if (d.lo() == Double.NEGATIVE_INFINITY) return compose(jam(R), fork(compose(neg, expTanh), constant(R, d.hi())));
            double mid = (d.lo() + d.hi()) / 2, half = (d.hi() - d.lo()) / 2;
            return compose(jam(R), fork(compose(scale(half - m), tanh), constant(R, mid)));
        }

        private static boolean inside(Num x, Interval d, double m) { return x.lo() >= d.lo() + m && x.hi() <= d.hi() - m; }

        /** {@return whether an operation grows at most linearly with its (guarded) input, so it needs no squashing} */
        private static boolean tame(Prog op) {
            if (!(op instanceof Prog.Prim(Primitive p))) return false;
            return TAME.contains(p) || p.equals(Prims.DIV);
        }

        /** {@return whether an operation has kinks or jumps} */
        private static boolean piecewise(Prog op) {
            if (!(op instanceof Prog.Prim(Primitive p))) return false;
            if (PIECEWISE.contains(p)) return true;
            return p instanceof Primitive.General g && g.dom() instanceof Shape.Arr(int n, Shape.Real e) && n > 0
                    && (g.equals(Prims.maximum(n)) || g.equals(Prims.argmax(n)));
        }
    }

    /** {@return the offset {@code ±(k + i + φ)/8} of the i-th coordinate of a kink, k and the sign from {@code code}} */
    private static double offset(int code, int i) { return (code % 2 == 0 ? 1 : -1) * (code / 2 + i + PHI) / 8; }

    /** Primitives whose output is bounded, or at most linear in their input. */
    private static final List<Primitive> TAME = List.of(Prims.SIN, Prims.COS, Prims.TANH, Prims.SIGMOID, Prims.SOFTPLUS,
            Prims.LOG, Prims.SQRT, Prims.LOG1P);

    /** {@return n matrix entries or constants from the factors, read from one number of the cursor} */
    private static double[] entries(int n, Cursor c) {
        int seed = c.below(FACTORS.length);
        var data = new double[n];
        for (int i = 0; i < n; i++) data[i] = FACTORS[(seed + 7 * i) % FACTORS.length];
        return data;
    }

    /** {@return the reshapes of a nested array: flattened if nested, split in two if flat} */
    private static List<Shape> reshapes(Shape dom) {
        var lengths = new ArrayList<Integer>();
        Shape e = dom;
        while (e instanceof Shape.Arr(int n, Shape x)) { lengths.add(n); e = x; }
        int count = lengths.stream().reduce(1, (a, b) -> a * b);
        var out = new ArrayList<Shape>();
        if (lengths.size() >= 2) out.add(Shape.arr(count, e));
        else for (int d = 1; d <= Math.max(count, 1); d++) if (count % d == 0) out.add(Shape.arr(d, Shape.arr(count / d, e)));
        return out;
    }

    /** {@return the range of {@code f}'s output for inputs in {@code [lo, hi]}; for tests of the analysis} */
    static Num outputBounds(Prog f, double lo, double hi) {
        return Ranges.hull(Ranges.of(f, Ranges.all(f.dom(), new Num(lo, hi))));
    }
}
