package catad.laws;

/**
 * Every equational law of DESIGN §4 that holds in any interpretation: category (with the functor
 * law of the interpretation's composition), monoidal, cartesian, cocartesian, array and transpose
 * laws. A test class implements it once per interpretation:
 *
 * {@snippet :
 * class VjpLaws implements InterpretationLaws {
 *     public Interpretation interpretation() { return Interpretations.VJP; }
 * }
 * }
 *
 * An interpretation that runs programs (a {@link ProgramInterpretation}) also implements
 * {@link DerivativeLaws}.
 */
public interface InterpretationLaws extends CategoryLaws, MonoidalLaws, CartesianLaws, CocartesianLaws, ArrayLaws, ControlLaws, TransposeLaws {}
