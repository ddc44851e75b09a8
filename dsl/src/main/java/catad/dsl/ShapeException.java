package catad.dsl;

/** A program was built from parts whose shapes do not fit; the message names both shapes and both parts. */
public final class ShapeException extends CatadException {
    private static final long serialVersionUID = 1L;

    /** @param message the mismatch, naming both shapes and both sub-programs */
    public ShapeException(String message) { super(message); }
}
