package catad.examples.gradbench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The registry of evals the tool knows: a name to a {@link Module}. A module is built when it is
 * first defined and kept for the session, so that its compiled programs (cached per size) are reused.
 */
public final class Modules {

    /** The modules that are implemented. */
    private static final Map<String, Supplier<Module>> BUILT = Map.ofEntries(
            Map.entry("hello", Hello::new),
            Map.entry("llsq", Llsq::new),
            Map.entry("lse", Lse::new),
            Map.entry("det", Det::new),
            Map.entry("kmeans", Kmeans::new),
            Map.entry("ode", Ode::new),
            Map.entry("gmm", Gmm::new),
            Map.entry("lstm", Lstm::new),
            Map.entry("saddle", Saddle::new),
            Map.entry("particle", Particle::new),
            Map.entry("ba", Ba::new),
            Map.entry("ht", Ht::new));

    /** GradBench evals whose modules are not built yet ({@code define} says so instead of "unknown"): none now, all twelve are. */
    private static final List<String> PENDING = List.of();

    private final Map<String, Module> defined = new TreeMap<>();

    /** A registry in which no module is defined yet. */
    public Modules() {}

    /** {@return the names of GradBench's evals whose modules are not built yet} */
    public static List<String> pending() { return PENDING; }

    /** {@return the names of the modules that are implemented, sorted} */
    public static List<String> built() { return BUILT.keySet().stream().sorted().toList(); }

    /**
     * {@return the module of that name, built on first use} @param name a module name
     * @throws IllegalArgumentException if there is no such module, or it is not built yet, saying which
     */
    public Module define(String name) {
        Module m = defined.get(name);
        if (m != null) return m;
        Supplier<Module> make = BUILT.get(name);
        if (make == null) {
            if (PENDING.contains(name))
                throw new IllegalArgumentException("module '" + name + "' is not built yet in catad's GradBench tool (it has " + String.join(", ", built()) + ")");
            throw new IllegalArgumentException("unknown module '" + name + "' (catad's GradBench tool has " + String.join(", ", built()) + ")");
        }
        m = make.get();
        defined.put(name, m);
        return m;
    }
}
