package catad.dsl;

import io.vavr.control.Either;
import java.util.function.Supplier;

/** The root of catad's errors: every failure catad reports is one of these, with a message a person can act on. */
public class CatadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with this message. @param message what went wrong */
    public CatadException(String message) { super(message); }

    /** An exception with this message and cause. @param message what went wrong @param cause the cause */
    public CatadException(String message, Throwable cause) { super(message, cause); }

    /**
     * {@return what {@code f} computes, or the {@code CatadException} it throws, as a value}: the
     * {@code try…} forms of the API ({@code AD.tryEval}, {@code Jit.tryGrad}, …). Other exceptions
     * (a bug, not a user's error) still propagate.
     * @param f the computation @param <T> its result's type
     */
    public static <T> Either<CatadException, T> attempt(Supplier<T> f) {
        try {
            return Either.right(f.get());
        } catch (CatadException e) {
            return Either.left(e);
        }
    }
}
