/**
 * Property-based law checking of catad interpretations, on jqwik.
 *
 * <p>Each law of DESIGN §4 is one {@code @Property} default method of a contract interface
 * ({@link catad.laws.CategoryLaws}, {@link catad.laws.MonoidalLaws}, {@link catad.laws.CartesianLaws},
 * {@link catad.laws.CocartesianLaws}, {@link catad.laws.ArrayLaws}, {@link catad.laws.DerivativeLaws},
 * {@link catad.laws.TransposeLaws}, {@link catad.laws.TextLaws}). An interpretation is checked by a
 * test class that implements the contracts once and supplies its {@link catad.laws.Interpretation}:
 *
 * <pre>{@code
 * class EvalLaws implements CategoryLaws, CartesianLaws, DerivativeLaws, TransposeLaws {
 *     public Interpretation interpretation() { return Interpretations.EVAL; }
 * }
 * }</pre>
 *
 * <p>Programs come from {@link catad.laws.Generators}, built recursively from a domain shape so that
 * every program is well-shaped and a failing law shrinks to a small program. A failure names the
 * law, the programs in catad text, the inputs, both sides, the difference and the tolerance
 * ({@link catad.laws.Check}). The number of tries is jqwik's {@code jqwik.tries.default}, 1000 in
 * this module's tests; raise it for a soak run with {@code -Djqwik.tries.default=100000}.
 *
 * <p>Without jqwik: {@link catad.laws.GradCheck} checks one program at one point up to a requested
 * order, as JAX's {@code check_grads} (derivatives against {@link catad.laws.FiniteDifferences}, which
 * extrapolate and bound their own error, then the same for the derivative programs), and
 * {@link catad.laws.LawCheck} checks a user primitive or program at many points of its domain,
 * shrinking a counterexample.
 */
package catad.laws;
