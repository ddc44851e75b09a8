/**
 * The compiler: catad programs and their derivative programs as bytecode kernels.
 *
 * <p>{@link catad.jit.Jit} has the interpreter's API ({@code eval}, {@code grad}, {@code jvp},
 * {@code vjp}, {@code hessian}, …) with compilation behind it; {@link catad.jit.Kernel} is one
 * compiled program. A program is lowered to scalar expressions over flat buffers with arrays kept
 * delayed, so chains of maps fuse into one loop and sums of maps into one reduction; an expensive
 * element computation that several loops need is computed once, by a loop of its own; a sum over
 * what a loop stores is added up by that loop as it goes, in catad's one summation order; code is
 * written with {@code java.lang.classfile} as a hidden class, with {@code jdk.incubator.vector}
 * loops where they give the same bits. Kernels compute exactly the interpreter's bits, allocate
 * nothing per call and are safe to share between threads. See {@code docs/jit.md}.
 *
 * {@snippet :
 * import static catad.dsl.Catad.*;
 *
 * Prog f = compose(sum(vec(1000)), map(1000, compose(sin, exp)));
 * double[] g = Jit.grad(f, x);              // AD.grad(f), compiled once
 * Kernel k = Jit.compile(AD.grad(f));       // the kernel itself
 * k.apply(x, out);                          // no allocation
 * }
 */
package catad.jit;
