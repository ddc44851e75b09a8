/**
 * The laws catad promises, as a library on jqwik: catad checks itself with it, and users check
 * their own primitives, programs and interpretations.
 *
 * <p>Each law of DESIGN §4 is one {@code @Property} default method of a contract interface:
 * {@link catad.laws.CategoryLaws}, {@link catad.laws.MonoidalLaws}, {@link catad.laws.CartesianLaws},
 * {@link catad.laws.CocartesianLaws}, {@link catad.laws.ArrayLaws}, {@link catad.laws.TransposeLaws}
 * (together {@link catad.laws.InterpretationLaws}), {@link catad.laws.DerivativeLaws},
 * {@link catad.laws.TextLaws}, {@link catad.laws.AgreementLaws} (one interpretation against another,
 * bitwise by default) and {@link catad.laws.PrimitiveLaws} (one primitive). An
 * {@link catad.laws.Interpretation} is a meaning of programs, from {@code input(f)} to
 * {@code output(f)}: evaluation, forward or reverse mode, a derivative program (the ones catad has are
 * in {@link catad.laws.Interpretations}); every law holds in each of them. A test class implements the
 * contracts once per interpretation:
 *
 * {@snippet :
 * class VjpProgramLaws implements InterpretationLaws, DerivativeLaws {
 *     public ProgramInterpretation interpretation() { return Interpretations.VJP_PROGRAM; }
 * }
 * }
 *
 * <p>Programs come from {@link catad.laws.Generators}: every combinator and primitive, well-shaped,
 * finite at every finite input, decoded from shape-free recipes so that a failing law shrinks to a
 * small program. {@link catad.laws.Suppliers} and {@link catad.laws.CatadDomain} offer them to one's
 * own properties. A failure names the law, the interpretation, the programs in catad text, the
 * inputs, both sides, their difference and the tolerance ({@link catad.laws.Check}). The number of
 * tries is jqwik's {@code jqwik.tries.default}, 1000 in catad's own build; raise it for a soak run
 * with {@code -Djqwik.tries.default=100000}.
 *
 * <p>Without jqwik: {@link catad.laws.GradCheck} checks one program at one point up to a requested
 * order, as JAX's {@code check_grads} (derivatives against {@link catad.laws.FiniteDifferences}, which
 * extrapolate and bound their own error, then the same for the derivative programs), and
 * {@link catad.laws.LawCheck} checks a user primitive or program at many points of its domain,
 * shrinking a counterexample:
 *
 * {@snippet :
 * LawCheck.primitive(softsign, 2).orThrow();    // first and second derivatives at 200 points
 * GradCheck.check(compose(sin, mul), new double[] {0.3, 0.7}, 2);
 * }
 */
package catad.laws;
