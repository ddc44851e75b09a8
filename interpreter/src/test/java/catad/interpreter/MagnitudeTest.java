package catad.interpreter;

import static catad.dsl.Catad.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import catad.dsl.Prog;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Magnitude}: the largest finite value computed on this thread, wherever the interpreter computed it. */
class MagnitudeTest {

    @AfterEach void stop() { Magnitude.stop(); }

    @Test
    void aCancellationShowsItsIntermediateValues() {
        Prog f = compose(sub, fork(scale(1e4), scale(1e4)));
        Magnitude.start();
        assertEquals(0.0, AD.eval1(f, 3));
        assertEquals(3e4, Magnitude.max());
    }

    @Test
    void derivativesCountTheirTangentsAndCotangents() {
        Magnitude.start();
        AD.jvp(sin, new double[] {0}, new double[] {7e5});   // the tangent cos 0 · 7e5, a scalar primitive's derivative
        assertEquals(7e5, Magnitude.max());
        Magnitude.start();
        AD.vjp(compose(sin, scale(2)), new double[] {0}, new double[] {3e5});
        assertEquals(6e5, Magnitude.max());
    }

    @Test
    void onlyFiniteValuesCountAndStartBeginsAgain() {
        Magnitude.start();
        AD.eval(compose(exp, scale(1000)), 1);   // 1000, then exp gives +Inf
        assertEquals(1000, Magnitude.max());
        Magnitude.start();
        assertEquals(0, Magnitude.max());
    }

    @Test
    void aProgramTooDeepForTheCallersStackIsStillTracked() {
        Prog f = scale(5e3);
        for (int i = 0; i < 100_000; i++) f = map(1, f);   // evaluated on Deep's big-stack thread
        Magnitude.start();
        assertEquals(1e4, AD.eval(f, 2)[0]);
        assertEquals(1e4, Magnitude.max());
    }

    @Test
    void otherThreadsAndStoppedTrackingSeeNothing() throws Exception {
        Magnitude.start();
        try (var pool = Executors.newSingleThreadExecutor()) {
            double other = pool.submit(() -> { AD.eval(scale(9e9), 1); return Magnitude.max(); }).get();
            assertEquals(0, other);
        }
        assertEquals(0, Magnitude.max());
        Magnitude.stop();
        AD.eval(scale(9e9), 1);
        assertEquals(0, Magnitude.max());
    }
}
