package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The tool as GradBench runs it: a separate JVM driven through its stdin and stdout with a
 * scripted session, every response checked, then end of input and exit status 0.
 */
class ProtocolTest {

    /** {@return the command that starts the tool in a new JVM with this test's class path} */
    static List<String> command(String... args) {
        var cmd = new ArrayList<String>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            cmd.add("--add-modules");
            cmd.add("jdk.incubator.vector");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(GradBench.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    record Session(List<JsonNode> responses, List<String> stdout, String stderr, int exit) {}

    static Session session(List<String> lines, String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(args)).start();
        var err = new StringBuilder();
        Thread drain = Thread.ofVirtual().start(() -> {
            try (var r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) synchronized (err) { err.append(l).append('\n'); }
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        try (Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            for (String l : lines) w.write(l + "\n");
        }   // closing stdin is the end of the session
        var out = new ArrayList<String>();
        try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) out.add(l);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the tool did not exit within 60 s of the end of its input");
        }
        drain.join(10_000);
        var responses = new ArrayList<JsonNode>();
        for (String l : out) responses.add(Evals.MAPPER.readTree(l));   // every stdout line is JSON
        synchronized (err) { return new Session(responses, out, err.toString(), p.exitValue()); }
    }

    @Test
    void scriptedSession() throws Exception {
        var lines = List.of(
                "{\"id\": 0, \"kind\": \"start\", \"eval\": \"hello\"}",
                "{\"id\": 1, \"kind\": \"define\", \"module\": \"hello\"}",
                "{\"id\": 2, \"kind\": \"define\", \"module\": \"no_such_eval\"}",
                "{\"id\": 3, \"kind\": \"evaluate\", \"module\": \"hello\", \"function\": \"square\", \"input\": 3.0}",
                "{\"id\": 4, \"kind\": \"analysis\", \"of\": 3, \"valid\": true}",
                "{\"id\": 5, \"kind\": \"evaluate\", \"module\": \"hello\", \"function\": \"double\", \"input\": -1.5}",
                "{\"id\": 6, \"kind\": \"evaluate\", \"module\": \"lse\", \"function\": \"gradient\", \"input\": {\"x\": [0, 0], \"min_runs\": 3, \"min_seconds\": 0}}",
                "{\"id\": 7, \"kind\": \"evaluate\", \"module\": \"hello\", \"function\": ",
                "{\"id\": 8, \"kind\": \"evaluate\", \"module\": \"hello\", \"input\": 2}",
                "{\"id\": 9, \"kind\": \"shutdown\"}",
                "{\"id\": 10, \"kind\": \"define\", \"module\": \"gmm\"}",
                "{\"id\": 11, \"kind\": \"evaluate\", \"module\": \"det\", \"function\": \"primal\", \"input\": {\"A\": [1, 2, 3], \"ell\": 2, \"min_runs\": 1, \"min_seconds\": 0}}",
                "{\"id\": 12, \"kind\": \"analysis\", \"of\": 11, \"valid\": false, \"error\": \"expected a number\"}",
                "{\"id\": 13, \"kind\": \"evaluate\", \"module\": \"hello\", \"function\": \"square\", \"input\": 4}");
        Session s = session(lines);
        assertEquals(0, s.exit(), () -> "exit status; stderr:\n" + s.stderr());
        List<JsonNode> r = s.responses();
        assertEquals(lines.size(), r.size(), () -> "one response a message: " + s.stdout() + "\nstderr:\n" + s.stderr());

        assertEquals(0, r.get(0).get("id").asInt());
        assertEquals("catad", r.get(0).get("tool").asText());
        assertEquals("jit", r.get(0).get("config").get("backend").asText());

        assertEquals(1, r.get(1).get("id").asInt());
        assertTrue(r.get(1).get("success").asBoolean());

        assertEquals(2, r.get(2).get("id").asInt());
        assertFalse(r.get(2).get("success").asBoolean());
        assertTrue(r.get(2).get("error").asText().contains("unknown module 'no_such_eval'"), r.get(2).toString());

        assertEquals(3, r.get(3).get("id").asInt());
        assertTrue(r.get(3).get("success").asBoolean());
        assertEquals(9.0, r.get(3).get("output").asDouble());
        assertTimings(r.get(3), 1);

        assertEquals(4, r.get(4).get("id").asInt());
        assertEquals(-3.0, r.get(5).get("output").asDouble());

        assertEquals(6, r.get(6).get("id").asInt());
        assertArrayEquals(new double[] {0.5, 0.5}, Evals.numbers(r.get(6).get("output")));
        assertTimings(r.get(6), 3);

        assertFalse(r.get(7).has("id"), "malformed JSON has no id to answer with");
        assertFalse(r.get(7).get("success").asBoolean());
        assertTrue(r.get(7).get("error").asText().contains("malformed JSON"), r.get(7).toString());
        assertTrue(s.stderr().contains("malformed JSON"), s.stderr());

        assertEquals(8, r.get(8).get("id").asInt());
        assertFalse(r.get(8).get("success").asBoolean());
        assertTrue(r.get(8).get("error").asText().contains("\"function\""), r.get(8).toString());

        assertEquals(9, r.get(9).get("id").asInt());
        assertTrue(r.get(9).get("error").asText().contains("unknown message kind 'shutdown'"), r.get(9).toString());

        assertEquals(10, r.get(10).get("id").asInt());
        if (Modules.pending().contains("gmm")) {
            assertFalse(r.get(10).get("success").asBoolean());
            assertTrue(r.get(10).get("error").asText().contains("not built yet"), r.get(10).toString());
        } else {
            assertTrue(r.get(10).get("success").asBoolean(), r.get(10).toString());
        }

        assertEquals(11, r.get(11).get("id").asInt());
        assertFalse(r.get(11).get("success").asBoolean());
        assertTrue(r.get(11).get("error").asText().contains("ell² = 4"), r.get(11).toString());

        assertEquals(12, r.get(12).get("id").asInt());
        assertEquals(1, r.get(12).size(), "an analysis is acknowledged with its id alone");
        assertTrue(s.stderr().contains("message 11 invalid: expected a number"), s.stderr());

        assertEquals(16.0, r.get(13).get("output").asDouble(), "the tool keeps serving after errors");
    }

    @Test
    void interpreterAndMinSeconds() throws Exception {
        var lines = List.of(
                "{\"id\": 0, \"kind\": \"start\"}",
                "{\"id\": 1, \"kind\": \"define\", \"module\": \"llsq\"}",
                "{\"id\": 2, \"kind\": \"evaluate\", \"module\": \"llsq\", \"function\": \"primal\", \"input\": {\"x\": [0.0], \"n\": 3, \"min_runs\": 2, \"min_seconds\": 0.2}}");
        Session s = session(lines, "--interpreter");
        assertEquals(0, s.exit(), s::stderr);
        assertEquals("interpreter", s.responses().get(0).get("config").get("backend").asText());
        JsonNode e = s.responses().get(2);
        assertEquals(1.0, e.get("output").asDouble(), "½ Σ sign(tᵢ)² over t = -1, 0, 1");
        long total = 0;
        for (JsonNode t : e.get("timings")) total += t.get("nanoseconds").asLong();
        assertTrue(e.get("timings").size() >= 2, e.toString());
        assertTrue(total >= 200_000_000L, () -> "runs until min_seconds: " + e.get("timings"));
    }

    static void assertTimings(JsonNode response, int runs) {
        JsonNode t = response.get("timings");
        assertEquals(runs, t.size(), response.toString());
        for (JsonNode timing : t) {
            assertEquals("evaluate", timing.get("name").asText());
            assertTrue(timing.get("nanoseconds").isIntegralNumber() && timing.get("nanoseconds").asLong() >= 0, timing.toString());
        }
    }
}
