package catad.examples.gradbench;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One GradBench eval ({@code hello}, {@code lse}, {@code gmm}, …): parses a function's input and
 * prepares the work the eval times.
 */
public interface Module {

    /** {@return the eval's name, as in the {@code define} message} */
    String name();

    /**
     * Parses {@code input} for {@code function}, builds its catad programs (derivatives through
     * catad's AD) and compiles them on {@code backend}. Nothing here is timed.
     *
     * @param function the function name of the {@code evaluate} message
     * @param input its {@code input} field
     * @param backend where the programs run
     * @return the work to time
     * @throws IllegalArgumentException for an unknown function or an input of the wrong form or size,
     *     with a message that says what is wrong
     */
    Job prepare(String function, JsonNode input, Backend backend);
}
