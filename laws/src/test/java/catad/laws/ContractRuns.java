package catad.laws;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import net.jqwik.api.Property;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs a class of jqwik properties from inside a test and reads back what each property did. */
final class ContractRuns {
    private ContractRuns() {}

    private static final Pattern CHECKS = Pattern.compile("checks = (\\d+)");

    /** {@return the results of running every property of {@code cls} with {@code tries} tries} */
    static EngineExecutionResults run(Class<?> cls, int tries) {
        return EngineTestKit.engine("jqwik").selectors(selectClass(cls))
                .configurationParameter("jqwik.tries.default", Integer.toString(tries))
                .configurationParameter("jqwik.reporting.onlyfailures", "false")
                .configurationParameter("jqwik.reporting.usejunitplatform", "true")
                // one database a test JVM: two forks writing one file corrupt it (jqwik then warns, reading it back)
                .configurationParameter("jqwik.database", "target/jqwik-database-contract-runs-" + ProcessHandle.current().pid())
                .execute();
    }

    /** {@return per property method name, the checks (tries not rejected) jqwik reported} */
    static Map<String, Integer> checks(EngineExecutionResults r) {
        var out = new HashMap<String, Integer>();
        r.allEvents().reportingEntryPublished().stream().forEach(e -> {
            ReportEntry entry = e.getRequiredPayload(ReportEntry.class);
            for (var kv : entry.getKeyValuePairs().entrySet()) {
                var m = CHECKS.matcher(kv.getValue());
                if (m.find()) out.put(propertyName(e), Integer.parseInt(m.group(1)));
            }
        });
        return out;
    }

    /** {@return the failure messages of the failed properties, by property method name} */
    static Map<String, String> failures(EngineExecutionResults r) {
        var out = new HashMap<String, String>();
        r.testEvents().failed().stream().forEach(e -> out.put(propertyName(e),
                e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                        .map(t -> String.valueOf(t.getMessage())).orElse("")));
        return out;
    }

    /** {@return the names of the {@code @Property} methods a class has, from its interfaces included} */
    static TreeSet<String> properties(Class<?> cls) {
        var names = new TreeSet<String>();
        for (Method m : cls.getMethods()) if (m.isAnnotationPresent(Property.class)) names.add(m.getName());
        for (Method m : cls.getDeclaredMethods()) if (m.isAnnotationPresent(Property.class)) names.add(m.getName());
        return names;
    }

    private static String propertyName(Event e) {
        String name = e.getTestDescriptor().getDisplayName();
        int paren = name.indexOf('(');
        return paren < 0 ? name : name.substring(0, paren);
    }
}
