package catad.interpreter;

import static catad.dsl.Catad.*;

import catad.dsl.CatadException;
import catad.dsl.Primitive;
import catad.dsl.Printer;
import catad.dsl.Prog;
import catad.dsl.Shape;
import java.util.ArrayList;

/**
 * The transpose of a linear program, one structural pass: {@code (g∘f)ᵀ = fᵀ∘gᵀ},
 * {@code (f×g)ᵀ = fᵀ×gᵀ}, {@code exlᵀ = inl}, {@code dupᵀ = jam}, {@code replᵀ = sum},
 * {@code (ex i)ᵀ = in i}, {@code (map f)ᵀ = map fᵀ}, {@code (scale s)ᵀ = scale s}, a matrix's
 * transpose is the transposed matrix. Fork and join need no rule: {@code (f△g)ᵀ = fᵀ▽gᵀ} follows.
 */
public final class Transpose {
    private Transpose() {}

    /** {@return the transpose of a linear program} @param f a linear program @throws CatadException if f is not linear */
    public static Prog transpose(Prog f) {
        return Deep.run("transpose", () -> tr(f));
    }

    /** {@return whether the program is in the linear sub-language} @param f a program */
    public static boolean isLinear(Prog f) {
        return Deep.run("isLinear", () -> linear(f));
    }

    static Prog tr(Prog f) {
        return switch (f) {
            case Prog.Id p -> p;
            case Prog.Compose p -> {
                var steps = new ArrayList<Prog>(p.steps().size());
                for (int i = p.steps().size() - 1; i >= 0; i--) steps.add(tr(p.steps().get(i)));
                yield pipe(steps);
            }
            case Prog.Cross p -> cross(tr(p.f()), tr(p.g()));
            case Prog.Exl p -> inl(p.a(), p.b());
            case Prog.Exr p -> inr(p.a(), p.b());
            case Prog.Dup p -> jam(p.a());
            case Prog.Bang p -> zero(Shape.UNIT, p.a());
            case Prog.Inl p -> exl(p.a(), p.b());
            case Prog.Inr p -> exr(p.a(), p.b());
            case Prog.Jam p -> dup(p.a());
            case Prog.Zero p -> p.dom().equals(Shape.UNIT) ? bang(p.cod()) : zero(p.cod(), p.dom());
            case Prog.Scale p -> p;
            case Prog.Map p -> map(p.n(), tr(p.f()));
            case Prog.Ex p -> in(p.n(), p.a(), p.i());
            case Prog.In p -> ex(p.cod(), p.i());
            case Prog.Repl p -> sum(p.n(), p.a());
            case Prog.Sum p -> repl(p.n(), p.a());
            case Prog.Zip p -> unzip(p.n(), p.a(), p.b());
            case Prog.Unzip p -> zip(p.n(), p.a(), p.b());
            case Prog.Reshape p -> reshape(p.to(), p.from());
            case Prog.Transpose p -> catad.dsl.Catad.transpose(p.n(), p.m(), p.a());
            case Prog.Iterate p -> iterate(p.n(), tr(p.f()));
            case Prog.MapAccum p -> {
                // f : C×A → C×B linear; the transpose runs the other way with fᵀ : C×B → C×A.
                Prog ft = tr(p.f());
                yield new Prog.MapAccum(p.n(), ft, !p.reverse());
            }
            case Prog.Prim p -> switch (p.p()) {
                case Primitive.General g when g.linear() -> {
                    Prog rule = g.vjp();
                    // a linear primitive's reverse rule is fᵀ ∘ exr; take fᵀ
                    if (rule instanceof Prog.Compose c && c.steps().size() == 2 && c.steps().getFirst() instanceof Prog.Exr)
                        yield c.steps().getLast();
                    yield compose(rule, inr(g.dom(), g.cod()));
                }
                default -> throw notLinear(p);
            };
            case Prog.Const p -> throw notLinear(p);
            case Prog.Cond p -> throw notLinear(p);
            case Prog.While p -> throw notLinear(p);
        };
    }

    static boolean linear(Prog f) {
        return switch (f) {
            case Prog.Id p -> true;
            case Prog.Compose p -> p.steps().stream().allMatch(Transpose::linear);
            case Prog.Cross p -> linear(p.f()) && linear(p.g());
            case Prog.Exl p -> true;
            case Prog.Exr p -> true;
            case Prog.Dup p -> true;
            case Prog.Bang p -> true;
            case Prog.Inl p -> true;
            case Prog.Inr p -> true;
            case Prog.Jam p -> true;
            case Prog.Zero p -> true;
            case Prog.Scale p -> true;
            case Prog.Map p -> linear(p.f());
            case Prog.Ex p -> true;
            case Prog.In p -> true;
            case Prog.Repl p -> true;
            case Prog.Sum p -> true;
            case Prog.Zip p -> true;
            case Prog.Unzip p -> true;
            case Prog.Reshape p -> true;
            case Prog.Transpose p -> true;
            case Prog.Iterate p -> linear(p.f());
            case Prog.MapAccum p -> linear(p.f());
            case Prog.Prim p -> p.p().linear();
            case Prog.Const p -> false;
            case Prog.Cond p -> false;
            case Prog.While p -> false;
        };
    }

    private static CatadException notLinear(Prog p) {
        return new CatadException("cannot transpose " + Printer.brief(p) + ": it is not linear (transpose takes programs of the linear sub-language)");
    }
}
