package catad.jit;

import static catad.dsl.Catad.*;
import static org.junit.jupiter.api.Assertions.*;

import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.interpreter.AD;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Trig} gives {@link StrictMath}'s bits for every input of {@link MathInputs} (thresholds,
 * binades, random sets, multiples of π/2 and their neighbours) and allocates nothing, and kernels'
 * scalar sin and cos go through it.
 */
class TrigTest {

    @ParameterizedTest
    @ValueSource(strings = {"sin", "cos"})
    void givesStrictMathsBits(String function) {
        DoubleUnaryOperator mine = function.equals("sin") ? Trig::sin : Trig::cos;
        DoubleUnaryOperator strict = function.equals("sin") ? StrictMath::sin : StrictMath::cos;
        var sets = new ArrayList<>(List.of(MathInputs.thresholds(), MathInputs.binades()));
        sets.addAll(MathInputs.random(function, 5, 1 << 17));
        long checked = 0;
        var report = new StringBuilder();
        int bad = 0;
        for (double[] in : sets)
            for (double x : in) {
                double got = mine.applyAsDouble(x), want = strict.applyAsDouble(x);
                checked++;
                if (Double.doubleToRawLongBits(got) != Double.doubleToRawLongBits(want) && !(got != got && want != want) && bad++ < 10)
                    report.append(String.format("%s(%s [%016x]) gave %s, StrictMath %s%n", function, x, Double.doubleToRawLongBits(x), got, want));
            }
        assertEquals(0, bad, report::toString);
        assertTrue(checked > 500_000, "inputs: " + checked);
    }

    @Test void allocatesNothingWhereStrictMathDoes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<double[]> sets = MathInputs.random("sin", 9, 2048);
        double[] x = new double[4096];  // uniform in [-10, 10), and beyond 2^20 π/2 (Payne and Hanek's reduction)
        System.arraycopy(sets.getFirst(), 0, x, 0, 2048);
        System.arraycopy(sets.getLast(), 0, x, 2048, 2048);
        double s = 0;
        for (int rep = 0; rep < 200; rep++) for (double v : x) s += Trig.sin(v) + Trig.cos(v);
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int rep = 0; rep < 50; rep++) for (double v : x) s += Trig.sin(v) + Trig.cos(v);
        long mine = threads.getCurrentThreadAllocatedBytes() - before;
        before = threads.getCurrentThreadAllocatedBytes();
        for (int rep = 0; rep < 50; rep++) for (double v : x) s += StrictMath.sin(v) + StrictMath.cos(v);
        long strict = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(mine < 10_000, "Trig allocated " + mine + " bytes (StrictMath " + strict + ") " + s);
    }

    @Test void kernelsScalarCodeCallsIt() {
        // 3 elements: no vector loop, so the kernel's sin and cos are scalar calls
        Prog f = compose(sum(Shape.vec(3)), map(3, compose(sin, exp)), map(3, cos));
        Kernel k = Jit.compile(AD.grad(f));
        double[] x = {0.5, -2.0, 7.25}, y = new double[3];
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) k.apply(x, y);
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20_000; i++) k.apply(x, y);
        long bytes = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(bytes < 20_000, () -> k + " allocated " + bytes + " bytes in 20,000 calls");
        assertArrayEquals(AD.grad(f, x), y);
    }
}
