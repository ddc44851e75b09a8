package catad.laws;

/** The laws of {@link Interpretations#EVAL}, direct evaluation. */
class EvalLaws implements InterpretationLaws, DerivativeLaws {
    @Override public ProgramInterpretation interpretation() { return Interpretations.EVAL; }
}
