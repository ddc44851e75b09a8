package catad.examples.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The GradBench performance report: for each eval's default workloads (inputs of the sizes the
 * eval sends, made by {@link Workloads}), the time of the primal function and of the derivative
 * function on the JIT and on the interpreter, and their ratio, as a Markdown table.
 *
 * <p>Each function is prepared once (parsing and compiling are not timed, as in the protocol),
 * run untimed until its time has settled (rounds of half a second until one's median is within 3 %
 * of the one before and the JVM compiled nothing during it: the JVM compiles a large kernel's
 * methods over seconds; at least one second, at most twenty), then timed with the workload's other
 * function in turn, a run of each a round, so that the ratio of the two is taken over the same
 * stretch of the machine's time: the medians of at least five rounds and at least a second of runs
 * a function. A run on the interpreter that takes longer than {@link #SLOW} is reported once,
 * untimed further.
 *
 * <p>Usage: {@code ./catad run catad.examples.gradbench.Report [eval ...] [--jit-only] [--interpreter-workloads=N]}
 * ({@code N}: the interpreter runs only each eval's first N workloads, the smallest). For saddle and
 * particle, whose four functions each nest two derivatives, the "primal" column is the function's time.
 */
public final class Report {
    private Report() {}

    /** An interpreter run longer than this (seconds) is measured once only. */
    static final double SLOW = 20;

    /** One row: an eval's workload, its primal and derivative times (nanoseconds, median) per backend. */
    record Row(String eval, String workload, double primalJit, double derivJit, double primalInterp, double derivInterp) {}

    /**
     * Runs the report.
     * @param args eval names to run (all by default); {@code --jit-only} skips the interpreter,
     *     {@code --interpreter-workloads=N} runs it on the first N workloads of each eval only
     */
    public static void main(String[] args) {
        boolean jitOnly = Arrays.asList(args).contains("--jit-only");
        int interpreterWorkloads = Arrays.stream(args).filter(a -> a.startsWith("--interpreter-workloads="))
                .mapToInt(a -> Integer.parseInt(a.substring("--interpreter-workloads=".length()))).findFirst().orElse(Integer.MAX_VALUE);
        List<String> evals = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
        var modules = new Modules();
        var rows = new ArrayList<Row>();
        for (Workloads.Eval e : Workloads.all()) {
            if (!evals.isEmpty() && !evals.contains(e.name())) continue;
            Module m = modules.define(e.name());
            for (Workloads.Workload w : e.workloads()) {
                JsonNode input = w.input().get();
                // saddle and particle nest derivatives in while loops: on the interpreter they take minutes
                boolean interp = !jitOnly && e.derivative() != null && e.workloads().indexOf(w) < interpreterWorkloads;
                double[] jit = safely(e, w, m, input, Backend.JIT);
                double[] in = interp ? safely(e, w, m, input, Backend.INTERPRETER) : new double[] {Double.NaN, Double.NaN};
                var row = new Row(e.name(), w.name(), jit[0], jit[1], in[0], in[1]);
                rows.add(row);
                System.err.println(format(row));
            }
        }
        System.out.println("| eval | workload | primal JIT | derivative JIT | derivative / primal, JIT | primal interpreter | derivative interpreter | derivative / primal, interpreter | interpreter / JIT, derivative |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) System.out.println(format(r));
    }

    static String format(Row r) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |", r.eval(), r.workload(),
                human(r.primalJit()), human(r.derivJit()), ratio(r.derivJit(), r.primalJit()),
                human(r.primalInterp()), human(r.derivInterp()),
                Double.isNaN(r.derivInterp()) ? "—" : String.format(Locale.ROOT, "%.2f", r.derivInterp() / r.primalInterp()),
                Double.isNaN(r.derivInterp()) ? "—" : String.format(Locale.ROOT, "%.0f×", r.derivInterp() / r.derivJit()));
    }

    static String ratio(double a, double b) { return Double.isNaN(a) || Double.isNaN(b) ? "—" : String.format(Locale.ROOT, "%.2f", a / b); }

    /** {@return nanoseconds as µs, ms or s} */
    static String human(double ns) {
        if (Double.isNaN(ns)) return "—";
        if (ns < 1e6) return String.format(Locale.ROOT, "%.1f µs", ns / 1e3);
        if (ns < 1e9) return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
        return String.format(Locale.ROOT, "%.2f s", ns / 1e9);
    }

    /**
     * {@return the median times of the eval's primal and derivative functions on one backend (the
     * derivative NaN when the eval has none), from {@link #time}; NaN (said on stderr) for a
     * function that fails, out of memory included}
     */
    static double[] safely(Workloads.Eval e, Workloads.Workload w, Module m, JsonNode input, Backend backend) {
        var names = e.derivative() == null ? List.of(e.primal()) : List.of(e.primal(), e.derivative());
        var jobs = new ArrayList<Job>();
        double[] times = {Double.NaN, Double.NaN};
        for (String function : names) {
            try {
                jobs.add(m.prepare(function, input, backend));
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError x) {
                System.err.println("report: " + e.name() + " " + w.name() + " " + function + " on " + backend + " failed: " + x);
                jobs.add(null);
            }
        }
        // warmed one by one (a function that fails is left out), then timed together
        double[] once = new double[jobs.size()];
        for (int j = 0; j < jobs.size(); j++) {
            if (jobs.get(j) == null) continue;
            try {
                once[j] = warm(jobs.get(j), backend);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError x) {
                System.err.println("report: " + e.name() + " " + w.name() + " " + names.get(j) + " on " + backend + " failed: " + x);
                jobs.set(j, null);
            }
        }
        try {
            double[] t = time(jobs, once);
            System.arraycopy(t, 0, times, 0, t.length);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError x) {
            System.err.println("report: " + e.name() + " " + w.name() + " on " + backend + " failed: " + x);
        }
        return times;
    }

    /** Milliseconds of JIT compilation during a warm-up round above which the JVM is still compiling the kernel. */
    private static final long COMPILING_MS = 5;

    /**
     * {@return the median time of one run of each job (ns; NaN for a null job)}: the jobs, warmed
     * up by {@link #warm}, run in turn, one run each a round, for at least five rounds and a
     * second a job, so that every job's runs sample the same stretch of the machine's time (this
     * machine's speed shifts by up to 1.5× for seconds at a time, for all code at once; timing the
     * primal and then the derivative let such a shift into their ratio)
     * @param jobs the jobs, null for one that failed @param once what {@link #warm} returned for each
     */
    static double[] time(List<Job> jobs, double[] once) {
        int k = jobs.size();
        double[] result = new double[k];
        var timed = new ArrayList<Integer>();
        for (int j = 0; j < k; j++) {
            result[j] = jobs.get(j) == null ? Double.NaN : once[j];
            if (jobs.get(j) != null && once[j] == 0) timed.add(j);
        }
        if (timed.isEmpty()) return result;
        List<List<Long>> times = new ArrayList<>();
        for (int j = 0; j < k; j++) times.add(new ArrayList<>());
        long start = System.nanoTime();
        for (int round = 0; round < 5 || (System.nanoTime() - start < 1_000_000_000L * timed.size() && round < 10_000); round++) {
            for (int j : timed) {
                long s = System.nanoTime();
                jobs.get(j).run();
                times.get(j).add(System.nanoTime() - s);
            }
            if (System.nanoTime() - start > 20_000_000_000L && round >= 2) break;
        }
        for (int j : timed) {
            var t = times.get(j);
            t.sort(null);
            result[j] = t.get(t.size() / 2);
        }
        return result;
    }

    /**
     * Warms a job up until the JVM has compiled what it will (a kernel of many methods takes
     * seconds): rounds of about half a second (at least three runs) until a round's median is within
     * 3 % of the round before and the JVM's compilers were idle during the round (a time can hold
     * still for a round while C2 is still compiling the kernel's methods one by one), at least one
     * second and at most twenty.
     * @return 0 when warmed up; the time of a run (ns) when runs are too slow to repeat: an
     *     interpreter run longer than {@link #SLOW}, or, for runs of seconds, the faster of two more
     *     (the first paid for the JVM's warm-up)
     */
    static double warm(Job job, Backend backend) {
        long t0 = System.nanoTime();
        job.run();
        long first = System.nanoTime() - t0;
        if (backend == Backend.INTERPRETER && first > SLOW * 1e9) return first;
        if (first > 2e9) {
            long a = System.nanoTime();
            job.run();
            long b = System.nanoTime();
            job.run();
            return Math.min(b - a, System.nanoTime() - b);
        }
        var compiler = ManagementFactory.getCompilationMXBean();
        boolean watch = compiler != null && compiler.isCompilationTimeMonitoringSupported();
        long warm = System.nanoTime();
        double last = Double.NaN;
        while (true) {
            var round = new ArrayList<Long>();
            long c0 = watch ? compiler.getTotalCompilationTime() : 0;
            long r0 = System.nanoTime();
            while (round.size() < 3 || System.nanoTime() - r0 < 500_000_000L) {
                long s = System.nanoTime();
                job.run();
                round.add(System.nanoTime() - s);
            }
            boolean compiled = watch && compiler.getTotalCompilationTime() - c0 > COMPILING_MS;
            round.sort(null);
            double median = round.get(round.size() / 2);
            long spent = System.nanoTime() - warm;
            if (spent > 20_000_000_000L
                    || (spent >= 1_000_000_000L && !compiled && Math.abs(median - last) <= 0.03 * last)) return 0;
            last = median;
        }
    }
}
