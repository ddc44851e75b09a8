package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static catad.interpreter.Num.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import catad.dsl.Primitive;
import catad.dsl.Prims;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoublePredicate;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;

/**
 * The spec table of every primitive and linear combinator with its domain, checked in forward and
 * reverse mode against central finite differences, for the adjoint identity, for agreement of the
 * two modes, and for agreement of the numeric and program forms (JAX's {@code check_grads} /
 * {@code check_vjp}).
 */
class PrimitiveProperties {

    /**
     * One row of the table: a program, where to sample it, and whether it is linear.
     * @param name how a failure names it
     * @param f the program
     * @param points points of its domain, away from kinks
     */
    record Spec(String name, Prog f, Arbitrary<double[]> points) {
        @Override public String toString() { return name; }
    }

    /** A point of a spec with a tangent u of the input and a cotangent v of the output. */
    record Case(Spec spec, double[] x, double[] u, double[] v) {
        @Override public String toString() {
            return spec.name + " at x=" + Arrays.toString(x) + " u=" + Arrays.toString(u) + " v=" + Arrays.toString(v);
        }
    }

    /** Where the primitive has a kink, with how close to it a point may be: 1e-3, far beyond the FD step. */
    static final double KINK_MARGIN = 1e-3;

    /** Scalar primitives whose kink is at 0. */
    static final Set<String> KINK_AT_ZERO = Set.of("abs", "relu", "sign", "step");

    /** Binary primitives whose kink is where u = v. */
    static final Set<String> KINK_ON_DIAGONAL = Set.of("max", "min");

    /** Exponents tested for {@code pow c}: integers, fractions, negative, zero, one. */
    static final double[] POW_EXPONENTS = {0, 1, 2, 3, 0.5, 1.7, -1, -2.5};

    /**
     * {@return points of an interval, kept 0.1 inside finite ends and within [-3, 3]}, uniformly
     * distributed: jqwik's default bias toward 0 would make many checks vacuous (sin x ≈ 0, v ≈ 0)
     */
    static Arbitrary<Double> inside(Primitive.Interval d, DoublePredicate ok) {
        double lo = Double.isInfinite(d.lo()) ? -3 : d.lo() + 0.1;
        double hi = Double.isInfinite(d.hi()) ? 3 : d.hi() - 0.1;
        return Arbitraries.doubles().between(lo, hi).ofScale(10).withDistribution(RandomDistribution.uniform()).filter(x -> d.contains(x) && ok.test(x));
    }

    static Arbitrary<double[]> box(int n, double r) {
        return Arbitraries.doubles().between(-r, r).ofScale(10).withDistribution(RandomDistribution.uniform()).array(double[].class).ofSize(n);
    }

    static Spec unary(Primitive.Unary u) {
        DoublePredicate ok = KINK_AT_ZERO.contains(u.name()) ? x -> Math.abs(x) > KINK_MARGIN : x -> true;
        return new Spec(u.toString(), u.prog(), inside(u.domain(), ok).map(x -> new double[] {x}));
    }

    static Spec binary(Primitive.Binary b) {
        boolean kink = KINK_ON_DIAGONAL.contains(b.name());
        return new Spec(b.name(), b.prog(), Combinators.combine(inside(b.leftDomain(), x -> true), inside(b.rightDomain(), x -> true))
                .as((l, r) -> new double[] {l, r})
                .filter(p -> !kink || Math.abs(p[0] - p[1]) > KINK_MARGIN));
    }

    static Spec any(Prog f) { return new Spec(Printer.brief(f) + " : " + f.dom() + " -> " + f.cod(), f, box(f.dom().dim(), 2)); }

    /** Fixed pseudo-random matrix entries, so the table is the same on every run. */
    static double[] entries(int count, long seed) {
        return random(new java.util.Random(seed), count, -2, 2);
    }

    /** {@return whether the largest element exceeds all others by more than the kink margin} */
    static boolean noTieAtTheTop(double[] x) {
        double[] y = x.clone();
        Arrays.sort(y);
        return y.length < 2 || y[y.length - 1] - y[y.length - 2] > KINK_MARGIN;
    }

    static final Shape V2 = Shape.vec(2), V3 = Shape.vec(3), RR = Shape.pair(R, R);

    /** The nonlinear primitives: every built-in scalar, pow c, and the bilinear maps. */
    static List<Spec> nonlinear() {
        var specs = new ArrayList<Spec>();
        for (Primitive p : Prims.SCALARS) {
            switch (p) {
                case Primitive.Unary u -> specs.add(unary(u));
                case Primitive.Binary b -> specs.add(binary(b));
                case Primitive.General g -> specs.add(any(g.prog()));
            }
        }
        for (double c : POW_EXPONENTS) specs.add(unary(Prims.pow(c)));
        for (Prog f : List.of(dot(1), dot(4), matvec(2, 3), matvec(3, 1), matmul(2, 3, 4), matmul(1, 2, 1), matmul(2, 2, 2)))
            specs.add(any(f));
        // maximum and argmax have kinks where the two largest elements tie
        for (Prog f : List.of(maximum(1), maximum(4), argmax(3)))
            specs.add(new Spec(Printer.brief(f) + " : " + f.dom() + " -> " + f.cod(), f,
                    box(f.dom().dim(), 2).filter(PrimitiveProperties::noTieAtTheTop)));
        return specs;
    }

    /** The linear maps: constant matrices and every linear combinator, at several shapes. */
    static List<Prog> linearProgs() {
        return List.of(
                matrix(2, 3, entries(6, 1)), matrix(3, 2, entries(6, 2)), matrix(1, 1, entries(1, 3)),
                scale(V3, -1.75), scale(R, 0.5), scale(Shape.arr(2, RR), 3),
                sum(4, R), sum(3, V2), sum(2, RR),
                repl(3, R), repl(2, V2),
                ex(Shape.vec(4), 2), ex(Shape.arr(3, RR), 0), ex(Shape.tensor(2, 3), 1),
                in(4, R, 1), in(3, V2, 2), in(2, RR, 0),
                zip(3, R, V2), zip(2, R, R), unzip(3, R, R), unzip(2, V2, R),
                reshape(Shape.tensor(2, 3), Shape.vec(6)), reshape(Shape.tensor(2, 3), Shape.tensor(3, 2)), reshape(Shape.vec(4), Shape.tensor(2, 1, 2)),
                transpose(2, 3, R), transpose(2, 2, V2), transpose(1, 3, R),
                jam(R), jam(V2), jam(RR),
                dup(R), dup(V2),
                exl(R, V2), exl(V2, R), exr(R, V2), exr(V2, RR),
                inl(R, V2), inl(V2, R), inr(R, V2), inr(V2, RR),
                id(V3), bang(V2), zero(V2, V3));
    }

    static final List<Spec> NONLINEAR = nonlinear();
    static final List<Spec> LINEAR = linearProgs().stream().map(PrimitiveProperties::any).toList();
    /** Affine but not linear: its derivative is zero. */
    static final List<Spec> AFFINE = List.of(any(constant(V2, V3, 1.5, -2, 0.25)), any(constant(R, 7)));
    static final List<Spec> ALL = new ArrayList<>();
    static {
        ALL.addAll(NONLINEAR);
        ALL.addAll(LINEAR);
        ALL.addAll(AFFINE);
    }

    static Arbitrary<Case> cases(List<Spec> specs) {
        return Arbitraries.of(specs).flatMap(s -> Combinators.combine(s.points(), box(s.f().dom().dim(), 1), box(s.f().cod().dim(), 1))
                .as((x, u, v) -> new Case(s, x, u, v)));
    }

    @Provide Arbitrary<Case> all() { return cases(ALL); }

    @Provide Arbitrary<Case> linear() { return cases(LINEAR); }

    // ------------------------------------------------------------------ the table is complete

    @Example
    void everyScalarPrimitiveHasARowAndEveryRowIsValid() {
        Set<String> names = NONLINEAR.stream().map(s -> s.f() instanceof Prog.Prim p ? p.p().name() : "").collect(Collectors.toSet());
        for (Primitive p : Prims.SCALARS) assertTrue(names.contains(p.name()), "no spec row for " + p.name());
        for (String k : KINK_AT_ZERO) assertTrue(Prims.scalar(k).isPresent(), "kink list names unknown primitive " + k);
        for (String k : KINK_ON_DIAGONAL) assertTrue(Prims.scalar(k).isPresent(), "kink list names unknown primitive " + k);
        for (Spec s : LINEAR) assertTrue(Transpose.isLinear(s.f()), s.name() + " should be in the linear sub-language");
        for (Spec s : NONLINEAR) assertTrue(!Transpose.isLinear(s.f()), s.name() + " should not be linear");
    }

    @Example
    void everyLinearCombinatorHasARow() {
        Set<Class<?>> covered = LINEAR.stream().map(s -> (Class<?>) s.f().getClass()).collect(Collectors.toSet());
        for (var c : List.of(Prog.Scale.class, Prog.Sum.class, Prog.Repl.class, Prog.Ex.class, Prog.In.class, Prog.Zip.class,
                Prog.Unzip.class, Prog.Reshape.class, Prog.Transpose.class, Prog.Jam.class, Prog.Dup.class, Prog.Exl.class,
                Prog.Exr.class, Prog.Inl.class, Prog.Inr.class, Prog.Id.class, Prog.Bang.class, Prog.Zero.class, Prog.Prim.class))
            assertTrue(covered.contains(c), "no spec row for " + c.getSimpleName());
    }

    // ------------------------------------------------------------------ against finite differences

    @Property(tries = 1500)
    void forwardModeMatchesFiniteDifferences(@ForAll("all") Case c) {
        Prog f = c.spec().f();
        double[][] fd = fdJacobian(f, c.x());
        var jvp = AD.jvp(f, c.x(), c.u());
        sameBits(c + ": jvp primal vs eval", AD.eval(f, c.x()), jvp._1);
        close(c + ": jvp vs central differences", mul(fd, c.u()), jvp._2, absMul(fd, c.u()), FD_TOL);
    }

    @Property(tries = 1500)
    void reverseModeMatchesFiniteDifferences(@ForAll("all") Case c) {
        Prog f = c.spec().f();
        double[][] fd = fdJacobian(f, c.x());
        close(c + ": vjp vs central differences", mulT(fd, c.v(), c.x().length), AD.vjp(f, c.x(), c.v()), absMulT(fd, c.v(), c.x().length), FD_TOL);
        var pullback = AD.vjp(f, c.x());
        sameBits(c + ": vjp(f, x) pullback vs vjp(f, x, v)", AD.vjp(f, c.x(), c.v()), pullback._2.apply(c.v()));
    }

    // ------------------------------------------------------------------ exact identities

    @Property(tries = 1500)
    void adjointIdentity(@ForAll("all") Case c) {
        LinearMap d = AD.linearize(c.spec().f(), c.x())._2;
        LinearMap dt = d.transpose();
        assertEquals(c.spec().f().dom(), dt.cod(), "transpose codomain");
        assertEquals(c.spec().f().cod(), dt.dom(), "transpose domain");
        double[] du = d.apply(c.u()), dtv = dt.apply(c.v());
        double lhs = dot(du, c.v()), rhs = dot(c.u(), dtv);
        close(c + ": <f'(x)u, v> = <u, f'(x)ᵀv>", lhs, rhs, absDot(du, c.v()) + absDot(c.u(), dtv), MODE_TOL);
        double[] dttu = dt.transpose().apply(c.u());
        close(c + ": (f'(x)ᵀ)ᵀ = f'(x)", du, dttu, MODE_TOL);
    }

    @Property(tries = 1500)
    void forwardAndReverseAgree(@ForAll("all") Case c) {
        Prog f = c.spec().f();
        double[] jvp = AD.jvp(f, c.x(), c.u())._2, vjp = AD.vjp(f, c.x(), c.v());
        close(c + ": vjp(f,x,v)·u = v·jvp(f,x,u)", dot(c.v(), jvp), dot(vjp, c.u()),
                absDot(c.v(), jvp) + absDot(vjp, c.u()), MODE_TOL);
    }

    /** Derivative programs built once per spec; building them is part of what is tested, once. */
    static final Map<Spec, Prog[]> PROGRAMS = new ConcurrentHashMap<>();

    static Prog[] programs(Spec s) {
        return PROGRAMS.computeIfAbsent(s, k -> new Prog[] {AD.jvp(k.f()), AD.vjp(k.f())});
    }

    @Property(tries = 1500)
    void programFormsMatchNumericForms(@ForAll("all") Case c) {
        Prog f = c.spec().f();
        int m = f.cod().dim();
        Prog[] p = programs(c.spec());
        Shape a = f.dom(), b = f.cod();
        assertEquals(Shape.pair(a, a), p[0].dom(), "jvp program domain");
        assertEquals(Shape.pair(b, b), p[0].cod(), "jvp program codomain");
        assertEquals(Shape.pair(a, b), p[1].dom(), "vjp program domain");
        assertEquals(a, p[1].cod(), "vjp program codomain");
        var jvp = AD.jvp(f, c.x(), c.u());
        double[] yd = AD.eval(p[0], concat(c.x(), c.u()));
        close(c + ": jvp program value", jvp._1, slice(yd, 0, m), MODE_TOL);
        double[][] fd = fdJacobian(f, c.x());
        close(c + ": jvp program tangent", jvp._2, slice(yd, m, 2 * m), absMul(fd, c.u()), MODE_TOL);
        double[] vjp = AD.vjp(f, c.x(), c.v());
        close(c + ": vjp program", vjp, AD.eval(p[1], concat(c.x(), c.v())), absMulT(fd, c.v(), c.x().length), MODE_TOL);
    }

    // ------------------------------------------------------------------ linear maps: f'(x) = f, and the transpose pass

    @Property(tries = 600)
    void linearMapsAreTheirOwnDerivative(@ForAll("linear") Case c) {
        Prog f = c.spec().f();
        sameBits(c + ": f'(x)u = f u", AD.eval(f, c.u()), AD.jvp(f, c.x(), c.u())._2);
    }

    @Property(tries = 600)
    void transposeProgramSatisfiesTheAdjointIdentity(@ForAll("linear") Case c) {
        Prog f = c.spec().f();
        Prog ft = Transpose.transpose(f);
        assertEquals(f.cod(), ft.dom());
        assertEquals(f.dom(), ft.cod());
        double[] fu = AD.eval(f, c.u()), ftv = AD.eval(ft, c.v());
        close(c + ": <f u, v> = <u, fᵀ v>", dot(fu, c.v()), dot(c.u(), ftv), absDot(fu, c.v()) + absDot(c.u(), ftv), MODE_TOL);
        close(c + ": fᵀ v = vjp(f, x, v)", AD.vjp(f, c.x(), c.v()), ftv, MODE_TOL);
        close(c + ": (fᵀ)ᵀ u = f u", fu, AD.eval(Transpose.transpose(ft), c.u()), MODE_TOL);
    }
}
