package catad.examples.gradbench;

import static catad.examples.gradbench.EvalIo.*;
import static catad.examples.gradbench.Inputs.job;
import static catad.examples.gradbench.Inputs.unknownFunction;

import catad.dsl.Catad;
import catad.dsl.Pointful;
import catad.dsl.Prog;
import catad.dsl.Shape;
import catad.dsl.Sym;
import catad.interpreter.AD;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GradBench's {@code lstm} eval: ADBench's LSTM loss ({@code objective}) and its gradient with
 * respect to the main and extra parameters ({@code jacobian}).
 *
 * <p>Formulation (ADBench's, as the eval's reference implementation has it): diagonal weights; per
 * layer {@code f = σ(x⊙w_f + b_f)}, {@code i = σ(h⊙w_i + b_i)}, {@code o = σ(x⊙w_o + b_o)},
 * {@code g = tanh(h⊙w_g + b_g)}, {@code c' = c⊙f + i⊙g}, {@code h' = o⊙tanh(c')}, each layer's
 * output the next one's input; the first input is {@code sequence[t] ⊙ in_weight}, the prediction
 * {@code h⊙out_weight + out_bias}, normalised by ADBench's {@code log(Σ exp + 2)}; the loss is
 * {@code -Σₜ sequence[t+1]·ŷₜ / ((c-1)·b)}. The time loop is a catad {@code fold} over the pairs
 * {@code (sequence[t], sequence[t+1])}; the gradient is {@code exl ∘ grad} of the whole loss.
 */
public final class Lstm implements Module {

    /** A new lstm module. */
    public Lstm() {}

    private record Key(int l, int b, int c) {}

    private record Programs(Prog objective, Prog jacobian) {}

    private static final Map<Key, Programs> PROGRAMS = new ConcurrentHashMap<>();

    @Override public String name() { return "lstm"; }

    @Override
    public Job prepare(String function, JsonNode input, Backend backend) {
        if (!function.equals("objective") && !function.equals("jacobian")) throw unknownFunction("lstm", function, "objective, jacobian");
        JsonNode mainNode = field(input, "main_params");
        if (!mainNode.isArray() || mainNode.size() == 0 || mainNode.size() % 2 != 0 || !mainNode.get(0).isArray() || mainNode.get(0).size() % 4 != 0)
            throw new IllegalArgumentException("main_params must be 2l rows of 4b numbers each");
        int l = mainNode.size() / 2, b = mainNode.get(0).size() / 4;
        double[][] main = matrix(mainNode, 2 * l, 4 * b, "main_params");
        double[][] extra = matrix(field(input, "extra_params"), 3, b, "extra_params");
        double[][] state = matrix(field(input, "state"), 2 * l, b, "state");
        double[][] sequence = matrix(field(input, "sequence"), -1, b, "sequence");
        int c = sequence.length;
        if (c < 2) throw new IllegalArgumentException("the sequence needs at least 2 characters, got " + c);

        Programs p = PROGRAMS.computeIfAbsent(new Key(l, b, c), Lstm::build);
        int params = 8 * l * b + 3 * b;
        double[] in = new double[params + 2 * l * b + 2 * (c - 1) * b];
        int at = put(in, 0, main);
        at = put(in, at, extra);
        at = put(in, at, state);
        for (int t = 0; t + 1 < c; t++) at = put(in, at, sequence[t], sequence[t + 1]);

        return function.equals("objective")
                ? job(backend.compile(p.objective()), in, 1, y -> JSON.numberNode(y[0]))
                : job(backend.compile(p.jacobian()), in, params, EvalIo::array);
    }

    private static Programs build(Key key) {
        Prog f = objective(key.l(), key.b(), key.c());
        var in = (Shape.Pair) f.dom();
        return new Programs(f, AD.simplify(Catad.compose(Catad.exl(in.left(), in.right()), AD.grad(f))));
    }

    /**
     * {@return the loss {@code (main × extra) × (state × pairs) → R}}: main is
     * {@code [l]([4][b]R × [4][b]R)} (per layer the weights, then the biases, of the forget, input,
     * output gates and the change), extra {@code [3][b]R} (in weight, out weight, out bias), state
     * {@code [l]([b]R × [b]R)} (hidden, cell), pairs {@code [c-1]([b]R × [b]R)} (each character and the next)
     * @param l layers @param b bits per character @param c characters
     */
    static Prog objective(int l, int b, int c) {
        Shape bv = Shape.vec(b), gates = Shape.tensor(4, b);
        Shape main = Shape.arr(l, Shape.pair(gates, gates)), extra = Shape.tensor(3, b);
        Shape state = Shape.arr(l, Shape.pair(bv, bv)), pairs = Shape.arr(c - 1, Shape.pair(bv, bv));
        // one layer: (x, ((w, bias), (h, c))) ↦ (h', (h', c')), run over the layers by a mapAccum
        Prog layer = Pointful.compile(bv, Shape.pair(Shape.pair(gates, gates), Shape.pair(bv, bv)), (x, layerData) -> {
            Sym w = layerData.fst().fst(), bias = layerData.fst().snd();
            Sym hidden = layerData.snd().fst(), cell = layerData.snd().snd();
            Sym forget = x.times(w.at(0)).plus(bias.at(0)).sigmoid();
            Sym ingate = hidden.times(w.at(1)).plus(bias.at(1)).sigmoid();
            Sym outgate = x.times(w.at(2)).plus(bias.at(2)).sigmoid();
            Sym change = hidden.times(w.at(3)).plus(bias.at(3)).tanh();
            Sym newCell = cell.times(forget).plus(ingate.times(change));
            Sym newHidden = outgate.times(newCell.tanh());
            return Sym.pair(newHidden, Sym.pair(newHidden, newCell));
        });
        Prog layers = Catad.mapAccum(l, layer);
        return Pointful.compile(Shape.pair(main, extra), Shape.pair(state, pairs), (theta, data) -> {
            Sym weights = theta.fst(), ext = theta.snd();
            Sym init = Sym.pair(data.fst(), Sym.constant(0));
            Sym last = data.snd().fold(init, (carry, chars) -> {
                Sym x = chars.fst().times(ext.at(0));
                Sym out = Sym.pair(x, zip(weights, carry.fst())).apply(layers);
                x = out.fst();
                Sym prediction = x.times(ext.at(1)).plus(ext.at(2));
                Sym norm = prediction.exp().sum().plus(2).log();   // ADBench's normaliser: log(Σ exp ŷ + 2)
                Sym score = chars.snd().dot(prediction.minus(norm));
                return Sym.pair(out.snd(), carry.snd().plus(score));
            });
            return last.snd().times(-1.0 / ((c - 1) * (double) b));
        });
    }
}
