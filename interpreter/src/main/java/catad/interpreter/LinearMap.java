package catad.interpreter;

import catad.dsl.Shape;

/**
 * The derivative {@code f'(x)} of a program at a point, from {@link AD#linearize}: a linear map
 * from tangents of {@code f}'s input to tangents of its output, with {@link #transpose()} for reverse mode.
 */
public final class LinearMap {
    private final Lin lin;

    LinearMap(Lin lin) { this.lin = lin; }

    /** {@return the tangent shape it takes} */
    public Shape dom() { return lin.dom(); }

    /** {@return the tangent shape it gives} */
    public Shape cod() { return lin.cod(); }

    /** {@return the map applied to a tangent} @param dx a tangent of {@link #dom()} */
    public double[] apply(double... dx) {
        if (dx.length != dom().dim())
            throw new catad.dsl.CatadException("tangent has " + Eval.count(dx.length) + " but the map takes " + dom() + " (" + dom().dim() + ")");
        return Layout.copy(Deep.run("apply", () -> lin.apply(dx, 1)));
    }

    /** {@return the transpose {@code f'(x)ᵀ}, the map from output cotangents to input cotangents} */
    public LinearMap transpose() { return new LinearMap(Deep.run("transpose", lin::transpose)); }

    /** {@return the map in catad's linear sub-language, coefficients shown as numbers} */
    @Override public String toString() { return Deep.run("print", lin::toString); }
}
