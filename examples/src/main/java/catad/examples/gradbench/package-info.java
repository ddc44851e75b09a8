/**
 * A GradBench tool for catad: speaks GradBench's JSON-lines protocol on stdin/stdout and implements
 * its evals with catad programs, every derivative from catad's AD, run by the JIT or the interpreter.
 *
 * <p>{@link catad.examples.gradbench.GradBench} is the tool ({@code ./catad gradbench});
 * {@link catad.examples.gradbench.Modules} maps eval names to {@link catad.examples.gradbench.Module}s,
 * one class per eval ({@code Hello}, {@code Llsq}, {@code Lse}, {@code Det}, {@code Kmeans},
 * {@code Ode}), each of which parses an input, builds and compiles its programs for the input's
 * sizes (cached) and returns the {@link catad.examples.gradbench.Job} the tool times. A module's
 * programs are public, so they can be printed or differentiated further:
 *
 * {@snippet :
 * catad.dsl.Prog f = catad.examples.gradbench.Lse.primal(3);        // maximum, map exp, sum: [3]R → R
 * double[] g = catad.interpreter.AD.eval(catad.examples.gradbench.Lse.gradient(3), 1, 2, 3);   // the softmax
 * }
 */
package catad.examples.gradbench;
