package catad.laws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import catad.dsl.Parser;
import catad.dsl.Shape;
import catad.interpreter.AD;
import catad.interpreter.Magnitude;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Laws whose sides cancel large intermediate values are judged by the rounding of those values
 * ({@link Check#INTERMEDIATE}), and a wrong law is still caught among them.
 */
class CancellationTest {

    /** Found by CI: values near 8,000 cancel to ~1e-13, computed in two orders on the two sides. */
    static final String GROWING = "(id &&& dup) . sum . iterate 3 (iterate 3 (repl 2 . sum . matrix 3 2 [0.0, 1.25, 2.0, -1.5, 1.0, 0.25]))";
    static final double[] AT = {0, 0, 0.001, 0, 0.212};

    static final class ReverseProgram implements CartesianLaws {
        @Override public Interpretation interpretation() { return Interpretations.VJP_PROGRAM; }
    }

    @Test
    void cancellingSidesAreJudgedByTheirIntermediateValues() {
        var h = Parser.parse(GROWING, Shape.arr(2, Shape.R));
        var laws = new ReverseProgram();
        laws.forkOfProjections(new Case(List.of(h), List.of(AT)));   // failed with a scale of 0: 1.02e-12 > 1e-12
        assertTrue(Magnitude.max() > 1000, () -> "largest intermediate " + Magnitude.max());
    }

    @Test
    void aWrongSideIsStillCaughtAmongLargeIntermediates() {
        var h = Parser.parse(GROWING, Shape.arr(2, Shape.R));
        double[] right = Interpretations.VJP_PROGRAM.run(h, AT);
        double[] wrong = right.clone();
        wrong[4] += 1e-6 * Math.max(1, Math.abs(wrong[4]));
        var e = assertThrows(AssertionError.class, () -> Check.law("x = x").prog("h", h).vec("x", AT)
                .close("right", Interpretations.VJP_PROGRAM.run(h, AT), "wrong", wrong, Tolerance.ROUNDING));
        assertTrue(e.getMessage().contains("scale"), e.getMessage());
    }

    @Test
    void theMagnitudeIsTheLargestValueComputedOnThisThread() {
        Magnitude.start();
        var f = Parser.parse("sub . (scale 1e4 &&& scale 1e4)", Shape.R);
        assertEquals(0.0, AD.eval(f, 3)[0]);
        assertEquals(3e4, Magnitude.max());
        Magnitude.start();
        assertEquals(0.0, Magnitude.max());
        AD.eval(Parser.parse("exp . scale 1000", Shape.R), 1);   // exp gives +Inf, which does not count
        assertEquals(1000, Magnitude.max());
        Magnitude.stop();
        AD.eval(f, 5);
        assertEquals(0.0, Magnitude.max());
    }
}
