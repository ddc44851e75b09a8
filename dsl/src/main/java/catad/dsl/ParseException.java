package catad.dsl;

/** Program text that does not parse, with the 1-based line and column where parsing stopped. */
public final class ParseException extends CatadException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;

    /**
     * @param line 1-based line
     * @param column 1-based column
     * @param message what was expected or found there
     */
    public ParseException(int line, int column, String message) {
        super("parse error at line " + line + ", column " + column + ": " + message);
        this.line = line;
        this.column = column;
    }

    /** {@return the 1-based line of the error} */
    public int line() { return line; }

    /** {@return the 1-based column of the error} */
    public int column() { return column; }
}
