package catad.dsl;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * {@link Sums} computes the canonical order its Javadoc states, bit for bit, on strided slices of
 * arrays full of signed zeros, NaN, infinities, huge and tiny numbers; and that order is not plain
 * left to right once there are 8 terms or more.
 */
class SumsTest {

    /** The canonical order written out as its Javadoc states it, with no cleverness: what {@link Sums} must equal. */
    static double reference(double[] t) {
        double[] a = new double[8];
        int blocks = t.length / 8;
        for (int b = 0; b < blocks; b++)
            for (int l = 0; l < 8; l++) a[l] = a[l] + t[8 * b + l];
        double s = ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
        for (int j = 8 * blocks; j < t.length; j++) s = s + t[j];
        return s;
    }

    /** Today's order before the canonical one: {@code 0.0 + t₀ + t₁ + …}. */
    static double leftToRight(double[] t) {
        double s = 0.0;
        for (double e : t) s = s + e;
        return s;
    }

    /**
     * Same bits, signed zeros included. Any NaN matches any NaN: Java does not fix which NaN an
     * addition of two NaNs returns, and HotSpot's compiler may swap an addition's operands, so the
     * same expression gives 0x7ff8… interpreted and 0xfff8… compiled (measured on JDK 25).
     */
    static void sameBits(double expected, double actual, String what) {
        if (Double.isNaN(expected) && Double.isNaN(actual)) return;
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                () -> what + ": expected " + expected + " but got " + actual);
    }

    /** n numbers of an array, {@code stride} apart from {@code offset}, with room around them. */
    record Slice(double[] x, int offset, int stride, int n) {
        double[] terms() {
            double[] t = new double[n];
            for (int j = 0; j < n; j++) t[j] = x[offset + j * stride];
            return t;
        }
        @Override public String toString() {
            return "n=" + n + " offset=" + offset + " stride=" + stride + " x=" + Arrays.toString(x);
        }
    }

    // ---------------------------------------------------------------- generators

    /** Numbers of alike magnitude, whose sums round differently in different orders. */
    static Arbitrary<Double> alike() {
        return Arbitraries.doubles().between(-1000, 1000).ofScale(12).withDistribution(RandomDistribution.uniform());
    }

    /** Numbers of every kind: alike and mixed magnitudes, any bit pattern, extremes, signed zeros, NaN and infinities. */
    static Arbitrary<Double> anything() {
        Arbitrary<Double> mixed = Combinators.combine(
                Arbitraries.doubles().between(-1, 1).ofScale(15).withDistribution(RandomDistribution.uniform()),
                Arbitraries.integers().between(-20, 20)).as((m, e) -> m * Math.pow(10, e));
        Arbitrary<Double> anyBits = Arbitraries.longs().map(Double::longBitsToDouble);
        Arbitrary<Double> huge = Arbitraries.of(Double.MAX_VALUE, -Double.MAX_VALUE, 1e308, -1e308, 1e17, -1e17);
        Arbitrary<Double> tiny = Arbitraries.of(Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL, 1e-310, -1e-300);
        Arbitrary<Double> special = Arbitraries.of(0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
        // specials are rare per number so that most sums of 40 stay finite and their order still shows
        return Arbitraries.frequencyOf(Tuple.of(40, alike()), Tuple.of(30, mixed), Tuple.of(6, anyBits),
                Tuple.of(1, huge), Tuple.of(2, tiny), Tuple.of(1, special));
    }

    /**
     * A slice of n numbers with a random stride (negative and zero too) and offset, in an array either
     * of alike numbers (where the order shows in most sums of 8 or more) or of anything.
     */
    static Arbitrary<Slice> slice(int n) {
        return Combinators.combine(Arbitraries.of(alike(), anything()), Arbitraries.integers().between(-3, 4),
                Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 5)).flatAs((numbers, stride, before, after) -> {
            int span = n == 0 ? 0 : (n - 1) * Math.abs(stride) + 1;
            int offset = before + (stride < 0 ? span - 1 : 0);
            return numbers.list().ofSize(before + span + after)
                    .map(l -> new Slice(l.stream().mapToDouble(Double::doubleValue).toArray(), offset, stride, n));
        });
    }

    @Provide
    Arbitrary<Slice> slices() {
        return Arbitraries.integers().between(0, 40).flatMap(SumsTest::slice);
    }

    @Provide
    Arbitrary<Slice[]> slicePairs() {
        return Arbitraries.integers().between(0, 40).flatMap(n -> Combinators.combine(slice(n), slice(n)).as((x, y) -> new Slice[] {x, y}));
    }

    @Provide
    Arbitrary<Slice> shortSlices() {
        return Arbitraries.integers().between(0, 7).flatMap(SumsTest::slice);
    }

    // ---------------------------------------------------------------- properties

    @Property(tries = 3000)
    void sumIsTheCanonicalOrder(@ForAll("slices") Slice s) {
        double[] t = s.terms();
        double expected = reference(t);
        Statistics.label("n").collect(s.n() < 8 ? "n < 8" : "n >= 8");
        Statistics.label("result").collect(Double.isNaN(expected) ? "NaN" : Double.isInfinite(expected) ? "infinite" : "finite");
        Statistics.label("differs from left to right").collect(
                Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(leftToRight(t)) && !Double.isNaN(expected));
        sameBits(expected, Sums.sum(s.x(), s.offset(), s.stride(), s.n()), s.toString());
    }

    @Property(tries = 3000)
    void dotIsTheCanonicalOrderOfTheProducts(@ForAll("slicePairs") Slice[] xy) {
        Slice x = xy[0], y = xy[1];
        double[] a = x.terms(), b = y.terms(), t = new double[x.n()];
        for (int j = 0; j < t.length; j++) t[j] = a[j] * b[j];
        Statistics.label("n").collect(x.n() < 8 ? "n < 8" : "n >= 8");
        sameBits(reference(t), Sums.dot(x.x(), x.offset(), x.stride(), y.x(), y.offset(), y.stride(), x.n()), x + " · " + y);
    }

    @Property(tries = 1000)
    void fewerThanEightTermsAddLeftToRight(@ForAll("shortSlices") Slice s) {
        sameBits(leftToRight(s.terms()), Sums.sum(s.x(), s.offset(), s.stride(), s.n()), s.toString());
    }

    // ---------------------------------------------------------------- examples

    @Test
    void eightOrMoreTermsDoNotAddLeftToRight() {
        // lanes 0 and 2 cancel after each took a 1; left to right, the first 1 is lost in 1e17 (ulp 16)
        double[] t = {1e17, 1, -1e17, 1, 1, 1, 1, 1};
        assertEquals(5.0, leftToRight(t));
        assertEquals(4.0, reference(t));
        assertEquals(4.0, Sums.sum(t, 0, 1, t.length));
        assertEquals(4.0, Sums.dot(t, 0, 1, new double[] {1, 1, 1, 1, 1, 1, 1, 1}, 0, 1, t.length));
        // the tail after the blocks of 8 is added in order, after the combine
        double[] u = Arrays.copyOf(t, 11);
        u[8] = 1e17; u[9] = 1; u[10] = -1e17;
        assertEquals(0.0, Sums.sum(u, 0, 1, u.length));
        assertEquals(0.0, reference(u));
    }

    @Test
    void fewerThanEightTermsDoAddLeftToRight() {
        double[] t = {1e17, 1, -1e17, 1};
        assertEquals(1.0, Sums.sum(t, 0, 1, t.length));
        assertEquals(leftToRight(t), Sums.sum(t, 0, 1, t.length));
        // starting from +0.0, as the loops before it did: a sum of -0.0s is +0.0
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Sums.sum(new double[] {-0.0, -0.0}, 0, 1, 2)));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Sums.sum(new double[9], 0, 1, 9)));
        assertEquals(0.0, Sums.sum(new double[0], 0, 1, 0));
    }

    @Test
    void stridesReadTheRightNumbers() {
        double[] x = {100, 1, 200, 2, 300, 3, 400, 4, 500, 5, 600, 6, 700, 7, 800, 8, 900, 9};
        assertEquals(45.0, Sums.sum(x, 1, 2, 9));
        assertEquals(4500.0, Sums.sum(x, 16, -2, 9));
        assertEquals(1 * 9 + 2 * 8 + 3 * 7 + 4 * 6 + 5 * 5 + 6 * 4 + 7 * 3 + 8 * 2 + 9 * 1, Sums.dot(x, 1, 2, x, 17, -2, 9));
    }
}
