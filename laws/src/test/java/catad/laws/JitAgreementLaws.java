package catad.laws;

/**
 * The JIT computes the interpreter's bits: on random programs, linear programs, and the jvp, vjp,
 * gradient and Hessian-vector-product programs of random programs.
 */
class JitAgreementLaws implements AgreementLaws {
    @Override public Interpretation reference() { return Interpretations.EVAL; }
    @Override public Interpretation candidate() { return Interpretations.JIT; }
}
