package catad.examples.gradbench;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's timing: functions timed in turn, failures and slow runs kept apart. */
class ReportTest {

    /** A job that counts its runs and spins for about {@code micros}. */
    static final class Spin implements Job {
        final long micros;
        int runs;
        double sink;
        Spin(long micros) { this.micros = micros; }
        @Override public void run() {
            runs++;
            long end = System.nanoTime() + micros * 1000;
            while (System.nanoTime() < end) sink += Math.sqrt(sink + runs);
        }
        @Override public JsonNode output() { return null; }
    }

    @Test void jobsAreTimedInTurnOverTheSameStretchOfTime() {
        var a = new Spin(50);
        var b = new Spin(200);
        List<Job> jobs = new ArrayList<>(Arrays.asList(a, null, b));
        long start = System.nanoTime();
        double[] t = Report.time(jobs, new double[] {0, 0, 0});
        long elapsed = System.nanoTime() - start;
        assertTrue(Double.isNaN(t[1]), "a failed function has no time");
        // in turn: one run of each a round, so the same number of runs, at least five rounds and a second a job
        assertEquals(a.runs, b.runs);
        assertTrue(a.runs >= 5);
        assertTrue(elapsed >= 2_000_000_000L, "timed for " + elapsed / 1e9 + " s, less than a second for each of two jobs");
        assertTrue(t[0] >= 50e3 && t[2] >= 200e3, Arrays.toString(t));
        assertTrue(t[2] > t[0], "the longer job takes longer: " + Arrays.toString(t));
    }

    @Test void aTimeTheWarmUpAlreadyTookIsKept() {
        var a = new Spin(10);
        var slow = new Spin(10);
        double[] t = Report.time(new ArrayList<>(List.of(a, slow)), new double[] {0, 3e9});
        assertEquals(3e9, t[1], "a run of seconds is not repeated");
        assertEquals(0, slow.runs);
        assertTrue(a.runs >= 5 && t[0] >= 10e3, Arrays.toString(t));
    }

    @Test void warmingUpEndsAndSaysWhetherToTime() {
        var a = new Spin(100);
        assertEquals(0, Report.warm(a, Backend.JIT), "a fast job is warmed up, then timed");
        assertTrue(a.runs >= 6, "at least two rounds of three runs: " + a.runs);
    }
}
