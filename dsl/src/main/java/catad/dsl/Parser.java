package catad.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads the concrete syntax that {@link Printer} writes back into programs: {@code parse(print(f))}
 * equals {@code f}. The syntax is described in {@code docs/syntax.md}:
 *
 * <pre>{@code
 * program ::= expr ':' shape ('->' | '→') shape
 * expr    ::= expr ('|||' | '▽') expr                      join, infixr 2
 *           | expr ('***' | '×' | '&&&' | '△') expr         cross, fork, infixr 3
 *           | expr ('.' | '∘') expr                         compose, infixr 9
 *           | word arg*                                     application binds tightest
 * arg     ::= word-without-arguments | '(' expr ')'
 * shape   ::= arr (('*' | '×') arr)?                        A × B needs parentheses to chain
 * arr     ::= 'R' | '1' | '[' n ']' arr | '(' shape ')'
 * }</pre>
 *
 * {@snippet :
 * Prog f = Parser.parse("sum . map (sin . exp) : [3]R -> R");
 * Prog g = Parser.parse("exl &&& mul", Shape.pair(R, R));   // no signature: the domain is given
 * }
 *
 * <p>Words ({@code map}, {@code exl}, {@code sin}, …) carry no shapes of their own: the parser reads
 * the whole expression, then elaborates it from the domain forward. Every combinator's input shape
 * is known from its context and its output shape follows, so the parser checks shapes as it builds
 * and verifies the result against the signature's codomain. Names resolve to combinators first,
 * then to the built-in primitives of {@link Prims}, then to the user primitives passed in.
 *
 * <p>Errors are {@link ParseException}s with the 1-based line and column of the offending token:
 * syntax errors say what was expected and what was found; shape errors point at the word whose input
 * shape does not fit and include the {@link ShapeException}'s message. Composition chains and
 * operator chains are read in loops, so a chain of any length parses; nesting (parentheses and
 * arguments) recurses, and deeper than {@link #MAX_DEPTH} levels is a parse error.
 */
public final class Parser {

    /**
     * The deepest nesting of parentheses and of combinators the parser accepts; deeper text is a
     * {@link ParseException}. It keeps parsing well inside a default 1 MB thread stack, where
     * {@link Prog}'s own record {@code equals} and {@code hashCode} stop working about as deep.
     */
    public static final int MAX_DEPTH = 1_000;

    private static final Set<String> KEYWORDS = Set.of(
            "id", "exl", "exr", "dup", "jam", "add", "sub", "neg", "sum", "zip", "unzip", "transpose",
            "ex", "repl", "in", "scale", "const", "inl", "inr", "zero", "reshape",
            "map", "mapAccumL", "mapAccumR", "fold", "scan", "cond", "iterate", "while",
            "pow", "dot", "maximum", "argmax", "matvec", "matmul", "matrix", "NaN", "Infinity");

    private final List<Token> tokens;
    private final Map<String, Primitive> user;
    private int pos;
    private int depth;

    private Parser(String text, Map<String, Primitive> user) {
        this.tokens = new Lexer(Objects.requireNonNull(text, "text")).tokens();
        this.user = checked(user);
    }

    // ---------------------------------------------------------------- public entry points

    /**
     * {@return the program {@code expr : Dom -> Cod}}
     * @param text a program with its signature, as {@link Printer#print} writes it
     * @throws ParseException if the text does not parse or its shapes do not fit
     */
    public static Prog parse(String text) { return parse(text, Map.of()); }

    /**
     * {@return the program {@code expr : Dom -> Cod}, resolving unknown names to user primitives}
     * @param text a program with its signature
     * @param primitives user primitives by name (see {@link #primitives}); names of combinators and
     *     built-in primitives are reserved
     * @throws ParseException if the text does not parse or its shapes do not fit
     */
    public static Prog parse(String text, Map<String, Primitive> primitives) {
        var p = new Parser(text, primitives);
        Node e = p.expr();
        p.expect(Kind.COLON, "an operator, or `:` and the signature `Dom -> Cod`");
        Shape dom = p.shape();
        p.expect(Kind.ARROW, "`->`");
        Token codAt = p.peek();
        Shape cod = p.shape();
        p.expect(Kind.EOF, "end of input");
        Prog f = p.elab(e, dom);
        if (!f.cod().equals(cod))
            throw error(codAt, "the program produces " + f.cod() + " but the signature says " + cod);
        return f;
    }

    /**
     * {@return the program of an expression without a signature, on the given domain}
     * @param expr an expression such as {@code sin . exp}
     * @param dom its input shape
     * @throws ParseException if the text does not parse or its shapes do not fit
     */
    public static Prog parse(String expr, Shape dom) { return parse(expr, dom, Map.of()); }

    /**
     * {@return the program of an expression without a signature, on the given domain, with user primitives}
     * @param expr an expression such as {@code sin . exp}
     * @param dom its input shape
     * @param primitives user primitives by name
     * @throws ParseException if the text does not parse or its shapes do not fit
     */
    public static Prog parse(String expr, Shape dom, Map<String, Primitive> primitives) {
        Objects.requireNonNull(dom, "dom");
        var p = new Parser(expr, primitives);
        Node e = p.expr();
        p.expect(Kind.EOF, "an operator or end of input");
        return p.elab(e, dom);
    }

    /**
     * {@return a shape such as {@code [3](R * R)}}
     * @param text the shape
     * @throws ParseException if it does not parse
     */
    public static Shape shape(String text) {
        var p = new Parser(text, Map.of());
        Shape s = p.shape();
        p.expect(Kind.EOF, "end of input");
        return s;
    }

    /**
     * {@return the primitives keyed by name, for {@link #parse(String, Map)}}
     * @param ps user primitives with distinct names
     */
    public static Map<String, Primitive> primitives(Primitive... ps) {
        var m = new LinkedHashMap<String, Primitive>();
        for (Primitive p : ps) {
            Primitive old = m.putIfAbsent(p.name(), p);
            if (old != null && !old.equals(p))
                throw new IllegalArgumentException("two different primitives named " + p.name() + ": " + old + " and " + p);
        }
        return Map.copyOf(m);
    }

    /**
     * {@return the user primitives {@code f} uses, by name: what {@link #parse(String, Map)} needs to
     * read {@code Printer.print(f)} back} Built-in primitives are left out; the walk uses an explicit
     * stack, so programs of any depth are fine.
     * @param f a program
     * @throws IllegalArgumentException if two different primitives share a name
     */
    public static Map<String, Primitive> primitivesOf(Prog f) {
        var found = new ArrayList<Primitive>();
        for (Prog g : f.nodes())
            if (g instanceof Prog.Prim(Primitive p) && !KEYWORDS.contains(p.name()) && Prims.scalar(p.name()).isEmpty()) found.add(p);
        return primitives(found.toArray(Primitive[]::new));
    }

    private static Map<String, Primitive> checked(Map<String, Primitive> user) {
        for (var e : user.entrySet()) {
            String name = e.getKey();
            Primitive p = Objects.requireNonNull(e.getValue(), name);
            if (!name.equals(p.name()))
                throw new IllegalArgumentException("user primitive " + p + " is registered as " + name + ", not by its name " + p.name());
            if (KEYWORDS.contains(name) || Prims.scalar(name).filter(b -> !b.equals(p)).isPresent())
                throw new IllegalArgumentException("user primitive name " + name + " is reserved by catad's syntax or built-in primitives");
        }
        return Map.copyOf(user);
    }

    // ---------------------------------------------------------------- expressions

    /** A parsed expression: where it starts, how deeply it nests, and how to build it on a domain. */
    private record Node(Token at, int depth, Elab elab) {}

    /** Builds a program once its input shape is known. */
    @FunctionalInterface
    private interface Elab { Prog on(Shape dom); }

    /**
     * An expression: operands separated by infix operators, read in one loop with an operand stack
     * and an operator stack (all operators are right-associative); a run of {@code .} becomes one
     * flat chain, so composition chains of any length cost no recursion.
     */
    private Node expr() {
        var operands = new ArrayList<Node>();
        var ops = new ArrayList<Token>();
        while (true) {
            // term(true), inlined for names: one stack frame less per nesting level
            operands.add(peek().kind() == Kind.NAME ? name(next(), true) : term(true));
            if (precedence(peek().kind()) == 0) break;
            Token op = next();
            while (!ops.isEmpty() && precedence(ops.getLast().kind()) > precedence(op.kind())) reduce(operands, ops);
            ops.add(op);
        }
        while (!ops.isEmpty()) reduce(operands, ops);
        return operands.getFirst();
    }

    /** {@return the precedence of an infix operator (Haskell's fixities), or 0 for other tokens} */
    private static int precedence(Kind k) {
        return switch (k) {
            case DOT -> 9;
            case CROSS, TIMES, FORK -> 3;
            case JOIN -> 2;
            default -> 0;
        };
    }

    /** Replaces the top operator and its operands, or a whole run of {@code .}, by one node. */
    private void reduce(List<Node> operands, List<Token> ops) {
        Token op = ops.removeLast();
        if (op.kind() == Kind.DOT) {
            int k = 1;
            while (!ops.isEmpty() && ops.getLast().kind() == Kind.DOT) { ops.removeLast(); k++; }
            var run = operands.subList(operands.size() - k - 1, operands.size());
            var xs = List.copyOf(run);
            run.clear();
            operands.add(chain(xs));
            return;
        }
        Node r = operands.removeLast(), l = operands.removeLast();
        operands.add(node(op, binary(op, l, r), l, r));
    }

    private Elab binary(Token op, Node l, Node r) {
        return switch (op.kind()) {
            case JOIN -> d -> {
                var p = pair(d, op.text());
                return Catad.join(elab(l, p.left()), elab(r, p.right()));
            };
            case FORK -> d -> Catad.fork(elab(l, d), elab(r, d));
            default -> d -> {
                var p = pair(d, op.text());
                return Catad.cross(elab(l, p.left()), elab(r, p.right()));
            };
        };
    }

    /** {@code f . g . …}, outermost first; elaborated in a loop from the last (first applied) to the first. */
    private Node chain(List<Node> xs) {
        int deepest = 0;
        for (Node x : xs) deepest = Math.max(deepest, x.depth());
        Node first = xs.getFirst();
        return new Node(first.at(), depth(first.at(), deepest + 1), d -> {
            var progs = new Prog[xs.size()];
            Shape s = d;
            for (int i = 0; i < progs.length; i++) {
                progs[i] = elab(xs.get(xs.size() - 1 - i), s);
                s = progs[i].cod();
            }
            return Catad.pipe(progs);
        });
    }

    /** A word with its arguments ({@code apply}) or an argument: a bare word or {@code (expr)}. */
    private Node term(boolean apply) {
        Token t = peek();
        return switch (t.kind()) {
            case LPAREN -> {
                next();
                enter(t);
                Node e = expr();
                expect(Kind.RPAREN, "`)` to close the `(` at line " + t.line() + ", column " + t.column());
                depth--;
                yield e;
            }
            case BANG -> { next(); yield leaf(t, Catad::bang); }
            case NAME -> name(next(), apply);
            default -> throw expected(apply ? "a program (a name or `(`)" : "an argument (a name or `(`)", t);
        };
    }

    /**
     * A name and its arguments. The combinators whose arguments are programs have small methods of
     * their own, so that nesting recurses through small stack frames.
     */
    private Node name(Token t, boolean apply) {
        if (!apply && takesArguments(t.text()))
            throw error(t, "`" + t.text() + "` takes arguments, so as an argument it needs parentheses: (" + t.text() + " …)");
        return switch (t.text()) {
            case "map" -> map(t);
            case "mapAccumL", "mapAccumR", "fold", "scan" -> accumulate(t);
            case "cond" -> cond(t);
            case "iterate" -> iterate(t);
            case "while" -> whileLoop(t);
            default -> word(t, apply);
        };
    }

    /** {@code map f : [n]A → [n]B}. */
    private Node map(Token t) {
        Node f = term(false);
        return node(t, d -> {
            if (d instanceof Shape.Arr(int n, Shape a)) return Catad.map(n, elab(f, a));
            throw new ShapeException("map needs an array [n]A, got " + d);
        }, f);
    }

    /** {@code mapAccumL f}, {@code mapAccumR f}, {@code fold f}, {@code scan f} on {@code C × [n]A}; the step takes {@code C × A}. */
    private Node accumulate(Token t) {
        String name = t.text();
        Node f = term(false);
        return node(t, d -> {
            if (!(d instanceof Shape.Pair(Shape c, Shape.Arr(int n, Shape a))))
                throw new ShapeException(name + " needs a carry and an array C × [n]A, got " + d);
            Prog step = elab(f, Shape.pair(c, a));
            if ((name.equals("fold") || name.equals("scan")) && !step.cod().equals(c))
                throw new ShapeException(name + " step must produce the carry " + c + ", but "
                        + Printer.brief(step) + " produces " + step.cod());
            return switch (name) {
                case "mapAccumL" -> Catad.mapAccum(n, step);
                case "mapAccumR" -> Catad.mapAccumR(n, step);
                case "fold" -> Catad.fold(n, step);
                default -> Catad.scan(n, step);
            };
        }, f);
    }

    /** {@code cond p f g}. */
    private Node cond(Token t) {
        Node p = term(false), f = term(false), g = term(false);
        return node(t, d -> Catad.cond(elab(p, d), elab(f, d), elab(g, d)), p, f, g);
    }

    /** {@code iterate n f}. */
    private Node iterate(Token t) {
        int n = integer("a count");
        Node f = term(false);
        return node(t, d -> Catad.iterate(n, elab(f, d)), f);
    }

    /** {@code while p f}, or {@code while<bound> p f}. */
    private Node whileLoop(Token t) {
        int bound = Catad.WHILE_BOUND;
        if (peek().kind() == Kind.LT) {
            next();
            bound = integer("the iteration bound");
            expect(Kind.GT, "`>`");
        }
        int max = bound;
        Node p = term(false), f = term(false);
        return node(t, d -> Catad.whileLoop(elab(p, d), elab(f, d), max), p, f);
    }

    /** A word whose arguments are numbers and shapes, or none: atoms, linear maps, primitives. */
    private Node word(Token t, boolean apply) {
        String name = t.text();
        return switch (name) {
            case "id" -> leaf(t, Catad::id);
            case "exl" -> leaf(t, Catad::exl);
            case "exr" -> leaf(t, Catad::exr);
            case "dup" -> leaf(t, Catad::dup);
            case "jam", "add" -> leaf(t, d -> Catad.jam(twin(d, name)));
            case "sub" -> leaf(t, d -> Catad.sub(twin(d, name)));
            case "neg" -> leaf(t, Catad::neg);
            case "sum" -> leaf(t, Catad::sum);
            case "zip" -> leaf(t, d -> {
                var p = pair(d, name);
                if (p.left() instanceof Shape.Arr(int n, Shape a) && p.right() instanceof Shape.Arr(int m, Shape b) && n == m)
                    return Catad.zip(n, a, b);
                throw new ShapeException("zip needs two arrays of one length [n]A × [n]B, got " + d);
            });
            case "unzip" -> leaf(t, d -> {
                if (d instanceof Shape.Arr(int n, Shape.Pair(Shape a, Shape b))) return Catad.unzip(n, a, b);
                throw new ShapeException("unzip needs an array of pairs [n](A × B), got " + d);
            });
            case "transpose" -> leaf(t, d -> {
                if (d instanceof Shape.Arr(int m, Shape.Arr(int n, Shape a))) return Catad.transpose(m, n, a);
                throw new ShapeException("transpose needs a nested array [m][n]A, got " + d);
            });
            case "inl" -> { Shape b = angle(); yield leaf(t, d -> Catad.inl(d, b)); }
            case "inr" -> { Shape a = angle(); yield leaf(t, d -> Catad.inr(a, d)); }
            case "zero" -> { Shape c = angle(); yield leaf(t, d -> Catad.zero(d, c)); }
            case "reshape" -> { Shape to = angle(); yield leaf(t, d -> Catad.reshape(d, to)); }
            case "ex" -> { int i = integer("an index"); yield leaf(t, d -> Catad.ex(d, i)); }
            case "repl" -> { int n = integer("a length"); yield leaf(t, d -> Catad.repl(n, d)); }
            case "in" -> {
                int n = integer("a length"), i = integer("an index");
                yield leaf(t, d -> Catad.in(n, d, i));
            }
            case "scale" -> { double s = number(); yield leaf(t, d -> Catad.scale(d, s)); }
            case "const" -> {
                if (peek().kind() == Kind.LT) {
                    Shape c = angle();
                    double[] v = list();
                    yield leaf(t, d -> Catad.constant(d, c, v));
                }
                double c = number();
                yield leaf(t, d -> Catad.constant(d, c));
            }
            case "pow" -> { double c = number(); yield primitive(t, () -> Prims.pow(c)); }
            case "dot" -> { int n = integer("a length"); yield primitive(t, () -> Prims.dot(n)); }
            case "maximum" -> { int n = integer("a length"); yield primitive(t, () -> Prims.maximum(n)); }
            case "argmax" -> { int n = integer("a length"); yield primitive(t, () -> Prims.argmax(n)); }
            case "matvec" -> {
                int m = integer("the rows"), n = integer("the columns");
                yield primitive(t, () -> Prims.matvec(m, n));
            }
            case "matmul" -> {
                int m = integer("the rows"), k = integer("the inner length"), n = integer("the columns");
                yield primitive(t, () -> Prims.matmul(m, k, n));
            }
            case "matrix" -> {
                int m = integer("the rows"), n = integer("the columns");
                Token at = peek();
                double[] data = list();
                if (data.length != (long) m * n)
                    throw error(at, "matrix " + m + " " + n + " needs " + (long) m * n + " entries, found " + data.length);
                yield primitive(t, () -> Prims.matrix(m, n, data));
            }
            default -> {
                var builtin = Prims.scalar(name);
                if (builtin.isPresent()) yield primitive(t, builtin::get);
                Primitive p = user.get(name);
                if (p == null) throw error(t, "unknown name `" + name + "`: not a combinator, a built-in primitive or a user primitive");
                String params = apply ? parameters() : "";
                if (!params.equals(p.params()))
                    throw error(t, "primitive `" + name + "` has parameters `" + p.params() + "` but the text gives `" + params + "`"
                            + (apply ? "" : "; as an argument write (" + name + " " + p.params() + ")"));
                yield primitive(t, () -> p);
            }
        };
    }

    /** {@return whether a word reads arguments after it, so that it cannot be an argument itself} */
    private boolean takesArguments(String name) {
        return switch (name) {
            case "ex", "repl", "in", "scale", "const", "map", "mapAccumL", "mapAccumR", "fold", "scan",
                 "cond", "iterate", "while", "pow", "dot", "maximum", "argmax", "matvec", "matmul", "matrix" -> true;
            default -> false;
        };
    }

    /** {@return the parameters of a user primitive, numbers and lists, normalised to single spaces} */
    private String parameters() {
        var sb = new StringBuilder();
        while (peek().kind() == Kind.NUMBER || peek().kind() == Kind.LBRACK) {
            if (!sb.isEmpty()) sb.append(' ');
            if (peek().kind() == Kind.NUMBER) { sb.append(next().text()); continue; }
            next();
            sb.append('[');
            if (peek().kind() != Kind.RBRACK) {
                sb.append(expect(Kind.NUMBER, "a number").text());
                while (peek().kind() == Kind.COMMA) { next(); sb.append(", ").append(expect(Kind.NUMBER, "a number").text()); }
            }
            expect(Kind.RBRACK, "`,` or `]`");
            sb.append(']');
        }
        return sb.toString();
    }

    /** A primitive, made when elaborated so that bad parameters are reported at its token. */
    private Node primitive(Token t, Supplier<Primitive> make) {
        return leaf(t, d -> {
            Primitive p = make.get();
            if (!d.equals(p.dom())) throw new ShapeException("primitive " + p + " takes " + p.dom() + ", not " + d);
            return p.prog();
        });
    }

    private Node leaf(Token t, Elab e) { return new Node(t, 1, e); }

    private Node node(Token t, Elab e, Node... children) {
        int deepest = 0;
        for (Node c : children) deepest = Math.max(deepest, c.depth());
        return new Node(t, depth(t, deepest + 1), e);
    }

    private static int depth(Token t, int depth) {
        if (depth > MAX_DEPTH) throw error(t, "nesting too deep: more than " + MAX_DEPTH + " levels");
        return depth;
    }

    private void enter(Token t) {
        if (++depth > MAX_DEPTH) throw error(t, "nesting too deep: more than " + MAX_DEPTH + " levels");
    }

    // ---------------------------------------------------------------- elaboration

    /** {@return the node's program on this domain}; a shape error becomes a parse error at the node's token. */
    private Prog elab(Node n, Shape dom) {
        try {
            return n.elab().on(dom);
        } catch (ParseException e) {
            throw e;
        } catch (CatadException | ArithmeticException e) {
            var pe = error(n.at(), "shape error at `" + n.at().text() + "` (input " + dom + "): " + e.getMessage());
            pe.initCause(e);
            throw pe;
        }
    }

    private static Shape.Pair pair(Shape d, String what) {
        if (d instanceof Shape.Pair p) return p;
        throw new ShapeException(what + " needs a pair shape A × B, got " + d);
    }

    private static Shape twin(Shape d, String what) {
        if (d instanceof Shape.Pair(Shape a, Shape b) && a.equals(b)) return a;
        throw new ShapeException(what + " needs a pair of equal shapes A × A, got " + d);
    }

    // ---------------------------------------------------------------- shapes, numbers, lists

    /** {@code A * B}, or one array-level shape. */
    private Shape shape() {
        Shape l = arrShape();
        if (peek().kind() != Kind.STAR && peek().kind() != Kind.TIMES) return l;
        next();
        Shape r = arrShape();
        if (peek().kind() == Kind.STAR || peek().kind() == Kind.TIMES)
            throw error(peek(), "a product of three shapes needs parentheses: (A * B) * C or A * (B * C)");
        return Shape.pair(l, r);
    }

    private Shape arrShape() {
        Token t = next();
        switch (t.kind()) {
            case NAME -> { if (t.text().equals("R")) return Shape.R; }
            case NUMBER -> { if (t.text().equals("1")) return Shape.UNIT; }
            case LBRACK -> {
                int n = integer("an array length");
                if (n < 0) throw error(t, "array length must be >= 0, got " + n);
                expect(Kind.RBRACK, "`]`");
                enter(t);
                Shape e = arrShape();
                depth--;
                return Shape.arr(n, e);
            }
            case LPAREN -> {
                enter(t);
                Shape s = shape();
                expect(Kind.RPAREN, "`)` to close the `(` at line " + t.line() + ", column " + t.column());
                depth--;
                return s;
            }
            default -> {}
        }
        throw expected("a shape (R, 1, [n]A or (A * B))", t);
    }

    /** {@code <shape>}. */
    private Shape angle() {
        expect(Kind.LT, "`<` and a shape");
        Shape s = shape();
        expect(Kind.GT, "`>`");
        return s;
    }

    private int integer(String what) {
        Token t = peek();
        if (t.kind() != Kind.NUMBER || !t.text().chars().skip(t.text().startsWith("-") ? 1 : 0).allMatch(Lexer::isDigit))
            throw expected(what + " (an integer)", t);
        next();
        try {
            return Integer.parseInt(t.text());
        } catch (NumberFormatException e) {
            throw error(t, "integer out of range: " + t.text());
        }
    }

    private double number() {
        return Double.parseDouble(expect(Kind.NUMBER, "a number").text());
    }

    /** {@code [x, y, …]}. */
    private double[] list() {
        expect(Kind.LBRACK, "a list of numbers `[…]`");
        var xs = new ArrayList<Double>();
        if (peek().kind() != Kind.RBRACK) {
            xs.add(number());
            while (peek().kind() == Kind.COMMA) { next(); xs.add(number()); }
        }
        expect(Kind.RBRACK, "`,` or `]`");
        double[] v = new double[xs.size()];
        for (int i = 0; i < v.length; i++) v[i] = xs.get(i);
        return v;
    }

    // ---------------------------------------------------------------- tokens

    private Token peek() { return tokens.get(pos); }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind() != Kind.EOF) pos++;
        return t;
    }

    private Token expect(Kind k, String what) {
        if (peek().kind() != k) throw expected(what, peek());
        return next();
    }

    private static ParseException expected(String what, Token found) {
        return error(found, "expected " + what + " but found " + found.describe());
    }

    private static ParseException error(Token t, String message) {
        return new ParseException(t.line(), t.column(), message);
    }

    private enum Kind {
        NAME, NUMBER, LPAREN, RPAREN, LBRACK, RBRACK, LT, GT, COMMA, COLON, ARROW, BANG,
        DOT, CROSS, TIMES, STAR, FORK, JOIN, EOF
    }

    /** A token and its 1-based position. */
    private record Token(Kind kind, String text, int line, int column) {
        String describe() { return kind == Kind.EOF ? "end of input" : "`" + text + "`"; }
    }

    /** Splits text into tokens; {@code --} starts a comment to the end of the line. */
    private static final class Lexer {
        private final String s;
        private final List<Token> out = new ArrayList<>();
        private int i;
        private int line = 1;
        private int lineStart;

        Lexer(String s) { this.s = s; }

        List<Token> tokens() {
            while (true) {
                skipSpace();
                if (i >= s.length()) { out.add(new Token(Kind.EOF, "", line, i - lineStart + 1)); return out; }
                int start = i;
                int col = i - lineStart + 1;
                char c = s.charAt(i);
                Kind k = switch (c) {
                    case '(' -> Kind.LPAREN;
                    case ')' -> Kind.RPAREN;
                    case '[' -> Kind.LBRACK;
                    case ']' -> Kind.RBRACK;
                    case '<' -> Kind.LT;
                    case '>' -> Kind.GT;
                    case ',' -> Kind.COMMA;
                    case ':' -> Kind.COLON;
                    case '!' -> Kind.BANG;
                    case '.', '∘' -> Kind.DOT;
                    case '×' -> Kind.TIMES;
                    case '△' -> Kind.FORK;
                    case '▽' -> Kind.JOIN;
                    case '→' -> Kind.ARROW;
                    case '*' -> s.startsWith("***", i) ? Kind.CROSS : Kind.STAR;
                    case '&' -> s.startsWith("&&&", i) ? Kind.FORK : null;
                    case '|' -> s.startsWith("|||", i) ? Kind.JOIN : null;
                    case '-' -> s.startsWith("->", i) ? Kind.ARROW : null;
                    default -> null;
                };
                if (k != null) {
                    i += switch (c) { case '*' -> k == Kind.CROSS ? 3 : 1; case '&', '|' -> 3; case '-' -> 2; default -> 1; };
                } else if (isDigit(c) || c == '-' && (i + 1 < s.length() && isDigit(s.charAt(i + 1)) || s.startsWith("-Infinity", i))) {
                    k = Kind.NUMBER;
                    number();
                } else if (isLetter(c)) {
                    while (i < s.length() && (isLetter(s.charAt(i)) || isDigit(s.charAt(i)))) i++;
                    while (i < s.length() && s.charAt(i) == '\'') i++;
                    String w = s.substring(start, i);
                    k = w.equals("NaN") || w.equals("Infinity") ? Kind.NUMBER : Kind.NAME;
                } else {
                    throw new ParseException(line, col, "unexpected character `" + Character.toString(s.codePointAt(i)) + "`"
                            + (c == '&' ? " (fork is `&&&`)" : c == '|' ? " (join is `|||`)" : ""));
                }
                out.add(new Token(k, s.substring(start, i), line, col));
            }
        }

        private void number() {
            if (s.charAt(i) == '-') i++;
            if (s.startsWith("Infinity", i)) { i += "Infinity".length(); return; }
            digits();
            if (i + 1 < s.length() && s.charAt(i) == '.' && isDigit(s.charAt(i + 1))) { i++; digits(); }
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                int j = i + 1;
                if (j < s.length() && (s.charAt(j) == '+' || s.charAt(j) == '-')) j++;
                if (j < s.length() && isDigit(s.charAt(j))) { i = j; digits(); }
            }
        }

        private void digits() { while (i < s.length() && isDigit(s.charAt(i))) i++; }

        static boolean isDigit(int c) { return c >= '0' && c <= '9'; }

        private static boolean isLetter(char c) { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'; }

        private void skipSpace() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\n') { i++; line++; lineStart = i; }
                else if (c == '\r') {
                    i++;
                    if (i < s.length() && s.charAt(i) == '\n') i++;
                    line++;
                    lineStart = i;
                } else if (c == ' ' || c == '\t' || c == '\f') i++;
                else if (s.startsWith("--", i)) { while (i < s.length() && s.charAt(i) != '\n' && s.charAt(i) != '\r') i++; }
                else return;
            }
        }
    }
}
