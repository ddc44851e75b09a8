package catad.examples;

import static catad.dsl.Catad.*;

import catad.dsl.Primitive;
import catad.laws.LawCheck;

/**
 * Checks a user primitive in one call with {@link LawCheck}: softsign {@code x / (1 + |x|)} with its
 * derivative {@code 1 / (1 + |x|)²} passes; the same with the square forgotten fails, and the report
 * shows the law, the program, the shrunk counterexample, both sides and the tolerance.
 * Run with {@code ./catad run catad.examples.UserPrimitiveLaws}.
 */
public final class UserPrimitiveLaws {
    private UserPrimitiveLaws() {}

    /** @param args ignored */
    public static void main(String[] args) {
        Primitive.Unary softsign = Primitive.unary("softsign", x -> x / (1 + Math.abs(x)),
                () -> compose(recip, square, offset(1), abs), Primitive.Interval.ALL);
        Primitive.Unary wrong = Primitive.unary("badsoftsign", x -> x / (1 + Math.abs(x)),
                () -> compose(recip, offset(1), abs), Primitive.Interval.ALL);   // 1 / (1 + |x|): square forgotten

        System.out.println(LawCheck.primitive(softsign));
        System.out.println(LawCheck.primitive(wrong));
        // a whole program using the primitive, checked the same way
        System.out.println(LawCheck.program(compose(sum(catad.dsl.Shape.vec(3)), map(3, softsign.prog()))));
    }
}
