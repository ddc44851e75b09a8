package catad.laws;

/** The {@link TextLaws} of the printer and parser. */
class PrintParseLaws implements TextLaws {}
