package catad.laws;

/**
 * The forward derivative program agrees with forward mode at a point, on programs and on their
 * derivative programs (different algorithms, so within {@link Tolerance#DERIVATIVE}).
 */
class DerivativeProgramAgreementLaws implements AgreementLaws {
    @Override public Interpretation reference() { return Interpretations.JVP; }
    @Override public Interpretation candidate() { return Interpretations.JVP_PROGRAM; }
    @Override public Tolerance tolerance() { return Tolerance.DERIVATIVE; }
}
