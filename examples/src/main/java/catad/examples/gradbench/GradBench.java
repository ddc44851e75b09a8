package catad.examples.gradbench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * catad's GradBench tool: reads the eval's messages, one JSON object a line, on stdin and answers
 * each on stdout, one line, flushed. {@code start} is answered with the tool's name and config,
 * {@code define} with whether the module is built, {@code evaluate} with the output and one
 * {@code evaluate} timing per run (at least {@code min_runs} runs, and until they took
 * {@code min_seconds} in all), {@code analysis} and any other kind with the id alone (invalid
 * analyses are also reported on stderr). A message that cannot be answered (malformed JSON, a
 * missing field, an unknown kind or module, a bad input, a failure in a module) gets
 * {@code "success": false} and an {@code "error"}, with its id when it has one. Nothing but these
 * lines goes to stdout: {@link System#out} is sent to stderr while the tool runs. End of input ends
 * the tool with status 0.
 *
 * <p>Usage: {@code GradBench [--interpreter | --jit | --backend=jit|interpreter] [--warmup=N]}; the
 * JIT is the default. {@code --warmup=N} runs each evaluation N times before the timed runs (not
 * reported), so that the JVM has compiled a kernel's bytecode before it is timed.
 */
public final class GradBench {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Backend backend;
    private final int warmup;
    private final PrintStream out;
    private final PrintStream err;
    private final Modules modules = new Modules();

    /**
     * A tool session.
     * @param backend where programs run
     * @param warmup untimed runs before the timed ones
     * @param out the protocol's output
     * @param err diagnostics
     */
    public GradBench(Backend backend, int warmup, PrintStream out, PrintStream err) {
        if (warmup < 0) throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
        this.backend = backend;
        this.warmup = warmup;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the tool on stdin and stdout.
     * @param args {@code --interpreter}, {@code --jit} or {@code --backend=…}
     * @throws IOException if stdin cannot be read
     */
    public static void main(String[] args) throws IOException {
        Backend backend = Backend.JIT;
        int warmup = 0;
        for (String a : args) {
            if (a.matches("--warmup=\\d{1,6}")) {
                warmup = Integer.parseInt(a.substring("--warmup=".length()));
                continue;
            }
            switch (a) {
                case "--interpreter", "--backend=interpreter" -> backend = Backend.INTERPRETER;
                case "--jit", "--backend=jit" -> backend = Backend.JIT;
                case "-h", "--help" -> {
                    System.err.println(usage());
                    return;
                }
                default -> {
                    System.err.println("catad gradbench: unknown option " + a + "\n" + usage());
                    System.exit(2);
                }
            }
        }
        // The protocol owns stdout: anything else printed by accident goes to stderr.
        var out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        new GradBench(backend, warmup, out, System.err).serve(in);
        out.flush();
    }

    private static String usage() {
        return """
                usage: GradBench [--interpreter | --jit | --backend=jit|interpreter] [--warmup=N]
                  speaks GradBench's protocol (JSON lines) on stdin/stdout; programs are JIT-compiled by default;
                  --warmup=N runs each evaluation N times, untimed, before the timed runs
                  modules: %s""".formatted(String.join(", ", Modules.built()));
    }

    /**
     * Answers every line of {@code in} until its end.
     * @param in the eval's messages
     * @throws IOException if {@code in} cannot be read
     */
    public void serve(BufferedReader in) throws IOException {
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) continue;
            ObjectNode response;
            try {
                response = answer(line);
            } catch (Throwable t) {   // the tool must answer whatever happens
                response = failure(null, "internal error: " + t);
                t.printStackTrace(err);
            }
            out.println(response.toString());
            out.flush();
        }
    }

    /** {@return the response to one line} @param line one message */
    ObjectNode answer(String line) {
        JsonNode message;
        try {
            message = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            err.println("catad gradbench: malformed JSON line: " + e.getOriginalMessage());
            return failure(null, "malformed JSON: " + e.getOriginalMessage());
        }
        if (message == null || !message.isObject()) {
            err.println("catad gradbench: a message must be a JSON object: " + abbreviate(line));
            return failure(null, "a message must be a JSON object");
        }
        JsonNode id = message.get("id");
        if (id == null || !(id.isNumber() || id.isTextual())) {
            err.println("catad gradbench: message without an id: " + abbreviate(line));
            return failure(null, "the message has no \"id\"");
        }
        try {
            String kind = text(message, "kind");
            return switch (kind) {
                case "start" -> start(id);
                case "define" -> define(id, text(message, "module"));
                case "evaluate" -> evaluate(id, text(message, "module"), text(message, "function"), message.get("input"));
                case "analysis" -> analysis(id, message);
                default -> failure(id, "unknown message kind '" + kind + "' (expected start, define, evaluate or analysis)");
            };
        } catch (IllegalArgumentException e) {
            return failure(id, e.getMessage());
        } catch (RuntimeException | Error e) {   // a failure in a module: answer, and keep serving
            err.println("catad gradbench: message " + id + " failed:");
            e.printStackTrace(err);
            return failure(id, e.toString());
        }
    }

    private ObjectNode start(JsonNode id) {
        ObjectNode config = JSON.objectNode();
        config.put("backend", backend.name().toLowerCase());
        config.put("java", Runtime.version().toString());
        config.put("vector", ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        config.put("warmup", warmup);
        ObjectNode r = response(id);
        r.put("tool", "catad");
        r.set("config", config);
        return r;
    }

    private ObjectNode define(JsonNode id, String module) {
        modules.define(module);   // throws, with the reason, if it is unknown or not built yet
        return response(id).put("success", true);
    }

    private ObjectNode evaluate(JsonNode id, String module, String function, JsonNode input) {
        if (input == null) throw new IllegalArgumentException("the evaluate message has no \"input\"");
        Inputs.Runs runs = Inputs.Runs.of(input);
        Job job = modules.define(module).prepare(function, input, backend);
        for (int i = 0; i < warmup; i++) job.run();
        ArrayNode timings = JSON.arrayNode();
        long total = 0, minNanos = (long) (runs.minSeconds() * 1e9);
        for (int i = 0; i < runs.minRuns() || total < minNanos; i++) {
            long t0 = System.nanoTime();
            job.run();
            long dt = System.nanoTime() - t0;
            total += dt;
            timings.addObject().put("name", "evaluate").put("nanoseconds", dt);
        }
        ObjectNode r = response(id).put("success", true);
        r.set("output", job.output());
        r.set("timings", timings);
        return r;
    }

    private ObjectNode analysis(JsonNode id, JsonNode message) {
        JsonNode valid = message.get("valid");
        if (valid != null && valid.isBoolean() && !valid.booleanValue()) {
            JsonNode why = message.has("error") ? message.get("error") : message.get("message");
            err.println("catad gradbench: the eval found the output of message " + message.get("of") + " invalid"
                    + (why == null ? "" : ": " + (why.isTextual() ? why.textValue() : why.toString())));
        }
        return response(id);
    }

    private static String text(JsonNode message, String field) {
        JsonNode v = message.get(field);
        if (v == null || !v.isTextual())
            throw new IllegalArgumentException("the message needs a string field \"" + field + "\"" + (v == null ? "" : ", got " + v));
        return v.textValue();
    }

    private static ObjectNode response(JsonNode id) {
        ObjectNode r = JSON.objectNode();
        if (id != null) r.set("id", id);
        return r;
    }

    private static ObjectNode failure(JsonNode id, String error) {
        return response(id).put("success", false).put("error", error);
    }

    private static String abbreviate(String line) { return line.length() > 200 ? line.substring(0, 197) + "..." : line; }
}
