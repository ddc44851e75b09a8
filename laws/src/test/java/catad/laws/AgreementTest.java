package catad.laws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import catad.dsl.Prog;
import catad.interpreter.AD;
import org.junit.jupiter.api.Test;

/** Agreement is bitwise unless an implementation says otherwise, and a one-ulp difference is caught. */
class AgreementTest {

    /** Evaluation whose results are one ulp too large wherever they are not zero. */
    static final Interpretation NUDGED = new Interpretation() {
        @Override public String name() { return "nudged eval"; }
        @Override public double[] run(Prog f, double[] in) {
            var y = AD.eval(f, in);
            for (int i = 0; i < y.length; i++) if (y[i] != 0) y[i] = Math.nextUp(y[i]);
            return y;
        }
    };

    static final class NudgedBitwise implements AgreementLaws {
        @Override public Interpretation reference() { return Interpretations.EVAL; }
        @Override public Interpretation candidate() { return NUDGED; }
    }

    static final class NudgedWithinOneUlp implements AgreementLaws {
        @Override public Interpretation reference() { return Interpretations.EVAL; }
        @Override public Interpretation candidate() { return NUDGED; }
        @Override public int ulps() { return 1; }
    }

    @Test
    void oneUlpBreaksBitwiseAgreement() {
        var failures = ContractRuns.failures(ContractRuns.run(NudgedBitwise.class, 200));
        assertTrue(failures.containsKey("agreeOnPrograms"), failures::toString);
        var message = failures.get("agreeOnPrograms");
        assertTrue(message.contains("law violated: nudged eval ≡ eval on programs") && message.contains("the same bits"), message);
    }

    @Test
    void oneUlpIsWithinOneUlp() {
        var r = ContractRuns.run(NudgedWithinOneUlp.class, 50);
        assertEquals(java.util.Map.of(), ContractRuns.failures(r));
        assertEquals(6, ContractRuns.checks(r).size());
    }

    @Test
    void ulpsApartCountsRepresentableDoubles() {
        assertEquals(0, AgreementLaws.ulpsApart(1.5, 1.5));
        assertEquals(1, AgreementLaws.ulpsApart(1.0, Math.nextUp(1.0)));
        assertEquals(2, AgreementLaws.ulpsApart(Math.nextDown(1.0), Math.nextUp(1.0)));
        assertEquals(1, AgreementLaws.ulpsApart(0.0, -0.0));
        assertEquals(0, AgreementLaws.ulpsApart(Double.NaN, Double.NaN));
        assertEquals(Long.MAX_VALUE, AgreementLaws.ulpsApart(Double.NaN, 1));
        assertEquals(Long.MAX_VALUE, AgreementLaws.ulpsApart(-1, 1));
        assertEquals(0, AgreementLaws.ulpsApart(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY));
    }
}
