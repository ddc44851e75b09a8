package catad.laws;

/** The laws of {@link Interpretations#SIMPLIFIED}: evaluation after {@code Simplify.simplify}. */
class SimplifiedLaws implements CategoryLaws, MonoidalLaws, CartesianLaws, CocartesianLaws, ArrayLaws, DerivativeLaws, TransposeLaws {
    @Override public Interpretation interpretation() { return Interpretations.SIMPLIFIED; }
}
