package catad.dsl;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The pointful front end: write an ordinary Java lambda over symbolic values ({@link Sym}) and get
 * the equivalent point-free program (Conal Elliott's "compiling to categories").
 *
 * <p>The lambda runs once, on a symbolic input, recording a graph of operations; the graph is then
 * compiled to combinators. Values used more than once are computed once and shared with {@code dup}
 * and projections, structurally equal sub-expressions are merged, values a {@code map} or loop body
 * does not need to recompute per element are hoisted out of it, and the program's size grows as
 * {@code n log w} for a graph of {@code n} nodes with at most {@code w} values live at once (a
 * recurrence of a thousand steps compiles to a program a thousand steps long, not a million).
 *
 * {@snippet :
 * Prog f = Pointful.compile(Shape.vec(3), x -> x.at(0).times(x.at(1)).sin());   // sin(x0·x1)
 * Prog h = Pointful.compile(Shape.R, Shape.R, (x, y) -> {
 *     Sym t = x.times(y);
 *     return t.sin().plus(t.cos());          // one mul, one sin, one cos
 * });
 * }
 */
public final class Pointful {
    private Pointful() {}

    /**
     * {@return the program {@code in → B} the body computes}
     * @param in the input shape
     * @param body the function, from the symbolic input to the symbolic result
     */
    public static Prog compile(Shape in, Function<Sym, Sym> body) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(body, "body");
        Scope root = Scope.root(in);
        root.trace(() -> body.apply(new Sym(root.var)));
        return Compiler.compile(root);
    }

    /**
     * {@return the program {@code a × b → C} the body computes from the two components of its input}
     * @param a the left input shape
     * @param b the right input shape
     * @param body the function of the two symbolic inputs
     */
    public static Prog compile(Shape a, Shape b, BiFunction<Sym, Sym, Sym> body) {
        Objects.requireNonNull(body, "body");
        return compile(Shape.pair(a, b), v -> body.apply(v.fst(), v.snd()));
    }
}
