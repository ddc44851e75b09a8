package catad.laws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every contract class runs every law it inherits, and every law generates its cases: no property
 * is skipped, none rejects its tries, none fails. (jqwik would otherwise let a property whose
 * generator filters everything out, or that is never discovered, pass quietly.)
 */
class ContractCoverageTest {

    static final List<Class<?>> CONTRACT_CLASSES = List.of(EvalLaws.class, SimplifiedLaws.class, ParsedTextLaws.class,
            JvpLaws.class, VjpLaws.class, JvpProgramLaws.class, VjpProgramLaws.class, JvpOfJvpLaws.class, JvpOfVjpLaws.class,
            PrintParseLaws.class, TextAgreementLaws.class, DerivativeProgramAgreementLaws.class, ReverseProgramAgreementLaws.class,
            JitLaws.class, JitAgreementLaws.class, SimplifiedAgreementLaws.class);

    static final int TRIES = 25;

    static List<Class<?>> contractClasses() { return CONTRACT_CLASSES; }

    @ParameterizedTest @MethodSource("contractClasses")
    void everyLawRunsAllItsTries(Class<?> cls) {
        var expected = ContractRuns.properties(cls);
        assertTrue(expected.size() >= 4, () -> cls + " has only " + expected);
        var r = ContractRuns.run(cls, TRIES);
        assertEquals(Map.of(), ContractRuns.failures(r), cls.getSimpleName());
        var checks = ContractRuns.checks(r);
        assertEquals(expected, new java.util.TreeSet<>(checks.keySet()), cls.getSimpleName() + ": properties run");
        checks.forEach((law, n) -> assertEquals(TRIES, n, cls.getSimpleName() + "." + law + " checked only " + n + " of " + TRIES + " tries"));
    }

    @Test
    void everyInterpretationHasAContractClass() throws ReflectiveOperationException {
        var covered = new HashSet<Interpretation>();
        for (var cls : CONTRACT_CLASSES) {
            if (!InterpretedLaws.class.isAssignableFrom(cls)) continue;
            var ctor = cls.getDeclaredConstructor();
            ctor.setAccessible(true);
            covered.add(((InterpretedLaws) ctor.newInstance()).interpretation());
        }
        assertEquals(new HashSet<>(Interpretations.all()), covered);
    }

    @Test
    void programInterpretationsAlsoCheckTheDerivativeLaws() {
        for (var cls : CONTRACT_CLASSES)
            if (InterpretedLaws.class.isAssignableFrom(cls) && !List.of(JvpLaws.class, VjpLaws.class, JitLaws.class).contains(cls))
                assertTrue(DerivativeLaws.class.isAssignableFrom(cls) && InterpretationLaws.class.isAssignableFrom(cls), cls::getName);
    }
}
