// The five-minute tour of docs/README-body.md, end to end: ./catad examples/src/main/jshell/tour.jsh
// ./catad jshell has already imported catad.dsl.*, catad.interpreter.* and the static members of
// catad.dsl.Catad and catad.interpreter.AD; the imports below make the script stand alone.
import catad.dsl.*;
import catad.interpreter.*;
import static catad.dsl.Catad.*;
import java.util.Arrays;

// ---- 1. A program is built from combinators, and its shapes are checked as it is built
Shape RR = Shape.pair(Shape.R, Shape.R);
Prog f = compose(add, fork(compose(sin, mul), compose(square, exl(RR))));   // (x, y) ↦ sin(x·y) + x²
System.out.println(Printer.print(f));
System.out.println(Printer.unicode(f));
System.out.println("f(1, 2) = " + AD.eval1(f, 1.0, 2.0));
System.out.println("parses back: " + Parser.parse(Printer.print(f)).equals(f));
try { compose(mul, sin); } catch (ShapeException e) { System.out.println("ShapeException: " + e.getMessage()); }

// ---- 2. Derivatives as numbers
double[] x = {1.0, 2.0};
System.out.println("grad      " + Arrays.toString(AD.grad(f, x)));
var vg = AD.valueAndGrad(f, x);
System.out.println("value     " + vg._1 + ", grad " + Arrays.toString(vg._2));
var jv = AD.jvp(f, x, new double[] {1, 0});                 // (f x, f'(x) dx): ∂f/∂x
System.out.println("jvp       " + Arrays.toString(jv._2));
System.out.println("vjp       " + Arrays.toString(AD.vjp(f, x, new double[] {1})));
System.out.println("hessian   " + Arrays.deepToString(AD.hessian(f, x)));
System.out.println("hvp       " + Arrays.toString(AD.hvp(f, x, new double[] {1, 0})));
System.out.println("jacfwd    " + Arrays.deepToString(AD.jacfwd(f, x)) + ", jacrev " + Arrays.deepToString(AD.jacrev(f, x)));
var lin = AD.linearize(f, x);                                // f'(x) as a LinearMap
System.out.println("f'(x) dx  " + Arrays.toString(lin._2.apply(1, 0)) + ", f'(x)ᵀ ct " + Arrays.toString(lin._2.transpose().apply(1)));

// ---- 3. Derivatives as programs: they print, evaluate and differentiate again
Prog gf = AD.grad(f);
System.out.println(Printer.print(gf));
System.out.println("grad f at x: " + Arrays.toString(AD.eval(gf, x)) + "; size " + AD.size(f) + " -> " + AD.size(gf));
System.out.println(Printer.print(AD.jvp(f)));               // (x, dx) ↦ (f x, f'(x) dx)
System.out.println(Printer.print(AD.vjp(f)));               // (x, ct) ↦ f'(x)ᵀ ct
System.out.println(Printer.print(AD.grad(AD.grad(sin))));   // sin'' = -sin
System.out.println("sin''(1) = " + AD.eval1(AD.grad(AD.grad(sin)), 1.0) + " = -sin 1 = " + -Math.sin(1));

// ---- 4. Arrays: a program the size of its text, not of its data
Prog g = compose(sum(Shape.vec(3)), map(3, compose(sin, exp)));   // Σ sin(exp xᵢ)
System.out.println(Printer.print(g));
System.out.println(Printer.print(AD.grad(g)));
Prog hg = AD.hessian(g);                                     // [3]R -> [3][3]R, values flat, row after row
System.out.println("hessian program " + hg.dom() + " -> " + hg.cod() + ", at (0.1, 0.2, 0.3): " + Arrays.toString(AD.eval(hg, 0.1, 0.2, 0.3)));
Prog big = compose(sum(Shape.vec(1_000_000)), map(1_000_000, compose(sin, exp)));
double[] ones = new double[1_000_000];
Arrays.fill(ones, 0.5);
System.out.println("a million elements: f = " + AD.eval1(big, ones) + ", ∂f/∂x₀ = " + AD.grad(big, ones)[0]);

// ---- 5. Control: cond (the branch not taken is not evaluated) and iterate
Prog safeLog = cond(id(Shape.R), log, constant(Shape.R, 0));       // log x where x > 0, else 0
System.out.println("safeLog(-1) = " + AD.eval1(safeLog, -1.0) + ", d/dx at 2 = " + AD.grad(safeLog, 2.0)[0]);
Prog halve10 = iterate(10, scale(0.5));                             // x / 2¹⁰
System.out.println(Printer.print(halve10) + "; derivative " + AD.grad(halve10, 3.0)[0]);

// ---- 6. The pointful front end: ordinary Java over symbolic values, compiled to combinators
Prog p = Pointful.compile(Shape.R, Shape.R, (a, b) -> {
    Sym t = a.times(b);                  // computed once, used twice
    return t.sin().plus(t.cos());
});
System.out.println(Printer.print(p) + "; grad at (1, 2) = " + Arrays.toString(AD.grad(p, 1.0, 2.0)));

// ---- 7. Your own primitives, with no change to catad
// a scalar function whose derivative is a catad program: differentiable to any order
Primitive.Unary softsign = Primitive.unary("softsign", t -> t / (1 + Math.abs(t)),
        () -> compose(recip, square, offset(1), abs), Primitive.Interval.ALL);
System.out.println("softsign'(2) = " + AD.grad(softsign.prog(), 2.0)[0] + ", softsign''(2) = " + AD.hessian(softsign.prog(), 2.0)[0][0]);
// a scalar function with a Java derivative: differentiable once
Primitive.Unary cube = Primitive.unary("cube", t -> t * t * t, t -> 3 * t * t);
System.out.println("cube'(2) = " + AD.grad(cube.prog(), 2.0)[0]);
// a binary function with its gradient (∂/∂u, ∂/∂v) as a program R × R → R × R
Prog norm2 = compose(sqrt, add, cross(square, square));
Primitive.Binary hypot = Primitive.binary("hypot", Math::hypot,
        () -> fork(compose(div, fork(exl(RR), norm2)), compose(div, fork(exr(RR), norm2))));
System.out.println("∇hypot(3, 4) = " + Arrays.toString(AD.grad(hypot.prog(), 3.0, 4.0)));
// any shape: a kernel on flat buffers, a forward rule (x, dx) ↦ f'(x) dx and a reverse rule (x, ct) ↦ f'(x)ᵀ ct
Shape v3 = Shape.vec(3);
Primitive.General sumsq = Primitive.general("sumsq", v3, Shape.R,
        (in, io, out, oo) -> out[oo] = in[io] * in[io] + in[io + 1] * in[io + 1] + in[io + 2] * in[io + 2],
        () -> compose(scale(2), dot(3)),                                   // (x, dx) ↦ 2 x·dx
        () -> compose(scale(v3, 2), scaleVec(3), swap(v3, Shape.R)));       // (x, ct) ↦ 2 ct x
System.out.println(Printer.print(Parser.parse("sin . sumsq : [3]R -> R", Parser.primitives(sumsq))));
System.out.println("∇ sin(Σ xᵢ²) = " + Arrays.toString(AD.grad(compose(sin, sumsq.prog()), 0.3, -0.2, 0.5)));
// a linear map and its transpose: its own derivative, transposed for reverse mode
Primitive.General cumsum = Primitive.linear("cumsum", v3, v3,
        (in, io, out, oo) -> { double s = 0; for (int i = 0; i < 3; i++) out[oo + i] = s += in[io + i]; },
        "revcumsum",
        (in, io, out, oo) -> { double s = 0; for (int i = 2; i >= 0; i--) out[oo + i] = s += in[io + i]; });
System.out.println("∇ Σ cumsum(x) = " + Arrays.toString(AD.grad(compose(sum(v3), cumsum.prog()), 1.0, 2.0, 3.0)));

// ---- 8. Functional Java: vavr and java.util.function
io.vavr.Function1<double[], double[]> fj = AD.function(f);
java.util.function.DoubleUnaryOperator sinExp = AD.unary(compose(sin, exp));
java.util.function.ToDoubleFunction<double[]> fs = AD.scalar(f);
System.out.println(fj.andThen(Arrays::toString).apply(x) + " " + sinExp.applyAsDouble(0.5) + " " + fs.applyAsDouble(x));
var vgf = AD.valueAndGradFunction(f);                        // x ↦ (f x, ∇f x) as a vavr Tuple2
System.out.println("value and grad: " + vgf.apply(x).map2(Arrays::toString));
String tried = AD.tryEval(f, 1.0).fold(e -> "Left: " + e.getMessage(), r -> "Right: " + Arrays.toString(r));
System.out.println(tried);
System.out.println(AD.tryGrad(f, x).map(Arrays::toString));
String checked = AD.validate(f, 1.0, Double.NaN, 3.0).fold(errors -> "Invalid: " + errors.mkString("; "), ok -> "Valid");
System.out.println(checked);
/exit
