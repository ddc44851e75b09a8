package catad.dsl;

import static catad.dsl.Shape.R;

import java.util.Objects;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;

/**
 * A primitive operation and its meaning: evaluation and derivative, kept together.
 *
 * <p>Derivatives are catad programs, not Java functions, so a derivative can itself be differentiated
 * (Hessians, third derivatives, nested AD). Built-in primitives are in {@link Prims}; users make their
 * own with {@link #unary}, {@link #binary}, {@link #general} and {@link #linear} without editing catad.
 */
public sealed interface Primitive permits Primitive.Unary, Primitive.Binary, Primitive.General {

    /** {@return the token the primitive prints as} */
    String name();

    /** {@return the primitive's parameters as they print after its name, or "" for none} */
    String params();

    /** {@return the input shape} */
    Shape dom();

    /** {@return the output shape} */
    Shape cod();

    /** {@return whether the primitive is linear (its own derivative)} */
    boolean linear();

    /** {@return the primitive as a program} */
    default Prog prog() { return new Prog.Prim(this); }

    /** The open interval where a scalar primitive is smooth, used to pick test points. @param lo lower end @param hi upper end */
    record Interval(double lo, double hi) {
        /** All of R. */
        public static final Interval ALL = new Interval(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        /** The positive reals. */
        public static final Interval POSITIVE = new Interval(0, Double.POSITIVE_INFINITY);
        /** {@return whether x lies strictly inside} @param x the point */
        public boolean contains(double x) { return x > lo && x < hi; }
    }

    /** A lazily built program, so derivative rules may refer to each other (sin' = cos, cos' = -sin). */
    final class Lazy implements Supplier<Prog> {
        private final Supplier<Prog> make;
        private volatile Prog value;
        Lazy(Supplier<Prog> make) { this.make = Objects.requireNonNull(make); }
        @Override public Prog get() {
            Prog v = value;
            if (v == null) { v = make.get(); value = v; }
            return v;
        }
    }

    /**
     * A scalar function {@code R → R} with its derivative as a program {@code R → R}.
     * Equal when name and parameter are equal.
     */
    final class Unary implements Primitive {
        private final String name;
        private final double param;
        private final DoubleUnaryOperator f;
        private final Lazy derivative;
        private final Lazy outputDerivative;
        private final Interval domain;

        Unary(String name, double param, DoubleUnaryOperator f, Supplier<Prog> derivative, Supplier<Prog> outputDerivative, Interval domain) {
            this.name = Names.check(name);
            this.param = param;
            this.f = Objects.requireNonNull(f);
            this.derivative = new Lazy(derivative);
            this.outputDerivative = outputDerivative == null ? null : new Lazy(outputDerivative);
            this.domain = Objects.requireNonNull(domain);
        }

        Unary(String name, double param, DoubleUnaryOperator f, Supplier<Prog> derivative, Interval domain) {
            this(name, param, f, derivative, null, domain);
        }

        /**
         * {@return the derivative as a program of the primitive's <em>output</em>, {@code y ↦ f'(x)}
         * where {@code y = f x} (for exp, {@code id}), when there is one: derivatives then reuse
         * the value instead of recomputing it}
         */
        public java.util.Optional<Prog> outputDerivative() {
            return outputDerivative == null ? java.util.Optional.empty() : java.util.Optional.of(outputDerivative.get());
        }

        /** {@return the function's value at x} @param x the point */
        public double apply(double x) { return f.applyAsDouble(x); }

        /**
         * {@return the function itself}: compiled code calls it directly, each call site with its
         * own type profile, so the JVM inlines it (through {@link #apply} every primitive shares one)
         */
        public DoubleUnaryOperator function() { return f; }

        /** {@return the derivative as a program R → R} */
        public Prog derivative() {
            Prog d = derivative.get();
            if (!d.dom().equals(R) || !d.cod().equals(R))
                throw new ShapeException("derivative of " + name + " must be R → R, got " + Printer.brief(d) + " : " + d.dom() + " → " + d.cod());
            return d;
        }

        /** {@return the parameter, or NaN when the primitive has none} */
        public double param() { return param; }

        /** {@return where the function is smooth} */
        public Interval domain() { return domain; }

        @Override public String name() { return name; }
        @Override public String params() { return Double.isNaN(param) ? "" : Printer.number(param); }
        @Override public Shape dom() { return R; }
        @Override public Shape cod() { return R; }
        @Override public boolean linear() { return false; }
        @Override public boolean equals(Object o) {
            return o instanceof Unary u && name.equals(u.name) && Double.doubleToLongBits(param) == Double.doubleToLongBits(u.param);
        }
        @Override public int hashCode() { return name.hashCode() * 31 + Double.hashCode(param); }
        @Override public String toString() { return params().isEmpty() ? name : name + " " + params(); }
    }

    /** A scalar function {@code R × R → R} with its gradient as a program {@code R × R → R × R}. */
    final class Binary implements Primitive {
        private final String name;
        private final DoubleBinaryOperator f;
        private final Lazy gradient;
        private final Interval leftDomain;
        private final Interval rightDomain;

        Binary(String name, DoubleBinaryOperator f, Supplier<Prog> gradient, Interval leftDomain, Interval rightDomain) {
            this.name = Names.check(name);
            this.f = Objects.requireNonNull(f);
            this.gradient = new Lazy(gradient);
            this.leftDomain = leftDomain;
            this.rightDomain = rightDomain;
        }

        /** {@return the value at (u, v)} @param u left @param v right */
        public double apply(double u, double v) { return f.applyAsDouble(u, v); }

        /** {@return the function itself, for compiled code to call directly (see {@link Unary#function()})} */
        public DoubleBinaryOperator function() { return f; }

        /** {@return the gradient as a program R × R → R × R: (∂/∂u, ∂/∂v)} */
        public Prog gradient() {
            Prog g = gradient.get();
            Shape rr = Shape.pair(R, R);
            if (!g.dom().equals(rr) || !g.cod().equals(rr))
                throw new ShapeException("gradient of " + name + " must be (R × R) → (R × R), got " + g.dom() + " → " + g.cod());
            return g;
        }

        /** {@return where the function is smooth in its left argument} */
        public Interval leftDomain() { return leftDomain; }

        /** {@return where the function is smooth in its right argument} */
        public Interval rightDomain() { return rightDomain; }

        @Override public String name() { return name; }
        @Override public String params() { return ""; }
        @Override public Shape dom() { return Shape.pair(R, R); }
        @Override public Shape cod() { return R; }
        @Override public boolean linear() { return false; }
        @Override public boolean equals(Object o) { return o instanceof Binary b && name.equals(b.name); }
        @Override public int hashCode() { return name.hashCode(); }
        @Override public String toString() { return name; }
    }

    /** Evaluates one element of a general primitive on flat buffers. */
    @FunctionalInterface
    interface Kernel {
        /**
         * Reads {@code dom.dim()} numbers of {@code x} from {@code xo} and writes {@code cod.dim()}
         * numbers of {@code y} from {@code yo}.
         * @param x input buffer @param xo input offset @param y output buffer @param yo output offset
         */
        void apply(double[] x, int xo, double[] y, int yo);
    }

    /**
     * A primitive of any shape {@code A → B}: a kernel, a forward rule {@code jvp : A × A → B}
     * ({@code (x, dx) ↦ f'(x) dx}, linear in {@code dx}) and a reverse rule {@code vjp : A × B → A}
     * ({@code (x, ct) ↦ f'(x)ᵀ ct}, linear in {@code ct}). Equal when name, parameters and shapes are equal.
     */
    final class General implements Primitive {
        private final String name;
        private final String params;
        private final Shape dom;
        private final Shape cod;
        private final Kernel kernel;
        private final Lazy jvp;
        private final Lazy vjp;
        private final boolean linear;

        General(String name, String params, Shape dom, Shape cod, Kernel kernel, Supplier<Prog> jvp, Supplier<Prog> vjp, boolean linear) {
            this.name = Names.check(name);
            this.params = Objects.requireNonNull(params);
            this.dom = Objects.requireNonNull(dom);
            this.cod = Objects.requireNonNull(cod);
            this.kernel = Objects.requireNonNull(kernel);
            this.jvp = new Lazy(jvp);
            this.vjp = new Lazy(vjp);
            this.linear = linear;
        }

        /** {@return the per-element kernel} */
        public Kernel kernel() { return kernel; }

        /** {@return the forward rule {@code A × A → B}} */
        public Prog jvp() {
            Prog p = jvp.get();
            if (!p.dom().equals(Shape.pair(dom, dom)) || !p.cod().equals(cod))
                throw new ShapeException("jvp rule of " + this + " must be " + Shape.pair(dom, dom) + " → " + cod + ", got " + p.dom() + " → " + p.cod());
            return p;
        }

        /** {@return the reverse rule {@code A × B → A}} */
        public Prog vjp() {
            Prog p = vjp.get();
            if (!p.dom().equals(Shape.pair(dom, cod)) || !p.cod().equals(dom))
                throw new ShapeException("vjp rule of " + this + " must be " + Shape.pair(dom, cod) + " → " + dom + ", got " + p.dom() + " → " + p.cod());
            return p;
        }

        @Override public String name() { return name; }
        @Override public String params() { return params; }
        @Override public Shape dom() { return dom; }
        @Override public Shape cod() { return cod; }
        @Override public boolean linear() { return linear; }
        @Override public boolean equals(Object o) {
            return o instanceof General g && name.equals(g.name) && params.equals(g.params) && dom.equals(g.dom) && cod.equals(g.cod);
        }
        @Override public int hashCode() { return Objects.hash(name, params, dom, cod); }
        @Override public String toString() { return params.isEmpty() ? name : name + " " + params; }
    }

    // ---------------------------------------------------------------- user-facing factories

    /**
     * {@return a user scalar primitive whose derivative is a catad program, so it differentiates to any order}
     * @param name its token, a Java-style identifier
     * @param f its value
     * @param derivative its derivative {@code R → R}, built lazily (it may mention the primitive itself)
     * @param domain where it is smooth
     */
    static Unary unary(String name, DoubleUnaryOperator f, Supplier<Prog> derivative, Interval domain) {
        return new Unary(name, Double.NaN, f, derivative, domain);
    }

    /**
     * {@return a user scalar primitive whose derivative is a Java function; differentiable once (its
     * derivative is a primitive {@code name'} without a derivative of its own)}
     * @param name its token @param f its value @param df its derivative
     */
    static Unary unary(String name, DoubleUnaryOperator f, DoubleUnaryOperator df) {
        Unary d = new Unary(name + "'", Double.NaN, df, () -> {
            throw new CatadException("primitive " + name + "' has no derivative: give " + name
                    + " its derivative as a catad program to differentiate it twice");
        }, Interval.ALL);
        return new Unary(name, Double.NaN, f, d::prog, Interval.ALL);
    }

    /**
     * {@return a user binary scalar primitive}
     * @param name its token @param f its value @param gradient its gradient {@code R × R → R × R}
     */
    static Binary binary(String name, DoubleBinaryOperator f, Supplier<Prog> gradient) {
        return new Binary(name, f, gradient, Interval.ALL, Interval.ALL);
    }

    /**
     * {@return a user primitive of any shape, with forward and reverse rules as programs}
     * @param name its token @param dom input shape @param cod output shape @param kernel its value
     * @param jvp forward rule {@code A × A → B} @param vjp reverse rule {@code A × B → A}
     */
    static General general(String name, Shape dom, Shape cod, Kernel kernel, Supplier<Prog> jvp, Supplier<Prog> vjp) {
        return new General(name, "", dom, cod, kernel, jvp, vjp, false);
    }

    /**
     * {@return a user linear primitive and, through {@code transpose}, its transpose; a linear map is its
     * own derivative}
     * @param name its token @param dom input shape @param cod output shape @param kernel its value
     * @param transposeName token of the transpose @param transposeKernel the transpose's value {@code B → A}
     */
    static General linear(String name, Shape dom, Shape cod, Kernel kernel, String transposeName, Kernel transposeKernel) {
        var self = new General[1];
        var tr = new General[1];
        tr[0] = new General(transposeName, "", cod, dom, transposeKernel,
                () -> Catad.compose(tr[0].prog(), Catad.exr(cod, cod)),
                () -> Catad.compose(self[0].prog(), Catad.exr(cod, dom)), true);
        self[0] = new General(name, "", dom, cod, kernel,
                () -> Catad.compose(self[0].prog(), Catad.exr(dom, dom)),
                () -> Catad.compose(tr[0].prog(), Catad.exr(dom, cod)), true);
        return self[0];
    }

    /** {@return a built-in general primitive; for {@link Prims}} */
    static General builtin(String name, String params, Shape dom, Shape cod, Kernel kernel, Supplier<Prog> jvp, Supplier<Prog> vjp, boolean linear) {
        return new General(name, params, dom, cod, kernel, jvp, vjp, linear);
    }

    /** {@return a built-in unary; for {@link Prims}} */
    static Unary builtinUnary(String name, double param, DoubleUnaryOperator f, Supplier<Prog> derivative, Interval domain) {
        return new Unary(name, param, f, derivative, domain);
    }

    /** {@return a built-in unary whose derivative is also known as a function of its output; for {@link Prims}} */
    static Unary builtinUnary(String name, double param, DoubleUnaryOperator f, Supplier<Prog> derivative,
                              Supplier<Prog> outputDerivative, Interval domain) {
        return new Unary(name, param, f, derivative, outputDerivative, domain);
    }

    /** {@return a built-in binary; for {@link Prims}} */
    static Binary builtinBinary(String name, DoubleBinaryOperator f, Supplier<Prog> gradient, Interval l, Interval r) {
        return new Binary(name, f, gradient, l, r);
    }

    /** Primitive names are identifiers, optionally ending in primes. */
    final class Names {
        private Names() {}
        static String check(String name) {
            if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*'*"))
                throw new CatadException("primitive name must be an identifier (letters, digits, _; optional trailing '), got " + name);
            return name;
        }
    }
}
