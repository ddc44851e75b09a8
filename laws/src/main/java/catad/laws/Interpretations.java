package catad.laws;

import static catad.dsl.Catad.compose;
import static catad.dsl.Catad.exl;
import static catad.dsl.Catad.fork;
import static catad.laws.Check.concat;
import static catad.laws.Check.slice;

import catad.dsl.Parser;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import catad.interpreter.Simplify;
import catad.jit.Jit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The interpretations of the interpreter module, each checked against the law contracts by a test
 * class of the {@code laws} module.
 *
 * <table>
 * <caption>meanings of {@code f : A → B}</caption>
 * <tr><th>name</th><th>input → output</th><th>computed by</th></tr>
 * <tr><td>{@link #EVAL}</td><td>{@code x ↦ f x}</td><td>{@code AD.eval}</td></tr>
 * <tr><td>{@link #JIT}</td><td>{@code x ↦ f x}</td><td>{@code Jit.eval}: the program compiled to bytecode</td></tr>
 * <tr><td>{@link #SIMPLIFIED}</td><td>{@code x ↦ f x}</td><td>evaluation of {@code Simplify.simplify(f)}</td></tr>
 * <tr><td>{@link #TEXT}</td><td>{@code x ↦ f x}</td><td>evaluation of {@code Parser.parse(Printer.print(f))}</td></tr>
 * <tr><td>{@link #JVP}</td><td>{@code (x, dx) ↦ (f x, f'(x) dx)}</td><td>{@code AD.jvp(f, x, dx)}, forward mode at a point</td></tr>
 * <tr><td>{@link #VJP}</td><td>{@code (x, ct) ↦ (f x, f'(x)ᵀ ct)}</td><td>{@code AD.vjp(f, x)}, reverse mode at a point</td></tr>
 * <tr><td>{@link #JVP_PROGRAM}</td><td>{@code (x, dx) ↦ (f x, f'(x) dx)}</td><td>evaluation of the program {@code AD.jvp(f)}</td></tr>
 * <tr><td>{@link #VJP_PROGRAM}</td><td>{@code (x, ct) ↦ (f x, f'(x)ᵀ ct)}</td><td>evaluation of {@code (f ∘ exl) △ AD.vjp(f)}</td></tr>
 * <tr><td>{@link #JVP_OF_JVP}</td><td>forward over forward</td><td>evaluation of {@code AD.jvp(AD.jvp(f))}</td></tr>
 * <tr><td>{@link #JVP_OF_VJP}</td><td>forward over reverse</td><td>evaluation of {@code AD.jvp} of the {@link #VJP_PROGRAM} view</td></tr>
 * </table>
 */
public final class Interpretations {
    private Interpretations() {}

    /** Direct evaluation, {@link AD#eval}. */
    public static final ProgramInterpretation EVAL = new Rewrite("eval", f -> f);

    /** Evaluation of the simplified program. */
    public static final ProgramInterpretation SIMPLIFIED = new Rewrite("simplified", Simplify::simplify);

    /** Evaluation of the program read back from its text: printing and parsing as an interpretation. */
    public static final ProgramInterpretation TEXT = new Rewrite("text", f -> Parser.parse(Printer.print(f), Parser.primitivesOf(f)));

    /** Forward mode at a point: {@code (x, dx) ↦ (f x, f'(x) dx)} by {@link AD#jvp(Prog, double[], double[])}. */
    public static final Interpretation JVP = new Interpretation() {
        @Override public String name() { return "jvp"; }
        @Override public Shape input(Prog f) { return Shape.pair(f.dom(), f.dom()); }
        @Override public Shape output(Prog f) { return Shape.pair(f.cod(), f.cod()); }
        @Override public double[] run(Prog f, double[] in) {
            int a = f.dom().dim();
            var r = AD.jvp(f, slice(in, 0, a), slice(in, a, 2 * a));
            return concat(r._1, r._2);
        }
        @Override public String toString() { return name(); }
    };

    /** Reverse mode at a point: {@code (x, ct) ↦ (f x, f'(x)ᵀ ct)} by {@link AD#vjp(Prog, double...)}. */
    public static final Interpretation VJP = new Interpretation() {
        @Override public String name() { return "vjp"; }
        @Override public Shape input(Prog f) { return Shape.pair(f.dom(), f.cod()); }
        @Override public Shape output(Prog f) { return Shape.pair(f.cod(), f.dom()); }
        @Override public double[] run(Prog f, double[] in) {
            int a = f.dom().dim();
            var r = AD.vjp(f, slice(in, 0, a));
            return concat(r._1, r._2.apply(slice(in, a, in.length)));
        }
        @Override public double[] runThen(Prog f, Prog g, double[] in) { return reverseThen(this, f, g, in); }
        @Override public String toString() { return name(); }
    };

    /** The forward derivative program {@code AD.jvp(f) : A × A → B × B}, evaluated. */
    public static final ProgramInterpretation JVP_PROGRAM = new Rewrite("jvp program", AD::jvp) {
        @Override public Shape input(Prog f) { return Shape.pair(f.dom(), f.dom()); }
        @Override public Shape output(Prog f) { return Shape.pair(f.cod(), f.cod()); }
    };

    /** The reverse derivative program with the value beside it, {@code (f ∘ exl) △ AD.vjp(f) : A × B → B × A}, evaluated. */
    public static final ProgramInterpretation VJP_PROGRAM = new Rewrite("vjp program",
            f -> Simplify.simplify(fork(compose(f, exl(f.dom(), f.cod())), AD.vjp(f)))) {
        @Override public Shape input(Prog f) { return Shape.pair(f.dom(), f.cod()); }
        @Override public Shape output(Prog f) { return Shape.pair(f.cod(), f.dom()); }
        @Override public double[] runThen(Prog f, Prog g, double[] in) { return reverseThen(this, f, g, in); }
    };

    /** Forward over forward, {@code AD.jvp(AD.jvp(f))}: second derivatives as a program. */
    public static final ProgramInterpretation JVP_OF_JVP = new Rewrite("jvp of jvp program", f -> AD.jvp(AD.jvp(f))) {
        @Override public Shape input(Prog f) { var a = Shape.pair(f.dom(), f.dom()); return Shape.pair(a, a); }
        @Override public Shape output(Prog f) { var b = Shape.pair(f.cod(), f.cod()); return Shape.pair(b, b); }
    };

    /** Forward over reverse, {@code AD.jvp} of the {@link #VJP_PROGRAM} view: how Hessians are computed. */
    public static final ProgramInterpretation JVP_OF_VJP = new Rewrite("jvp of vjp program", f -> AD.jvp(VJP_PROGRAM.view(f))) {
        @Override public Shape input(Prog f) { var a = Shape.pair(f.dom(), f.cod()); return Shape.pair(a, a); }
        @Override public Shape output(Prog f) { var b = Shape.pair(f.cod(), f.dom()); return Shape.pair(b, b); }
        @Override public double[] runThen(Prog f, Prog g, double[] in) { return tangentReverseThen(this, f, g, in); }
    };

    /**
     * Evaluation by the JIT: {@code x ↦ f x} by the program compiled to bytecode ({@link Jit#eval}).
     * It must agree with {@link #EVAL} bit for bit, not only satisfy the laws.
     */
    public static final Interpretation JIT = new Interpretation() {
        @Override public String name() { return "jit"; }
        @Override public double[] run(Prog f, double[] in) { return Jit.eval(f, in); }
        @Override public String toString() { return name(); }
    };

    /** {@return every interpretation above} */
    public static List<Interpretation> all() {
        return List.of(EVAL, SIMPLIFIED, TEXT, JVP, VJP, JVP_PROGRAM, VJP_PROGRAM, JVP_OF_JVP, JVP_OF_VJP, JIT);
    }

    // ---------------------------------------------------------------- composition in reverse mode

    /**
     * {@code g ∘ f} in a reverse meaning, {@code (x, ct) ↦ (g (f x), f'(x)ᵀ (g'(f x)ᵀ ct))}: the
     * value forward through f then g, the cotangent back through g then f.
     */
    static double[] reverseThen(Interpretation m, Prog f, Prog g, double[] in) {
        int a = f.dom().dim(), b = f.cod().dim(), c = g.cod().dim();
        double[] x = slice(in, 0, a), ct = slice(in, a, a + c);
        double[] fx = slice(m.run(f, concat(x, new double[b])), 0, b);
        double[] viaG = m.run(g, concat(fx, ct));                                // (g fx, ct through g)
        double[] viaF = m.run(f, concat(x, slice(viaG, c, c + b)));              // (f x, ct through g then f)
        return concat(slice(viaG, 0, c), slice(viaF, b, b + a));
    }

    /** The same in the forward-over-reverse meaning, on {@code ((x, ct), (dx, dct))}: every step carries its tangent. */
    static double[] tangentReverseThen(Interpretation m, Prog f, Prog g, double[] in) {
        int a = f.dom().dim(), b = f.cod().dim(), c = g.cod().dim();
        double[] x = slice(in, 0, a), ct = slice(in, a, a + c), dx = slice(in, a + c, 2 * a + c), dct = slice(in, 2 * a + c, 2 * (a + c));
        double[] first = m.run(f, concat(concat(x, new double[b]), concat(dx, new double[b])));
        double[] fx = slice(first, 0, b), dfx = slice(first, b + a, 2 * b + a);
        double[] viaG = m.run(g, concat(concat(fx, ct), concat(dfx, dct)));      // ((g fx, ctb), (d g fx, d ctb))
        double[] ctb = slice(viaG, c, c + b), dctb = slice(viaG, 2 * c + b, 2 * (c + b));
        double[] viaF = m.run(f, concat(concat(x, ctb), concat(dx, dctb)));      // ((f x, cta), (d f x, d cta))
        return concat(concat(slice(viaG, 0, c), slice(viaF, b, b + a)), concat(slice(viaG, c + b, 2 * c + b), slice(viaF, 2 * b + a, 2 * (a + b))));
    }

    // ---------------------------------------------------------------- rewriting interpretations

    /**
     * An interpretation by rewriting, with the last few views remembered: a law runs the same
     * program several times, and a derivative program is worth building once.
     */
    private static class Rewrite implements ProgramInterpretation {
        private static final int REMEMBERED = 64;
        private final String name;
        private final UnaryOperator<Prog> rewrite;
        private final Map<Prog, Prog> views = new LinkedHashMap<>(16, 0.75f) {
            @Override protected boolean removeEldestEntry(Map.Entry<Prog, Prog> e) { return size() > REMEMBERED; }
        };

        Rewrite(String name, UnaryOperator<Prog> rewrite) {
            this.name = name;
            this.rewrite = rewrite;
        }

        @Override public String name() { return name; }

        @Override public Prog view(Prog f) {
            synchronized (views) {
                var v = views.get(f);
                if (v == null) views.put(f, v = rewrite.apply(f));
                return v;
            }
        }

        /** {@inheritDoc} f's own, for a rewrite that keeps the meaning; derivative views override it. */
        @Override public Shape input(Prog f) { return f.dom(); }

        /** {@inheritDoc} f's own, for a rewrite that keeps the meaning; derivative views override it. */
        @Override public Shape output(Prog f) { return f.cod(); }

        @Override public String toString() { return name; }
    }
}
