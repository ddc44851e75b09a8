package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static catad.interpreter.Num.*;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.CatadException;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.ShapeException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad programs fail when built, with messages that name what is wrong; bad inputs fail with clear
 * errors; non-finite inputs follow IEEE arithmetic; empty arrays, very long and very deep programs
 * and runaway loops neither crash nor hang.
 */
class BadInputTest {

    static final Shape V2 = Shape.vec(2), V3 = Shape.vec(3), V4 = Shape.vec(4);

    /** Asserts that building throws a ShapeException whose message contains every fragment. */
    static ShapeException shapeError(Supplier<Prog> build, String... fragments) {
        var e = assertThrows(ShapeException.class, build::get);
        for (String f : fragments)
            assertTrue(e.getMessage().contains(f), "message should name «" + f + "»: " + e.getMessage());
        return e;
    }

    static CatadException catadError(Executable run, String... fragments) {
        var e = assertThrows(CatadException.class, run);
        for (String f : fragments)
            assertTrue(e.getMessage().contains(f), "message should name «" + f + "»: " + e.getMessage());
        return e;
    }

    static String b(Prog p) { return Printer.brief(p); }

    // ------------------------------------------------------------------ shapes, at build time

    @Test
    void composeNamesBothShapesAndBothPrograms() {
        Prog g = sum(V3), f = map(4, sin);
        shapeError(() -> compose(g, f), b(g), b(f), "[3]R", "[4]R");
        shapeError(() -> pipe(f, g), b(g), b(f), "[3]R", "[4]R");
        shapeError(() -> pipe(List.of(f, g)), b(g), b(f), "[3]R", "[4]R");
        shapeError(() -> new Prog.Compose(List.of(f, g)), b(g), b(f), "[3]R", "[4]R");
    }

    @Test
    void crossThatDoesNotFitNamesBoth() {
        Prog c = cross(sin, sum(V3)), d = dup(R);
        shapeError(() -> compose(c, d), b(c), b(d), c.dom().toString(), d.cod().toString());
    }

    @Test
    void forkAndJoinNameBothSides() {
        shapeError(() -> fork(sin, sum(V3)), b(sin), b(sum(V3)), "R", "[3]R");
        shapeError(() -> join(sin, map(3, sin)), b(sin), b(map(3, sin)), "[3]R");
        shapeError(() -> join(exl(R, V2), exr(R, V2)), "R", "[2]R");
    }

    @Test
    void condChecksTestAndBranches() {
        shapeError(() -> cond(map(3, sin), sum(V3), sum(V3)), b(map(3, sin)), "[3]R", "must produce R");
        shapeError(() -> cond(id(R), sin, in(2, R, 0)), b(sin), b(in(2, R, 0)), "R", "[2]R");
        shapeError(() -> cond(sum(V2), sin, sin), b(sum(V2)), b(sin), "[2]R", "R");
    }

    @Test
    void mapAndArraysCheckLengthsAndIndices() {
        Prog m3 = map(3, sin), m4 = map(4, cos);
        shapeError(() -> compose(m3, m4), b(m3), b(m4), "[3]R", "[4]R");
        shapeError(() -> map(-1, sin), "-1");
        shapeError(() -> ex(V3, 3), "index 3", "length 3");
        shapeError(() -> ex(V3, -1), "index -1", "length 3");
        shapeError(() -> in(3, R, 5), "index 5", "length 3");
        shapeError(() -> ex(R, 0), "ex", "R");
        shapeError(() -> sum(R), "sum", "R");
        shapeError(() -> reshape(Shape.vec(6), Shape.tensor(2, 2)), "[6]R", "[2][2]R");
        shapeError(() -> constant(R, V3, 1, 2), "[3]R", "3", "2");
        shapeError(() -> matrix(2, 3, 1, 2, 3), "2", "3", "6");
    }

    @Test
    void loopsNeedStepsFromAShapeToItself() {
        shapeError(() -> iterate(3, sum(V2)), b(sum(V2)), "[2]R", "R");
        shapeError(() -> whileLoop(id(R), sum(V2)), b(sum(V2)), "[2]R");
        shapeError(() -> whileLoop(sum(V3), map(2, sin)), b(sum(V3)), b(map(2, sin)));
        shapeError(() -> whileLoop(map(2, sin), map(2, sin)), b(map(2, sin)), "must produce R");
        shapeError(() -> mapAccum(3, sin), b(sin), "C × A → C × B");
        shapeError(() -> fold(3, sin), "fold", "R");
    }

    // ------------------------------------------------------------------ inputs of the wrong length

    @Test
    void wrongInputLengthsAreReportedClearly() {
        Prog f = compose(sum(V3), map(3, sin));
        catadError(() -> AD.eval(f, 1, 2), "input has 2 numbers", "[3]R", "3 numbers");
        catadError(() -> AD.eval(f, 1, 2, 3, 4), "input has 4 numbers", "[3]R");
        catadError(() -> AD.eval(f, (double[]) null), "null", "[3]R");
        catadError(() -> AD.grad(f, 1, 2), "input has 2 numbers", "[3]R");
        catadError(() -> AD.valueAndGrad(f, 1), "input has 1 number", "[3]R");
        catadError(() -> AD.linearize(f, 1, 2), "input has 2 numbers");
        catadError(() -> AD.jacfwd(f, 1, 2), "input has 2 numbers");
        catadError(() -> AD.jacrev(f, 1, 2), "input has 2 numbers");
        catadError(() -> AD.hessian(f, 1, 2), "input has 2 numbers");
        catadError(() -> AD.jvp(f, new double[] {1, 2, 3}, new double[] {1}), "tangent has 1 number", "[3]R");
        catadError(() -> AD.jvp(f, new double[] {1, 2}, new double[] {1, 2, 3}), "input has 2 numbers");
        catadError(() -> AD.vjp(f, new double[] {1, 2, 3}, new double[] {1, 2}), "cotangent has 2 numbers", "R (1)");
        catadError(() -> AD.hvp(f, new double[] {1, 2, 3}, new double[] {1}), "tangent has 1 number");
        catadError(() -> AD.linearize(f, 1, 2, 3)._2.apply(1, 2), "tangent has 2 numbers", "[3]R");
        catadError(() -> AD.linearize(f, 1, 2, 3)._2.transpose().apply(1, 2), "tangent has 2 numbers", "R");
        catadError(() -> AD.eval(AD.grad(f), 1, 2), "input has 2 numbers", "[3]R");
        catadError(() -> AD.eval(AD.jvp(f), 1, 2, 3), "input has 3 numbers", "6 numbers");
    }

    @Test
    void scalarOnlyOperationsSaySo() {
        Prog f = map(3, sin);
        catadError(() -> AD.grad(f, 1, 2, 3), "grad", "[3]R");
        catadError(() -> AD.grad(f), "grad", "[3]R");
        catadError(() -> AD.eval1(f, 1, 2, 3), "eval1", "[3]R");
        catadError(() -> AD.hessian(f, 1, 2, 3), "grad", "[3]R");
        catadError(() -> AD.hessian(compose(sin, mul)), "[n]R", "(R × R)");
    }

    // ------------------------------------------------------------------ text that does not parse

    /** {@return the 1-based (line, column) of character index at in text} */
    static int[] position(String text, int at) {
        assertTrue(at >= 0, "token not in " + text);
        int line = 1, col = 1;
        for (int i = 0; i < at; i++) {
            if (text.charAt(i) == '\n') { line++; col = 1; } else col++;
        }
        return new int[] {line, col};
    }

    /** Asserts that text fails to parse at character index at, with a message naming the fragments. */
    static void parseError(String text, int at, String... fragments) {
        var e = assertThrows(catad.dsl.ParseException.class, () -> catad.dsl.Parser.parse(text));
        int[] lc = position(text, at);
        assertEquals(lc[0], e.line(), "line of the error in «" + text + "»: " + e.getMessage());
        assertEquals(lc[1], e.column(), "column of the error in «" + text + "»: " + e.getMessage());
        assertTrue(e.getMessage().contains("line " + lc[0] + ", column " + lc[1]), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message should name «" + f + "»: " + e.getMessage());
        assertInstanceOf(CatadException.class, e);
    }

    static void parseError(String text, String at, String... fragments) { parseError(text, text.indexOf(at), fragments); }

    @Test
    void parseErrorsNameLineAndColumn() {
        parseError("sin . exp\n . frobnicate : R -> R", "frobnicate", "frobnicate");
        parseError("map (sin . exp : [3]R -> [3]R", ":", ")");
        String wrongCod = "sum . map sin : [3]R -> [3]R";
        parseError(wrongCod, wrongCod.lastIndexOf("[3]R"), "R", "[3]R");
        parseError("sin . exp : R -> R\n  extra", "extra", "extra");
        parseError("scale x : R -> R", "x", "number");
        parseError("exl . sin : R -> R", "exl", "exl", "R");
        // what printing and parsing are for: the printed gradient of a program reads back
        Prog f = compose(sum(V3), map(3, compose(sin, exp)));
        assertEquals(AD.grad(f), catad.dsl.Parser.parse(Printer.print(AD.grad(f))));
    }

    // ------------------------------------------------------------------ NaN and infinities

    static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;

    /**
     * A scalar function at a non-finite (or singular) point, with f, f' and f'' as IEEE arithmetic
     * computes them from the closed forms of the derivative rules; a null d2 is not checked.
     */
    record Ieee(String name, Prog f, double x, double value, double d1, Double d2) {
        Ieee(String name, Prog f, double x, double value, double d1, double d2) { this(name, f, x, value, d1, (Double) d2); }
        @Override public String toString() { return name + " at " + x; }
    }

    static Prog sqrtOrZero() { return cond(id(R), sqrt, constant(R, 0)); }

    static Stream<Ieee> ieee() {
        DoubleUnaryOperator sig = x -> 1 / (1 + Math.exp(-x));
        return Stream.of(
                new Ieee("sin", sin, NAN, NAN, NAN, NAN),
                new Ieee("sin", sin, INF, NAN, NAN, NAN),
                new Ieee("exp", exp, INF, INF, INF, INF),
                new Ieee("exp", exp, -INF, 0, 0, 0),
                new Ieee("exp", exp, NAN, NAN, NAN, NAN),
                new Ieee("log", log, INF, INF, 0, 0),
                new Ieee("log", log, 0, -INF, INF, -INF),
                new Ieee("sqrt", sqrt, INF, INF, 0, 0),
                new Ieee("sqrt", sqrt, 0, 0, INF, -INF),
                new Ieee("tanh", tanh, INF, 1, 0, 0),
                new Ieee("tanh", tanh, -INF, -1, 0, 0),
                new Ieee("sigmoid", sigmoid, INF, 1, 0, 0),
                new Ieee("sigmoid", sigmoid, -INF, 0, 0, 0),
                new Ieee("softplus", softplus, -INF, 0, 0, 0),
                new Ieee("softplus", softplus, INF, INF, 1, 0),
                new Ieee("square", square, INF, INF, INF, 2),
                new Ieee("abs", abs, -INF, INF, -1, 0),
                new Ieee("relu", relu, NAN, NAN, NAN, 0),      // relu' = step, and step' is the zero map: no NaN to meet
                new Ieee("relu", relu, -INF, 0, 0, 0),
                new Ieee("recip", recip, INF, 0, -0.0, 0),
                new Ieee("mlp-ish tanh∘sigmoid", compose(tanh, sigmoid), INF, Math.tanh(1), 0, 0),
                new Ieee("sigmoid at 40", sigmoid, 40, sig.applyAsDouble(40), sig.applyAsDouble(40) * sig.applyAsDouble(-40), null),
                // the branch not taken is never evaluated, so sqrt cannot poison x ≤ 0 with NaN or ∞
                new Ieee("cond(x>0, sqrt, 0)", sqrtOrZero(), -1, 0, 0, 0),
                new Ieee("cond(x>0, sqrt, 0)", sqrtOrZero(), -INF, 0, 0, 0),
                new Ieee("cond(x>0, sqrt, 0)", sqrtOrZero(), 0, 0, 0, 0),
                new Ieee("cond(x>0, sqrt, 0)", sqrtOrZero(), NAN, 0, 0, 0),   // NaN is not > 0
                new Ieee("cond(x>0, sqrt, 0)", sqrtOrZero(), 4, 2, 0.25, -1.0 / 32),
                new Ieee("cond(x>0, sqrt, 0)", sqrtOrZero(), INF, INF, 0, 0));
    }

    static void ieeeEquals(String what, Double expected, double actual) {
        if (expected == null) return;
        if (Double.isNaN(expected)) assertTrue(Double.isNaN(actual), what + ": expected NaN, got " + actual);
        else if (Double.isInfinite(expected)) assertEquals(expected, actual, what);
        else {
            assertTrue(Double.isFinite(actual), what + ": expected finite " + expected + ", got " + actual);
            assertEquals(expected, actual, 1e-14 * (1 + Math.abs(expected)), what);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ieee")
    void nonFiniteInputsPropagatePerIeee(Ieee c) {
        double x = c.x();
        ieeeEquals(c + ": eval", c.value(), AD.eval1(c.f(), x));
        ieeeEquals(c + ": grad", c.d1(), AD.grad(c.f(), x)[0]);
        ieeeEquals(c + ": grad program", c.d1(), AD.eval1(AD.grad(c.f()), x));
        var vg = AD.valueAndGrad(c.f(), x);
        ieeeEquals(c + ": valueAndGrad value", c.value(), vg._1);
        ieeeEquals(c + ": valueAndGrad grad", c.d1(), vg._2[0]);
        ieeeEquals(c + ": jvp", c.d1(), AD.jvp(c.f(), new double[] {x}, new double[] {1})._2[0]);
        ieeeEquals(c + ": jvp program", c.d1(), AD.eval(AD.jvp(c.f()), x, 1)[1]);
        ieeeEquals(c + ": vjp", c.d1(), AD.vjp(c.f(), new double[] {x}, new double[] {1})[0]);
        ieeeEquals(c + ": vjp program", c.d1(), AD.eval(AD.vjp(c.f()), x, 1)[0]);
        ieeeEquals(c + ": jacfwd", c.d1(), AD.jacfwd(c.f(), x)[0][0]);
        ieeeEquals(c + ": jacrev", c.d1(), AD.jacrev(c.f(), x)[0][0]);
        ieeeEquals(c + ": hessian", c.d2(), AD.hessian(c.f(), x)[0][0]);
        ieeeEquals(c + ": hvp", c.d2(), AD.hvp(c.f(), new double[] {x}, new double[] {1})[0]);
        ieeeEquals(c + ": grad of grad program", c.d2(), AD.eval1(AD.grad(AD.grad(c.f())), x));
    }

    @Test
    void aNonFiniteElementDoesNotPoisonTheOthers() {
        // Σ sin xᵢ at [NaN, 1, ∞]: the gradient is cos xᵢ elementwise
        Prog f = compose(sum(V3), map(3, sin));
        double[] x = {NAN, 1, INF};
        assertTrue(Double.isNaN(AD.eval1(f, x)));
        // reverse mode pulls the cotangent back through each element separately
        for (double[] g : List.of(AD.grad(f, x), AD.eval(AD.grad(f), x), AD.vjp(f, x, new double[] {1}), AD.jacrev(f, x)[0])) {
            assertTrue(Double.isNaN(g[0]), "∂/∂x₀ at NaN");
            assertEquals(Math.cos(1), g[1], 1e-15, "∂/∂x₁ is finite");
            assertTrue(Double.isNaN(g[2]), "∂/∂x₂ at ∞");
        }
        // forward mode: a tangent that touches only the finite element still meets cos(NaN)·0 = NaN
        // in the sum, per IEEE (as in JAX), so every column of jacfwd is NaN here
        assertTrue(Double.isNaN(AD.jvp(f, x, new double[] {0, 1, 0})._2[0]));
        for (double d : AD.jacfwd(f, x)[0]) assertTrue(Double.isNaN(d), "jacfwd column");
        // the Hessian is jacfwd of the gradient; the gradient is elementwise, so row 1 only meets finite numbers
        double[][] h = AD.hessian(f, x);
        assertTrue(Double.isNaN(h[0][0]));
        assertTrue(Double.isNaN(h[2][2]));
        assertEquals(-Math.sin(1), h[1][1], 1e-15);
        assertEquals(0, h[1][0], 0);
        assertEquals(0, h[1][2], 0);
        double[] hp = AD.eval(AD.hessian(f), x);
        assertEquals(-Math.sin(1), hp[4], 1e-15, "hessian program, finite entry");
        assertTrue(Double.isNaN(hp[0]) && Double.isNaN(hp[8]), "hessian program, NaN diagonal");
    }

    @Test
    void condInsideMapTakesEachElementsBranch() {
        Prog f = compose(sum(V4), map(4, sqrtOrZero()));
        double[] x = {-1, 4, NAN, -INF};
        assertEquals(2, AD.eval1(f, x), 0);
        double[] expected = {0, 0.25, 0, 0};
        assertArrayEquals(expected, AD.grad(f, x), 0);
        assertArrayEquals(expected, AD.eval(AD.grad(f), x), 0);
        assertArrayEquals(expected, AD.jacfwd(f, x)[0], 0);
        double[][] h = AD.hessian(f, x);
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) assertEquals(i == 1 && j == 1 ? -1.0 / 32 : 0, h[i][j], 1e-15);
    }

    // ------------------------------------------------------------------ empty arrays

    @Test
    void emptyArraysFlowThroughEverything() {
        Shape e = Shape.vec(0);
        double[] none = new double[0];
        Prog f = compose(sum(e), map(0, sin));
        assertArrayEquals(new double[] {0}, AD.eval(f), 0);
        assertArrayEquals(none, AD.grad(f, none), 0);
        assertArrayEquals(new double[0], AD.eval(AD.grad(f)), 0);
        assertEquals(0, AD.hessian(f, none).length);
        assertArrayEquals(new double[0], AD.eval(AD.hessian(f)), 0);
        assertEquals(0, AD.jvp(f, new double[0], new double[0])._2[0], 0);
        assertArrayEquals(new double[0], AD.vjp(f, new double[0], new double[] {1}), 0);
        assertEquals(1, AD.jacfwd(f).length);
        assertEquals(0, AD.jacfwd(f)[0].length);
        assertEquals(0, AD.jacrev(f)[0].length);

        Prog d = compose(sum(e), map(0, mul), zip(0, R, R));     // the dot product of two empty vectors
        assertEquals(0, AD.eval1(d), 0);
        assertEquals(0, AD.grad(d, none).length);
        assertEquals(0, AD.eval(AD.vjp(d), 1).length);
        assertEquals(0, AD.eval1(dot(0)), 0);
        assertEquals(0, AD.grad(dot(0), none).length);

        // an empty array beside a scalar: f(x, v) = x² + Σ sin vᵢ
        Prog g = compose(add, cross(square, f));
        assertArrayEquals(new double[] {6}, AD.grad(g, 3), 0);
        assertArrayEquals(new double[] {6}, AD.eval(AD.grad(g), 3), 0);
        assertEquals(2, AD.hessian(g, 3)[0][0], 0);

        Prog u = compose(unzip(0, R, R), zip(0, R, R));
        assertEquals(0, AD.eval(u).length);
        assertEquals(0, AD.jacfwd(u).length);
        Prog mv = matvec(2, 0);
        assertArrayEquals(new double[] {0, 0}, AD.eval(mv), 0);
        assertEquals(0, AD.vjp(mv, new double[0], new double[] {1, 2}).length);
        Prog fl = fold(0, compose(add, cross(id(R), sin)));
        assertArrayEquals(new double[] {5}, AD.eval(fl, 5), 0);
        assertArrayEquals(new double[] {1}, AD.grad(fl, 5), 0);
        assertArrayEquals(new double[] {1}, AD.eval(AD.grad(fl), 5), 0);
    }

    // ------------------------------------------------------------------ very long and very deep programs

    static final int LONG = 100_000;

    @Test
    void aHundredThousandComposedSteps() {
        var steps = new ArrayList<Prog>(LONG);
        for (int i = 0; i < LONG; i++) steps.add(i % 2 == 0 ? sin : scale(1.00001));
        Prog f = pipe(steps);
        assertEquals(LONG, AD.size(f));
        double x = 1.2;
        // reference: the same chain in Java, with the chain rule by hand
        double y = x, d = 1;
        for (int i = 0; i < LONG; i++) {
            if (i % 2 == 0) { d *= StrictMath.cos(y); y = StrictMath.sin(y); }
            else { d *= 1.00001; y *= 1.00001; }
        }
        assertEquals(y, AD.eval1(f, x), 1e-15);
        assertEquals(d, AD.grad(f, x)[0], 1e-12 * Math.abs(d));
        assertEquals(d, AD.jvp(f, new double[] {x}, new double[] {1})._2[0], 1e-12 * Math.abs(d));
        assertEquals(d, AD.vjp(f, new double[] {x}, new double[] {1})[0], 1e-12 * Math.abs(d));
        double fd = fdJacobian(f, new double[] {x})[0][0];
        // |f'| ≪ |f| here, so the differences' rounding error ε·|f|/h dominates their truncation error
        assertEquals(fd, d, FD_TOL * Math.abs(d) + 1e-15 * Math.abs(y) / step(x));
        Prog g = AD.grad(f);
        assertEquals(d, AD.eval1(g, x), 1e-12 * Math.abs(d));
    }

    /** f₀ = sin, fₖ = sin + ½ fₖ₋₁: forks nested k deep (the nesting is in the Cross, not the Compose), fₖ = (2 - 2^-k) sin. */
    static Prog forkChain(int depth) {
        Prog f = sin;
        for (int i = 0; i < depth; i++) f = compose(add, fork(sin, compose(scale(0.5), f)));
        return f;
    }

    static Prog nestedMaps(int depth) {
        Prog f = sin;
        for (int i = 0; i < depth; i++) f = map(1, f);
        return f;
    }

    static Prog nestedCrosses(int depth) {
        Prog f = sin;
        for (int i = 0; i < depth; i++) f = cross(f, scale(2));
        return f;
    }

    @Test
    void aHundredThousandNestedForks() {
        Prog deep = forkChain(LONG);
        double x = 0.7;
        assertEquals(2 * Math.sin(x), AD.eval1(deep, x), 1e-12);
        assertEquals(2 * Math.cos(x), AD.grad(deep, x)[0], 1e-12);
        assertEquals(2 * Math.cos(x), AD.jvp(deep, new double[] {x}, new double[] {1})._2[0], 1e-12);
        assertEquals(2 * Math.cos(x), AD.vjp(deep, new double[] {x}, new double[] {1})[0], 1e-12);
    }

    @Test
    void gradientProgramOfAHundredThousandNestedForks() {
        // the slowest test here (~15 s on 2 cores): simplifying a 1.7-million-node gradient program recursively,
        // on Deep's big stack
        Prog deep = forkChain(LONG);
        double x = 0.7;
        worksOrCatadException(() -> assertEquals(2 * Math.cos(x), AD.eval1(AD.grad(deep), x), 1e-12));
    }

    static void worksOrCatadException(Runnable r) {
        try {
            r.run();
        } catch (CatadException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "the error should say what went wrong");
        } catch (StackOverflowError e) {
            fail("StackOverflowError escaped instead of a CatadException", e);
        }
    }

    @Test
    void aHundredThousandNestedMaps() {
        Prog deep = nestedMaps(LONG);
        worksOrCatadException(() -> assertEquals(Math.sin(0.5), AD.eval(deep, 0.5)[0], 1e-15));
        worksOrCatadException(() -> assertEquals(Math.cos(0.5), AD.jvp(deep, new double[] {0.5}, new double[] {1})._2[0], 1e-15));
        worksOrCatadException(() -> assertEquals(Math.cos(0.5), AD.vjp(deep, new double[] {0.5}, new double[] {1})[0], 1e-15));
        worksOrCatadException(() -> assertEquals(LONG + 1, AD.size(deep)));
        // the vjp program is not built at this depth: see nestingCostIsLinearInDepth
    }

    @Test
    void nestedCrossesAtModerateDepth() {
        int depth = 2000;
        Prog deep = nestedCrosses(depth);
        var x = new double[depth + 1];
        java.util.Arrays.fill(x, 0.5);
        double[] y = AD.eval(deep, x);
        assertEquals(Math.sin(0.5), y[0], 1e-15);
        assertEquals(1.0, y[depth], 0);
        double[] g = AD.vjp(deep, x, x);
        assertEquals(0.5 * Math.cos(0.5), g[0], 1e-15);
        assertEquals(1.0, g[depth], 0);
        double[] gp = AD.eval(AD.vjp(deep), concat(x, x));
        assertEquals(g[0], gp[0], 1e-15);
        assertEquals(g[depth], gp[depth], 0);
        assertEquals(2L * depth + 1, AD.size(deep));
    }

    // ------------------------------------------------------------------ cost of nesting

    static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    /** {@return the bytes the current thread allocates running r} */
    static long allocated(Runnable r) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        r.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> nestings() {
        var out = new ArrayList<org.junit.jupiter.params.provider.Arguments>();
        for (String kind : List.of("forks", "maps", "crosses"))
            for (String op : List.of("eval", "vjp", "vjp program"))
                out.add(org.junit.jupiter.params.provider.Arguments.of(kind, op));
        return out.stream();
    }

    /**
     * A program nested 100,000 deep can only work if every pass costs time and memory linear in the
     * depth. Measured by the bytes allocated at depth 500 and 2,000 (on one thread with a big stack,
     * so no pass moves to another thread): linear cost gives a ratio of 4, quadratic 16; the test
     * allows 8.
     */
    @ParameterizedTest(name = "nested {0}: {1}")
    @MethodSource("nestings")
    void nestingCostIsLinearInDepth(String kind, String op) throws Exception {
        var bytes = new long[2];
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread t = new Thread(null, () -> {
            try {
                int[] depths = {500, 2000};
                for (int i = 0; i < 2; i++) {
                    Prog f = switch (kind) {
                        case "forks" -> forkChain(depths[i]);
                        case "maps" -> nestedMaps(depths[i]);
                        default -> nestedCrosses(depths[i]);
                    };
                    var x = new double[f.dom().dim()];
                    java.util.Arrays.fill(x, 0.5);
                    double[] ct = AD.eval(f, x);
                    Runnable run = switch (op) {
                        case "eval" -> () -> AD.eval(f, x);
                        case "vjp" -> () -> AD.vjp(f, x, ct);
                        default -> () -> AD.eval(AD.vjp(f), concat(x, ct));
                    };
                    run.run();   // warm up
                    bytes[i] = allocated(run);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "nesting", 1L << 30);
        t.start();
        t.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
        double ratio = (double) bytes[1] / Math.max(1, bytes[0]);
        // Known limit: the vjp *program* of nested products pairs each input with its cotangent by a
        // shuffle (A×C)×(B×D) → (A×B)×(C×D) at every level, and each shuffle copies its whole
        // subtree, so it is quadratic in the depth (16 here). Guard it against getting worse than
        // that; every other pass must be linear. Removing it needs an n-ary layout permutation.
        double bound = kind.equals("crosses") && op.equals("vjp program") ? 20 : 8;
        assertTrue(ratio <= bound, "nested " + kind + ", " + op + ": 4× the depth allocates " + String.format("%.1f", ratio)
                + "× the memory (" + bytes[0] + " → " + bytes[1] + " bytes); quadratic cost means 100,000 levels cannot work");
    }

    // ------------------------------------------------------------------ loops that do not stop

    @Test
    void aWhileThatNeverStopsNamesItsBound() {
        Prog f = whileLoop(constant(R, 1), sin, 1234);
        catadError(() -> AD.eval(f, 0.5), "1234");
        catadError(() -> AD.grad(f, 0.5), "1234");
        catadError(() -> AD.jvp(f, new double[] {0.5}, new double[] {1}), "1234");
        catadError(() -> AD.vjp(f, new double[] {0.5}, new double[] {1}), "1234");
        catadError(() -> AD.hessian(f, 0.5), "1234");
        catadError(() -> AD.eval(AD.grad(f), 0.5), "1234");
        catadError(() -> AD.eval(AD.jvp(f), 0.5, 1), "1234");
        Prog inMap = compose(sum(V2), map(2, whileLoop(id(R), compose(offset(-1), exp), 77)));
        // exp(x) - 1 ≥ x, so the loop runs away for x > 0 but not for x ≤ 0
        catadError(() -> AD.eval(inMap, -1, 0.5), "77");
        assertEquals(-1, AD.eval1(inMap, -1, 0), 0);
    }
}
