package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code hello}: square and its derivative, against x² and 2x; bad inputs and names are refused. */
class HelloTest {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void squareAndDouble(Backend backend) {
        var m = new Hello();
        for (double x : new double[] {0, 1, -2.5, 3e10, 0.1}) {
            assertEquals(x * x, Evals.run(m, "square", Evals.JSON.numberNode(x), backend).doubleValue(), "square " + x);
            assertEquals(2 * x, Evals.run(m, "double", Evals.JSON.numberNode(x), backend).doubleValue(), "double " + x);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void refusesBadInputs(Backend backend) {
        var m = new Hello();
        var e = assertThrows(IllegalArgumentException.class, () -> m.prepare("square", Evals.JSON.textNode("3"), backend));
        assertTrue(e.getMessage().contains("must be a number"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.prepare("cube", Evals.JSON.numberNode(3), backend));
        assertTrue(e.getMessage().contains("no function 'cube'"), e.getMessage());
    }
}
