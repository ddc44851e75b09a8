package catad.laws;

import catad.dsl.Catad;
import catad.dsl.Parser;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.interpreter.AD;
import catad.dsl.Shape;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Catad text is a faithful serialization: printing then parsing gives back an equal program, in
 * ASCII and in Unicode, for plain, linear and derivative programs (which carry constants whose
 * every bit must survive). User primitives are read back through {@link Parser#primitivesOf}.
 */
public interface TextLaws {

    /** A random program. */
    @Provide default Arbitrary<Prog> textProgram() { return Cases.one(Generators::programs).map(ps -> ps.get(0)); }

    /** A random linear program. */
    @Provide default Arbitrary<Prog> textLinearProgram() { return Cases.one(Generators::linearPrograms).map(ps -> ps.get(0)); }

    /** {@code parse(print(f)) = f}. */
    @Property default void printThenParse(@ForAll("textProgram") Prog f) { roundTrip("parse(print(f)) = f", f, false); }

    /** {@code parse(unicode(f)) = f}. */
    @Property default void printUnicodeThenParse(@ForAll("textProgram") Prog f) { roundTrip("parse(unicode(f)) = f", f, true); }

    /** {@code parse(print(f)) = f} for linear programs. */
    @Property default void printThenParseLinear(@ForAll("textLinearProgram") Prog f) { roundTrip("parse(print(f)) = f, f linear", f, false); }

    /** {@code parse(print(D)) = D} for the derivative programs {@code D = AD.jvp(f)} and {@code AD.vjp(f)}, which carry constants. */
    @Property default void printThenParseDerivative(@ForAll("textProgram") Prog f) {
        roundTrip("parse(print(AD.jvp(f))) = AD.jvp(f)", AD.jvp(f), false);
        roundTrip("parse(print(AD.vjp(f))) = AD.vjp(f)", AD.vjp(f), false);
    }

    /**
     * Any double: jqwik's full range with its edge cases (±0.0, subnormals, the extremes, ±Infinity,
     * NaN) and numbers with every digit of precision, which generated programs (constants on a grid
     * of 1/4) never carry.
     */
    @Provide default Arbitrary<Double> textNumber() {
        return Arbitraries.oneOf(Arbitraries.doubles().withSpecialValue(Double.NaN).withSpecialValue(Double.POSITIVE_INFINITY)
                        .withSpecialValue(Double.NEGATIVE_INFINITY).withSpecialValue(Double.MIN_VALUE).withSpecialValue(-0.0),
                Arbitraries.longs().map(Double::longBitsToDouble));
    }

    /** {@code parse(print(scale c)) = scale c} and the same for {@code const [c, -c]}, bit for bit, for any double c. */
    @Property default void numbersSurviveBitForBit(@ForAll("textNumber") double c) {
        roundTrip("parse(print(scale c)) = scale c", Catad.scale(c), false);
        roundTrip("parse(unicode(scale c)) = scale c", Catad.scale(c), true);
        roundTrip("parse(print(const [c, -c])) = const [c, -c]", Catad.constant(Shape.R, Shape.vec(2), c, -c), false);
    }

    private static void roundTrip(String law, Prog f, boolean unicode) {
        var text = unicode ? Printer.unicode(f) : Printer.print(f);
        var back = Parser.parse(text, Parser.primitivesOf(f));
        var ctx = Check.law(law).note("f", text).note("parse(text)", Printer.print(back));
        if (!back.equals(f)) ctx = ctx.note("first difference", firstDifference(f, back));
        ctx.that("parse(text).equals(f)", back.equals(f));
    }

    /**
     * {@return the first node where two programs differ, in Java's own notation (records, numbers by
     * {@link Double#toString} and their bits), so that the report does not depend on the printer under test}
     */
    private static String firstDifference(Prog f, Prog g) {
        var fs = f.nodes().iterator(); var gs = g.nodes().iterator();
        while (fs.hasNext() && gs.hasNext()) {
            var a = fs.next(); var b = gs.next();
            if (a.getClass() != b.getClass() || a.children().size() != b.children().size()) return describe(a) + " became " + describe(b);
            if (a.children().isEmpty() && !a.equals(b)) return describe(a) + " became " + describe(b);
            if (!a.children().isEmpty() && !sameOwnFields(a, b)) return describe(a) + " became " + describe(b);
        }
        return fs.hasNext() || gs.hasNext() ? "programs of different sizes" : "no node differs (equals() disagrees with the structure)";
    }

    private static boolean sameOwnFields(Prog a, Prog b) {
        return describe(a).equals(describe(b));
    }

    private static String describe(Prog p) {
        return switch (p) {
            case Prog.Scale s -> "scale " + s.s() + " (bits 0x" + Long.toHexString(Double.doubleToRawLongBits(s.s())) + ")";
            case Prog.Const k -> "const " + Arrays.toString(k.value()) + " " + Arrays.toString(Arrays.stream(k.value())
                    .mapToObj(v -> "0x" + Long.toHexString(Double.doubleToRawLongBits(v))).toArray());
            default -> p.getClass().getSimpleName() + (p.children().isEmpty() ? " " + p : " : " + p.dom() + " -> " + p.cod());
        };
    }
}
