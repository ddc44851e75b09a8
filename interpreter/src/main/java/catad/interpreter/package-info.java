/**
 * The meanings of catad programs: evaluation, forward mode, reverse mode, derivative programs.
 *
 * <p>{@link catad.interpreter.AD} is the entry point, with JAX's names. Evaluation runs a program on
 * a batch of flat {@code double[]} values at once, so array code is loops over arrays. Forward mode
 * linearizes a program at a point into a {@link catad.interpreter.LinearMap}; reverse mode is its
 * transpose. The same derivatives are also available as programs ({@code AD.grad(f)},
 * {@code AD.jvp(f)}, {@code AD.vjp(f)}), kept small by {@link catad.interpreter.Simplify}, and
 * differentiable again. {@link catad.interpreter.Magnitude} reports the largest intermediate value
 * an evaluation computed, to see values explode inside a program whose result looks tame.
 *
 * {@snippet :
 * import static catad.dsl.Catad.*;
 *
 * Prog f = compose(sin, mul);                  // (x, y) ↦ sin(x·y)
 * double[] g = AD.grad(f, 2.0, 3.0);           // [3 cos 6, 2 cos 6]
 * Prog gf = AD.grad(f);                        // the gradient as a program (R × R) → (R × R)
 * double[][] h = AD.hessian(f, 2.0, 3.0);      // forward over reverse
 * }
 */
package catad.interpreter;
