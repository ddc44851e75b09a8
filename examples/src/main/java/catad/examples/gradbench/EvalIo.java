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

    // One implementation of each reader, in Inputs; these are the forms the gmm…particle modules use.

    /** {@return the field of an object, which must exist} */
    static JsonNode field(JsonNode input, String name) { return Inputs.field(Inputs.object(input, "an eval's input"), name); }

    /** {@return the integer field} */
    static int integer(JsonNode input, String name) { return Inputs.integer(Inputs.object(input, "an eval's input"), name); }

    /** {@return the number field} */
    static double number(JsonNode input, String name) { return Inputs.number(field(input, name), "field '" + name + "'"); }

    /** {@return the node as a number} */
    static double asNumber(JsonNode f, String what) { return Inputs.number(f, what); }

    /** {@return the node as an array of {@code n} numbers (any length if n < 0)} */
    static double[] vector(JsonNode f, int n, String what) {
        double[] v = Inputs.numbers(f, what);
        if (n >= 0 && v.length != n) throw new IllegalArgumentException(what + " must have " + n + " numbers, got " + v.length);
        return v;
    }

    /** {@return the node as {@code rows} arrays of {@code cols} numbers each (any count if negative)} */
    static double[][] matrix(JsonNode f, int rows, int cols, String what) {
        if (!f.isArray()) throw new IllegalArgumentException(what + " must be an array of arrays, got " + Inputs.kind(f));
        if (rows >= 0 && f.size() != rows) throw new IllegalArgumentException(what + " must have " + rows + " rows, got " + f.size());
        var m = new double[f.size()][];
        for (int i = 0; i < m.length; i++) m[i] = vector(f.get(i), cols, what + "[" + i + "]");
        return m;
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
