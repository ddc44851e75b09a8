package catad.examples.gradbench;

import com.fasterxml.jackson.databind.JsonNode;

/** The timed part of one {@code evaluate}: {@link #run()} computes, {@link #output()} gives the last result as JSON. */
public interface Job {

    /** Runs the computation once (the eval times each call). */
    void run();

    /** {@return the result of the last {@link #run()}, in the eval's output format} */
    JsonNode output();
}
