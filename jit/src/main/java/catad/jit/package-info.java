/**
 * Compiles catad programs and their derivatives to bytecode; coming in a later issue.
 */
package catad.jit;
