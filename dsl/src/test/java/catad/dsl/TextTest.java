package catad.dsl;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static catad.dsl.Shape.UNIT;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Printing and parsing: every program prints as text that parses back to an equal program. */
class TextTest {

    static final Shape RR = Shape.pair(R, R);
    static final Shape V2 = Shape.vec(2), V3 = Shape.vec(3);

    /** Prints p in ASCII and Unicode, with and without a signature, and checks each parses back equal. */
    static String roundTrip(Prog p, Map<String, Primitive> user) {
        String text = Printer.print(p);
        assertEquals(p, Parser.parse(text, user), text);
        String uni = Printer.unicode(p);
        assertEquals(p, Parser.parse(uni, user), uni);
        String expr = Printer.expression(p);
        assertEquals(p, Parser.parse(expr, p.dom(), user), expr);
        assertEquals(text, Printer.print(Parser.parse(text, user)), "printing is a fixpoint");
        assertTrue(text.chars().allMatch(c -> c < 128), "ASCII by default: " + text);
        return text;
    }

    static String roundTrip(Prog p) { return roundTrip(p, Map.of()); }

    static void assertText(String expected, Prog p) {
        assertEquals(expected, roundTrip(p));
    }

    // ---------------------------------------------------------------- combinators

    @Test void category() {
        assertText("id : R -> R", id(R));
        assertText("id : [2](R * 1) -> [2](R * 1)", id(Shape.arr(2, Shape.pair(R, UNIT))));
        assertText("sin . exp : R -> R", compose(sin, exp));
        assertText("sum . map (sin . exp) : [3]R -> R", compose(sum(V3), map(3, compose(sin, exp))));
    }

    @Test void cartesianAndCocartesian() {
        assertText("sin *** cos : R * R -> R * R", cross(sin, cos));
        assertText("exl : R * [2]R -> R", exl(R, V2));
        assertText("exr : R * [2]R -> [2]R", exr(R, V2));
        assertText("dup : [2]R -> [2]R * [2]R", dup(V2));
        assertText("! : R * R -> 1", bang(RR));
        assertText("inl<[3]R> : R -> R * [3]R", inl(R, V3));
        assertText("inr<R * R> : [3]R -> (R * R) * [3]R", inr(RR, V3));
        assertText("jam : [2]R * [2]R -> [2]R", jam(V2));
    }

    @Test void constantsAndLinearMaps() {
        assertText("const 2.5 : R * R -> R", constant(RR, 2.5));
        assertText("const<[2]R> [1.0, -2.0] : R -> [2]R", constant(R, V2, 1, -2));
        assertText("const<1> [] : R -> 1", constant(R, UNIT));
        assertText("const<R * [2]R> [1.0, 2.0, 3.0] : 1 -> R * [2]R", constant(UNIT, Shape.pair(R, V2), 1, 2, 3));
        assertText("zero<[2][3]R> : R * R -> [2][3]R", zero(RR, Shape.tensor(2, 3)));
        assertText("scale 0.5 : [3]R -> [3]R", scale(V3, 0.5));
    }

    @Test void arrays() {
        assertText("map sin : [3]R -> [3]R", map(3, sin));
        assertText("map (map sin) : [2][3]R -> [2][3]R", map(2, map(3, sin)));
        assertText("ex 2 : [3]R -> R", ex(V3, 2));
        assertText("in 4 1 : R * R -> [4](R * R)", in(4, RR, 1));
        assertText("repl 3 : [2]R -> [3][2]R", repl(3, V2));
        assertText("sum : [3][2]R -> [2]R", sum(3, V2));
        assertText("zip : [3]R * [3][2]R -> [3](R * [2]R)", zip(3, R, V2));
        assertText("unzip : [3](R * R) -> [3]R * [3]R", unzip(3, R, R));
        assertText("reshape<[6]R> : [2][3]R -> [6]R", reshape(Shape.tensor(2, 3), Shape.vec(6)));
        assertText("transpose : [2][3]R -> [3][2]R", transpose(2, 3, R));
        assertText("map sin : [0]R -> [0]R", map(0, sin));
    }

    @Test void control() {
        assertText("cond id sqrt (const 0.0) : R -> R", cond(id(R), sqrt, constant(R, 0.0)));
        assertText("iterate 5 (sin . scale 2.0) : R -> R", iterate(5, compose(sin, scale(2))));
        assertText("while sin cos : R -> R", whileLoop(sin, cos));
        assertText("while<7> sin (scale 0.5) : R -> R", whileLoop(sin, scale(0.5), 7));
        assertText("mapAccumL (exr &&& exl) : R * [3]R -> R * [3]R", mapAccum(3, swap(R, R)));
        assertText("mapAccumR (exr &&& exl) : R * [3]R -> R * [3]R", mapAccumR(3, swap(R, R)));
    }

    // ---------------------------------------------------------------- sugar

    @Test void forkAndJoinPrintAsOperatorsAndRebuildTheSameSteps() {
        assertText("sin &&& cos : R -> R * R", fork(sin, cos));
        assertText("sin ||| cos : R * R -> R", join(sin, cos));
        assertEquals(List.of(dup(R), cross(sin, cos)), Parser.parse("sin &&& cos : R -> R * R").steps());
        assertEquals(List.of(cross(sin, cos), jam(R)), Parser.parse("sin ||| cos : R * R -> R").steps());
        // [dup, f × g, jam] reads as a fork followed by jam
        assertText("jam . (sin &&& cos) : R -> R", compose(jam(R), fork(sin, cos)));
        assertText("(sin &&& cos) . exp : R -> R * R", compose(fork(sin, cos), exp));
        assertText("exp . (sin ||| cos) : R * R -> R", compose(exp, join(sin, cos)));
    }

    @Test void operatorPrecedenceAndParentheses() {
        assertText("sin . exp *** cos : R * R -> R * R", cross(compose(sin, exp), cos));
        assertText("(sin *** cos) *** exp : (R * R) * R -> (R * R) * R", cross(cross(sin, cos), exp));
        assertText("sin *** cos *** exp : R * (R * R) -> R * (R * R)", cross(sin, cross(cos, exp)));
        assertText("sin &&& cos &&& exp : R -> R * (R * R)", fork(sin, fork(cos, exp)));
        assertText("(sin &&& cos) &&& exp : R -> (R * R) * R", fork(fork(sin, cos), exp));
        assertText("sin *** (cos &&& exp) : R * R -> R * (R * R)", cross(sin, fork(cos, exp)));
        assertText("sin *** cos ||| exl : (R * R) * ((R * R) * (R * R)) -> R * R", join(cross(sin, cos), exl(RR, RR)));
        assertText("(exl ||| exr) ||| sin : ((R * R) * (R * R)) * R -> R", join(join(exl(RR), exr(RR)), sin));
        // Haskell's fixities: . binds tighter than *** and &&&, which bind tighter than |||
        assertEquals(cross(compose(sin, exp), cos), Parser.parse("sin . exp *** cos", RR));
        assertEquals(fork(sin, fork(cos, exp)), Parser.parse("sin &&& (cos &&& exp)", R));
        assertEquals(join(cross(sin, cos), exl(RR, RR)), Parser.parse("sin *** cos ||| exl", Shape.pair(RR, Shape.pair(RR, RR))));
        assertEquals(cross(sin, fork(cos, exp)), Parser.parse("sin *** cos &&& exp", RR), "infixr 3 for both");
    }

    @Test void derivedFormsPrintAsSugarOnlyWhereTheyRoundTrip() {
        assertText("jam : R * R -> R", add);
        assertText("sub : R * R -> R", sub);
        assertText("sub : [2]R * [2]R -> [2]R", sub(V2));
        assertText("scale -1.0 : R -> R", neg);
        assertText("fold mul : R * [3]R -> R", fold(3, mul));
        assertText("scan mul : R * [3]R -> [3]R", scan(3, mul));
        assertText("scan (sin . mul) : R * [3]R -> [3]R", scan(3, compose(sin, mul)));
        assertText("fold (sin . mul) : R * [3]R -> R", fold(3, compose(sin, mul)));
        assertText("exr &&& exl : R * [2]R -> [2]R * R", swap(R, V2));
        assertText("jam . (id &&& const 1.5) : R -> R", offset(1.5));
        roundTrip(oneMinus(tanh));
        roundTrip(scaleVec(3));
        roundTrip(outer(2, 3));
        // the parser reads add, sub, neg as the same structures Catad builds
        assertEquals(add, Parser.parse("add : R * R -> R"));
        assertEquals(sub(V2), Parser.parse("sub : [2]R * [2]R -> [2]R"));
        assertEquals(neg(V2), Parser.parse("neg : [2]R -> [2]R"));
        assertEquals(fold(3, mul), Parser.parse("exl . mapAccumL (mul &&& !) : R * [3]R -> R"));
    }

    // ---------------------------------------------------------------- primitives

    @Test void builtInPrimitives() {
        for (Primitive p : Prims.SCALARS) assertEquals(p.name() + " : " + Printer.shape(p.dom()) + " -> R", roundTrip(p.prog()));
        assertText("pow 3.0 : R -> R", pow(3));
        assertText("pow -0.5 : R -> R", pow(-0.5));
        assertText("pow NaN : R -> R", pow(Double.NaN));
        assertText("dot 3 : [3]R * [3]R -> R", dot(3));
        assertText("matvec 2 3 : [2][3]R * [3]R -> [2]R", matvec(2, 3));
        assertText("matmul 2 3 4 : [2][3]R * [3][4]R -> [2][4]R", matmul(2, 3, 4));
        assertText("matrix 2 2 [1.0, 0.0, 0.0, 1.0] : [2]R -> [2]R", matrix(2, 2, 1, 0, 0, 1));
        assertEquals(matrix(2, 2, 1, 0, 0, 1), Parser.parse("matrix 2 2 [1, 0, 0, 1] : [2]R -> [2]R"));
    }

    @Test void derivativeProgramsOfPrimitives() {
        for (Primitive p : Prims.SCALARS) {
            switch (p) {
                case Primitive.Unary u -> roundTrip(u.derivative());
                case Primitive.Binary b -> roundTrip(b.gradient());
                case Primitive.General g -> { roundTrip(g.jvp()); roundTrip(g.vjp()); }
            }
        }
        for (Primitive.General g : List.of(Prims.dot(3), Prims.matvec(2, 3), Prims.matmul(2, 3, 4), Prims.matrix(2, 3, new double[6]))) {
            roundTrip(g.jvp());
            roundTrip(g.vjp());
        }
        roundTrip(Prims.pow(2.5).derivative());
    }

    @Test void userPrimitivesResolveThroughTheRegistry() {
        var softsign = Primitive.unary("softsign", x -> x / (1 + Math.abs(x)), x -> 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x))));
        var twice = Primitive.general("twice", V2, Shape.vec(4), (x, xo, y, yo) -> {},
                () -> compose(Prims.matrix(4, 2, new double[8]).prog(), exr(V2, V2)), () -> zero(Shape.pair(V2, Shape.vec(4)), V2));
        var lin = Primitive.linear("lin", V3, V2, (x, xo, y, yo) -> {}, "linT", (x, xo, y, yo) -> {});
        Prog linT = lin.vjp().steps().getLast();
        var user = Parser.primitives(softsign, twice, lin, ((Prog.Prim) linT).p(), ((Prog.Prim) softsign.derivative()).p());

        assertEquals("softsign . sin : R -> R", roundTrip(compose(softsign.prog(), sin), user));
        assertEquals("softsign' : R -> R", roundTrip(softsign.derivative(), user));
        assertEquals("map twice : [5][2]R -> [5][4]R", roundTrip(map(5, twice.prog()), user));
        assertEquals("linT . lin : [3]R -> [3]R", roundTrip(compose(linT, lin.prog()), user));
        roundTrip(lin.jvp(), user);
        roundTrip(lin.vjp(), user);

        var e = assertThrows(ParseException.class, () -> Parser.parse("sin . softsign : R -> R"));
        assertEquals(1, e.line());
        assertEquals(7, e.column());
        assertTrue(e.getMessage().contains("unknown name `softsign`"), e.getMessage());
        // a user primitive takes its shapes with it: twice on R is a shape error at its token
        var s = assertThrows(ParseException.class, () -> Parser.parse("sin . twice : R -> R", user));
        assertEquals(7, s.column());
    }

    @Test void userPrimitiveNamesMustNotShadowCatad() {
        var map = Primitive.unary("map", x -> x, x -> 1);
        assertThrows(IllegalArgumentException.class, () -> Parser.parse("sin : R -> R", Parser.primitives(map)));
        var fakeSin = Primitive.unary("sin", x -> x, x -> 1);
        assertEquals(Prims.SIN, fakeSin, "a unary is its name: this one is the built-in");
        var other = Primitive.unary("foo", x -> x, x -> 1);
        assertThrows(IllegalArgumentException.class, () -> Parser.parse("sin : R -> R", Map.of("bar", other)));
    }

    // ---------------------------------------------------------------- numbers

    @Test void numbersParseBackBitForBit() {
        double[] xs = {0.0, -0.0, 1.0, -1.0, 0.1, 0.1 + 0.2, 1e-300, -1e300, Double.MIN_VALUE, -Double.MIN_VALUE,
                Double.MAX_VALUE, Double.MIN_NORMAL, Math.PI, Math.nextUp(1.0), 123456789012345678.0,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double x : xs) {
            Prog s = scale(x);
            assertEquals(s, Parser.parse(Printer.print(s)), Printer.print(s));
            Prog c = constant(RR, x);
            assertEquals(c, Parser.parse(Printer.print(c)), Printer.print(c));
            assertEquals(pow(x), Parser.parse(Printer.print(pow(x))));
        }
        Prog all = constant(R, Shape.vec(xs.length), xs);
        assertEquals(all, Parser.parse(Printer.print(all)));
        assertEquals(matrix(3, 6, xs), Parser.parse(Printer.print(matrix(3, 6, xs))));
        assertEquals("scale -0.0 : R -> R", Printer.print(scale(-0.0)));
        assertNotEquals(scale(0.0), Parser.parse("scale -0.0 : R -> R"), "-0.0 stays distinct");
        assertEquals("const -Infinity : R -> R", Printer.print(constant(R, Double.NEGATIVE_INFINITY)));
        assertEquals("scale NaN : R -> R", Printer.print(scale(Double.NaN)));
        assertEquals(scale(1e-5), Parser.parse("scale 1.0E-5 : R -> R"));
        assertEquals(scale(1e-5), Parser.parse("scale 1e-5 : R -> R"));
        assertEquals(scale(2), Parser.parse("scale 2 : R -> R"));
    }

    @Property(tries = 500)
    void everyDoubleParsesBackExactly(@ForAll double x) {
        double back = ((Prog.Scale) Parser.parse(Printer.print(scale(x)))).s();
        assertEquals(Double.doubleToLongBits(x), Double.doubleToLongBits(back), Printer.number(x));
    }

    // ---------------------------------------------------------------- Unicode and alternative spellings

    @Test void unicodeForm() {
        assertEquals("sin △ cos : R → R × R", Printer.unicode(fork(sin, cos)));
        assertEquals("sin ▽ cos : R × R → R", Printer.unicode(join(sin, cos)));
        assertEquals("sin ∘ exp × cos : R × R → R × R", Printer.unicode(cross(compose(sin, exp), cos)));
        assertEquals("map (sin ∘ exp) : [3]R → [3]R", Printer.unicode(map(3, compose(sin, exp))));
        assertEquals(fork(sin, cos), Parser.parse("sin △ cos : R → R × R"));
        assertEquals(cross(compose(sin, exp), cos), Parser.parse("sin ∘ exp × cos : R × R → R × R"));
    }

    @Test void parserAcceptsEquivalentSpellings() {
        Prog f = cond(id(R), sqrt, constant(R, 0.0));
        assertEquals(f, Parser.parse("cond (id) (sqrt) (const 0.0) : R -> R"));
        assertEquals(f, Parser.parse("cond id sqrt (const 0.0) : (R) -> ((R))"));
        assertEquals(f, Parser.parse("  cond\n\tid   -- the test\n  sqrt (const 0) -- else\n: R → R\n"));
        assertEquals(mul, Parser.parse("mul : (R × R) -> R"));
        assertEquals(mul, Parser.parse("mul : (R * R) → R"));
        assertEquals(mul, Parser.parse("((mul)) : R*R->R"));
        assertEquals(compose(sin, exp, cos), Parser.parse("(sin . exp) . cos : R -> R"));
        assertEquals(compose(sin, exp, cos), Parser.parse("sin . (exp . cos) : R -> R"));
        assertEquals(compose(sin, exp), Parser.parse("sin.exp:R->R"));
        assertEquals(compose(scale(2), sin), Parser.parse("scale 2. sin : R -> R"));
        assertEquals(whileLoop(sin, cos), Parser.parse("while<" + WHILE_BOUND + "> sin cos : R -> R"));
        assertEquals(constant(R, 3), Parser.parse("const<R> [3.0] : R -> R"));
        assertEquals(Shape.pair(Shape.pair(R, V2), Shape.tensor(2, 3)), Parser.shape("(R × [2]R) * [2][3]R"));
        assertEquals(Shape.arr(2, Shape.pair(R, UNIT)), Parser.shape("[2](R * 1)"));
    }

    // ---------------------------------------------------------------- size

    @Test void aHundredThousandStepChainPrintsAndParses() {
        var steps = new Prog[100_000];
        Arrays.fill(steps, sin);
        Prog big = compose(steps);
        String text = Printer.print(big);
        assertEquals("sin . ".repeat(99_999) + "sin : R -> R", text);
        Prog back = Parser.parse(text);
        assertEquals(big, back);
        assertEquals(100_000, back.steps().size());
        // a chain built only by text: no Catad.compose involved
        assertEquals(big, Parser.parse(String.join(" . ", Collections.nCopies(100_000, "sin")), R));
    }

    @Test void briefIsShortAndCheapOnHugePrograms() {
        var steps = new Prog[100_000];
        Arrays.fill(steps, sin);
        Prog big = compose(steps);
        String b = Printer.brief(big);
        assertEquals(Printer.BRIEF_LENGTH + 1, b.length());
        assertTrue(b.endsWith("…"));
        assertTrue(b.startsWith("sin . sin . "));
        long t0 = System.nanoTime();
        for (int i = 0; i < 2_000; i++) Printer.brief(big);
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "brief must not print the whole program");
        assertEquals("sin . exp", Printer.brief(compose(sin, exp)));
        assertEquals("sin . exp", compose(sin, exp).toString());
        // huge constants are not formatted in full
        Prog huge = constant(R, Shape.vec(2_000_000), new double[2_000_000]);
        Prog bigMatrix = matrix(1000, 1000, new double[1_000_000]);
        t0 = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            assertEquals(Printer.BRIEF_LENGTH + 1, Printer.brief(huge).length());
            assertEquals(Printer.BRIEF_LENGTH + 1, Printer.brief(bigMatrix).length());
        }
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "brief must not format every number");
        assertTrue(Printer.brief(huge).startsWith("const<[2000000]R> [0.0, 0.0, "));
        // deep nesting prints with an explicit stack
        Prog deep = sin;
        for (int i = 0; i < 20_000; i++) deep = new Prog.Map(1, deep);
        assertTrue(Printer.brief(deep).startsWith("map (map (map"));
        assertEquals("map (".repeat(19_999) + "map sin" + ")".repeat(19_999), Printer.expression(deep));
    }

    @Test void nestingDeeperThanTheLimitIsAParseErrorNotAStackOverflow() {
        int ok = Parser.MAX_DEPTH - 2;
        assertEquals(sin, Parser.parse("(".repeat(ok) + "sin" + ")".repeat(ok) + " : R -> R"));
        Shape s = R;
        for (int i = 0; i < ok; i++) s = Shape.arr(1, s);
        Prog maps = Parser.parse("map (".repeat(ok) + "sin" + ")".repeat(ok), s);
        assertEquals(s, maps.dom());

        for (String deep : List.of(
                "(".repeat(100_000) + "sin" + ")".repeat(100_000) + " : R -> R",
                "map (".repeat(50_000) + "sin" + ")".repeat(50_000) + " : R -> R",
                String.join(" *** ", Collections.nCopies(50_000, "sin")) + " : R -> R",
                String.join(" &&& ", Collections.nCopies(50_000, "sin")) + " : R -> R",
                "id : " + "(".repeat(100_000) + "R" + ")".repeat(100_000) + " -> R",
                "id : " + "[1]".repeat(100_000) + "R -> R")) {
            var e = assertThrows(ParseException.class, () -> Parser.parse(deep));
            assertTrue(e.getMessage().contains("nesting too deep"), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- errors

    static ParseException error(String text) {
        return assertThrows(ParseException.class, () -> Parser.parse(text));
    }

    static void assertError(String text, int line, int column, String... fragments) {
        var e = error(text);
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().startsWith("parse error at line " + line + ", column " + column + ": "), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
    }

    @Test void syntaxErrorsSayWhereWhatWasExpectedAndWhatWasFound() {
        assertError("sin . : R -> R", 1, 7, "expected a program", "found `:`");
        assertError("sin cos : R -> R", 1, 5, "expected an operator, or `:`", "found `cos`");
        assertError("sin", 1, 4, "found end of input");
        assertError("(sin . exp : R -> R", 1, 12, "expected `)` to close the `(` at line 1, column 1", "found `:`");
        assertError("sin) : R -> R", 1, 4, "found `)`");
        assertError("sin & cos : R -> R", 1, 5, "unexpected character `&`", "&&&");
        assertError("sin : R -> ", 1, 12, "expected a shape", "found end of input");
        assertError("sin : R -> R R", 1, 14, "expected end of input", "found `R`");
        assertError("sin : R * R * R -> R", 1, 13, "parentheses");
        assertError("sin : [2.5]R -> R", 1, 8, "an array length (an integer)", "found `2.5`");
        assertError("sin : [-1]R -> R", 1, 7, "array length must be >= 0");
        assertError("foo : R -> R", 1, 1, "unknown name `foo`");
        assertError("map scale 2.0 : [2]R -> [2]R", 1, 5, "`scale` takes arguments", "(scale …)");
        assertError("ex x : [2]R -> R", 1, 4, "an index (an integer)", "found `x`");
        assertError("ex 99999999999 : [2]R -> R", 1, 4, "integer out of range");
        assertError("inl R : R -> R * R", 1, 5, "expected `<` and a shape", "found `R`");
        assertError("inl<R : R -> R * R", 1, 7, "expected `>`", "found `:`");
        assertError("const<[2]R> 1.0 : R -> [2]R", 1, 13, "a list of numbers", "found `1.0`");
        assertError("const<[2]R> [1.0 2.0] : R -> [2]R", 1, 18, "`,` or `]`", "found `2.0`");
        assertError("matrix 2 2 [1.0, 2.0] : [2]R -> [2]R", 1, 12, "needs 4 entries, found 2");
        assertError("sin\n  . exp\n  . # : R -> R", 3, 5, "unexpected character `#`");
        assertError("sin :\r\n  R ->\r\n  R\r\n  ]", 4, 3, "expected end of input", "found `]`");
    }

    @Test void shapeErrorsPointAtTheWordWhoseInputDoesNotFit() {
        assertError("exl . sin : R -> R", 1, 1, "shape error at `exl` (input R)", "exl needs a pair shape A × B, got R");
        assertError("sin\n  . exl : R -> R", 2, 5, "shape error at `exl` (input R)");
        assertError("exl . sin : R * R -> R", 1, 7, "shape error at `sin` (input (R × R))", "primitive sin takes R");
        assertError("map sin : R -> R", 1, 1, "map needs an array [n]A, got R");
        assertError("map (exl . sin) : [2]R -> [2]R", 1, 6, "shape error at `exl`");
        assertError("sin &&& cos : R -> R", 1, 20, "the program produces (R × R) but the signature says R");
        assertError("sin ||| map sin : R * [2]R -> R", 1, 5, "shape error at `|||` (input (R × [2]R))", "join", "produces [2]R");
        assertError("sin *** cos : R -> R * R", 1, 5, "shape error at `***` (input R)", "pair");
        assertError("jam : R * [2]R -> R", 1, 1, "jam needs a pair of equal shapes");
        assertError("ex 3 : [3]R -> R", 1, 1, "shape error at `ex`", "index 3 out of range");
        assertError("in 2 5 : R -> [2]R", 1, 1, "index 5 out of range");
        assertError("cond sin id (const 1.0) : [2]R -> [2]R", 1, 6, "shape error at `sin` (input [2]R)", "primitive sin takes R");
        assertError("iterate 3 sum : [2]R -> R", 1, 1, "shape error at `iterate`", "must map a shape to itself");
        assertError("const<[2]R> [1.0] : R -> [2]R", 1, 1, "const of shape [2]R needs 2 numbers, got 1");
        assertError("reshape<[5]R> : [2][3]R -> [5]R", 1, 1, "cannot reshape");
        assertError("fold sin : R * [3]R -> R", 1, 6, "shape error at `sin` (input (R × R))");
        assertError("scan exr : R * [3][2]R -> [3]R", 1, 1, "scan step must produce the carry R");
        assertError("dot 3 : [2]R * [2]R -> R", 1, 1, "primitive dot 3 takes");
        assertError("mul : R -> R", 1, 1, "shape error at `mul` (input R)");
        assertError("zip : [2]R * [3]R -> [2](R * R)", 1, 1, "zip needs two arrays of one length");
        assertError("transpose : [2]R -> [2]R", 1, 1, "transpose needs a nested array");
        assertError("unzip : [2]R -> [2]R * [2]R", 1, 1, "unzip needs an array of pairs");
        var e = error("exl : R -> R");
        assertInstanceOf(ShapeException.class, e.getCause());
        var inExpr = assertThrows(ParseException.class, () -> Parser.parse("sin . exl", R));
        assertEquals(7, inExpr.column());
    }

    // ---------------------------------------------------------------- generated programs

    @Property(tries = 300)
    void generatedProgramsRoundTrip(@ForAll("programs") Prog p) {
        roundTrip(p);
    }

    @Provide
    Arbitrary<Prog> programs() {
        return Arbitraries.of(R, RR, V2, UNIT, Shape.pair(R, V2), Shape.arr(2, RR), Shape.tensor(2, 3))
                .flatMap(s -> prog(s, 3));
    }

    static Arbitrary<Double> numbers() {
        return Arbitraries.doubles().withStandardSpecialValues().withSpecialValue(-0.0);
    }

    static Arbitrary<Shape> smallShapes() { return Arbitraries.of(R, UNIT, RR, V2); }

    /** Well-shaped programs from {@code dom}, nested at most {@code depth} deep. */
    static Arbitrary<Prog> prog(Shape dom, int depth) {
        var options = new ArrayList<Arbitrary<? extends Prog>>();
        options.add(Arbitraries.of(id(dom), dup(dom), bang(dom)));
        options.add(numbers().map(s -> scale(dom, s)));
        options.add(Combinators.combine(smallShapes(), numbers()).as((c, x) -> {
            double[] v = new double[c.dim()];
            Arrays.fill(v, x);
            return constant(dom, c, v);
        }));
        options.add(smallShapes().map(c -> zero(dom, c)));
        options.add(smallShapes().map(b -> inl(dom, b)));
        options.add(smallShapes().map(a -> inr(a, dom)));
        options.add(Arbitraries.integers().between(1, 3).map(n -> repl(n, dom)));
        options.add(Arbitraries.integers().between(0, 2).map(i -> in(3, dom, i)));
        switch (dom) {
            case Shape.Real r -> {
                options.add(Arbitraries.of(Prims.SCALARS.stream().filter(p -> p.dom().equals(R)).map(Primitive::prog).toList()));
                options.add(numbers().map(Catad::pow));
            }
            case Shape.Pair(Shape a, Shape b) -> {
                options.add(Arbitraries.of(exl(a, b), exr(a, b)));
                if (a.equals(b)) options.add(Arbitraries.of(jam(a), sub(a)));
                if (a.equals(R) && b.equals(R)) options.add(Arbitraries.of(mul, div, max, min, powr));
                if (a instanceof Shape.Arr(int n, Shape x) && b instanceof Shape.Arr(int m, Shape y) && n == m)
                    options.add(Arbitraries.just(zip(n, x, y)));
                if (depth > 0) {
                    options.add(Arbitraries.lazy(() -> Combinators.combine(prog(a, depth - 1), prog(b, depth - 1)).as(Catad::cross)));
                    options.add(Arbitraries.lazy(() -> Combinators.combine(prog(a, depth - 1), prog(b, depth - 1))
                            .as((f, g) -> join(f, compose(zero(g.cod(), f.cod()), g)))));
                    if (b instanceof Shape.Arr(int n, Shape x)) {
                        options.add(Arbitraries.lazy(() -> Combinators.combine(endo(a, depth - 1), prog(x, depth - 1))
                                .as((c, f) -> mapAccum(n, cross(c, f)))));
                        options.add(Arbitraries.lazy(() -> Combinators.combine(endo(a, depth - 1), prog(x, depth - 1))
                                .as((c, f) -> mapAccumR(n, cross(c, f)))));
                        options.add(Arbitraries.lazy(() -> endo(a, depth - 1).map(c -> fold(n, join(c, zero(x, a))))));
                        options.add(Arbitraries.lazy(() -> endo(a, depth - 1).map(c -> scan(n, join(c, zero(x, a))))));
                    }
                }
            }
            case Shape.Arr(int n, Shape e) -> {
                options.add(Arbitraries.of(sum(n, e), ex(dom, n - 1)));
                if (e instanceof Shape.Arr(int m, Shape x)) options.add(Arbitraries.just(transpose(n, m, x)));
                if (e instanceof Shape.Pair(Shape a, Shape b)) options.add(Arbitraries.just(unzip(n, a, b)));
                if (depth > 0) options.add(Arbitraries.lazy(() -> prog(e, depth - 1).map(f -> map(n, f))));
            }
            case Shape.Unit u -> {}
        }
        if (depth > 0) {
            options.add(Arbitraries.lazy(() -> prog(dom, depth - 1).flatMap(f -> prog(f.cod(), depth - 1).map(g -> compose(g, f)))));
            options.add(Arbitraries.lazy(() -> Combinators.combine(prog(dom, depth - 1), prog(dom, depth - 1)).as(Catad::fork)));
            options.add(Arbitraries.lazy(() -> Combinators.combine(numbers(), prog(dom, depth - 1))
                    .as((c, f) -> cond(constant(dom, c), f, compose(scale(f.cod(), 2), f)))));
            options.add(Arbitraries.lazy(() -> Combinators.combine(Arbitraries.integers().between(0, 3), endo(dom, depth - 1))
                    .as(Catad::iterate)));
            options.add(Arbitraries.lazy(() -> Combinators.combine(Arbitraries.integers().between(0, 20), endo(dom, depth - 1))
                    .as((k, f) -> whileLoop(constant(dom, -1), f, k == 0 ? WHILE_BOUND : k))));
        }
        return Arbitraries.oneOf(options);
    }

    /** Programs {@code dom → dom}. */
    static Arbitrary<Prog> endo(Shape dom, int depth) {
        return Arbitraries.oneOf(
                Arbitraries.just(id(dom)),
                numbers().map(s -> scale(dom, s)),
                prog(dom, depth).map(f -> compose(zero(f.cod(), dom), f)),
                prog(dom, depth).map(f -> join(id(dom), compose(zero(f.cod(), dom), f))).map(j -> compose(j, dup(dom))));
    }
}
