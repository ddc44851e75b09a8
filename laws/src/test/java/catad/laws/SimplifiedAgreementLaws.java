package catad.laws;

/**
 * The simplifier keeps meanings: {@code simplify(f)} computes what {@code f} computes, to rounding
 * (folding constants and fusing scales changes the order of operations), on random programs and
 * their derivative programs. {@link SimplifiedLaws} cannot see a rewrite that is wrong on both
 * sides of an equation; this compares with plain evaluation (docs/mutations.md, mutation 10d).
 */
class SimplifiedAgreementLaws implements AgreementLaws {
    @Override public Interpretation reference() { return Interpretations.EVAL; }
    @Override public Interpretation candidate() { return Interpretations.SIMPLIFIED; }
    @Override public Tolerance tolerance() { return Tolerance.DERIVATIVE; }
}
