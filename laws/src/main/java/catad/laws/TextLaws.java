package catad.laws;

import catad.dsl.Parser;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.interpreter.AD;
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

    private static void roundTrip(String law, Prog f, boolean unicode) {
        var text = unicode ? Printer.unicode(f) : Printer.print(f);
        var back = Parser.parse(text, Parser.primitivesOf(f));
        Check.law(law).note("f", text).note("parse(text)", Printer.print(back)).that("parse(text).equals(f)", back.equals(f));
    }
}
