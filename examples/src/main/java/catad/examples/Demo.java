package catad.examples;

import static catad.dsl.Catad.*;
import static catad.dsl.Shape.R;

import catad.dsl.Pointful;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.Sym;
import catad.interpreter.AD;
import catad.jit.Jit;
import catad.jit.Kernel;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What catad is for, in three parts: derivatives of a few real functions (printed programs, values,
 * gradients, Hessians); Newton's method against gradient descent on the Rosenbrock function; and a
 * differentiable simulation, a projectile with drag whose launch speed is tuned to hit a target;
 * and the same gradients compiled by the JIT, with the interpreter's bits.
 *
 * <p>Run with {@code ./catad demo}; it finishes in a few seconds. Programs are written point-free
 * with the combinators of {@link catad.dsl.Catad}, and the log-sum-exp once more with the pointful
 * front end ({@link Pointful}); everything else goes through the public API, {@link AD}.
 */
public final class Demo {
    private Demo() {}

    /** Width at which printed programs wrap. */
    private static final int WIDTH = 100;

    /**
     * Prints the demo.
     * @param args ignored
     */
    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        long t0 = System.nanoTime();
        functions();
        long t1 = System.nanoTime();
        optimisation();
        long t2 = System.nanoTime();
        simulation();
        long t3 = System.nanoTime();
        compiled();
        long t4 = System.nanoTime();
        System.out.printf("%nDone in %.1f s (parts: %.1f s, %.1f s, %.1f s, %.1f s).%n",
                (t4 - t0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9);
    }

    // ---------------------------------------------------------------- program-building helpers

    private static final Shape RR = Shape.pair(R, R);
    /** {@code (x, y) ↦ x} and {@code (x, y) ↦ y} on {@code R × R}. */
    private static final Prog X = exl(R, R), Y = exr(R, R);

    private static Prog plus(Prog f, Prog g) { return compose(add, fork(f, g)); }
    private static Prog minus(Prog f, Prog g) { return compose(sub, fork(f, g)); }
    private static Prog times(Prog f, Prog g) { return compose(mul, fork(f, g)); }
    private static Prog over(Prog f, Prog g) { return compose(div, fork(f, g)); }

    /** {@return (x, y) ↦ sin(x·y) + x²} */
    static Prog sinXYPlusX2() { return plus(compose(sin, mul), compose(square, X)); }

    /** {@return x ↦ Σ sin(exp xᵢ) on [n]R} @param n length */
    static Prog sumSinExp(int n) { return compose(sum(Shape.vec(n)), map(n, compose(sin, exp))); }

    /**
     * {@return the numerically stable log-sum-exp on [n]R: m = max xᵢ (a fold of max from -∞), then
     * m + log Σ exp(xᵢ - m); m is computed once and shared}
     * @param n length
     */
    static Prog logSumExp(int n) {
        Shape v = Shape.vec(n);
        Prog m = compose(fold(n, max), fork(constant(v, Double.NEGATIVE_INFINITY), id(v)));
        Prog logSum = pipe(cross(id(v), repl(n, R)), zip(n, R, R), map(n, compose(exp, sub)), sum(v), log);
        return pipe(fork(id(v), m), fork(exr(v, R), logSum), add);
    }

    /** {@return the Rosenbrock function (x, y) ↦ (1 - x)² + 100 (y - x²)²} */
    static Prog rosenbrock() {
        return plus(compose(square, oneMinus(X)), compose(scale(100), square, minus(Y, compose(square, X))));
    }

    // ---------------------------------------------------------------- 1. programs and their derivatives

    private static void functions() {
        heading("1. Programs and their derivatives");
        System.out.println("""
                Each function is a catad program built from combinators. AD.grad(f) is its gradient as another
                program (reverse mode, simplified); AD.grad(f, x) and AD.hessian(f, x) give numbers. The
                derivatives are checked against central finite differences.""");
        show("f(x, y) = sin(x·y) + x²", sinXYPlusX2(), 1.0, 2.0);
        show("f(x) = Σ sin(exp xᵢ), x ∈ [3]R", sumSinExp(3), 0.1, 0.2, 0.3);
        show("f(x) = log Σ exp xᵢ (stable: max by fold, then m + log Σ exp(xᵢ - m)); ∇f = softmax",
                logSumExp(4), 1.0, 2.0, 3.0, 4.0);
        show("Rosenbrock f(x, y) = (1 - x)² + 100 (y - x²)²", rosenbrock(), -1.2, 1.0);
        pointful();
    }

    /** {@return the log-sum-exp of {@link #logSumExp} written with the pointful front end} @param n length */
    static Prog logSumExpPointful(int n) {
        return Pointful.compile(Shape.vec(n), x -> {
            Sym m = x.fold(Sym.constant(Double.NEGATIVE_INFINITY), Sym::max);
            return m.plus(x.map(e -> e.minus(m).exp()).sum().log());
        });
    }

    private static void pointful() {
        System.out.println();
        System.out.println("── The log-sum-exp again, written with the pointful front end (catad.dsl.Pointful):");
        System.out.print("""
                Pointful.compile(Shape.vec(4), x -> {
                    Sym m = x.fold(Sym.constant(Double.NEGATIVE_INFINITY), Sym::max);
                    return m.plus(x.map(e -> e.minus(m).exp()).sum().log());
                })
                """.indent(4));
        Prog f = logSumExpPointful(4), g = logSumExp(4);
        double[] x = {1.0, 2.0, 3.0, 4.0};
        printProgram("program      ", f);
        System.out.printf("size         : size(f) = %d, size(grad f) = %d (combinators: %d, %d)%n",
                AD.size(f), AD.size(AD.grad(f)), AD.size(g), AD.size(AD.grad(g)));
        System.out.printf("checks       : value and gradient differ from the combinator version by %.1e, %.1e%n",
                Math.abs(AD.eval1(f, x) - AD.eval1(g, x)), maxDiff(AD.grad(f, x), AD.grad(g, x)));
    }

    private static void show(String title, Prog f, double... x) {
        System.out.println();
        System.out.println("── " + title);
        Prog gf = AD.grad(f);
        printProgram("program      ", f);
        printProgram("grad program ", gf);
        var vg = AD.valueAndGrad(f, x);
        double[][] h = AD.hessian(f, x);
        System.out.println("x            = " + vec(x));
        System.out.println("f(x)         = " + num(vg._1));
        System.out.println("∇f(x)        = " + vec(vg._2));
        for (int i = 0; i < h.length; i++)
            System.out.println((i == 0 ? "∇²f(x)       = " : "               ") + vec(h[i]));
        double[] gp = AD.eval(gf, x);
        double[] fd = centralDifferences(f, x);
        System.out.printf("checks       : grad program at x differs from AD.grad(f, x) by %.1e; "
                + "finite differences by %.1e%n", maxDiff(gp, vg._2), maxDiff(fd, vg._2));
        long sf = AD.size(f), sg = AD.size(gf);
        System.out.printf("size         : size(f) = %d, size(grad f) = %d, ratio %.1f%n", sf, sg, (double) sg / sf);
    }

    // ---------------------------------------------------------------- 2. Newton against gradient descent

    private static void optimisation() {
        heading("2. Newton's method against gradient descent on Rosenbrock, from (-1.2, 1)");
        Prog f = rosenbrock();
        double tol = 1e-8;
        System.out.println("Both stop when ‖∇f‖ < 1e-8. The minimum is f(1, 1) = 0.");

        System.out.println();
        System.out.println("Newton: x ← x - H⁻¹ ∇f, with ∇f from AD.valueAndGrad(f, x) and H from AD.hessian(f, x)");
        System.out.println("  iter            x                 y                f(x, y)      ‖∇f‖");
        double[] x = {-1.2, 1.0};
        int it = 0;
        while (true) {
            var vg = AD.valueAndGrad(f, x);
            double gn = norm(vg._2);
            System.out.printf("  %4d  %16.12f  %16.12f  %12.4e  %9.2e%n", it, x[0], x[1], vg._1, gn);
            if (gn < tol || it == 100) break;
            double[] step = solve(AD.hessian(f, x), vg._2);
            for (int i = 0; i < x.length; i++) x[i] -= step[i];
            it++;
        }
        int newtonIters = it;

        System.out.println();
        int cap = 100_000;
        System.out.println("Gradient descent with a backtracking (Armijo) line search, at most " + cap + " iterations;");
        System.out.println("value and gradient from one program, AD.valueAndGrad(f), built once and run with AD.eval");
        System.out.println("  iter            x                 y                f(x, y)      ‖∇f‖    last step");
        Prog vgProg = AD.valueAndGrad(f);
        x = new double[] {-1.2, 1.0};
        double t = 1;
        long evals = 0;
        for (it = 0; ; it++) {
            double[] vg = AD.eval(vgProg, x);
            evals++;
            double fx = vg[0];
            double[] g = Arrays.copyOfRange(vg, 1, vg.length);
            double gn = norm(g);
            boolean done = gn < tol || it == cap;
            if (it < 3 || isPowerOfTen(it) || done)
                System.out.printf("  %6d  %16.12f  %16.12f  %12.4e  %9.2e  %9.2e%n", it, x[0], x[1], fx, gn, t);
            if (done) break;
            t = Math.min(1, 2 * t);
            double[] next = new double[x.length];
            while (true) {
                for (int i = 0; i < x.length; i++) next[i] = x[i] - t * g[i];
                evals++;
                if (AD.eval(f, next)[0] <= fx - 1e-4 * t * gn * gn) break;
                t /= 2;
            }
            x = next;
        }
        System.out.println();
        System.out.printf("Newton reached ‖∇f‖ < 1e-8 in %d iterations; gradient descent %s (%d evaluations of f or (f, ∇f)).%n",
                newtonIters,
                it < cap ? "in " + it + " iterations" : "had not after " + cap + " iterations, stopping at ("
                        + num(x[0]) + ", " + num(x[1]) + ")",
                evals);
    }

    // ---------------------------------------------------------------- 3. a differentiable simulation

    /** Gravity (m/s²), quadratic drag per unit mass (1/m), launch angle, launch height (m), time step (s), steps. */
    private static final double G = 9.81, K = 0.005, ANGLE = Math.toRadians(35), H0 = 1.8, DT = 0.01;
    private static final int STEPS = 1500;

    /**
     * {@return the landing distance of a projectile with quadratic drag as a program R → R of its launch speed}
     *
     * <p>The state is ((position, velocity), previous position), each a pair. One explicit Euler step
     * moves the position by dt·v and the velocity by dt·a, a = (0, -g) - k |v| v; {@code cond} freezes
     * the state once the projectile is below ground, so {@code iterate} can run a fixed number of steps.
     * The landing point is interpolated linearly between the last two positions.
     */
    static Prog landingDistance() {
        Shape pv = Shape.pair(RR, RR), s = Shape.pair(pv, RR);
        Prog pos = compose(exl(RR, RR), exl(pv, RR)), vel = compose(exr(RR, RR), exl(pv, RR)), prev = exr(pv, RR);
        Prog x = compose(X, pos), y = compose(Y, pos), vx = compose(X, vel), vy = compose(Y, vel);
        Prog xp = compose(X, prev), yp = compose(Y, prev);
        Prog speed = compose(sqrt, plus(compose(square, vx), compose(square, vy)));
        Prog drag = compose(scale(DT * K), speed);                           // dt·k·|v|
        Prog euler = fork(
                fork(fork(plus(x, compose(scale(DT), vx)), plus(y, compose(scale(DT), vy))),
                     fork(minus(vx, times(drag, vx)), minus(vy, plus(times(drag, vy), constant(s, DT * G))))),
                pos);
        Prog step = cond(y, euler, id(s));                                   // fly while above ground
        Prog launch = fork(fork(constant(R, RR, 0, H0), fork(scale(Math.cos(ANGLE)), scale(Math.sin(ANGLE)))),
                constant(R, RR, 0, H0));
        Prog landing = plus(xp, times(minus(x, xp), over(yp, minus(yp, y))));  // where the segment crosses y = 0
        return pipe(launch, iterate(STEPS, step), landing);
    }

    private static void simulation() {
        heading("3. A differentiable simulation: a projectile with drag");
        double target = 80;
        System.out.printf("""
                Launched at %.0f° from %.1f m with speed v; drag k = %.3f /m, g = %.2f m/s²; explicit Euler with
                dt = %.2f s for %d steps (iterate; cond freezes the state once it is below ground). d(v) is the
                landing distance. Gauss-Newton on L(v) = (d(v) - %.0f)²: v ← v - L'(v) / (2 d'(v)²), that is
                Newton's method on d(v) = %.0f, with L' from AD.grad(L, v) and d' from AD.valueAndGrad(d, v).%n""",
                Math.toDegrees(ANGLE), H0, K, G, DT, STEPS, target, target);
        Prog d = landingDistance();
        Prog loss = compose(square, offset(-target), d);
        printProgram("d program    ", d);
        System.out.printf("size         : size(d) = %d, size(grad L) = %d%n", AD.size(d), AD.size(AD.grad(loss)));
        System.out.println();
        System.out.println("  step     v (m/s)         d(v) (m)        d - target    d'(v) (s)      L(v)         L'(v)");
        double v = 20;
        for (int k = 0; ; k++) {
            var dv = AD.valueAndGrad(d, v);
            var lv = AD.valueAndGrad(loss, v);
            double dd = dv._2[0], lp = lv._2[0];
            System.out.printf("  %4d  %14.10f  %14.10f  %12.3e  %12.8f  %12.4e  %12.4e%n",
                    k, v, dv._1, dv._1 - target, dd, lv._1, lp);
            if (Math.abs(dv._1 - target) < 1e-9 || k == 20) break;
            v -= lp / (2 * dd * dd);
        }
        double h = 1e-5 * v;
        double fd = (AD.eval1(d, v + h) - AD.eval1(d, v - h)) / (2 * h);
        double dd = AD.grad(d, v)[0];
        System.out.printf("%nAt v = %.10f m/s: d'(v) = %.10f by AD, %.10f by central differences;%n", v, dd, fd);
        System.out.printf("L''(v) = %.10f by AD.hessian (through iterate and cond), 2 d'(v)² = %.10f.%n",
                AD.hessian(loss, v)[0][0], 2 * dd * dd);
    }

    // ---------------------------------------------------------------- small numerics and printing

    /** {@return the solution of a x = b by Gaussian elimination with partial pivoting} */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = Arrays.copyOf(a[i], n + 1);
            m[i][n] = b[i];
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
            double[] tmp = m[c]; m[c] = m[p]; m[p] = tmp;
            for (int r = c + 1; r < n; r++) {
                double q = m[r][c] / m[c][c];
                for (int k = c; k <= n; k++) m[r][k] -= q * m[c][k];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int k = r + 1; k < n; k++) s -= m[r][k] * x[k];
            x[r] = s / m[r][r];
        }
        return x;
    }

    private static double[] centralDifferences(Prog f, double[] x) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double h = 1e-6 * Math.max(1, Math.abs(x[i]));
            double[] a = x.clone(), b = x.clone();
            a[i] += h;
            b[i] -= h;
            g[i] = (AD.eval1(f, a) - AD.eval1(f, b)) / (2 * h);
        }
        return g;
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double e : v) s += e * e;
        return Math.sqrt(s);
    }

    // ---------------------------------------------------------------- 4. compiled

    /** The log-sum-exp and its gradient program on 100,000 numbers, interpreted and compiled: the same bits, and rough timings. */
    private static void compiled() {
        heading("4. The JIT: the same programs compiled to bytecode, with the interpreter's bits");
        int n = 100_000;
        Prog f = logSumExpByMaximum(n);
        Prog g = AD.grad(f);
        var rnd = new java.util.SplittableRandom(1);
        double[] x = rnd.doubles(n, -3, 3).toArray();
        long c0 = System.nanoTime();
        Kernel kf = Jit.compile(f), kg = Jit.compile(g);
        long c1 = System.nanoTime();
        System.out.printf("compiled f and its gradient program (%d nodes) in %.0f ms%n", AD.size(g), (c1 - c0) / 1e6);
        System.out.println("  " + kf);
        System.out.println("  " + kg);
        double[] gi = AD.eval(g, x), gj = kg.apply(x);
        System.out.println("f x:    interpreter " + num(AD.eval1(f, x)) + ", jit " + num(kf.applyAsDouble(x))
                + "; the same bits: " + (Double.doubleToLongBits(AD.eval1(f, x)) == Double.doubleToLongBits(kf.applyAsDouble(x))));
        System.out.println("∇f x:   the same bits in all " + n + " entries: " + Arrays.equals(gi, gj));
        double[] out = new double[n];
        double interp = best(() -> AD.eval(g, x)), jit = best(() -> kg.apply(x, out));
        System.out.printf("∇f x:   best of 5 runs, interpreter %.2f ms, jit %.3f ms (%.0f×; rough, JMH numbers in BENCHMARKS.md)%n",
                interp, jit, interp / jit);
    }

    /** {@return the stable log-sum-exp with the maximum reduction} @param n length */
    static Prog logSumExpByMaximum(int n) {
        Shape v = Shape.vec(n);
        Prog logSum = pipe(cross(id(v), repl(n, R)), zip(n, R, R), map(n, compose(exp, sub)), sum(v), log);
        return pipe(fork(id(v), maximum(n)), fork(exr(v, R), logSum), add);
    }

    /** {@return the best of five timed runs, in ms, after thirty untimed ones (so that the JVM has compiled the kernel)} */
    private static double best(Runnable r) {
        for (int i = 0; i < 30; i++) r.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t) / 1e6);
        }
        return best;
    }

    private static boolean isPowerOfTen(int k) {
        while (k >= 10 && k % 10 == 0) k /= 10;
        return k == 1;
    }

    private static void heading(String title) {
        System.out.println();
        System.out.println("═".repeat(WIDTH));
        System.out.println(title);
        System.out.println("═".repeat(WIDTH));
    }

    /** Prints a program's text, wrapped at {@link #WIDTH} with a hanging indent. */
    private static void printProgram(String label, Prog p) {
        String indent = " ".repeat(label.length() + 2);
        var out = new StringBuilder(label).append(": ");
        int col = out.length();
        for (String word : Printer.print(p).split(" ")) {
            if (col + word.length() + 1 > WIDTH && col > indent.length()) {
                out.append('\n').append(indent);
                col = indent.length();
            } else if (col > indent.length()) {
                out.append(' ');
                col++;
            }
            out.append(word);
            col += word.length();
        }
        System.out.println(out);
    }

    private static String num(double x) { return String.format("%.6g", x); }

    private static String vec(double[] v) {
        return Arrays.stream(v).mapToObj(e -> String.format("%12.6f", e)).collect(Collectors.joining(" ", "[", " ]"));
    }
}
