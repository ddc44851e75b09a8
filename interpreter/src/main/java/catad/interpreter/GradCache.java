package catad.interpreter;

import catad.dsl.Prog;
import java.util.ArrayDeque;

/**
 * The gradient programs of the last few programs, so that {@code hessian(f, x)} and
 * {@code hvp(f, x, v)} called in a loop (Newton's method) build and simplify {@code grad f} once.
 * Keyed by the program object itself (identity, so no deep hashing): building a program anew
 * costs a new gradient, which is correct, only slower.
 */
final class GradCache {
    private GradCache() {}

    private static final int CAPACITY = 32;

    private record Entry(Prog f, Prog grad) {}

    private static final ArrayDeque<Entry> RECENT = new ArrayDeque<>();

    /** {@return {@code AD.grad(f)}, built once per program object while it stays among the recent ones} */
    static Prog grad(Prog f) {
        synchronized (RECENT) {
            for (Entry e : RECENT) if (e.f() == f) return e.grad();
        }
        Prog g = AD.grad(f);
        synchronized (RECENT) {
            RECENT.addFirst(new Entry(f, g));
            if (RECENT.size() > CAPACITY) RECENT.removeLast();
        }
        return g;
    }
}
