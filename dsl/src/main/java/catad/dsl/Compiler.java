package catad.dsl;

import static catad.dsl.Shape.R;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a traced graph of {@link Node}s to a point-free {@link Prog} ("compiling to categories").
 *
 * <p>The scheme, per scope (the whole body, a map body, a branch, a loop step):
 * <ol>
 * <li><b>Hoist</b> nodes that do not depend on a body's input out of it, when the body surely runs
 *     whenever its enclosing scope does (a {@code map}, {@code fold} or {@code iterate} of n > 0, a
 *     {@code while} test), so hoisting never evaluates anything the program would not; nothing leaves
 *     a {@code cond} branch or a {@code while} step.
 * <li><b>Merge</b> structurally equal nodes of a scope (same operation, same merged arguments);
 *     literals are merged by value.
 * <li><b>Classify</b> each node: a short chain of projections ({@code exl exr ex i}, at most
 *     {@value #MAX_PROJECTIONS}) of a stored value is <i>rebuilt</i> at each use, as cheap as reading
 *     a stored value; a node used once is <i>inlined</i> into its user while the inlined tree stays at
 *     most {@value #MAX_INLINE_HEIGHT} deep; every other node (used twice or more) is <i>stored</i>.
 * <li><b>Schedule</b> the stored nodes in creation order (a topological order). The program is a
 *     flat composition with one step per stored node. Between steps the value is an environment: a
 *     binary tree of slots, each holding a live stored value or nothing (the unit shape). A step
 *     {@code T → T'} is a fork along the path to the slot being written, ending in the program that
 *     computes the node from projections of {@code T}; untouched subtrees are projected whole, and
 *     slots of values read for the last time are emptied ({@code !}). When no slot is free the tree
 *     doubles.
 * </ol>
 * A step costs {@code O(log w)} to {@code O(log² w)} program nodes for {@code w} values live at
 * once, so a graph of {@code n} nodes compiles to {@code O(n log² w)} nodes, linear for chains
 * (measured: a 1,000-step recurrence {@code y = sin y · x}, 3,000 graph nodes, gives 5,365 program
 * nodes), and the program's depth is bounded by the inline height and {@code log w}. No pass recurses
 * once per graph node: they use work lists; recursion follows only the nesting of bodies, the depth
 * of the slot tree and the bounded inline height.
 *
 * <p>A body becomes a sub-program whose input is its own input (the element, the loop state) paired
 * with a balanced tuple of its free variables (values of enclosing scopes it uses): {@code map} zips
 * the array with the replicated free values, loops carry them in their state
 * ({@code exl ∘ iterate n (f △ exr)}), {@code cond} passes {@code (test, free values)} to both
 * branches, so nothing computed before the {@code cond} is recomputed and nothing computed in a
 * branch runs unless it is taken.
 */
final class Compiler {
    /** Deepest tree of single-use nodes compiled as one nested expression before one is stored. */
    static final int MAX_INLINE_HEIGHT = 32;
    /** Longest chain of projections rebuilt at each use instead of stored. */
    static final int MAX_PROJECTIONS = 8;

    private final Scope root;
    private final int count;
    /** The scope each node is compiled in, after hoisting; by node number. */
    private final Scope[] home;
    /** The representative of each node's class of structurally equal nodes; by node number. */
    private final Node[] canon;
    /** Literals merged by value (literals have no number). */
    private final Map<Node, Node> canonLit = new IdentityHashMap<>();
    /** Merged arguments, and what a node reads when computed (arguments and nested scopes' free variables). */
    private final Node[][] args, deps;
    /** The non-literal, non-input nodes compiled in each scope, in creation order. */
    private final Map<Scope, List<Node>> members = new IdentityHashMap<>();
    /** The values each scope uses from enclosing scopes, in creation order. */
    private final Map<Scope, List<Node>> free = new IdentityHashMap<>();
    /** Per-node working state of the scope being compiled; each node is compiled in exactly one scope. */
    private final int[] uses, height, last, mark;
    private final boolean[] stored;
    private int stamp;

    private Compiler(Scope root) {
        this.root = root;
        this.count = root.nodeCount();
        home = new Scope[count];
        canon = new Node[count];
        args = new Node[count][];
        deps = new Node[count][];
        uses = new int[count];
        height = new int[count];
        last = new int[count];
        mark = new int[count];
        stored = new boolean[count];
    }

    /** {@return the program computing the root scope's result from its input} @param root a traced root scope */
    static Prog compile(Scope root) {
        var c = new Compiler(root);
        c.analyse();
        return c.compileScope(root, List.of());
    }

    // ---------------------------------------------------------------- analysis

    private void analyse() {
        List<Node> raw = reachable(root.out(), false);
        raw.sort(Comparator.comparingLong(n -> n.seq));
        hoist(raw);
        merge(raw);
        List<Scope> scopes = new ArrayList<>();
        scopes.add(root);
        for (Node n : reachable(canon(root.out()), true)) {
            if (n.op instanceof Node.Lit || n.op instanceof Node.Var) continue;
            members.computeIfAbsent(home[id(n)], s -> new ArrayList<>()).add(n);
            scopes.addAll(subScopes(n));
        }
        for (List<Node> ns : members.values()) ns.sort(Comparator.comparingLong(n -> n.seq));
        scopes.sort(Comparator.comparingInt((Scope s) -> s.depth).reversed());
        for (Scope s : scopes) free.put(s, freeVariables(s));
        for (List<Node> ns : members.values()) for (Node n : ns) deps[id(n)] = computeDeps(n);
    }

    private static int id(Node n) { return (int) n.seq; }

    private Node canon(Node n) { return n.seq < 0 ? canonLit.get(n) : canon[id(n)]; }

    /** {@return the nodes reachable from start through arguments and nested scopes' results, raw or merged} */
    private List<Node> reachable(Node start, boolean merged) {
        var out = new ArrayList<Node>();
        boolean[] seen = new boolean[count];
        Set<Node> seenLit = Collections.newSetFromMap(new IdentityHashMap<>());
        var work = new ArrayDeque<Node>();
        work.push(start);
        while (!work.isEmpty()) {
            Node n = work.pop();
            if (n.seq < 0) {
                if (seenLit.add(n)) out.add(n);
                continue;
            }
            if (seen[id(n)]) continue;
            seen[id(n)] = true;
            out.add(n);
            for (Node a : merged ? args[id(n)] : n.args) work.push(a);
            for (Scope s : subScopes(n)) work.push(merged ? canon(s.out()) : s.out());
        }
        return out;
    }

    /** Moves nodes that do not depend on a loop-like scope's input out of it. */
    private void hoist(List<Node> raw) {
        for (Node n : raw) {
            if (n.op instanceof Node.Lit) continue;
            Scope s = n.scope;
            if (n.op instanceof Node.Apply || n.op instanceof Node.Tuple || n.op instanceof Node.Array)
                while (s.hoistable && independentOf(n, s)) s = s.parent;
            home[id(n)] = s;
        }
    }

    private boolean independentOf(Node n, Scope s) {
        for (Node a : n.args) if (a.seq >= 0 && home[id(a)] == s) return false;
        return true;
    }

    /** Merges structurally equal nodes of one scope; literals are merged by value everywhere. */
    private void merge(List<Node> raw) {
        var table = new HashMap<Object, Node>();
        for (Node n : raw) {
            if (n.op instanceof Node.Lit l) {
                canonLit.put(n, table.computeIfAbsent(new LitKey(n.shape, l.value()), k -> n));
                continue;
            }
            Node[] a = new Node[n.args.length];
            for (int i = 0; i < a.length; i++) a[i] = canon(n.args[i]);
            args[id(n)] = a;
            Object key = switch (n.op) {
                case Node.Apply ap -> new Key(home[id(n)], ap, a);
                case Node.Tuple t -> new Key(home[id(n)], t, a);
                case Node.Array ar -> new Key(home[id(n)], ar, a);
                case Node.Lit l -> null;
                case Node.Var v -> null;
                case Node.MapOp m -> null;
                case Node.CondOp c -> null;
                case Node.IterateOp i -> null;
                case Node.WhileOp w -> null;
                case Node.FoldOp f -> null;
            };
            canon[id(n)] = key == null ? n : table.computeIfAbsent(key, k -> n);
        }
    }

    /** A node up to merging: its scope, operation and merged arguments (compared by identity). */
    private static final class Key {
        private final Scope scope;
        private final Node.Op op;
        private final Node[] args;
        private final int hash;

        Key(Scope scope, Node.Op op, Node[] args) {
            this.scope = scope;
            this.op = op;
            this.args = args;
            int h = System.identityHashCode(scope) * 31 + op.hashCode();
            for (Node a : args) h = h * 31 + System.identityHashCode(a);
            this.hash = h;
        }

        @Override public boolean equals(Object o) {
            if (!(o instanceof Key k) || k.hash != hash || k.scope != scope || k.args.length != args.length) return false;
            for (int i = 0; i < args.length; i++) if (k.args[i] != args[i]) return false;
            return op.equals(k.op);
        }

        @Override public int hashCode() { return hash; }
    }

    private record LitKey(Shape shape, double[] value) {
        @Override public boolean equals(Object o) { return o instanceof LitKey k && shape.equals(k.shape) && Arrays.equals(value, k.value); }
        @Override public int hashCode() { return shape.hashCode() * 31 + Arrays.hashCode(value); }
    }

    private static List<Scope> subScopes(Node n) {
        return switch (n.op) {
            case Node.MapOp m -> List.of(m.body());
            case Node.CondOp c -> List.of(c.then(), c.otherwise());
            case Node.IterateOp i -> List.of(i.step());
            case Node.WhileOp w -> List.of(w.test(), w.step());
            case Node.FoldOp f -> List.of(f.step());
            case Node.Var v -> List.of();
            case Node.Lit l -> List.of();
            case Node.Apply a -> List.of();
            case Node.Tuple t -> List.of();
            case Node.Array a -> List.of();
        };
    }

    /** {@return the values scope s uses that are computed outside it} Nested scopes come first. */
    private List<Node> freeVariables(Scope s) {
        Set<Node> fv = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : members.getOrDefault(s, List.of())) {
            for (Node a : args[id(n)]) if (outside(a, s)) fv.add(a);
            for (Scope c : subScopes(n)) for (Node a : free.get(c)) if (outside(a, s)) fv.add(a);
        }
        Node out = canon(s.out());
        if (outside(out, s)) fv.add(out);
        return sorted(fv);
    }

    private boolean outside(Node a, Scope s) { return a.seq >= 0 && home[id(a)] != s; }

    private static List<Node> sorted(Set<Node> ns) {
        var l = new ArrayList<>(ns);
        l.sort(Comparator.comparingLong(n -> n.seq));
        return l;
    }

    private List<Node> union(Scope a, Scope b) {
        Set<Node> u = Collections.newSetFromMap(new IdentityHashMap<>());
        u.addAll(free.get(a));
        u.addAll(free.get(b));
        return sorted(u);
    }

    /** {@return what a node reads when it is computed: its arguments and its nested scopes' free variables} */
    private Node[] computeDeps(Node n) {
        List<Node> more = switch (n.op) {
            case Node.MapOp m -> free.get(m.body());
            case Node.CondOp c -> union(c.then(), c.otherwise());
            case Node.IterateOp i -> free.get(i.step());
            case Node.WhileOp w -> union(w.test(), w.step());
            case Node.FoldOp f -> free.get(f.step());
            case Node.Var v -> List.of();
            case Node.Lit l -> List.of();
            case Node.Apply a -> List.of();
            case Node.Tuple t -> List.of();
            case Node.Array a -> List.of();
        };
        Node[] a = args[id(n)];
        if (more.isEmpty()) return a;
        Node[] d = Arrays.copyOf(a, a.length + more.size());
        for (int i = 0; i < more.size(); i++) d[a.length + i] = more.get(i);
        return d;
    }

    // ---------------------------------------------------------------- one scope

    /** The compilation state of one scope. */
    private final class ScopeCompiler {
        final Scope s;
        final Env env;
        /** Last step reading each free variable (local nodes keep theirs in {@code last}). */
        final Map<Node, Integer> lastFree = new IdentityHashMap<>();
        static final int CHEAP = -1;

        ScopeCompiler(Scope s, List<Node> fv) {
            this.s = s;
            this.env = new Env(s.var, fv);
        }

        /** {@return whether d is computed in this scope (not a literal, the input or a free variable)} */
        boolean local(Node d) { return d.seq >= 0 && home[id(d)] == s && !(d.op instanceof Node.Var); }

        /** {@return whether d is read from the environment: the input, a free variable, or a stored node} */
        boolean resident(Node d) {
            return d.seq >= 0 && (d.op instanceof Node.Var || home[id(d)] != s || stored[id(d)]);
        }

        /** {@return whether d is a projection rebuilt at each use} */
        boolean cheap(Node d) { return local(d) && !stored[id(d)] && uses[id(d)] == CHEAP; }

        Prog compile() {
            List<Node> ns = members.getOrDefault(s, List.of());
            Node out = canon(s.out());
            for (Node n : ns) { uses[id(n)] = 0; stored[id(n)] = false; last[id(n)] = 0; }
            for (Node n : ns) {
                Node[] ds = deps[id(n)];
                if (n.op instanceof Node.Tuple && ds[0] == ds[1]) { if (local(ds[0])) uses[id(ds[0])]++; }   // becomes dup
                else for (Node d : ds) if (local(d)) uses[id(d)]++;
            }
            if (local(out)) uses[id(out)]++;

            var steps = new ArrayList<Node>();
            for (Node n : ns) {
                int i = id(n);
                if (n.isProjection()) {
                    Node a = args[i][0];
                    int len = resident(a) ? 1 : cheap(a) ? height[id(a)] + 1 : Integer.MAX_VALUE;
                    if (len <= MAX_PROJECTIONS) { height[i] = len; uses[i] = CHEAP; continue; }
                }
                if (uses[i] >= 2) { stored[i] = true; steps.add(n); continue; }
                int h = 1;
                for (Node d : deps[i]) if (local(d) && !stored[id(d)]) h = Math.max(h, height[id(d)] + 1);
                if (h > MAX_INLINE_HEIGHT) { stored[i] = true; steps.add(n); }
                else height[i] = h;
            }

            // liveness: the last step reading each resident value; steps.size() is the final step
            List<Node> initial = env.residents();
            for (int k = 0; k < steps.size(); k++) for (Node r : reads(steps.get(k), false)) setLast(r, k);
            for (Node r : reads(out, true)) setLast(r, steps.size());
            var dying = new HashMap<Integer, List<Node>>();
            for (Node r : initial) dying.computeIfAbsent(getLast(r), k -> new ArrayList<>()).add(r);
            for (Node r : steps) dying.computeIfAbsent(getLast(r), k -> new ArrayList<>()).add(r);

            var chain = new Chain(env.shape());
            for (int k = 0; k < steps.size(); k++) {
                Node m = steps.get(k);
                List<Node> dead = dying.getOrDefault(k, List.of());
                if (dead.isEmpty() && !env.hasFree()) chain.then(env.grow());
                chain.then(env.write(gen(m), m, dead));
            }
            chain.then(gen(out));
            return chain.build();
        }

        void setLast(Node r, int k) {
            if (local(r)) last[id(r)] = k;
            else lastFree.put(r, k);
        }

        int getLast(Node r) { return local(r) ? last[id(r)] : lastFree.getOrDefault(r, 0); }

        /** {@return the resident values read when n is computed (or n itself, when it is resident and asked for as a result)} */
        List<Node> reads(Node n, boolean asResult) {
            var out = new ArrayList<Node>();
            if (n.seq < 0) return out;
            if (asResult && resident(n)) { out.add(n); return out; }
            int st = ++stamp;
            var work = new ArrayDeque<Node>();
            for (Node d : deps[id(n)]) work.push(d);
            while (!work.isEmpty()) {
                Node d = work.pop();
                if (d.seq < 0 || mark[id(d)] == st) continue;
                mark[id(d)] = st;
                if (resident(d)) out.add(d);
                else for (Node e : deps[id(d)]) work.push(e);
            }
            return out;
        }

        /** {@return the program computing n from the current environment} */
        Prog gen(Node n) {
            Shape t = env.shape();
            if (env.holds(n)) return env.get(n);
            return switch (n.op) {
                case Node.Lit l -> new Prog.Const(t, n.shape, l.value());
                case Node.Var v -> throw new IllegalStateException("input of " + s.what + " is no longer live");
                case Node.Apply(Prog f) -> then(gen(arg(n, 0)), f);
                case Node.Tuple p -> arg(n, 0) == arg(n, 1)
                        ? then(gen(arg(n, 0)), Catad.dup(arg(n, 0).shape))
                        : fork(gen(arg(n, 0)), gen(arg(n, 1)));
                case Node.Array a -> array(n, 0, n.args.length);
                case Node.MapOp m -> {
                    var arr = (Shape.Arr) arg(n, 0).shape;
                    List<Node> fv = free.get(m.body());
                    Prog body = compileScope(m.body(), fv);
                    if (fv.isEmpty()) yield then(gen(arg(n, 0)), Catad.map(arr.n(), body));
                    Shape c = tupleShape(fv, 0, fv.size());
                    yield then(fork(gen(arg(n, 0)), tuple(fv, 0, fv.size())),
                            Catad.pipe(Catad.cross(Catad.id(arr), Catad.repl(arr.n(), c)), Catad.zip(arr.n(), arr.elem(), c), Catad.map(arr.n(), body)));
                }
                case Node.CondOp c -> {
                    List<Node> fv = union(c.then(), c.otherwise());
                    Prog f = compileScope(c.then(), fv), g = compileScope(c.otherwise(), fv);
                    if (fv.isEmpty())
                        yield then(gen(arg(n, 0)), Catad.cond(Catad.id(R), then(Catad.bang(R), f), then(Catad.bang(R), g)));
                    Shape cs = tupleShape(fv, 0, fv.size());
                    Prog ex = Catad.exr(R, cs);
                    yield then(fork(gen(arg(n, 0)), tuple(fv, 0, fv.size())), Catad.cond(Catad.exl(R, cs), then(ex, f), then(ex, g)));
                }
                case Node.IterateOp it -> {
                    List<Node> fv = free.get(it.step());
                    Prog step = compileScope(it.step(), fv);
                    yield loop(n, fv, step, sf -> Catad.iterate(it.n(), sf));
                }
                case Node.WhileOp w -> {
                    List<Node> fv = union(w.test(), w.step());
                    Prog test = compileScope(w.test(), fv), step = compileScope(w.step(), fv);
                    yield loop(n, fv, step, sf -> Catad.whileLoop(test, sf, w.maxIter()));
                }
                case Node.FoldOp fo -> fold(n, fo);
            };
        }

        Node arg(Node n, int i) { return args[id(n)][i]; }

        /** {@return the array of args lo..hi of n, as a sum of one-hot arrays} */
        Prog array(Node n, int lo, int hi) {
            var a = (Shape.Arr) n.shape;
            if (hi - lo == 1) return then(gen(arg(n, lo)), Catad.in(a.n(), a.elem(), lo));
            int mid = (lo + hi) >>> 1;
            return then(fork(array(n, lo, mid), array(n, mid, hi)), Catad.jam(a));
        }

        /** {@return the balanced tuple of the values fv[lo..hi), laid out as {@link Env} expects} */
        Prog tuple(List<Node> fv, int lo, int hi) {
            if (hi - lo == 1) return gen(fv.get(lo));
            int mid = (lo + hi) >>> 1;
            return fork(tuple(fv, lo, mid), tuple(fv, mid, hi));
        }

        /** {@return a loop on the state, with the free variables carried along in it when there are any} */
        Prog loop(Node n, List<Node> fv, Prog step, java.util.function.UnaryOperator<Prog> make) {
            Shape a = n.shape;
            if (fv.isEmpty()) return then(gen(arg(n, 0)), make.apply(step));
            Shape c = tupleShape(fv, 0, fv.size());
            Prog carried = fork(step, Catad.exr(a, c));
            return then(fork(gen(arg(n, 0)), tuple(fv, 0, fv.size())), Catad.pipe(make.apply(carried), Catad.exl(a, c)));
        }

        Prog fold(Node n, Node.FoldOp fo) {
            Node init = arg(n, 0), xs = arg(n, 1);
            var arr = (Shape.Arr) xs.shape;
            Shape c = init.shape, a = arr.elem();
            List<Node> fv = free.get(fo.step());
            Prog step = compileScope(fo.step(), fv);
            Prog in;
            if (fv.isEmpty()) {
                in = fork(gen(init), gen(xs));
            } else {
                Shape u = tupleShape(fv, 0, fv.size()), a2 = Shape.pair(a, u);
                Prog exr = Catad.exr(c, a2);
                // (c, (a, u)) ↦ ((c, a), u)
                Prog rearrange = fork(fork(Catad.exl(c, a2), then(exr, Catad.exl(a, u))), then(exr, Catad.exr(a, u)));
                step = then(rearrange, step);
                Prog zipped = then(fork(gen(xs), tuple(fv, 0, fv.size())),
                        Catad.pipe(Catad.cross(Catad.id(arr), Catad.repl(arr.n(), u)), Catad.zip(arr.n(), a, u)));
                in = fork(gen(init), zipped);
            }
            return then(in, fo.scan() ? Catad.scan(arr.n(), step) : Catad.fold(arr.n(), step));
        }
    }

    private Prog compileScope(Scope s, List<Node> fv) { return new ScopeCompiler(s, fv).compile(); }

    private static Shape tupleShape(List<Node> fv, int lo, int hi) {
        if (hi - lo == 1) return fv.get(lo).shape;
        int mid = (lo + hi) >>> 1;
        return Shape.pair(tupleShape(fv, lo, mid), tupleShape(fv, mid, hi));
    }

    // ---------------------------------------------------------------- program building with peepholes

    /** {@return g ∘ f} dropping {@code id}s and rewriting {@code exl ∘ (a △ b)} to {@code a}. */
    static Prog then(Prog f, Prog g) { return new Chain(f.dom()).then(f).then(g).build(); }

    /** {@return f △ g, or {@code id} for {@code exl △ exr}} */
    static Prog fork(Prog f, Prog g) {
        if (f instanceof Prog.Exl l && g instanceof Prog.Exr r && l.a().equals(r.a()) && l.b().equals(r.b())) return Catad.id(l.dom());
        return Catad.fork(f, g);
    }

    /** A composition being built step by step, first applied first. */
    static final class Chain {
        private final Shape dom;
        private final List<Prog> steps = new ArrayList<>();

        Chain(Shape dom) { this.dom = dom; }

        Chain then(Prog g) {
            for (Prog h : g.steps()) push(h);
            return this;
        }

        private void push(Prog h) {
            if (h instanceof Prog.Id) return;
            int k = steps.size();
            if ((h instanceof Prog.Exl || h instanceof Prog.Exr) && k >= 2
                    && steps.get(k - 1) instanceof Prog.Cross c && steps.get(k - 2) instanceof Prog.Dup) {
                steps.remove(k - 1);
                steps.remove(k - 2);
                then(h instanceof Prog.Exl ? c.f() : c.g());
                return;
            }
            steps.add(h);
        }

        Prog build() {
            if (steps.isEmpty()) return Catad.id(dom);
            return steps.size() == 1 ? steps.getFirst() : new Prog.Compose(steps);
        }
    }

    // ---------------------------------------------------------------- the environment

    /**
     * The environment of one scope's program: a binary tree of slots, each holding a live value or
     * nothing (the unit shape). Shapes of subtrees are cached, so unchanged subtrees keep one shape
     * object and shape comparisons cost the depth of the tree, not its size.
     */
    static final class Env {
        private static final class Slot {
            Slot parent, left, right;
            Node content;
            Shape shape;
            boolean leaf() { return left == null; }
        }

        private Slot root;
        private int leaves;
        private final Map<Node, Slot> where = new IdentityHashMap<>();
        private final ArrayDeque<Slot> free = new ArrayDeque<>();

        /** An environment holding the scope's input paired with a balanced tuple of free variables. */
        Env(Node var, List<Node> fv) {
            Slot t = fv.isEmpty() ? null : balanced(fv, 0, fv.size());
            if (var == null) root = t == null ? leaf(null) : t;
            else root = t == null ? leaf(var) : branch(leaf(var), t);
        }

        private Slot leaf(Node n) {
            var s = new Slot();
            s.content = n;
            leaves++;
            if (n == null) free.add(s);
            else where.put(n, s);
            return s;
        }

        private static Slot branch(Slot l, Slot r) {
            var s = new Slot();
            s.left = l;
            s.right = r;
            l.parent = s;
            r.parent = s;
            return s;
        }

        private Slot balanced(List<Node> ns, int lo, int hi) {
            if (hi - lo == 1) return leaf(ns.get(lo));
            int mid = (lo + hi) >>> 1;
            return branch(balanced(ns, lo, mid), balanced(ns, mid, hi));
        }

        private Slot empty(int n) {
            if (n == 1) return leaf(null);
            return branch(empty(n / 2), empty(n - n / 2));
        }

        /** {@return the values held} */
        List<Node> residents() { return new ArrayList<>(where.keySet()); }

        boolean holds(Node n) { return where.containsKey(n); }

        boolean hasFree() { return !free.isEmpty(); }

        /** {@return the environment's current shape} */
        Shape shape() { return shape(root); }

        private Shape shape(Slot s) {
            if (s.shape == null)
                s.shape = s.leaf() ? (s.content == null ? Shape.UNIT : s.content.shape) : Shape.pair(shape(s.left), shape(s.right));
            return s.shape;
        }

        private static void invalidate(Slot s) {
            for (; s != null && s.shape != null; s = s.parent) s.shape = null;
        }

        /** {@return the projection reading n} @param n a held value */
        Prog get(Node n) {
            Slot s = where.get(n);
            var path = new ArrayList<Slot>();
            for (; s.parent != null; s = s.parent) path.add(s);
            var c = new Chain(shape());
            for (int i = path.size() - 1; i >= 0; i--) {
                Slot child = path.get(i), p = child.parent;
                Shape l = shape(p.left), r = shape(p.right);
                c.then(child == p.left ? Catad.exl(l, r) : Catad.exr(l, r));
            }
            return c.build();
        }

        /** {@return the step doubling the number of slots: {@code T ↦ (T, empties)}} */
        Prog grow() {
            Shape t = shape();
            Slot old = root;
            Slot e = empty(leaves);
            root = branch(old, e);
            return fork(Catad.id(t), new Prog.Const(t, shape(e), new double[0]));
        }

        /**
         * {@return the step {@code T → T'} computing value v with f and storing it, emptying the slots of dead values}
         * Reuses a dead value's slot when there is one, else takes a free slot.
         * @param f computes v from T @param v the value @param dead values read for the last time by f
         */
        Prog write(Prog f, Node v, List<Node> dead) {
            Slot target = dead.isEmpty() ? free.poll() : where.get(dead.getFirst());
            if (target == null) throw new IllegalStateException("no free slot");
            var kills = new ArrayList<Slot>();
            for (Node d : dead) if (where.get(d) != target) kills.add(where.get(d));
            Set<Slot> touched = Collections.newSetFromMap(new IdentityHashMap<>());
            Set<Slot> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Slot k : kills) for (Slot p = k; p != null && touched.add(p); p = p.parent) { }
            for (Slot p = target; p != null; p = p.parent) { touched.add(p); onPath.add(p); }
            Prog step = rebuild(root, Catad.id(shape()), f, touched, onPath);
            if (target.content != null) where.remove(target.content);
            target.content = v;
            where.put(v, target);
            invalidate(target);
            for (Slot k : kills) {
                where.remove(k.content);
                k.content = null;
                free.add(k);
                invalidate(k);
            }
            return step;
        }

        /**
         * {@return the new subtree s, from the whole environment} Untouched subtrees are projected,
         * subtrees with only emptied slots are rebuilt in place with {@code id × !}, and the path to
         * the written slot is a fork of its two sides, ending in f.
         * @param proj projects s out of the environment @param f computes the new value
         */
        private Prog rebuild(Slot s, Prog proj, Prog f, Set<Slot> touched, Set<Slot> onPath) {
            if (!touched.contains(s)) return proj;
            if (!onPath.contains(s)) return then(proj, clear(s, touched));
            if (s.leaf()) return f;
            Shape l = shape(s.left), r = shape(s.right);
            return fork(rebuild(s.left, then(proj, Catad.exl(l, r)), f, touched, onPath),
                        rebuild(s.right, then(proj, Catad.exr(l, r)), f, touched, onPath));
        }

        /** {@return subtree s with its touched slots emptied} */
        private Prog clear(Slot s, Set<Slot> touched) {
            if (s.leaf()) return Catad.bang(shape(s));
            return Catad.cross(touched.contains(s.left) ? clear(s.left, touched) : Catad.id(shape(s.left)),
                               touched.contains(s.right) ? clear(s.right, touched) : Catad.id(shape(s.right)));
        }
    }
}
