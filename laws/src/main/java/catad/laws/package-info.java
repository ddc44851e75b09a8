/**
 * Property-based law checking on jqwik.
 */
package catad.laws;
