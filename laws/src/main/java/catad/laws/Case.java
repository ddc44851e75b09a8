package catad.laws;

import catad.dsl.Printer;
import catad.dsl.Prog;
import java.util.Arrays;
import java.util.List;

/**
 * One generated instance of a law: programs {@code f, g, h, k} and flat vectors {@code x, u, v, w}
 * (as many as the law needs), shown in catad text when jqwik reports a (shrunk) counterexample.
 *
 * @param progs the programs, named f, g, h, k in order
 * @param vecs the vectors, named x, u, v, w in order
 */
public record Case(List<Prog> progs, List<double[]> vecs) {
    private static final String PROG_NAMES = "fghk";
    private static final String VEC_NAMES = "xuvw";

    /** Copies the lists. */
    public Case { progs = List.copyOf(progs); vecs = List.copyOf(vecs); }

    /** {@return the first program} */ public Prog f() { return progs.get(0); }
    /** {@return the second program} */ public Prog g() { return progs.get(1); }
    /** {@return the third program} */ public Prog h() { return progs.get(2); }
    /** {@return the fourth program} */ public Prog k() { return progs.get(3); }
    /** {@return the first vector} */ public double[] x() { return vecs.get(0); }
    /** {@return the second vector} */ public double[] u() { return vecs.get(1); }
    /** {@return the third vector} */ public double[] v() { return vecs.get(2); }
    /** {@return the fourth vector} */ public double[] w() { return vecs.get(3); }

    /** {@return a case} @param progs programs @param vecs vectors */
    public static Case of(List<Prog> progs, List<double[]> vecs) { return new Case(progs, vecs); }

    @Override public String toString() {
        var sb = new StringBuilder();
        for (int i = 0; i < progs.size(); i++) sb.append("\n    ").append(PROG_NAMES.charAt(i)).append(" = ").append(Printer.print(progs.get(i)));
        for (int i = 0; i < vecs.size(); i++) sb.append("\n    ").append(VEC_NAMES.charAt(i)).append(" = ").append(Arrays.toString(vecs.get(i)));
        return sb.toString();
    }
}
