/**
 * What catad is for: a runnable tour, the benchmarks and a GradBench tool.
 *
 * <p>{@link catad.examples.Demo} ({@code ./catad demo}) prints programs and their gradient programs,
 * values, gradients and Hessians of a few real functions; races Newton's method against gradient
 * descent on the Rosenbrock function; and tunes the launch speed of a simulated projectile with drag
 * ({@code iterate} over explicit Euler steps, {@code cond} to stop at the ground) to hit a target,
 * differentiating through the whole simulation. The JMH benchmarks are in {@link catad.examples.bench}
 * ({@code ./catad bench}); the jshell tour is {@code examples/src/main/jshell/tour.jsh}; GradBench's
 * evals run through {@link catad.examples.gradbench} ({@code ./catad gradbench}).
 *
 * {@snippet :
 * import static catad.dsl.Catad.*;
 *
 * Shape rr = Shape.pair(Shape.R, Shape.R);
 * Prog rosenbrock = compose(add, fork(                                  // (1 - x)² + 100 (y - x²)²
 *         compose(square, oneMinus(exl(rr))),
 *         compose(scale(100), square, sub, fork(exr(rr), compose(square, exl(rr))))));
 * double[] g = AD.grad(rosenbrock, -1.2, 1.0);                          // [-215.6, -88.0]
 * double[][] h = AD.hessian(rosenbrock, -1.2, 1.0);                     // [[1330, 480], [480, 200]]
 * }
 */
package catad.examples;
