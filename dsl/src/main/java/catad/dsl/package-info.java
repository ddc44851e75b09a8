/**
 * The catad language: programs as morphisms of a category, written with combinators.
 *
 * <p>A {@link catad.dsl.Prog} is a sealed family of records, one per combinator
 * ({@code Compose}, {@code Cross}, {@code Exl}, {@code Dup}, {@code Jam}, {@code Map}, {@code Sum},
 * {@code Cond}, {@code While}, …), between {@link catad.dsl.Shape}s ({@code R}, {@code 1}, pairs,
 * arrays). Shapes are checked when a program is built. {@link catad.dsl.Catad} has the factories;
 * {@link catad.dsl.Prims} the built-in primitives with their derivatives; {@link catad.dsl.Primitive}
 * lets users add their own. Programs print and parse back ({@link catad.dsl.Printer},
 * {@link catad.dsl.Parser}).
 *
 * {@snippet :
 * import static catad.dsl.Catad.*;
 *
 * Shape v = Shape.vec(3);
 * Prog f = compose(sum(v), map(3, compose(sin, exp)));   // Σ sin(exp xᵢ) : [3]R → R
 * String text = Printer.print(f);                        // "sum . map (sin . exp) : [3]R -> R"
 * Prog g = Parser.parse(text);                           // equal to f
 * }
 */
package catad.dsl;
