/**
 * A GradBench tool for catad: speaks GradBench's JSON-lines protocol on stdin/stdout and implements
 * its evals with catad programs, every derivative from catad's AD, run by the JIT or the interpreter.
 */
package catad.examples.gradbench;
