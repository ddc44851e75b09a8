package catad.laws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import catad.dsl.Primitive;
import catad.dsl.Prims;
import net.jqwik.api.Example;
import net.jqwik.api.Group;

/** {@link PrimitiveLaws} as a user writes it: for user primitives of each kind, and for built-ins with restricted domains. */
class PrimitiveContractLaws {

    /** A unary primitive whose derivative is a program: checked to second order. */
    @Group class Softsign implements PrimitiveLaws {
        @Override public Primitive primitive() { return UserPrimitiveLaws.SOFTSIGN; }
        @Override public int order() { return 2; }
    }

    /** A general primitive with forward and reverse rules. */
    @Group class Sumsq implements PrimitiveLaws {
        @Override public Primitive primitive() { return UserPrimitiveLaws.SUMSQ; }
        @Override public int order() { return 2; }
    }

    /** A linear primitive with its transpose. */
    @Group class Cumsum implements PrimitiveLaws {
        @Override public Primitive primitive() {
            return Primitive.linear("cumsum", UserPrimitiveLaws.V3, UserPrimitiveLaws.V3, UserPrimitiveLaws.CUMSUM, "revcumsum", UserPrimitiveLaws.REVCUMSUM);
        }
    }

    /** A primitive with a Java derivative: differentiable once. */
    @Group class Cube implements PrimitiveLaws {
        @Override public Primitive primitive() { return Primitive.unary("cube", x -> x * x * x, x -> 3 * x * x); }
    }

    /** Built-ins on restricted domains. */
    @Group class Log implements PrimitiveLaws {
        @Override public Primitive primitive() { return Prims.LOG; }
        @Override public int order() { return 2; }
    }

    @Group class Powr implements PrimitiveLaws {
        @Override public Primitive primitive() { return Prims.POW; }
    }

    @Group class Div implements PrimitiveLaws {
        @Override public Primitive primitive() { return Prims.DIV; }
    }

    /** The wrong softsign, run from inside {@link #theWrongDerivativeIsCaught()}. */
    static final class BadSoftsign implements PrimitiveLaws {
        @Override public Primitive primitive() { return UserPrimitiveLaws.BAD_SOFTSIGN; }
    }

    @Example
    void programsUsingItUseIt() {
        var laws = new Softsign();
        long using = laws.programUsingIt().sampleStream().limit(400).filter(c -> PrimitiveLaws.uses(c.f(), laws.primitive())).count();
        assertEquals(400, using, () -> using + " of 400 programs use softsign");
    }

    @Example
    void theWrongDerivativeIsCaught() {
        var failures = ContractRuns.failures(ContractRuns.run(BadSoftsign.class, 200));
        assertTrue(failures.containsKey("derivativesMatchFiniteDifferences"), failures::toString);
        var message = failures.get("derivativesMatchFiniteDifferences");
        assertTrue(message.contains("badsoftsign") && message.contains("finite differences"), message);
    }
}
