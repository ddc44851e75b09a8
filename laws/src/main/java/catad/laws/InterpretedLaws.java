package catad.laws;

/** A law contract checked for one {@link Interpretation}, which the implementing test class supplies. */
public interface InterpretedLaws {

    /** {@return the interpretation whose laws are checked} */
    Interpretation interpretation();

    /** {@return the value of {@code f} at {@code x} under the interpretation} @param f program @param x input */
    default double[] run(catad.dsl.Prog f, double[] x) { return interpretation().run(f, x); }

    /** {@return a failure context naming the law and the interpretation} @param law the law */
    default Check.Context law(String law) { return Check.law(law + "  [" + interpretation().name() + "]"); }
}
