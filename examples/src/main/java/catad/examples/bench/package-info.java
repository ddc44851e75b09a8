/**
 * JMH benchmarks, run with {@code ./catad bench} and never by the test suite.
 *
 * <p>{@link catad.examples.bench.InterpreterBench} measures the interpreter's cheap-gradient ratio:
 * primal ({@code AD.eval(f, x)}), reverse mode at a point ({@code AD.grad(f, x)}) and the gradient
 * program evaluated ({@code AD.eval(AD.grad(f), x)}) side by side, for {@code Σ sin(exp xᵢ)} and a
 * stable log-sum-exp at n = 10³ and 10⁶.
 *
 * <p>The JIT's benchmarks: {@link catad.examples.bench.JitBench} (JIT against interpreter and
 * hand-written Java, gradient against primal, for {@code Σ sin(exp xᵢ)}, log-sum-exp, a two-layer
 * MLP and a GMM-like objective), {@link catad.examples.bench.VectorBench} (Vector-API loops against
 * scalar ones), {@link catad.examples.bench.HipparchusBench} (against Hipparchus's forward-mode
 * {@code Gradient}) and {@link catad.examples.bench.CompileBench} (the time to derive and compile a
 * gradient). Their programs are built by {@link catad.examples.bench.BenchPrograms}, the
 * hand-written twins are {@link catad.examples.bench.HandWritten}, and {@code BenchProgramsTest}
 * checks both against the interpreter in the ordinary test run. Results and the exact commands are
 * in {@code BENCHMARKS.md}.
 *
 * {@snippet lang=sh :
 * ./catad bench InterpreterBench -f 1 -wi 3 -i 5 -w 1s -r 1s     # all, about 5 minutes
 * ./catad bench 'InterpreterBench.sumSinExp.*' -p n=1000000      # one function, one size
 * ./catad bench VectorBench -f 1 -wi 5 -i 3 -w 1s -r 1s          # about 5 minutes
 * ./catad bench -h                                               # JMH's options
 * }
 */
package catad.examples.bench;
