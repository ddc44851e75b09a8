package catad.examples.gradbench;

import catad.dsl.Prog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A module's compiled programs, kept by function, sizes and backend: programs have static shapes,
 * so a module builds one per size it is asked for, once (building and compiling are not timed).
 */
final class Compiled {
    private final Map<List<Object>, Backend.Fn> fns = new ConcurrentHashMap<>();

    /**
     * {@return the program for this key, built and compiled on first use}
     * @param backend where it runs @param build builds the program @param key the function's name and sizes
     */
    Backend.Fn get(Backend backend, Supplier<Prog> build, Object... key) {
        var k = new java.util.ArrayList<>(List.of(key));
        k.add(backend);
        return fns.computeIfAbsent(List.copyOf(k), unused -> backend.compile(build.get()));
    }
}
