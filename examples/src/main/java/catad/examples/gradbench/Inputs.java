package catad.examples.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.function.Function;

/**
 * Reading the evals' JSON inputs and writing their outputs: each reader checks the form and says
 * what is wrong with an {@link IllegalArgumentException}, so that a bad input becomes an error
 * response rather than a crash.
 */
public final class Inputs {
    private Inputs() {}

    /**
     * How often to run one {@code evaluate}: GradBench's {@code Runs} fields.
     * @param minRuns at least this many runs
     * @param minSeconds and until the runs took this long in total
     */
    public record Runs(int minRuns, double minSeconds) {
        /** Checks the fields. */
        public Runs {
            if (minRuns < 1) throw new IllegalArgumentException("min_runs must be at least 1, got " + minRuns);
            if (!(minSeconds >= 0) || Double.isInfinite(minSeconds))
                throw new IllegalArgumentException("min_seconds must be a finite number >= 0, got " + minSeconds);
        }

        /**
         * {@return the runs an input asks for} {@code min_runs} and {@code min_seconds} when the input
         * is an object that has them (most evals), the older {@code runs} as {@code min_runs}, and
         * one run otherwise ({@code hello}'s inputs are bare numbers).
         * @param input an evaluate message's input
         */
        public static Runs of(JsonNode input) {
            if (input == null || !input.isObject()) return new Runs(1, 0);
            int runs = input.has("min_runs") ? integer(input, "min_runs") : input.has("runs") ? integer(input, "runs") : 1;
            double seconds = input.has("min_seconds") ? number(input.get("min_seconds"), "min_seconds") : 0;
            return new Runs(runs, seconds);
        }
    }

    /** {@return the input as an object} @param input an input @param what the eval's input type, for the message */
    static JsonNode object(JsonNode input, String what) {
        if (input == null || !input.isObject()) throw new IllegalArgumentException("input must be a JSON object (" + what + "), got " + kind(input));
        return input;
    }

    /** {@return the field, which must be present} @param o an object @param field its name */
    static JsonNode field(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) throw new IllegalArgumentException("input has no field '" + field + "'");
        return v;
    }

    /** {@return a JSON number as a double} @param v a node @param what its name, for the message */
    static double number(JsonNode v, String what) {
        if (v == null || !v.isNumber()) throw new IllegalArgumentException(what + " must be a number, got " + kind(v));
        return v.doubleValue();
    }

    /** {@return an integer field, which must be a whole number that fits an int} @param o an object @param field its name */
    static int integer(JsonNode o, String field) {
        JsonNode v = field(o, field);
        if (!v.isNumber()) throw new IllegalArgumentException("field '" + field + "' must be an integer, got " + kind(v));
        double d = v.doubleValue();
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE)
            throw new IllegalArgumentException("field '" + field + "' must be an integer, got " + v);
        return (int) d;
    }

    /** {@return a field holding an array of numbers} @param o an object @param field its name */
    static double[] vector(JsonNode o, String field) { return numbers(field(o, field), "field '" + field + "'"); }

    /** {@return an array of numbers} @param v a node @param what its name, for the message */
    static double[] numbers(JsonNode v, String what) {
        if (!v.isArray()) throw new IllegalArgumentException(what + " must be an array of numbers, got " + kind(v));
        var x = new double[v.size()];
        for (int i = 0; i < x.length; i++) x[i] = number(v.get(i), what + "[" + i + "]");
        return x;
    }

    /**
     * {@return a field holding an array of rows of equal length, flattened row-major} @param o an
     * object @param field its name @param rows a holder for the row count and length: {@code [rows, columns]}
     */
    static double[] matrix(JsonNode o, String field, int[] rows) {
        JsonNode v = field(o, field);
        if (!v.isArray() || v.isEmpty()) throw new IllegalArgumentException("field '" + field + "' must be a non-empty array of rows, got " + kind(v));
        int m = v.size(), n = -1;
        double[] flat = null;
        for (int i = 0; i < m; i++) {
            double[] row = numbers(v.get(i), "field '" + field + "'[" + i + "]");
            if (n < 0) { n = row.length; flat = new double[m * n]; }
            if (row.length != n)
                throw new IllegalArgumentException("field '" + field + "': row " + i + " has " + row.length + " numbers but row 0 has " + n);
            System.arraycopy(row, 0, flat, i * n, n);
        }
        if (n == 0) throw new IllegalArgumentException("field '" + field + "': rows must not be empty");
        rows[0] = m;
        rows[1] = n;
        return flat;
    }

    /** {@return the numbers as a JSON array} @param x numbers */
    static ArrayNode json(double[] x) { return EvalIo.array(x); }

    /** {@return a row-major m×n matrix as a JSON array of rows} @param x the numbers @param m rows @param n columns */
    static ArrayNode json(double[] x, int m, int n) { return EvalIo.rows(x, 0, m, n); }

    /** {@return a one-number result as a JSON number} @param y a buffer of one number */
    static JsonNode scalar(double[] y) { return JsonNodeFactory.instance.numberNode(y[0]); }

    /**
     * {@return the job that runs a compiled program on a fixed input} @param fn the program @param x
     * its input @param outDim its output's length @param format the output as JSON
     */
    static Job job(Backend.Fn fn, double[] x, int outDim, Function<double[], JsonNode> format) {
        double[] y = new double[outDim];
        return new Job() {
            @Override public void run() { fn.apply(x, y); }
            @Override public JsonNode output() { return format.apply(y); }
        };
    }

    /** {@return an unknown function's error} @param module the module @param function the name asked for @param known the functions it has */
    static IllegalArgumentException unknownFunction(String module, String function, String known) {
        return new IllegalArgumentException("module " + module + " has no function '" + function + "' (it has " + known + ")");
    }

    static String kind(JsonNode v) {
        if (v == null || v.isMissingNode()) return "nothing";
        String s = v.toString();
        return v.getNodeType().toString().toLowerCase() + " " + (s.length() > 60 ? s.substring(0, 57) + "..." : s);
    }
}
