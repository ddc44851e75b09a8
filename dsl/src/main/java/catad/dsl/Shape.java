package catad.dsl;

import java.util.Objects;

/**
 * The objects of the category: the shape of a value.
 *
 * <p>Every shape is a real vector space; a value of shape {@code S} is a flat {@code double[]} of
 * length {@link #dim()} in the canonical layout: pairs left then right, arrays element-major.
 */
public sealed interface Shape permits Shape.Real, Shape.Unit, Shape.Pair, Shape.Arr {

    /** The real line {@code R}. */
    Real R = new Real();
    /** The unit shape {@code 1}, with no data. */
    Unit UNIT = new Unit();

    /** {@return the dimension: the length of a flat value of this shape} */
    int dim();

    /** The scalar shape {@code R}. */
    record Real() implements Shape {
        @Override public int dim() { return 1; }
        @Override public String toString() { return "R"; }
    }

    /** The unit shape {@code 1}. */
    record Unit() implements Shape {
        @Override public int dim() { return 0; }
        @Override public String toString() { return "1"; }
    }

    /** The product {@code A × B}. */
    record Pair(Shape left, Shape right) implements Shape {
        public Pair {
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }
        @Override public int dim() { return Math.addExact(left.dim(), right.dim()); }
        @Override public String toString() { return "(" + left + " × " + right + ")"; }
    }

    /** The array {@code [n] A} of {@code n} elements of shape {@code A}. */
    record Arr(int n, Shape elem) implements Shape {
        public Arr {
            if (n < 0) throw new ShapeException("array length must be >= 0, got " + n);
            Objects.requireNonNull(elem, "elem");
        }
        @Override public int dim() { return Math.multiplyExact(n, elem.dim()); }
        @Override public String toString() { return "[" + n + "]" + elem; }
    }

    /** {@return the pair shape {@code a × b}} */
    static Shape pair(Shape a, Shape b) { return new Pair(a, b); }

    /** {@return the array shape {@code [n] elem}} */
    static Shape arr(int n, Shape elem) { return new Arr(n, elem); }

    /** {@return a nested array shape {@code [d0][d1]…R}, a tensor} */
    static Shape tensor(int... dims) {
        Shape s = R;
        for (int i = dims.length - 1; i >= 0; i--) s = new Arr(dims[i], s);
        return s;
    }

    /** {@return {@code [n]R}} */
    static Shape vec(int n) { return new Arr(n, R); }
}
