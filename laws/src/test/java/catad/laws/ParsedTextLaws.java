package catad.laws;

/** The laws of {@link Interpretations#TEXT}: evaluation of the program read back from its printed text. */
class ParsedTextLaws implements InterpretationLaws, DerivativeLaws {
    @Override public ProgramInterpretation interpretation() { return Interpretations.TEXT; }
}
