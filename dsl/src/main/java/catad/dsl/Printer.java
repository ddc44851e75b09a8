package catad.dsl;

/** Placeholder printer; replaced by the full concrete-syntax printer. */
public final class Printer {
    private Printer() {}

    /** {@return the program's text} @param p program */
    public static String print(Prog p) { return p.getClass().getSimpleName(); }

    /** {@return the program's text, cut to a readable length for error messages} @param p program */
    public static String brief(Prog p) { return print(p); }

    /** {@return a number as the parser reads it back exactly} @param x the number */
    public static String number(double x) { return Double.toString(x); }

    /** {@return a bracketed list of numbers} @param xs numbers */
    public static String numbers(double[] xs) {
        var sb = new StringBuilder("[");
        for (int i = 0; i < xs.length; i++) { if (i > 0) sb.append(", "); sb.append(number(xs[i])); }
        return sb.append(']').toString();
    }
}
