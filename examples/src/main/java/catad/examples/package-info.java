/**
 * Demo, benchmarks.
 */
package catad.examples;
