package catad.laws;

/** The laws of {@link Interpretations#EVAL}, direct evaluation. */
class EvalLaws implements CategoryLaws, MonoidalLaws, CartesianLaws, CocartesianLaws, ArrayLaws, DerivativeLaws, TransposeLaws {
    @Override public Interpretation interpretation() { return Interpretations.EVAL; }
}
