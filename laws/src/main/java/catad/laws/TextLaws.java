package catad.laws;

import catad.dsl.Parser;
import catad.dsl.Printer;
import catad.interpreter.AD;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Catad text is a faithful serialization: printing then parsing gives back the same program. */
public interface TextLaws {

    @Provide default Arbitrary<Case> textCase() { return Cases.oneProgram(Generators::programs); }

    @Provide default Arbitrary<Case> textLinearCase() { return Cases.oneProgram(Generators::linearPrograms); }

    /** {@code parse(print(f)) = f}. */
    @Property default void printThenParse(@ForAll("textCase") Case c) { roundTrip("parse(print(f)) = f", c.f()); }

    /** {@code parse(print(f)) = f} for linear programs. */
    @Property default void printThenParseLinear(@ForAll("textLinearCase") Case c) { roundTrip("parse(print(f)) = f, f linear", c.f()); }

    /** {@code parse(print(D)) = D} for the derivative programs {@code D = AD.vjp(f)}, which carry constants. */
    @Property default void printThenParseDerivative(@ForAll("textCase") Case c) {
        roundTrip("parse(print(AD.vjp(f))) = AD.vjp(f)", AD.vjp(c.f()));
    }

    private static void roundTrip(String law, catad.dsl.Prog f) {
        var text = Printer.print(f);
        var back = Parser.parse(text);
        Check.law(law).note("f", text).note("parse(print(f))", Printer.print(back)).that("parse(print(f)).equals(f)", back.equals(f));
    }
}
