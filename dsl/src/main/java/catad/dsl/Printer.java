package catad.dsl;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Prints programs in catad's concrete syntax, ConCat's arrow notation, which {@link Parser} reads
 * back to an equal program. The syntax is described in {@code docs/syntax.md}; in short:
 *
 * <pre>{@code
 * program ::= expr ' : ' shape ' -> ' shape
 * expr    ::= expr ' ||| ' expr                   join    f ▽ g   infixr 2
 *           | expr ' *** ' expr                   cross   f × g   infixr 3
 *           | expr ' &&& ' expr                   fork    f △ g   infixr 3
 *           | expr ' . ' expr                     compose f ∘ g   infixr 9
 *           | word (' ' arg)*                     application binds tightest
 * arg     ::= word-without-arguments | '(' expr ')'
 * shape   ::= 'R' | '1' | '[' n ']' shape | shape ' * ' shape | '(' shape ')'
 * }</pre>
 *
 * <p>Parentheses are minimal for Haskell's fixities, except that {@code ***} and {@code &&&}, which
 * share a precedence, are parenthesised when mixed ({@code f *** (g &&& h)}) and a left operand of
 * a right-associative operator is parenthesised ({@code (f *** g) *** h}). {@link #unicode} writes
 * {@code ∘ × △ ▽ →} and {@code ×} in shapes instead.
 *
 * {@snippet :
 * Printer.print(compose(sum(Shape.vec(3)), map(3, compose(sin, exp))));
 * // "sum . map (sin . exp) : [3]R -> R"
 * }
 *
 * <p>Words whose shapes follow from their input print bare ({@code id exl exr dup ! jam sum zip
 * unzip transpose}, {@code ex i}, {@code map f}, {@code cond p f g}, {@code iterate n f},
 * {@code while p f}, {@code mapAccumL f}, {@code mapAccumR f}); the others carry the missing shape
 * in angle brackets ({@code inl<B>}, {@code inr<A>}, {@code zero<B>}, {@code reshape<B>},
 * {@code const<B> [c, …]}) or as numbers ({@code in n i}, {@code repl n}, {@code scale s},
 * {@code const c}). Primitives print as their name and parameters ({@code sin}, {@code pow 3.0},
 * {@code matvec 2 3}). The derived forms {@code fork}, {@code join}, {@code sub}, {@code fold} and
 * {@code scan} are recognised in composition lists and printed as {@code f &&& g}, {@code f ||| g},
 * {@code sub}, {@code fold f}, {@code scan f}, since they parse back to the same steps.
 *
 * <p>The printer works with an explicit stack, never recursion, so a program of any length or
 * nesting depth prints without overflowing the thread's stack, and {@link #brief} stops as soon as
 * it has enough text.
 */
public final class Printer {
    private Printer() {}

    /** How many characters {@link #brief} keeps before it cuts the text with "…". */
    public static final int BRIEF_LENGTH = 160;

    /**
     * {@return the program's text with its signature, {@code expr : Dom -> Cod}, in ASCII}
     * @param p program
     */
    public static String print(Prog p) { return signed(p, false); }

    /**
     * {@return the program's text with its signature, using the Unicode operators {@code ∘ × △ ▽ →}}
     * @param p program
     */
    public static String unicode(Prog p) { return signed(p, true); }

    /**
     * {@return the program's expression without a signature, in ASCII}
     * @param p program
     */
    public static String expression(Prog p) {
        return new Out(false, Integer.MAX_VALUE).prog(p).run();
    }

    /**
     * {@return a shape in the syntax the parser reads, e.g. {@code [3](R * R)}, in ASCII}
     * @param s shape
     */
    public static String shape(Shape s) { return new Out(false, Integer.MAX_VALUE).shape(s).run(); }

    /**
     * {@return the program's expression, cut after about {@value #BRIEF_LENGTH} characters with "…",
     * for error messages; it stops printing once it has enough, so it is cheap on huge programs}
     * @param p program
     */
    public static String brief(Prog p) {
        String s = new Out(false, BRIEF_LENGTH).prog(p).run();
        return s.length() > BRIEF_LENGTH ? s.substring(0, BRIEF_LENGTH) + "…" : s;
    }

    /**
     * {@return a number as the parser reads it back bit for bit: {@link Double#toString}, so
     * {@code -0.0}, {@code NaN}, {@code Infinity} and {@code -Infinity} survive}
     * @param x the number
     */
    public static String number(double x) { return Double.toString(x); }

    /**
     * {@return a bracketed list of numbers, {@code [1.0, -2.5]}}
     * @param xs numbers
     */
    public static String numbers(double[] xs) {
        var sb = new StringBuilder("[");
        for (int i = 0; i < xs.length; i++) { if (i > 0) sb.append(", "); sb.append(number(xs[i])); }
        return sb.append(']').toString();
    }

    private static String signed(Prog p, boolean unicode) {
        return new Out(unicode, Integer.MAX_VALUE)
                .prog(p).text(" : ").shape(p.dom()).text(unicode ? " → " : " -> ").shape(p.cod())
                .run();
    }

    // ---------------------------------------------------------------- forms: what a program prints as

    /** Infix operators and their precedence (Haskell's fixities). */
    private enum Op {
        JOIN(2), CROSS(3), FORK(3);
        final int prec;
        Op(int prec) { this.prec = prec; }
    }

    /** Precedence of a composition chain. */
    private static final int COMPOSE = 9;
    /** Precedence of an application {@code head arg…}: tighter than any operator, looser than a bare word. */
    private static final int APPLY = 10;
    /** Precedence of a bare word or a parenthesised expression. */
    private static final int ATOM = 11;

    /** The printed form of a program or of a group of composition steps. */
    private sealed interface Form {}

    /** A composition of two or more groups; {@code steps} first applied first. */
    private record Chain(List<Prog> steps) implements Form {}

    /** {@code l op r}. */
    private record Bin(Op op, Prog l, Prog r) implements Form {}

    /** {@code head<angle> arg…}: {@code angle} is null or the text between the brackets; args print as atoms. */
    private record Word(String head, Item angle, List<Item> args) implements Form {}

    private static int prec(Form f) {
        return switch (f) {
            case Chain c -> COMPOSE;
            case Bin b -> b.op().prec;
            case Word w -> w.args().isEmpty() ? ATOM : APPLY;
        };
    }

    /** {@return the form of a program: one level of it, its parts stay programs} */
    private static Form form(Prog p) {
        return switch (p) {
            case Prog.Compose c -> chain(c.steps());
            case Prog.Id x -> word("id");
            case Prog.Cross x -> new Bin(Op.CROSS, x.f(), x.g());
            case Prog.Exl x -> word("exl");
            case Prog.Exr x -> word("exr");
            case Prog.Dup x -> word("dup");
            case Prog.Bang x -> word("!");
            case Prog.Inl x -> angled("inl", x.b());
            case Prog.Inr x -> angled("inr", x.a());
            case Prog.Jam x -> word("jam");
            case Prog.Const x -> x.cod() instanceof Shape.Real
                    ? word("const", text(number(x.at(0))))
                    : angled("const", x.cod(), new Numbers(x, 0, x.cod().dim()));
            case Prog.Zero x -> angled("zero", x.cod());
            case Prog.Scale x -> word("scale", text(number(x.s())));
            case Prog.Prim x -> primitive(x.p());
            case Prog.Map x -> word("map", arg(x.f()));
            case Prog.Ex x -> word("ex", text(x.i()));
            case Prog.In x -> word("in", text(x.n()), text(x.i()));
            case Prog.Repl x -> word("repl", text(x.n()));
            case Prog.Sum x -> word("sum");
            case Prog.Zip x -> word("zip");
            case Prog.Unzip x -> word("unzip");
            case Prog.Reshape x -> angled("reshape", x.to());
            case Prog.Transpose x -> word("transpose");
            case Prog.Cond x -> word("cond", arg(x.p()), arg(x.f()), arg(x.g()));
            case Prog.Iterate x -> word("iterate", text(x.n()), arg(x.f()));
            case Prog.While x -> new Word("while",
                    x.maxIter() == Catad.WHILE_BOUND ? null : new Text(Integer.toString(x.maxIter())), List.of(arg(x.p()), arg(x.f())));
            case Prog.MapAccum x -> word(x.reverse() ? "mapAccumR" : "mapAccumL", arg(x.f()));
        };
    }

    private static Form primitive(Primitive p) {
        // Primitive.Unary treats a NaN parameter as "none"; the parser always wants pow's exponent.
        if (p instanceof Primitive.Unary u && u.name().equals("pow")) return word("pow", text(number(u.param())));
        return p.params().isEmpty() ? word(p.name()) : word(p.name(), text(p.params()));
    }

    private static Word word(String head, Item... args) { return new Word(head, null, List.of(args)); }
    private static Word angled(String head, Shape s, Item... args) { return new Word(head, new ShapeJob(s, true), List.of(args)); }
    private static Item text(String s) { return new Text(s); }
    private static Item text(int i) { return new Text(Integer.toString(i)); }
    private static Item arg(Prog p) { return arg(form(p)); }
    private static Item arg(Form f) { return new Job(f, ATOM, null); }

    /** {@return the form of composition steps (first applied first): one group, or a chain} */
    private static Form chain(List<Prog> steps) {
        if (steps.size() == 1) return form(steps.getFirst());
        if (steps.size() == 2) {
            Form g = group(steps, 1);
            if (g != null) return g;
        }
        return new Chain(steps);
    }

    /**
     * {@return the derived form made by steps {@code j-1} and {@code j}, or null}: fold, scan, sub,
     * join {@code [f × g, jam]} and fork {@code [dup, f × g]}, exactly as {@link Catad} builds them,
     * so the text parses back to the same steps. Compositions print from the last step back, so
     * this looks at the pair ending at {@code j}.
     */
    private static Form group(List<Prog> steps, int j) {
        if (j < 1) return null;
        Prog a = steps.get(j - 1), b = steps.get(j);
        if (a instanceof Prog.MapAccum(int n, Prog g, boolean rev) && !rev && g instanceof Prog.Compose c) {
            var gs = c.steps();
            if (b instanceof Prog.Exl && gs.size() == 2 && gs.get(0) instanceof Prog.Dup
                    && gs.get(1) instanceof Prog.Cross(Prog f, Prog bang, Shape d1, Shape c1) && bang instanceof Prog.Bang)
                return word("fold", arg(f));
            if (b instanceof Prog.Exr && gs.getLast() instanceof Prog.Dup)
                return word("scan", arg(chain(gs.subList(0, gs.size() - 1))));
        }
        if (a instanceof Prog.Cross(Prog f, Prog g, Shape d1, Shape c1) && b instanceof Prog.Jam) {
            if (f instanceof Prog.Id && g instanceof Prog.Scale(Shape s, double k)
                    && Double.doubleToLongBits(k) == Double.doubleToLongBits(-1.0))
                return word("sub");
            // [dup, f × g, jam] reads better as jam . (f &&& g) than as (f ||| g) . dup
            if (j >= 2 && steps.get(j - 2) instanceof Prog.Dup) return null;
            return new Bin(Op.JOIN, f, g);
        }
        if (a instanceof Prog.Dup && b instanceof Prog.Cross(Prog f, Prog g, Shape d1, Shape c1)) return new Bin(Op.FORK, f, g);
        return null;
    }

    // ---------------------------------------------------------------- the printing machine

    /** An entry of the printer's work stack. */
    private sealed interface Item {}

    /** Text to append. */
    private record Text(String s) implements Item {}

    /**
     * A form, parenthesised unless its precedence is at least {@code min} or it is the operator
     * {@code same} (the right operand of that same right-associative operator); {@code same} may be null.
     */
    private record Job(Form form, int min, Op same) implements Item {}

    /** A shape; {@code top} when a pair needs no parentheses. */
    private record ShapeJob(Shape s, boolean top) implements Item {}

    /** The numbers of a constant from index {@code i} of {@code n}, one at a time, so that {@link #brief} stops early. */
    private record Numbers(Prog.Const c, int i, int n) implements Item {}

    /** The steps of a composition from {@code j} back to the first; {@code first} when none is printed yet. */
    private record Cursor(List<Prog> steps, int j, boolean first) implements Item {}

    /** A work stack, run until it is empty or {@code limit} characters are out. */
    private static final class Out {
        private final StringBuilder sb = new StringBuilder();
        private final ArrayDeque<Item> work = new ArrayDeque<>();
        private final ArrayDeque<Item> queued = new ArrayDeque<>();
        private final boolean unicode;
        private final int limit;

        Out(boolean unicode, int limit) { this.unicode = unicode; this.limit = limit; }

        Out prog(Prog p) { queued.add(new Job(form(p), 0, null)); return this; }
        Out text(String s) { queued.add(new Text(s)); return this; }
        Out shape(Shape s) { queued.add(new ShapeJob(s, true)); return this; }

        String run() {
            while (!queued.isEmpty()) work.push(queued.removeLast());
            while (!work.isEmpty() && sb.length() <= limit) {
                switch (work.pop()) {
                    case Text t -> append(t.s());
                    case Numbers(Prog.Const c, int i, int n) -> {
                        if (i == 0) sb.append('[');
                        if (i == n) { sb.append(']'); break; }
                        if (i > 0) sb.append(", ");
                        sb.append(number(c.at(i)));
                        work.push(new Numbers(c, i + 1, n));
                    }
                    case ShapeJob j -> shapeJob(j);
                    case Job j -> job(j);
                    case Cursor c -> cursor(c);
                }
            }
            return sb.toString();
        }

        /** Appends text, but no more than one character past the limit. */
        private void append(String s) {
            int room = limit - sb.length();
            if (s.length() <= room) sb.append(s);
            else sb.append(s, 0, room + 1);
        }

        /** Pushes items so that they run in the order given. */
        private void then(Item... items) {
            for (int i = items.length - 1; i >= 0; i--) work.push(items[i]);
        }

        private void job(Job j) {
            Form f = j.form();
            if (prec(f) < j.min() && !(f instanceof Bin b && b.op() == j.same())) {
                then(new Text("("), new Job(f, 0, null), new Text(")"));
                return;
            }
            switch (f) {
                case Chain c -> work.push(new Cursor(c.steps(), c.steps().size() - 1, true));
                case Bin b -> then(new Job(form(b.l()), b.op().prec + 1, null), new Text(" " + symbol(b.op()) + " "),
                        new Job(form(b.r()), b.op().prec + 1, b.op()));
                case Word w -> word(w);
            }
        }

        private void word(Word w) {
            for (int i = w.args().size() - 1; i >= 0; i--) then(new Text(" "), w.args().get(i));
            if (w.angle() != null) then(new Text("<"), w.angle(), new Text(">"));
            work.push(new Text(w.head()));
        }

        private void cursor(Cursor c) {
            if (c.j() < 0) return;
            Form g = group(c.steps(), c.j());
            work.push(new Cursor(c.steps(), c.j() - (g == null ? 1 : 2), false));
            work.push(new Job(g == null ? form(c.steps().get(c.j())) : g, APPLY, null));
            if (!c.first()) work.push(new Text(unicode ? " ∘ " : " . "));
        }

        private void shapeJob(ShapeJob j) {
            switch (j.s()) {
                case Shape.Real r -> sb.append('R');
                case Shape.Unit u -> sb.append('1');
                case Shape.Arr(int n, Shape e) -> then(new Text("[" + n + "]"), new ShapeJob(e, false));
                case Shape.Pair(Shape l, Shape r) -> {
                    var times = new Text(unicode ? " × " : " * ");
                    if (j.top()) then(new ShapeJob(l, false), times, new ShapeJob(r, false));
                    else then(new Text("("), new ShapeJob(l, false), times, new ShapeJob(r, false), new Text(")"));
                }
            }
        }

        private String symbol(Op op) {
            return switch (op) {
                case JOIN -> unicode ? "▽" : "|||";
                case CROSS -> unicode ? "×" : "***";
                case FORK -> unicode ? "△" : "&&&";
            };
        }
    }
}
