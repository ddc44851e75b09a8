package catad.interpreter;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.CatadException;
import catad.dsl.Prog;
import catad.dsl.Shape;
import io.vavr.Function1;
import io.vavr.Tuple2;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import io.vavr.control.Validation;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

/** Programs as plain Java and vavr functions, and errors as values. */
class InteropTest {

    static final Shape V3 = Shape.vec(3);
    /** Σ sin(exp xᵢ) : [3]R → R */
    static final Prog SUM_SIN_EXP = compose(sum(V3), map(3, compose(sin, exp)));

    static double sumSinExp(double[] x) {
        return DoubleStream.of(x).map(xi -> StrictMath.sin(StrictMath.exp(xi))).sum();
    }

    @Test
    void functionComposesWithAndThenLikeTheProgram() {
        Function1<double[], double[]> f = AD.function(map(3, exp));
        Function1<double[], double[]> g = AD.function(sum(V3));
        Function1<double[], double[]> h = f.andThen(g);
        Function1<double[], double[]> viaProgram = AD.function(compose(sum(V3), map(3, exp)));
        double[] x = {0.1, -0.4, 1.3};
        assertEquals(Math.exp(0.1) + Math.exp(-0.4) + Math.exp(1.3), h.apply(x)[0], 1e-14);
        assertArrayEquals(viaProgram.apply(x), h.apply(x), 0);
        assertArrayEquals(new double[] {StrictMath.exp(0.1), StrictMath.exp(-0.4), StrictMath.exp(1.3)}, f.apply(x), 0);
        // compose the other way: a Java function before the program
        Function1<double[], double[]> shifted = f.compose(v -> DoubleStream.of(v).map(t -> t - 1).toArray());
        assertEquals(Math.exp(-0.9), shifted.apply(x)[0], 1e-15);
        // a bad input surfaces as the CatadException when the function is applied
        assertThrows(CatadException.class, () -> h.apply(new double[] {1, 2}));
    }

    @Test
    void unaryIsADoubleUnaryOperator() {
        DoubleUnaryOperator s = AD.unary(sin);
        DoubleUnaryOperator both = s.andThen(AD.unary(exp));
        for (double x : new double[] {-2, -0.5, 0, 0.3, 4}) {
            assertEquals(StrictMath.sin(x), s.applyAsDouble(x), 0);
            assertEquals(StrictMath.exp(StrictMath.sin(x)), both.applyAsDouble(x), 0);
            assertEquals(Math.cos(x), AD.unary(AD.grad(sin)).applyAsDouble(x), 1e-15);
        }
        var e = assertThrows(CatadException.class, () -> AD.unary(sum(V3)));
        assertTrue(e.getMessage().contains("[3]R"), e.getMessage());
        assertThrows(CatadException.class, () -> AD.unary(map(3, sin)));
    }

    @Test
    void scalarIsAToDoubleFunction() {
        ToDoubleFunction<double[]> f = AD.scalar(SUM_SIN_EXP);
        double[] x = {0.2, 0.5, -1};
        assertEquals(sumSinExp(x), f.applyAsDouble(x), 1e-14);
        assertThrows(CatadException.class, () -> AD.scalar(map(3, sin)));
        assertThrows(CatadException.class, () -> f.applyAsDouble(new double[] {1}));
    }

    @Test
    void valueAndGradFunctionReturnsATuple() {
        Function1<double[], Tuple2<Double, double[]>> vg = AD.valueAndGradFunction(SUM_SIN_EXP);
        double[] x = {0.2, 0.5, -1};
        Tuple2<Double, double[]> r = vg.apply(x);
        assertEquals(sumSinExp(x), r._1, 1e-14);
        for (int i = 0; i < 3; i++) assertEquals(Math.cos(Math.exp(x[i])) * Math.exp(x[i]), r._2[i], 1e-14);
        // the value is exactly eval's and the gradient exactly grad's
        assertEquals(AD.eval1(SUM_SIN_EXP, x), r._1, 0);
        assertArrayEquals(AD.grad(SUM_SIN_EXP, x), r._2, 0);
        assertThrows(CatadException.class, () -> AD.valueAndGradFunction(map(3, sin)));
    }

    @Test
    void tryEvalAndTryGradReturnErrorsAsValues() {
        double[] x = {0.2, 0.5, -1};
        Either<CatadException, double[]> ok = AD.tryEval(SUM_SIN_EXP, x);
        assertTrue(ok.isRight());
        assertEquals(sumSinExp(x), ok.get()[0], 1e-14);
        Either<CatadException, double[]> bad = AD.tryEval(SUM_SIN_EXP, 1, 2);
        assertTrue(bad.isLeft());
        assertTrue(bad.getLeft().getMessage().contains("input has 2 numbers"), bad.getLeft().getMessage());

        Either<CatadException, double[]> g = AD.tryGrad(SUM_SIN_EXP, x);
        assertTrue(g.isRight());
        assertArrayEquals(AD.grad(SUM_SIN_EXP, x), g.get(), 0);
        assertTrue(AD.tryGrad(SUM_SIN_EXP, 1).isLeft());
        Either<CatadException, double[]> notScalar = AD.tryGrad(map(3, sin), x);
        assertTrue(notScalar.isLeft());
        assertTrue(notScalar.getLeft().getMessage().contains("grad"), notScalar.getLeft().getMessage());
        // a loop that runs away is an error value too
        Either<CatadException, double[]> loop = AD.tryEval(whileLoop(constant(R, 1), sin, 50), 1);
        assertTrue(loop.isLeft());
        assertTrue(loop.getLeft().getMessage().contains("50"));
        // and the right side maps like any Either
        assertEquals(sumSinExp(x) * 2, ok.map(v -> v[0] * 2).get(), 1e-14);
        // NaN input is not an error: it propagates
        assertTrue(Double.isNaN(AD.tryEval(SUM_SIN_EXP, Double.NaN, 0, 0).get()[0]));
    }

    @Test
    void validateListsEachProblem() {
        Validation<Seq<String>, double[]> ok = AD.validate(SUM_SIN_EXP, 1, 2, 3);
        assertTrue(ok.isValid());
        assertArrayEquals(new double[] {1, 2, 3}, ok.get(), 0);

        Validation<Seq<String>, double[]> bad = AD.validate(SUM_SIN_EXP, Double.NaN, 1, Double.POSITIVE_INFINITY, 2);
        assertTrue(bad.isInvalid());
        Seq<String> errors = bad.getError();
        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.exists(s -> s.contains("4 numbers") && s.contains("[3]R")), errors.toString());
        assertTrue(errors.exists(s -> s.contains("input[0]") && s.contains("NaN")), errors.toString());
        assertTrue(errors.exists(s -> s.contains("input[2]") && s.contains("Infinity")), errors.toString());

        Validation<Seq<String>, double[]> one = AD.validate(SUM_SIN_EXP, 1, Double.NEGATIVE_INFINITY, 3);
        assertEquals(1, one.getError().size());
        assertTrue(AD.validate(SUM_SIN_EXP, (double[]) null).isInvalid());
        // valid inputs chain into evaluation
        assertEquals(AD.eval1(SUM_SIN_EXP, 1, 2, 3), ok.map(v -> AD.eval1(SUM_SIN_EXP, v)).get(), 0);
    }
}
