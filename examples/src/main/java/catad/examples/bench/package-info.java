/**
 * JMH benchmarks, run with {@code ./catad bench} and never by the test suite.
 *
 * <p>{@link catad.examples.bench.InterpreterBench} measures the interpreter's cheap-gradient ratio:
 * primal ({@code AD.eval(f, x)}), reverse mode at a point ({@code AD.grad(f, x)}) and the gradient
 * program evaluated ({@code AD.eval(AD.grad(f), x)}) side by side, for {@code Σ sin(exp xᵢ)} and a
 * stable log-sum-exp at n = 10³ and 10⁶. Results and the exact command are in {@code BENCHMARKS.md}.
 *
 * {@snippet lang=sh :
 * ./catad bench InterpreterBench -f 1 -wi 3 -i 5 -w 1s -r 1s     # all, about 5 minutes
 * ./catad bench 'InterpreterBench.sumSinExp.*' -p n=1000000      # one function, one size
 * ./catad bench -h                                               # JMH's options
 * }
 */
package catad.examples.bench;
