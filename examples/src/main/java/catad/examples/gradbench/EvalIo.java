package catad.examples.gradbench;

import catad.dsl.Catad;
import catad.dsl.Shape;
import catad.dsl.Sym;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * What the modules gmm, lstm, ba, ht, saddle and particle share: reading numbers out of an eval's
 * JSON input with clear errors, writing numbers back (the {@link Job} around a compiled program is
 * {@link Inputs#job}, shared with the other six), and pointful helpers {@link Sym} lacks (zip, log-sum-exp).
 */
final class EvalIo {
    private EvalIo() {}

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    // ---------------------------------------------------------------- reading

    /** {@return the field, which must exist} */
    static JsonNode field(JsonNode input, String name) {
        if (input == null || !input.isObject()) throw new IllegalArgumentException("the input must be a JSON object, got " + input);
        JsonNode f = input.get(name);
        if (f == null || f.isNull()) throw new IllegalArgumentException("the input has no field \"" + name + "\"");
        return f;
    }

    /** {@return the integer field} */
    static int integer(JsonNode input, String name) {
        JsonNode f = field(input, name);
        if (!f.isIntegralNumber() && !(f.isNumber() && f.asDouble() == Math.rint(f.asDouble())))
            throw new IllegalArgumentException("\"" + name + "\" must be an integer, got " + f);
        return f.asInt();
    }

    /** {@return the number field} */
    static double number(JsonNode input, String name) { return asNumber(field(input, name), name); }

    /** {@return the node as a number} */
    static double asNumber(JsonNode f, String what) {
        if (!f.isNumber()) throw new IllegalArgumentException(what + " must be a number, got " + f);
        return f.asDouble();
    }

    /** {@return the node as an array of {@code n} numbers (any length if n < 0)} */
    static double[] vector(JsonNode f, int n, String what) {
        if (!f.isArray()) throw new IllegalArgumentException(what + " must be an array of numbers, got " + brief(f));
        if (n >= 0 && f.size() != n) throw new IllegalArgumentException(what + " must have " + n + " numbers, got " + f.size());
        var v = new double[f.size()];
        for (int i = 0; i < v.length; i++) v[i] = asNumber(f.get(i), what + "[" + i + "]");
        return v;
    }

    /** {@return the node as {@code rows} arrays of {@code cols} numbers each (any count if negative)} */
    static double[][] matrix(JsonNode f, int rows, int cols, String what) {
        if (!f.isArray()) throw new IllegalArgumentException(what + " must be an array of arrays, got " + brief(f));
        if (rows >= 0 && f.size() != rows) throw new IllegalArgumentException(what + " must have " + rows + " rows, got " + f.size());
        var m = new double[f.size()][];
        for (int i = 0; i < m.length; i++) m[i] = vector(f.get(i), cols, what + "[" + i + "]");
        return m;
    }

    private static String brief(JsonNode f) {
        String s = String.valueOf(f);
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /** Copies rows into {@code out} from {@code at}, row after row; {@return the next offset} */
    static int put(double[] out, int at, double[]... rows) {
        for (double[] r : rows) {
            System.arraycopy(r, 0, out, at, r.length);
            at += r.length;
        }
        return at;
    }

    // ---------------------------------------------------------------- writing

    /** {@return {@code n} numbers of {@code v} from {@code at} as a JSON array} */
    static ArrayNode array(double[] v, int at, int n) {
        ArrayNode a = JSON.arrayNode(n);
        for (int i = 0; i < n; i++) a.add(v[at + i]);
        return a;
    }

    /** {@return {@code rows × cols} numbers of {@code v} from {@code at}, row-major, as arrays of rows} */
    static ArrayNode rows(double[] v, int at, int rows, int cols) {
        ArrayNode a = JSON.arrayNode(rows);
        for (int i = 0; i < rows; i++) a.add(array(v, at + i * cols, cols));
        return a;
    }

    /** {@return the whole of {@code v} as a JSON array} */
    static ArrayNode array(double[] v) { return array(v, 0, v.length); }

    // ---------------------------------------------------------------- pointful helpers

    /** {@return the arrays {@code [n]A} and {@code [n]B} zipped to {@code [n](A × B)}} */
    static Sym zip(Sym a, Sym b) {
        var sa = (Shape.Arr) a.shape();
        var sb = (Shape.Arr) b.shape();
        return Sym.pair(a, b).apply(Catad.zip(sa.n(), sa.elem(), sb.elem()));
    }

    /** {@return the largest element of a vector} */
    static Sym maximum(Sym v) { return v.apply(Catad.maximum(v.length())); }

    /** {@return the stable log-sum-exp of a vector: {@code m + log Σ exp(vᵢ - m)}, m its maximum} */
    static Sym logSumExp(Sym v) {
        Sym m = maximum(v);
        return v.minus(m).exp().sum().log().plus(m);
    }
}
