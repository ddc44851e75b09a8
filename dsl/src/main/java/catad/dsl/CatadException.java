package catad.dsl;

/** The root of catad's errors: every failure catad reports is one of these, with a message a person can act on. */
public class CatadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with this message. @param message what went wrong */
    public CatadException(String message) { super(message); }

    /** An exception with this message and cause. @param message what went wrong @param cause the cause */
    public CatadException(String message, Throwable cause) { super(message, cause); }
}
