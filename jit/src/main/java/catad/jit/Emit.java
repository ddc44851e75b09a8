package catad.jit;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;

import catad.dsl.CatadException;
import catad.dsl.Primitive;
import catad.jit.Ir.Buf;
import catad.jit.Ir.E;
import catad.jit.Ir.Ix;
import catad.jit.Ir.S;
import catad.jit.Ir.Var;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the lowered program as a hidden class with {@code java.lang.classfile}: one method
 * {@code run(double[] x, double[] y, double[] ws)} of straight-line code and counted loops, every
 * intermediate number in a local variable, every intermediate array at a fixed offset of the
 * workspace {@code ws}. Constants, primitives and opaque kernels reach the code as class data, so
 * the JVM's compiler sees them as constants and inlines the primitives' own Java code.
 *
 * <p>Numbers are computed by the same Java operations as the interpreter's, in the same order:
 * {@code a + b} and {@code a · b} as instructions, primitives through their own {@code apply},
 * sums in catad's canonical order ({@link catad.dsl.Sums}).
 */
final class Emit {

    /** The contract of a generated kernel class. */
    interface Compiled {
        /** Reads {@code x}, writes {@code y}, uses {@code ws} for intermediates. @param x input @param y output @param ws workspace */
        void run(double[] x, double[] y, double[] ws);
    }

    /**
     * A generated kernel and the workspace it needs.
     * @param code the kernel @param wsSize workspace length @param bytes class file size @param lanes doubles per vector in its vector loops, 0 if none
     */
    record Result(Compiled code, int wsSize, int bytes, int lanes, int largestMethod, Vectorized vectorized) {}

    /** What went on vectors: {@link VecMath} calls, gathers and scatters written in vector code (for tests). */
    record Vectorized(int vecMathCalls, int gathers, int scatters, int splitLoops) {
        Vectorized(int vecMathCalls, int gathers, int scatters) { this(vecMathCalls, gathers, scatters, 0); }
    }

    private static final ClassDesc CD_DOUBLES = CD_double.arrayType();
    private static final ClassDesc CD_THIS = ClassDesc.of("catad.jit.Kernel$Code");
    private static final ClassDesc CD_DOUBLE_VECTOR = ClassDesc.of("jdk.incubator.vector.DoubleVector");
    private static final ClassDesc CD_VECTOR = ClassDesc.of("jdk.incubator.vector.Vector");
    private static final ClassDesc CD_SPECIES = ClassDesc.of("jdk.incubator.vector.VectorSpecies");
    private static final ClassDesc CD_MASK = ClassDesc.of("jdk.incubator.vector.VectorMask");
    private static final ClassDesc CD_OPERATORS = ClassDesc.of("jdk.incubator.vector.VectorOperators");
    private static final ClassDesc CD_OP_UNARY = ClassDesc.of("jdk.incubator.vector.VectorOperators$Unary");
    private static final ClassDesc CD_OP_COMPARISON = ClassDesc.of("jdk.incubator.vector.VectorOperators$Comparison");
    private static final MethodTypeDesc VEC_BINARY = MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_VECTOR);
    private static final ClassDesc CD_COMPILED = ClassDesc.of("catad.jit.Emit$Compiled");
    private static final ClassDesc CD_UNARY_FN = ClassDesc.of("java.util.function.DoubleUnaryOperator");
    private static final ClassDesc CD_BINARY_FN = ClassDesc.of("java.util.function.DoubleBinaryOperator");
    private static final ClassDesc CD_KERNEL = ClassDesc.of("catad.dsl.Primitive$Kernel");
    private static final ClassDesc CD_EMIT = ClassDesc.of("catad.jit.Emit");
    private static final ClassDesc CD_MATH = ClassDesc.of("java.lang.Math");
    private static final ClassDesc CD_SYSTEM = ClassDesc.of("java.lang.System");
    private static final MethodTypeDesc RUN = MethodTypeDesc.of(CD_void, CD_DOUBLES, CD_DOUBLES, CD_DOUBLES);

    /** {@code -Dcatad.jit.trace=true}: say on stderr how each loop is compiled. */
    private static final boolean TRACE = Boolean.getBoolean("catad.jit.trace");

    /** The arguments' slots in the static methods that hold the code. */
    private static final int X = 0, Y = 1, WS = 2;
    private static final MethodTypeDesc PART = MethodTypeDesc.of(CD_void, CD_DOUBLES, CD_DOUBLES, CD_DOUBLES);

    /**
     * Estimated bytecode per scheduled value, and the estimate above which the code is split into
     * several methods (the JVM takes at most 64 KiB of bytecode and 65,535 local slots per method).
     */
    private static final int BYTES_PER_NODE = 60, PART_BUDGET = 6_000;

    private final Lower lo;
    private final List<Object> classData = new ArrayList<>();
    private final Map<Object, Integer> dataIndex = new IdentityHashMap<>();
    /** The index maps of gathers and scatters, by stride: {@code {0, c, 2c, …}} for each lane. */
    private final Map<Integer, int[]> strides = new java.util.HashMap<>();
    private int wsSize;

    private CodeBuilder cb;
    private Scope scope;
    private Map<Var, Integer> varSlot = new HashMap<>();
    private BitSet bound = new BitSet();
    private BitSet cachedReads = new BitSet();
    /** The class being written, for the methods that outlined loop bodies become. */
    private java.lang.classfile.ClassBuilder classBuilder;
    private int outlined;

    /** Doubles per vector, 0 for scalar code only. */
    private final int lanes;
    /** Whether transcendentals may use the Vector API's own (not bit-exact) versions. */
    private final boolean fastMath;
    private boolean usedVectors;
    /** {@link VecMath} calls, gathers and scatters written in vector code. */
    private int vecMathEmitted, gathersEmitted, scattersEmitted, splitEmitted;

    private Emit(Lower lo, int lanes, boolean fastMath) {
        this.lo = lo;
        this.lanes = lanes;
        this.fastMath = fastMath;
        wsSize = placeBuffers(lo);
    }

    /** {@return the lowered program as a loaded kernel} */
    static Result emit(Lower lo, int lanes, boolean fastMath) {
        var e = new Emit(lo, lanes, fastMath);
        byte[] bytes = ClassFile.of().build(CD_THIS, clb -> {
            clb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            clb.withInterfaceSymbols(CD_COMPILED);
            clb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC, c -> {
                c.aload(0);
                c.invokespecial(CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void);
                c.return_();
            });
            List<List<Item>> parts = e.parts();
            e.classBuilder = clb;
            e.spilling = parts.size() > 1 || lo.body.stream().anyMatch(e::outlines);
            e.lastUse = lastUse(parts);
            for (int i = 0; i < parts.size(); i++) {
                var part = parts.get(i);
                int g = i;
                clb.withMethodBody("part" + i, PART, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC, c -> {
                    e.cb = c;
                    e.group = g;
                    e.scope = new Scope(null);
                    for (Item it : part) {
                        switch (it) {
                            case Compute k -> e.value(k.e());
                            case Statement st -> e.stmt(st.s());
                        }
                    }
                    c.return_();
                });
            }
            clb.withMethodBody("run", RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, c -> {
                for (int i = 0; i < parts.size(); i++) {
                    c.aload(1);
                    c.aload(2);
                    c.aload(3);
                    c.invokestatic(CD_THIS, "part" + i, PART);
                }
                c.return_();
            });
            if (e.usedVectors) {
                clb.withField("SPECIES", CD_SPECIES, ClassFile.ACC_STATIC | ClassFile.ACC_FINAL | ClassFile.ACC_PRIVATE);
                clb.withMethodBody(ConstantDescs.CLASS_INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_STATIC, c -> {
                    c.getstatic(CD_DOUBLE_VECTOR, e.lanes == Vectors.LANES_PREFERRED ? "SPECIES_PREFERRED" : "SPECIES_" + 64 * e.lanes, CD_SPECIES);
                    c.putstatic(CD_THIS, "SPECIES", CD_SPECIES);
                    c.return_();
                });
            }
        });
        var sizes = new ArrayList<String>();
        int largest = 0;
        for (var m : ClassFile.of().parse(bytes).methods()) {
            var code = m.findAttribute(java.lang.classfile.Attributes.code());
            if (code.isEmpty()) continue;
            largest = Math.max(largest, code.get().codeLength());
            sizes.add(m.methodName().stringValue() + " " + code.get().codeLength() + "/" + code.get().maxLocals());
        }
        if (TRACE) System.err.println("catad jit: methods (bytes of code / local slots): " + sizes);
        int largestMethod = largest;
        try {
            var lookup = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, List.copyOf(e.classData), true);
            var code = (Compiled) lookup.findConstructor(lookup.lookupClass(), java.lang.invoke.MethodType.methodType(void.class)).invoke();
            return new Result(code, e.wsSize, bytes.length, e.usedVectors ? e.lanes : 0, largestMethod, new Vectorized(e.vecMathEmitted, e.gathersEmitted, e.scattersEmitted, e.splitEmitted));
        } catch (RuntimeException | Error ex) {
            throw ex;
        } catch (Throwable t) {
            throw new IllegalStateException("catad jit: could not load the generated kernel", t);
        }
    }

    /** Fails a while loop that ran out of steps, with the interpreter's message. @param what the loop @param max its bound */
    static CatadException tooLong(String what, int max) {
        return new CatadException("while loop did not stop after " + max + " steps: " + what
                + " (raise the bound with Catad.whileLoop(p, f, maxIter))");
    }

    // ---------------------------------------------------------------- scopes of computed values

    /** Values computed in a region of code that every later point of the region can use. */
    private static final class Scope {
        final Scope up;
        final Map<E, Integer> slots = new IdentityHashMap<>();
        Scope(Scope up) { this.up = up; }
    }

    private Integer cached(E e) {
        for (Scope s = scope; s != null; s = s.up) {
            Integer v = s.slots.get(e);
            if (v != null) return v;
        }
        Integer at = spilled.get(e);
        if (at == null) return null;
        // computed by an earlier method of this kernel: read it back from the workspace
        cb.aload(WS);
        cb.loadConstant(at);
        cb.daload();
        int slot = store();
        remember(e, slot);
        return slot;
    }

    private void remember(E e, int slot) {
        scope.slots.put(e, slot);
        cachedReads.or(e.reads);
        // a top-level value a later method reads: keep a copy in the workspace
        if (spilling && scope.up == null && !spilled.containsKey(e) && (spillAll || lastUse.getOrDefault(e, -1) > group)) spill(e, slot);
    }

    private void spill(E e, int slot) {
        int at = wsSize++;
        cb.aload(WS);
        cb.loadConstant(at);
        cb.dload(slot);
        cb.dastore();
        spilled.put(e, at);
        spilledReads.or(e.reads);
    }

    /** For the groups of work being written as methods, the last group that reads each scheduled value. */
    private Map<E, Integer> lastUse = Map.of();
    /** The group being written. */
    private int group;

    /**
     * {@return for each value scheduled as a unit of work, the last group that reads it}: a value is
     * kept in the workspace for later methods only if one reads it, so that a long body cut into
     * methods does not store every value it computes.
     */
    private static Map<E, Integer> lastUse(List<List<Item>> groups) {
        var scheduled = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        for (var g : groups) for (Item it : g) if (it instanceof Compute k) scheduled.add(k.e());
        var last = new IdentityHashMap<E, Integer>();
        for (int g = 0; g < groups.size(); g++) {
            var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
            var stack = new ArrayList<E>();
            for (Item it : groups.get(g)) {
                switch (it) {
                    case Compute k -> stack.addAll(k.e().kids());
                    case Statement st -> collectAll(List.of(st.s()), stack);
                }
                while (!stack.isEmpty()) {
                    E x = stack.removeLast();
                    if (x instanceof Ir.Num || !seen.add(x)) continue;
                    if (scheduled.contains(x)) { last.put(x, g); continue; }
                    stack.addAll(x.kids());
                }
            }
        }
        return last;
    }

    /** After a write to b, values read from b before it are stale. */
    private void written(Buf b) {
        if (cachedReads.get(b.id)) for (Scope s = scope; s != null; s = s.up) s.slots.keySet().removeIf(e -> e.reads.get(b.id));
        // spilled values outlive the method that computed them: a later method (a later group of an
        // outlined loop body, or the code after the loop) may write b without having read it
        if (spilledReads.get(b.id)) {
            spilled.keySet().removeIf(e -> e.reads.get(b.id));
            spilledReads.clear();
            for (E e : spilled.keySet()) spilledReads.or(e.reads);
        }
    }

    // ---------------------------------------------------------------- buffer reuse

    /**
     * Gives each workspace buffer its offset, reusing the memory of buffers that are dead: a buffer
     * lives from the first top-level statement that writes it to the last one that reads it (a
     * statement with loops inside counts as a whole), and two buffers whose lives do not overlap
     * may share memory. {@return the workspace length the buffers need}
     */
    private static int placeBuffers(Lower lo) {
        int nb = lo.ir.bufs.size();
        int[] first = new int[nb], last = new int[nb];
        java.util.Arrays.fill(first, Integer.MAX_VALUE);
        java.util.Arrays.fill(last, -1);
        for (int i = 0; i < lo.body.size(); i++) {
            var w = new BitSet();
            writes(List.of(lo.body.get(i)), w);
            var r = reads(lo.body.get(i));
            for (int b = w.nextSetBit(0); b >= 0; b = w.nextSetBit(b + 1)) { first[b] = Math.min(first[b], i); last[b] = Math.max(last[b], i); }
            for (int b = r.nextSetBit(0); b >= 0; b = r.nextSetBit(b + 1)) { first[b] = Math.min(first[b], i); last[b] = Math.max(last[b], i); }
        }
        var order = new ArrayList<Buf>();
        for (Buf b : lo.ir.bufs) if (b.kind == Ir.Kind.WS) order.add(b);
        order.sort(java.util.Comparator.comparingInt(b -> first[b.id]));
        record Block(int offset, int size, int freeAfter) {}
        var blocks = new ArrayList<Block>();
        int size = 0;
        for (Buf b : order) {
            int taken = -1;
            for (int k = 0; k < blocks.size(); k++) {
                Block bl = blocks.get(k);
                if (bl.freeAfter < first[b.id] && bl.size >= b.size && (taken < 0 || bl.size < blocks.get(taken).size)) taken = k;
            }
            if (taken >= 0) {
                Block bl = blocks.get(taken);
                b.offset = bl.offset;
                blocks.set(taken, new Block(bl.offset, bl.size, Math.max(last[b.id], first[b.id])));
            } else {
                b.offset = size;
                size += b.size;
                blocks.add(new Block(b.offset, b.size, Math.max(last[b.id], first[b.id])));
            }
        }
        return size;
    }

    /** {@return the buffers a statement reads, anywhere inside it} */
    private static BitSet reads(S s) {
        var out = new BitSet();
        var roots = new ArrayList<E>();
        collectAll(List.of(s), roots);
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        for (E e : roots) if (seen.add(e)) out.or(e.reads);
        switch (s) {
            case Ir.Call c -> out.set(c.in().id);
            case Ir.Copy c -> out.set(c.from().id);
            default -> { }
        }
        readsInside(s, out);
        return out;
    }

    private static void readsInside(S s, BitSet out) {
        switch (s) {
            case Ir.Loop l -> { for (S t : l.body()) out.or(reads(t)); }
            case Ir.If i -> { for (S t : i.yes()) out.or(reads(t)); for (S t : i.no()) out.or(reads(t)); }
            case Ir.While w -> { for (S t : w.test()) out.or(reads(t)); for (S t : w.body()) out.or(reads(t)); }
            default -> { }
        }
    }

    // ---------------------------------------------------------------- splitting into methods

    /** A unit of top-level work: one value, or one statement (with everything inside it). */
    private sealed interface Item permits Compute, Statement {}
    private record Compute(E e) implements Item {}
    private record Statement(S s) implements Item {}

    private boolean spilling;
    private final Map<E, Integer> spilled = new IdentityHashMap<>();
    /** The buffers read by some spilled value. */
    private final BitSet spilledReads = new BitSet();

    /**
     * {@return the top-level work in order, cut into parts that each fit one method}: every
     * top-level value is scheduled on its own (operands first), so a part can end between any two.
     */
    private List<List<Item>> parts() {
        // -Dcatad.jit.vecmathMethods=false: such loops share methods, for comparison (read at each compilation)
        boolean own = !"false".equals(System.getProperty("catad.jit.vecmathMethods"));
        var parts = cut(lo.body, own ? this::loopsOverVecMath : item -> false);
        if (TRACE) System.err.println("catad jit: " + parts.size() + " parts, estimated at " + BYTES_PER_NODE + " bytes per node");
        return parts;
    }

    /**
     * {@return the statements as units of work (each value on its own, operands first, then each
     * statement), cut into groups of at most {@link #PART_BUDGET} estimated bytes, and with at most
     * one unit that {@code heavy} flags} A group can end between any two units; a unit larger than
     * the budget is a group of its own.
     */
    private static List<List<Item>> cut(List<S> stmts, java.util.function.Predicate<Item> heavy) {
        var items = new ArrayList<Item>();
        var sizes = new ArrayList<Integer>();
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        for (S s : stmts) {
            List<E> roots = switch (s) {
                case Ir.Store st -> List.of(st.e());
                case Ir.If i -> List.of(i.t());
                default -> List.of();
            };
            for (E r : roots) for (E e : postorder(r, seen)) { items.add(new Compute(e)); sizes.add(inner(e, seen)); }
            items.add(new Statement(s));
            sizes.add(inner(s, seen));
        }
        return pack(items, sizes, heavy);
    }

    /** {@return the units of work in order, cut into groups of at most {@link #PART_BUDGET} estimated bytes and one heavy unit} */
    private static List<List<Item>> pack(List<Item> items, List<Integer> sizes, java.util.function.Predicate<Item> heavy) {
        var groups = new ArrayList<List<Item>>();
        var group = new ArrayList<Item>();
        long size = 0;
        boolean hasHeavy = false;
        for (int i = 0; i < items.size(); i++) {
            long add = (long) sizes.get(i) * BYTES_PER_NODE;
            boolean h = heavy.test(items.get(i));
            if (!group.isEmpty() && (size + add > PART_BUDGET || h && hasHeavy)) {
                groups.add(group);
                group = new ArrayList<>();
                size = 0;
                hasHeavy = false;
            }
            group.add(items.get(i));
            size += add;
            hasHeavy |= h;
        }
        groups.add(group);
        return groups;
    }

    /**
     * {@return whether the unit holds a loop (or a sum) that calls {@link VecMath}}: each such loop
     * gets a method of its own. C2 copies a loop's body several times (the iterations before and
     * after the unrolled main loop), and a method with three loops of inlined VecMath code — the
     * gradient of three steps of {@code map sin} or {@code map tanh} — ran past its node limit
     * ("Too many clones required … in partial peeling"); the method was never compiled by C2, and
     * its vectors were boxed (150 KB a call, slower than scalar code). One such loop, even with
     * eight calls, compiles.
     */
    private boolean loopsOverVecMath(Item item) {
        var roots = new ArrayList<E>();
        switch (item) {
            case Compute c when c.e() instanceof Ir.Reduce r -> roots.add(r.body);
            case Compute c -> { }
            case Statement st when st.s() instanceof Ir.Store -> { }
            case Statement st -> collectAll(List.of(st.s()), roots);
        }
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<E>(roots);
        while (!stack.isEmpty()) {
            E e = stack.removeLast();
            if (!seen.add(e)) continue;
            if (e instanceof Ir.Un u && unaryOp(u.p) instanceof String op && op.startsWith("vecmath ")) return true;
            stack.addAll(e.kids());
        }
        return false;
    }

    /** {@return the top-level nodes under r not yet seen, operands first (Sel branches and Reduce bodies stay inside their node)} */
    private static List<E> postorder(E r, java.util.Set<E> seen) {
        var out = new ArrayList<E>();
        var stack = new ArrayList<E>();
        var expanded = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        stack.add(r);
        while (!stack.isEmpty()) {
            E e = stack.getLast();
            if (e instanceof Ir.Num || seen.contains(e)) { stack.removeLast(); continue; }
            if (expanded.add(e)) {
                switch (e) {
                    case Ir.Sel x -> stack.add(x.t);
                    case Ir.Reduce x -> { }
                    default -> stack.addAll(e.kids());
                }
            } else {
                stack.removeLast();
                seen.add(e);
                out.add(e);
            }
        }
        return out;
    }

    /** {@return how many nodes the code of this item holds besides its scheduled operands} */
    private static int inner(Object item, java.util.Set<E> seen) {
        var roots = new ArrayList<E>();
        switch (item) {
            case Ir.Sel x -> { roots.add(x.a); roots.add(x.b); }
            case Ir.Reduce x -> roots.add(x.body);
            case E e -> { }
            case S s -> collectAll(List.of(s), roots);
            default -> { }
        }
        long n = 1;
        var visited = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<E>(roots);
        while (!stack.isEmpty()) {
            E e = stack.removeLast();
            if (e instanceof Ir.Num || seen.contains(e) || !visited.add(e)) continue;
            // a sum whose body is written once per partial sum, and once more for the tail
            n += e instanceof Ir.Reduce r && unrolled(r) ? 8L * r.body.weight : 1;
            stack.addAll(e.kids());
        }
        if (item instanceof Ir.Reduce r && unrolled(r)) n += 8L * r.body.weight;
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /** {@return whether the sum's body is written eight times, one per partial sum} */
    private static boolean unrolled(Ir.Reduce r) {
        return r.op == Ir.Red.SUM && r.v.n >= 8 && r.body.weight <= UNROLLED_SUM_BODY && !callsOut(r.body, r.v);
    }

    private static void collectAll(List<S> stmts, List<E> into) {
        for (S s : stmts) {
            switch (s) {
                case Ir.Store st -> into.add(st.e());
                case Ir.Loop l -> collectAll(l.body(), into);
                case Ir.If i -> { into.add(i.t()); collectAll(i.yes(), into); collectAll(i.no(), into); }
                case Ir.While w -> { collectAll(w.test(), into); into.add(w.t()); collectAll(w.body(), into); }
                case Ir.Call c -> { }
                case Ir.Copy c -> { }
            }
        }
    }

    private void inScope(Runnable r) {
        scope = new Scope(scope);
        try { r.run(); } finally { scope = scope.up; }
    }

    // ---------------------------------------------------------------- statements

    private void block(List<S> stmts) { for (S s : stmts) stmt(s); }

    private void stmt(S s) {
        switch (s) {
            case Ir.Store st -> {
                int v = value(st.e());
                array(st.b());
                index(st.b(), st.ix());
                push(st.e(), v);
                cb.dastore();
                written(st.b());
            }
            case Ir.Loop l when scope.up == null && l.body().size() == 1 && l.body().get(0) instanceof Ir.Loop in
                    && split(in) != null && acrossOuter(l, in) -> splitVectorLoop(l, in, split(in));
            case Ir.Loop l when scope.up == null && split(l) != null -> splitVectorLoop(null, l, split(l));
            case Ir.Loop l when scope.up == null && outlines(l) -> outline(l);
            case Ir.Loop l -> {
                // a value cached before the loop from a buffer the loop writes is stale from its second step on
                forgetWritesOf(List.of(s));
                hoist(l.body());
                if (TRACE) System.err.println("catad jit: loop " + l.v() + " < " + l.v().n + " of " + l.body().size() + " statements ("
                        + l.body().stream().map(t -> t.getClass().getSimpleName()).toList() + "): "
                        + (interchangeable(l) ? "interchanged" : vectorizable(l) ? "vector" : "scalar"));
                if (interchangeable(l)) interchangedSum(l, (Ir.Store) l.body().get(0), interchangedReduce((Ir.Store) l.body().get(0)));
                else if (vectorizable(l)) vectorLoop(l);
                else counted(l.v(), 0, l.v().n, () -> inScope(() -> block(l.body())));
                forgetWritesOf(List.of(s));
            }
            case Ir.If i -> {
                int t = value(i.t());
                Label no = cb.newLabel(), end = cb.newLabel();
                push(i.t(), t);
                cb.dconst_0();
                cb.dcmpl();
                cb.ifle(no);
                // a branch too large for one method is outlined, as a loop of one step would be
                boolean big = scope.up == null && outlines(s);
                inScope(() -> branch(i.yes(), big));
                cb.goto_(end);
                cb.labelBinding(no);
                inScope(() -> branch(i.no(), big));
                cb.labelBinding(end);
                forgetWritesOf(List.of(s));
            }
            case Ir.While w -> whileLoop(w);
            case Ir.Call c -> {
                cb.ldc(constant(c.g().kernel(), CD_KERNEL));
                array(c.in());
                index(c.in(), c.inOff());
                array(c.out());
                index(c.out(), c.outOff());
                cb.invokeinterface(CD_KERNEL, "apply", MethodTypeDesc.of(CD_void, CD_DOUBLES, CD_int, CD_DOUBLES, CD_int));
                written(c.out());
            }
            case Ir.Copy c -> {
                array(c.from());
                index(c.from(), c.fromOff());
                array(c.to());
                index(c.to(), c.toOff());
                cb.loadConstant(c.n());
                cb.invokestatic(CD_SYSTEM, "arraycopy", MethodTypeDesc.of(CD_void, CD_Object, CD_int, CD_Object, CD_int, CD_int));
                written(c.to());
            }
        }
    }

    // ---------------------------------------------------------------- loops too large for one method

    /**
     * HotSpot compiles no method over 8,000 bytes of bytecode (unless {@code -XX:-DontCompileHugeMethods}):
     * a kernel method larger than that runs in the bytecode interpreter, tens of times slower. A
     * loop whose body is estimated above this many bytes is therefore outlined.
     */
    private static final int OUTLINE_BUDGET = 5_000;

    /** {@return whether a loop at the top of a method is written as a loop calling methods that hold its body} */
    private boolean outlines(S s) {
        if (bound.cardinality() >= 16) return false;
        if (s instanceof Ir.Loop l && (interchangeable(l) || vectorizable(l))) return false;
        if (!(s instanceof Ir.Loop || s instanceof Ir.If)) return false;
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        return (long) inner(s, seen) * BYTES_PER_NODE > OUTLINE_BUDGET;
    }

    /**
     * One side of a branch: written here, or, when the branch is too large for one method, outlined
     * as a loop of one step. What the outlined side leaves in the workspace for later methods was
     * computed on this path only, so it is forgotten after it.
     */
    private void branch(List<S> side, boolean outline) {
        if (!outline || side.isEmpty()) { block(side); return; }
        var before = new java.util.HashSet<E>(spilled.keySet());
        outline(new Ir.Loop(lo.ir.var(1), side));
        spilled.keySet().retainAll(before);
    }

    /**
     * The loop, its body cut into groups of statements, each group a static method of its own
     * taking the indices of the loops around it: {@code for v: body0(x, y, ws, …, v); body1(…); …}.
     * Values the loop does not change are computed before it, like any loop-invariant value, and
     * reach the body methods through the workspace; values one group computes for a later one go
     * the same way, and are forgotten when the loop ends.
     */
    private void outline(Ir.Loop l) { outline(l, 0); }

    /** {@link #outline(Ir.Loop)} for the iterations from {@code from} on. */
    private void outline(Ir.Loop l, int from) {
        forgetWritesOf(List.of(l));   // as for a loop written inline: stale from the second step on
        hoistOutlined(l);
        spillWhatTheBodyReads(l);
        var vars = boundVars();
        vars.add(l.v());
        var type = groupType(vars);
        // the body as units of work, cut into groups: a long expression is split too
        var groups = cut(l.body(), item -> false);
        String name = "loop" + outlined++;
        if (TRACE) System.err.println("catad jit: loop " + l.v() + " < " + l.v().n + " outlined as " + groups.size() + " methods " + name + "_*");
        // write the body methods first, in order, so that each sees what the earlier ones spill
        var before = new java.util.HashSet<E>(spilled.keySet());
        groupMethods(name, type, vars, groups, lastUse(groups), false);
        counted(l.v(), from, l.v().n, () -> callGroups(name, type, vars, groups.size()));
        // what the body methods spilled for each other holds for one iteration only (or, for a
        // loop that ran no step, was never written)
        spilled.keySet().removeIf(e -> !before.contains(e));
        forgetWritesOf(List.of(l));
    }

    /** Invariant values of an outlined loop above this many estimated bytes are computed by methods of their own. */
    private static final int HOISTED_BUDGET = 3_000;

    /**
     * Computes before an outlined loop the values in it that are the same on every iteration, as
     * {@link #hoist} does; when they are many (the primal part of a derivative mapped over
     * tangents), in methods of their own, cut like any other work, their values left in the
     * workspace for the loop's body methods, so that this method stays small.
     */
    private void hoistOutlined(Ir.Loop l) {
        var w = new BitSet();
        writes(l.body(), w);
        var roots = new ArrayList<E>();
        collect(l.body(), roots);
        var invariants = new ArrayList<E>();
        var seen = new IdentityHashMap<E, Boolean>();
        for (E r : roots) invariants(r, w, seen, invariants::add);
        var items = new ArrayList<Item>();
        var sizes = new ArrayList<Integer>();
        var scheduled = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        long total = 0;
        for (E r : invariants) {
            for (E e : postorder(r, scheduled)) {
                if (isComputed(e)) continue;
                items.add(new Compute(e));
                int size = inner(e, scheduled);
                sizes.add(size);
                total += size;
            }
        }
        if (total * BYTES_PER_NODE <= HOISTED_BUDGET) {
            for (Item it : items) value(((Compute) it).e());
            return;
        }
        var groups = pack(items, sizes, this::loopsOverVecMath);
        var vars = boundVars();
        var type = groupType(vars);
        String name = "before" + outlined++;
        if (TRACE) System.err.println("catad jit: " + items.size() + " values the same in every step of loop " + l.v() + " computed before it by " + groups.size() + " methods " + name + "_*");
        groupMethods(name, type, vars, groups, Map.of(), true);
        callGroups(name, type, vars, groups.size());
    }

    /** Calls the methods {@code name_0 … name_(count-1)}, passing the arrays and the loop indices. */
    private void callGroups(String name, MethodTypeDesc type, List<Var> vars, int count) {
        for (int g = 0; g < count; g++) {
            cb.aload(X);
            cb.aload(Y);
            cb.aload(WS);
            for (Var v : vars) cb.iload(varSlot.get(v));
            cb.invokestatic(CD_THIS, name + "_" + g, type);
        }
    }

    /** {@return the variables of the loops around the code being written, in order} */
    private List<Var> boundVars() {
        var vars = new ArrayList<Var>(varSlot.keySet());
        vars.removeIf(v -> !bound.get(v.id));
        vars.sort(java.util.Comparator.comparingInt(v -> v.id));
        return vars;
    }

    /** {@return the type of a method of a group of work: {@code (x, y, ws, the loop indices…)}} */
    private static MethodTypeDesc groupType(List<Var> vars) {
        var params = new ArrayList<ClassDesc>(List.of(CD_DOUBLES, CD_DOUBLES, CD_DOUBLES));
        for (int i = 0; i < vars.size(); i++) params.add(CD_int);
        return MethodTypeDesc.of(CD_void, params);
    }

    /**
     * Writes one static method {@code name_g} per group of work, in order, each in a fresh scope with
     * the loop indices as parameters; a value a later group reads (by {@code uses}), or every value
     * when {@code keepAll}, is left in the workspace.
     */
    private void groupMethods(String name, MethodTypeDesc type, List<Var> vars, List<List<Item>> groups, Map<E, Integer> uses, boolean keepAll) {
        for (int g = 0; g < groups.size(); g++) {
            List<Item> work = groups.get(g);
            method(name + "_" + g, type, vars, uses, g, keepAll, () -> {
                for (Item it : work) {
                    switch (it) {
                        case Compute k -> value(k.e());
                        case Statement st -> stmt(st.s());
                    }
                }
            });
        }
    }

    /**
     * Writes the private static method {@code name} of the class, its code by {@code body} in a
     * fresh scope, the loop indices {@code vars} its int parameters after {@code (x, y, ws)} and bound,
     * then returns to the method being written. {@code uses}, {@code group} and {@code keepAll} say
     * which values it leaves in the workspace (see {@link #remember}).
     */
    private void method(String name, MethodTypeDesc type, List<Var> vars, Map<E, Integer> uses, int g, boolean keepAll, Runnable body) {
        CodeBuilder outerCb = cb;
        Scope outerScope = scope;
        Map<Var, Integer> outerSlots = varSlot;
        BitSet outerBound = bound, outerReads = cachedReads;
        Map<E, Integer> outerLastUse = lastUse;
        int outerGroup = group;
        boolean outerSpillAll = spillAll;
        classBuilder.withMethodBody(name, type, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC, c -> {
            cb = c;
            lastUse = uses;
            group = g;
            spillAll = keepAll;
            scope = new Scope(null);
            varSlot = new HashMap<>();
            bound = new BitSet();
            cachedReads = new BitSet();
            for (int i = 0; i < vars.size(); i++) {
                varSlot.put(vars.get(i), 3 + i);
                bound.set(vars.get(i).id);
            }
            body.run();
            c.return_();
        });
        cb = outerCb;
        scope = outerScope;
        varSlot = outerSlots;
        bound = outerBound;
        cachedReads = outerReads;
        lastUse = outerLastUse;
        group = outerGroup;
        spillAll = outerSpillAll;
    }

    /** Every value computed in a method of values for later ones is kept in the workspace. */
    private boolean spillAll;

    /** {@return whether e is at hand: in a local of the code being written, or in the workspace} */
    private boolean isComputed(E e) {
        for (Scope sc = scope; sc != null; sc = sc.up) if (sc.slots.containsKey(e)) return true;
        return spilled.containsKey(e);
    }

    /** The body methods of an outlined loop read the values computed before it from the workspace: spill those this method holds. */
    private void spillWhatTheBodyReads(Ir.Loop l) {
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<E>();
        collectAll(l.body(), stack);
        while (!stack.isEmpty()) {
            E x = stack.removeLast();
            if (x instanceof Ir.Num || !seen.add(x)) continue;
            Integer slot = null;
            for (Scope sc = scope; sc != null && slot == null; sc = sc.up) slot = sc.slots.get(x);
            if (slot != null) {
                if (!spilled.containsKey(x)) spill(x, slot);
                continue;
            }
            stack.addAll(x.kids());
        }
    }

    private void whileLoop(Ir.While w) {
        forgetWritesOf(List.of(w));   // as for a counted loop: stale from the second step on
        hoist(w.test(), List.of(w.t()), w.body());
        int it = cb.allocateLocal(TypeKind.INT);
        cb.iconst_0();
        cb.istore(it);
        Label top = cb.newLabel(), end = cb.newLabel(), go = cb.newLabel();
        cb.labelBinding(top);
        inScope(() -> {
            block(w.test());
            int t = value(w.t());
            push(w.t(), t);
            cb.dconst_0();
            cb.dcmpl();
            cb.ifle(end);
            cb.iload(it);
            cb.loadConstant(w.max());
            cb.if_icmplt(go);
            cb.ldc(w.what());
            cb.loadConstant(w.max());
            cb.invokestatic(CD_EMIT, "tooLong", MethodTypeDesc.of(ClassDesc.of("catad.dsl.CatadException"), CD_String, CD_int));
            cb.athrow();
            cb.labelBinding(go);
            inScope(() -> block(w.body()));
        });
        cb.iinc(it, 1);
        cb.goto_(top);
        cb.labelBinding(end);
        forgetWritesOf(List.of(w));
    }

    /** A branch or loop wrote buffers on some paths only: forget what was cached from them. */
    private void forgetWritesOf(List<S> stmts) {
        var w = new BitSet();
        writes(stmts, w);
        for (int b = w.nextSetBit(0); b >= 0; b = w.nextSetBit(b + 1)) written(lo.ir.bufs.get(b));
    }

    private static void writes(List<S> stmts, BitSet into) { for (S s : stmts) Ir.writes(s, into); }


    /** {@code for (v = from; v < to; v++) body}, with v bound while the body is written. */
    private void counted(Var v, int from, int to, Runnable body) {
        if (from >= to) return;
        int slot = cb.allocateLocal(TypeKind.INT);
        varSlot.put(v, slot);
        bound.set(v.id);
        cb.loadConstant(from);
        cb.istore(slot);
        Label top = cb.newLabel(), end = cb.newLabel();
        cb.labelBinding(top);
        cb.iload(slot);
        cb.loadConstant(to);
        cb.if_icmpge(end);
        body.run();
        cb.iinc(slot, 1);
        cb.goto_(top);
        cb.labelBinding(end);
        bound.clear(v.id);
        varSlot.remove(v);
    }

    // ---------------------------------------------------------------- loop-invariant code motion

    /**
     * Computes before a loop every value in it that depends on no variable of the loop and reads
     * no buffer the loop writes: it is the same on every iteration.
     */
    @SafeVarargs
    private void hoist(List<S> stmts, List<E> roots, List<S>... more) {
        var w = new BitSet();
        writes(stmts, w);
        for (var m : more) writes(m, w);
        var seen = new IdentityHashMap<E, Boolean>();
        var todo = new ArrayList<E>(roots);
        collect(stmts, todo);
        for (var m : more) collect(m, todo);
        for (E e : todo) hoistFrom(e, w, seen);
    }

    private void hoist(List<S> body) { hoist(body, List.of()); }

    private static void collect(List<S> stmts, List<E> into) {
        for (S s : stmts) {
            switch (s) {
                case Ir.Store st -> into.add(st.e());
                case Ir.Loop l -> collect(l.body(), into);
                case Ir.If i -> into.add(i.t());
                case Ir.While w -> { }
                case Ir.Call c -> { }
                case Ir.Copy c -> { }
            }
        }
    }

    private void hoistFrom(E e, BitSet written, Map<E, Boolean> seen) { invariants(e, written, seen, this::value); }

    /** Gives {@code found} the outermost values under e that are the same on every iteration of the loops being entered. */
    private void invariants(E e, BitSet written, Map<E, Boolean> seen, java.util.function.Consumer<E> found) {
        // An explicit stack: expressions can be deep.
        var stack = new ArrayList<E>();
        stack.add(e);
        while (!stack.isEmpty()) {
            E x = stack.removeLast();
            if (x instanceof Ir.Num || seen.put(x, Boolean.TRUE) != null) continue;
            if (invariant(x, written)) {
                if (!(x instanceof Ir.Load) || x.vars.isEmpty()) found.accept(x);
                continue;
            }
            switch (x) {
                case Ir.Sel s -> stack.add(s.t);
                case Ir.Reduce r -> stack.add(r.body);
                default -> stack.addAll(x.kids());
            }
        }
    }

    private boolean invariant(E e, BitSet written) {
        if (e.reads.intersects(written)) return false;
        var free = (BitSet) e.vars.clone();
        free.andNot(bound);
        return free.isEmpty();
    }

    // ---------------------------------------------------------------- expressions

    /** Pushes e: a constant, or the local holding it. */
    private void push(E e, int slot) {
        if (e instanceof Ir.Num n) cb.loadConstant(n.v);
        else cb.dload(slot);
    }

    private void push(E e) { push(e, value(e)); }

    /** {@return the local holding e's value, computing it here if no enclosing code has (-1 for a constant)} */
    private int value(E e) {
        if (e instanceof Ir.Num) return -1;
        Integer c = cached(e);
        if (c != null) return c;
        // Operands first, each into its own local, so that no operand waits on the stack across the code of another.
        switch (e) {
            case Ir.Un u -> value(u.a);
            case Ir.Bin b -> { value(b.a); value(b.b); }
            case Ir.Prim2 p -> { value(p.a); value(p.b); }
            default -> { }
        }
        int slot;
        switch (e) {
            case Ir.Num n -> throw new AssertionError();
            case Ir.Load l -> {
                array(l.b);
                index(l.b, l.ix);
                cb.daload();
                slot = store();
            }
            case Ir.Pos q -> {
                index(0, q.ix);
                cb.i2d();
                slot = store();
            }
            case Ir.Un u -> {
                unary(u);
                slot = store();
            }
            case Ir.Bin b -> {
                push(b.a);
                push(b.b);
                if (b.op == Ir.Op.ADD) cb.dadd(); else cb.dmul();
                slot = store();
            }
            case Ir.Prim2 p -> {
                binary(p);
                slot = store();
            }
            case Ir.Sel s -> slot = select(s);
            case Ir.Reduce r when r.op == Ir.Red.ARGMAX -> slot = argmax(r);
            case Ir.Reduce r -> {
                boolean vector = lanes > 0 && r.v.n >= 8 && vectorOk(r.body, r.v, new IdentityHashMap<>())
                        && worthVectors(List.of(r.body), r.v, false);
                slot = r.op == Ir.Red.MAX ? (vector ? vectorMax(r) : max(r)) : vector ? vectorSum(r) : sum(r);
            }
        }
        remember(e, slot);
        return slot;
    }

    private int store() {
        int slot = cb.allocateLocal(TypeKind.DOUBLE);
        cb.dstore(slot);
        return slot;
    }

    private int select(Ir.Sel s) {
        int t = value(s.t);
        int res = cb.allocateLocal(TypeKind.DOUBLE);
        Label no = cb.newLabel(), end = cb.newLabel();
        push(s.t, t);
        cb.dconst_0();
        cb.dcmpl();
        cb.ifle(no);
        inScope(() -> { push(s.a); cb.dstore(res); });
        cb.goto_(end);
        cb.labelBinding(no);
        inScope(() -> { push(s.b); cb.dstore(res); });
        cb.labelBinding(end);
        return res;
    }

    /**
     * The canonical sum: eight partial sums over the blocks of eight, combined as
     * {@code ((a0+a4)+(a2+a6))+((a1+a5)+(a3+a7))}, then the remaining terms in order.
     */
    private int sum(Ir.Reduce r) {
        hoistFrom(r.body, new BitSet(), new IdentityHashMap<>());
        int n = r.v.n, n8 = n / 8 * 8;
        int s = cb.allocateLocal(TypeKind.DOUBLE);
        if (n8 == 0) {
            cb.dconst_0();
            cb.dstore(s);
        } else {
            int[] part = unrolled(r) ? unrolledPartialSums(r, n8) : partialSumsInWorkspace(r, n8);
            combine(part, s);
        }
        addRemaining(r, n8, n, s);
        return s;
    }

    /** {@return a new local holding {@code ((p0+p4)+(p2+p6))+((p1+p5)+(p3+p7))} of the eight partial sums} */
    private int combine(int[] part) {
        int s = cb.allocateLocal(TypeKind.DOUBLE);
        combine(part, s);
        return s;
    }

    /** Stores the canonical combination of the eight partial sums in local s. */
    private void combine(int[] part, int s) {
        cb.dload(part[0]); cb.dload(part[4]); cb.dadd();
        cb.dload(part[2]); cb.dload(part[6]); cb.dadd();
        cb.dadd();
        cb.dload(part[1]); cb.dload(part[5]); cb.dadd();
        cb.dload(part[3]); cb.dload(part[7]); cb.dadd();
        cb.dadd();
        cb.dadd();
        cb.dstore(s);
    }

    /** Adds the terms {@code from … to-1} of r's sum to local s, one by one in order: the tail after the blocks of eight. */
    private void addRemaining(Ir.Reduce r, int from, int to, int s) {
        counted(r.v, from, to, () -> inScope(() -> {
            int t = value(r.body);
            cb.dload(s);
            push(r.body, t);
            cb.dadd();
            cb.dstore(s);
        }));
    }

    /**
     * {@return whether e, along v, calls an expensive primitive (a transcendental, a user's code) or
     * runs a loop of its own (a reduction)}: written eight times, its code would swell the method
     * past what C2 compiles, and nested sums would multiply the copies (8 × 8 × …)
     */
    private static boolean callsOut(E e, Var v) {
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<E>();
        stack.add(e);
        while (!stack.isEmpty()) {
            E x = stack.removeLast();
            if (!x.vars.get(v.id) || !seen.add(x)) continue;
            if (x instanceof Ir.Reduce || Share.candidate(x)) return true;
            stack.addAll(x.kids());
        }
        return false;
    }

    /** Bodies up to this many nodes are written eight times, one per partial sum, each in a local. */
    private static final int UNROLLED_SUM_BODY = 48;

    /** {@return the locals holding the eight partial sums of the first n8 terms}: the body written once per partial sum, blocks of eight per iteration. */
    private int[] unrolledPartialSums(Ir.Reduce r, int n8) {
        int[] acc = new int[8];
        for (int l = 0; l < 8; l++) {
            acc[l] = cb.allocateLocal(TypeKind.DOUBLE);
            cb.dconst_0();
            cb.dstore(acc[l]);
        }
        blocksOfEight(r.v, n8, 8, 1, l -> {
            int a = acc[l];
            int t = value(r.body);
            cb.dload(a);
            push(r.body, t);
            cb.dadd();
            cb.dstore(a);
        });
        return acc;
    }

    /**
     * {@code for (j = 0; j < n8; j += 8)}, and in the body {@code copies} copies of {@code copy},
     * copy c with v bound to {@code j + c·step} and a scope of its own: the loop over blocks of
     * eight terms that every canonical sum runs, whether a copy is one term or one vector of terms.
     */
    private void blocksOfEight(Var v, int n8, int copies, int step, java.util.function.IntConsumer copy) {
        blocks(v, 0, n8, 8, copies, step, false, copy);
    }

    /** {@code for (j = from; j < to; j += span)}, the body as in {@link #blocksOfEight}, with {@link #guardIndex} if {@code guard}. */
    private void blocks(Var v, int from, int to, int span, int copies, int step, boolean guard, java.util.function.IntConsumer copy) {
        int j = cb.allocateLocal(TypeKind.INT), at = cb.allocateLocal(TypeKind.INT);
        cb.loadConstant(from);
        cb.istore(j);
        Label top = cb.newLabel(), done = cb.newLabel();
        cb.labelBinding(top);
        cb.iload(j);
        cb.loadConstant(to);
        cb.if_icmpge(done);
        if (guard) guardIndex(j, () -> cb.loadConstant(to));
        varSlot.put(v, at);
        bound.set(v.id);
        for (int c = 0; c < copies; c++) {
            int which = c;
            cb.iload(j);
            cb.loadConstant(c * step);
            cb.iadd();
            cb.istore(at);
            inScope(() -> copy.accept(which));
        }
        bound.clear(v.id);
        varSlot.remove(v);
        cb.iinc(j, span);
        cb.goto_(top);
        cb.labelBinding(done);
    }

    /** {@return locals holding the eight partial sums}, accumulated in eight workspace slots so that a large body is written once. */
    private int[] partialSumsInWorkspace(Ir.Reduce r, int n8) {
        int acc = wsSize;
        wsSize += 8;
        for (int l = 0; l < 8; l++) {
            cb.aload(WS);
            cb.loadConstant(acc + l);
            cb.dconst_0();
            cb.dastore();
        }
        counted(r.v, 0, n8, () -> inScope(() -> {
            int t = value(r.body);
            cb.aload(WS);
            cb.iload(varSlot.get(r.v));
            cb.loadConstant(7);
            cb.iand();
            cb.loadConstant(acc);
            cb.iadd();
            cb.dup2();
            cb.daload();
            push(r.body, t);
            cb.dadd();
            cb.dastore();
        }));
        int[] part = new int[8];
        for (int l = 0; l < 8; l++) {
            cb.aload(WS);
            cb.loadConstant(acc + l);
            cb.daload();
            part[l] = store();
        }
        return part;
    }

    /**
     * The index of the first largest term, as a number, or -1 if any term is NaN: {@code Prims.argmax}'s
     * choice (a later term replaces the best only when strictly larger).
     */
    private int argmax(Ir.Reduce r) {
        hoistFrom(r.body, new BitSet(), new IdentityHashMap<>());
        int best = cb.allocateLocal(TypeKind.DOUBLE), top = cb.allocateLocal(TypeKind.DOUBLE), nan = cb.allocateLocal(TypeKind.INT);
        cb.dconst_0();
        cb.dstore(best);
        cb.loadConstant(Double.NEGATIVE_INFINITY);
        cb.dstore(top);
        cb.iconst_0();
        cb.istore(nan);
        counted(r.v, 0, r.v.n, () -> inScope(() -> {
            int t = value(r.body);
            Label notNan = cb.newLabel(), notLarger = cb.newLabel();
            push(r.body, t);
            push(r.body, t);
            cb.dcmpl();
            cb.ifeq(notNan);
            cb.iconst_1();
            cb.istore(nan);
            cb.labelBinding(notNan);
            push(r.body, t);
            cb.dload(top);
            cb.dcmpl();
            cb.ifle(notLarger);
            push(r.body, t);
            cb.dstore(top);
            cb.iload(varSlot.get(r.v));
            cb.i2d();
            cb.dstore(best);
            cb.labelBinding(notLarger);
        }));
        Label done = cb.newLabel();
        cb.iload(nan);
        cb.ifeq(done);
        cb.loadConstant(-1.0);
        cb.dstore(best);
        cb.labelBinding(done);
        return best;
    }

    /** The largest term, by {@link Math#max} (NaN wins); the order does not matter. */
    private int max(Ir.Reduce r) {
        hoistFrom(r.body, new BitSet(), new IdentityHashMap<>());
        int m = cb.allocateLocal(TypeKind.DOUBLE);
        cb.loadConstant(Double.NEGATIVE_INFINITY);
        cb.dstore(m);
        counted(r.v, 0, r.v.n, () -> inScope(() -> {
            int t = value(r.body);
            cb.dload(m);
            push(r.body, t);
            cb.invokestatic(CD_MATH, "max", MethodTypeDesc.of(CD_double, CD_double, CD_double));
            cb.dstore(m);
        }));
        return m;
    }

    // ---------------------------------------------------------------- vector loops

    /**
     * {@return whether a loop can run {@link #lanes} iterations at a time}: its body only stores
     * (at unit stride, or scattered at another, no two stores at one place), values the Vector API computes exactly as the scalar
     * code does, and it reads nothing it writes.
     */
    private boolean vectorizable(Ir.Loop l) {
        if (lanes == 0 || l.v().n < lanes) return false;
        // a vector loop is one method: a body too large for one is cut into several (split) or
        // outlined as scalar code (a tree's gradient summing 256 one-hot rows in one expression
        // needed 65,537 local slots)
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        if ((long) inner(l, seen) * VECTOR_BYTES_PER_NODE > VECTOR_BUDGET) return false;
        return vectorBody(l) && worthVectors(roots(l), l.v(), scattered(l));
    }

    /**
     * {@return whether the loop's body could run on vectors, whatever its size}: it only stores (at
     * unit stride, or scattered at another, no two stores at one place), values the Vector API
     * computes exactly as the scalar code does, and it reads nothing it writes but its own places.
     */
    private boolean vectorBody(Ir.Loop l) {
        var writes = new BitSet();
        var memo = new IdentityHashMap<E, Boolean>();
        for (S s : l.body()) {
            if (!(s instanceof Ir.Store st) || st.ix().coeff(l.v()) == 0 || !vectorOk(st.e(), l.v(), memo)) return false;
            writes.set(st.b().id);
        }
        if (!disjoint(l)) return false;
        for (S s : l.body()) if (!updatesOnly((Ir.Store) s, writes)) return false;
        return true;
    }

    /** {@return the values a loop of stores stores} */
    private static List<E> roots(Ir.Loop l) {
        var roots = new ArrayList<E>();
        for (S s : l.body()) roots.add(((Ir.Store) s).e());
        return roots;
    }

    /** {@return whether a loop of stores stores at a stride other than 1} */
    private static boolean scattered(Ir.Loop l) {
        for (S s : l.body()) if (((Ir.Store) s).ix().coeff(l.v()) != 1) return true;
        return false;
    }

    /**
     * {@return whether computing these values on vectors along v pays}: at most
     * {@link #MAX_VECMATH_CALLS} calls of {@link VecMath}, and, where lanes are gathered or
     * scattered, at least one: a gather or scatter costs about a load or store per lane, which an
     * arithmetic loop does not win back (GradBench's gmm gradient, whose products with Q read the
     * centred points at stride d, ran 20× slower gathered), while an exact exp or log on a vector
     * is several times faster than the lanes' scalar calls.
     */
    private boolean worthVectors(List<E> roots, Var v, boolean scattered) {
        int calls = vecMathCalls(roots, v);
        if (calls > MAX_VECMATH_CALLS) return false;
        boolean strides = scattered || strided(roots, v);
        return !strides || STRIDED && calls > 0;
    }

    /** {@return whether a value along v reads memory at a stride other than 1} */
    private static boolean strided(List<E> roots, Var v) {
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<E>(roots);
        while (!stack.isEmpty()) {
            E e = stack.removeLast();
            if (!e.vars.get(v.id) || !seen.add(e)) continue;
            if (e instanceof Ir.Load ld && ld.ix.coeff(v) != 1) return true;
            if (e instanceof Ir.Pos q && q.ix.coeff(v) != 1) return true;
            stack.addAll(e.kids());
        }
        return false;
    }

    /**
     * {@return whether no two stores of the loop write one place, in any iterations}: then the
     * vector loop, which runs each store for all its lanes before the next store, leaves the
     * places as the scalar loop does. Stores into one buffer must differ only in their constant,
     * by a difference d that is not the stride c times an iteration distance below the loop's
     * length (a point's 44 places at stride 44; the two halves of a pair of arrays, n apart).
     */
    private static boolean disjoint(Ir.Loop l) {
        var stores = new ArrayList<Ir.Store>();
        for (S s : l.body()) stores.add((Ir.Store) s);
        Var v = l.v();
        for (int i = 0; i < stores.size(); i++)
            for (int j = i + 1; j < stores.size(); j++) {
                Ir.Store a = stores.get(i), b = stores.get(j);
                if (a.b() != b.b()) continue;
                if (!a.ix().terms().equals(b.ix().terms())) return false;
                long c = a.ix().coeff(v), d = (long) b.ix().c() - a.ix().c();
                if (d % c == 0 && Math.abs(d / c) < v.n) return false;
            }
        return true;
    }

    /**
     * {@return whether the store's value reads nothing the loop writes, except its own place}: an
     * update {@code b[ix] = f(b[ix], …)} (partial sums accumulated across blocks, lane by lane) reads
     * each element before the one store that writes it, which no other store or iteration writes
     * ({@link #disjoint}), as the scalar loop does; any other read of a written buffer could see
     * another lane's store too early or too late.
     */
    private static boolean updatesOnly(Ir.Store st, BitSet writes) {
        if (!st.e().reads.intersects(writes)) return true;
        var others = (BitSet) writes.clone();
        others.clear(st.b().id);
        if (st.e().reads.intersects(others)) return false;
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<E>(List.of(st.e()));
        while (!stack.isEmpty()) {
            E e = stack.removeLast();
            if (!e.reads.get(st.b().id) || !seen.add(e)) continue;
            if (e instanceof Ir.Load ld && ld.b == st.b() && !ld.ix.equals(st.ix())) return false;
            if (e instanceof Ir.Reduce) return false;
            stack.addAll(e.kids());
        }
        return true;
    }

    /** Whether vector loops gather and scatter at strides other than 1 ({@code -Dcatad.jit.strided=false}: unit stride only, for comparison). */
    private static final boolean STRIDED = !"false".equals(System.getProperty("catad.jit.strided"));

    /**
     * At most this many {@link VecMath} calls in one vector loop: beyond about that much Vector API
     * code in one method C2 stops inlining, and vectors that are not inlined are boxed objects,
     * slower than scalar code. (A loop with more is split, or runs as scalar code, with the same bits.)
     */
    private static final int MAX_VECMATH_CALLS = Integer.getInteger("catad.jit.vecmathCalls", 8);

    /**
     * A vector loop with more than {@link #C1_VECMATH_CALLS} {@link VecMath} calls is split when its
     * body is estimated above this many bytes, for C1, HotSpot's first compiler: on such a loop (five
     * calls, 4,368 bytes estimated, a 3,923-byte method: GradBench's gmm 2_5_1000 gradient) it gave up
     * ("out of virtual registers in linear scan"), the method stayed at C1's level without profiling
     * and did not reach C2 in the 12 seconds we watched — 1 ms a call instead of 65 µs, in most JVMs
     * but not all (whichever compiler got to the method first).
     */
    private static final int C1_VECTOR_BUDGET = 3_000;
    private static final int C1_VECMATH_CALLS = 4;

    /**
     * A loop whose body is estimated above this many bytes of vector code is not a vector loop: it
     * is one method, and above 8,000 bytes HotSpot would not compile it (a GMM gradient's loop over
     * points, 535 nodes, came to 14,652 bytes and ran in the bytecode interpreter, 20× slower than
     * its scalar form).
     */
    private static final int VECTOR_BUDGET = 7_000;
    /** Bytes of vector code per node, measured on GMM kernels (18.6 for the primal's loop over points, 27 for the gradient's, with its scatters). */
    private static final int VECTOR_BYTES_PER_NODE = 28;

    /** {@return how many distinct {@link VecMath} calls along v the expressions need} */
    private int vecMathCalls(List<E> roots, Var v) {
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        var stack = new ArrayList<E>(roots);
        int calls = 0;
        while (!stack.isEmpty()) {
            E e = stack.removeLast();
            if (!e.vars.get(v.id) || !seen.add(e)) continue;
            if (e instanceof Ir.Un u && unaryOp(u.p) instanceof String op && op.startsWith("vecmath "))
                calls++;
            stack.addAll(e.kids());
        }
        return calls;
    }

    /** {@return whether e can be computed on vectors along v, with the same bits in every lane as the scalar code} */
    private boolean vectorOk(E e, Var v, Map<E, Boolean> memo) {
        if (!e.vars.get(v.id)) return true;
        Boolean known = memo.get(e);
        if (known != null) return known;
        boolean ok = switch (e) {
            case Ir.Num n -> true;
            case Ir.Load l -> l.ix.coeff(v) != 0;     // unit stride a vector load, any other a gather (see worthVectors)
            case Ir.Pos q -> q.ix.coeff(v) != 0;
            case Ir.Bin b -> vectorOk(b.a, v, memo) && vectorOk(b.b, v, memo);
            case Ir.Un u -> unaryOp(u.p) != null && vectorOk(u.a, v, memo);
            case Ir.Prim2 p -> binaryOp(p.p) != null && vectorOk(p.a, v, memo) && vectorOk(p.b, v, memo);
            case Ir.Sel x -> vectorOk(x.t, v, memo) && vectorOk(x.a, v, memo) && vectorOk(x.b, v, memo);
            case Ir.Reduce r -> false;
        };
        memo.put(e, ok);
        return ok;
    }

    /**
     * {@return how a unary primitive runs on vectors: "square", "abs", "recip", "relu", "vecmath f"
     * (catad's own {@link VecMath}, StrictMath's bits in every lane), or the name of a
     * {@code VectorOperators} lanewise operation; null when it does not}. {@code sqrt} is correctly
     * rounded in both; the Vector API's own transcendentals only with {@code fastMath}, since they
     * differ from {@link StrictMath} in the last bits.
     */
    private String unaryOp(Primitive.Unary p) {
        if (p.equals(catad.dsl.Prims.SQUARE)) return "square";
        if (p.equals(catad.dsl.Prims.ABS)) return "abs";
        if (p.equals(catad.dsl.Prims.RECIP)) return "recip";
        if (p.equals(catad.dsl.Prims.SQRT)) return "SQRT";
        if (p.equals(catad.dsl.Prims.RELU)) return "relu";
        if (!fastMath) {
            // StrictMath's bits on vectors (VecMath); two-lane masks are slow on x86, so only from four lanes
            if (lanes < 4) return null;
            if (p.equals(catad.dsl.Prims.EXP)) return "vecmath exp";
            if (p.equals(catad.dsl.Prims.LOG)) return "vecmath log";
            if (p.equals(catad.dsl.Prims.EXPM1)) return "vecmath expm1";
            // -Dcatad.jit.vectorTrig=false: sin and cos scalar, for comparison (read at each compilation)
            boolean trig = !"false".equals(System.getProperty("catad.jit.vectorTrig"));
            if (trig && p.equals(catad.dsl.Prims.SIN)) return "vecmath sin";
            if (trig && p.equals(catad.dsl.Prims.COS)) return "vecmath cos";
            // -Dcatad.jit.vectorTanh=false: tanh scalar, for comparison (read at each compilation)
            if (!"false".equals(System.getProperty("catad.jit.vectorTanh")) && p.equals(catad.dsl.Prims.TANH)) return "vecmath tanh";
            return null;
        }
        if (p.equals(catad.dsl.Prims.EXP)) return "EXP";
        if (p.equals(catad.dsl.Prims.LOG)) return "LOG";
        if (p.equals(catad.dsl.Prims.SIN)) return "SIN";
        if (p.equals(catad.dsl.Prims.COS)) return "COS";
        if (p.equals(catad.dsl.Prims.TANH)) return "TANH";
        if (p.equals(catad.dsl.Prims.EXPM1)) return "EXPM1";
        if (p.equals(catad.dsl.Prims.LOG1P)) return "LOG1P";
        return null;
    }

    /**
     * {@return the {@code DoubleVector} method computing a binary primitive, or null}: {@code div},
     * and {@code max}/{@code min}, whose lanewise versions treat NaN and ±0 exactly as
     * {@link Math#max}/{@link Math#min} do (checked in the tests)
     */
    private static String binaryOp(Primitive.Binary p) {
        if (p.equals(catad.dsl.Prims.DIV)) return "div";
        if (p.equals(catad.dsl.Prims.MAX)) return "max";
        if (p.equals(catad.dsl.Prims.MIN)) return "min";
        return null;
    }

    /** The loop in steps of {@link #lanes}, then the remaining iterations one by one (the bound is known: the loop is static). */
    private void vectorLoop(Ir.Loop l) {
        usedVectors = true;
        Var v = l.v();
        int n = v.n, vectorEnd = n / lanes * lanes;
        int slot = cb.allocateLocal(TypeKind.INT);
        varSlot.put(v, slot);
        bound.set(v.id);
        cb.iconst_0();
        cb.istore(slot);
        Label top = cb.newLabel(), tail = cb.newLabel(), end = cb.newLabel();
        cb.labelBinding(top);
        cb.iload(slot);
        cb.loadConstant(vectorEnd);
        cb.if_icmpge(tail);
        if (vecMathCalls(l.body().stream().map(s -> ((Ir.Store) s).e()).toList(), v) > 0) guardIndex(slot, () -> cb.loadConstant(vectorEnd));
        inScope(() -> {
            var vs = new IdentityHashMap<E, Integer>();
            for (S s : l.body()) vectorStore((Ir.Store) s, v, vs, false);
        });
        cb.iinc(slot, lanes);
        cb.goto_(top);
        cb.labelBinding(tail);
        cb.iload(slot);
        cb.loadConstant(n);
        cb.if_icmpge(end);
        inScope(() -> block(l.body()));
        cb.iinc(slot, 1);
        cb.goto_(tail);
        cb.labelBinding(end);
        bound.clear(v.id);
        varSlot.remove(v);
    }

    /**
     * Emits {@code Objects.checkIndex(i, limit)} and drops its result: at the top of a vector loop
     * whose body calls {@link VecMath}, where i is below the limit by the loop's own test, so it
     * changes nothing but what C2 does with the loop. Without it, a body whose first array access is
     * at an offset ({@code x[296 + i]}, as the second half of an input or a workspace region is)
     * and that then runs a large VecMath function ({@code tanh}, or a loop of several) made C2 give
     * up on the whole method ("Too many clones required in clone_for_use_outside_loop in partial
     * peeling": it runs past its node limit when it peels the loop at that first range check); the
     * method stayed in C1's code, boxing every vector (100 KB a call in the gradient of three steps
     * of {@code map (tanh . scale 1.5)}). With a check on i itself first, C2 compiles it.
     */
    private void guardIndex(int slot, Runnable limit) {
        if (!GUARD_INDEX) return;
        cb.iload(slot);
        limit.run();
        cb.invokestatic(CD_OBJECTS, "checkIndex", MethodTypeDesc.of(CD_int, CD_int, CD_int));
        cb.pop();
    }

    /** {@code -Dcatad.jit.guardIndex=false} leaves {@link #guardIndex} out, for comparison. */
    private static final boolean GUARD_INDEX = !"false".equals(System.getProperty("catad.jit.guardIndex"));

    /**
     * Stores the lanes of a store's value, computed on vectors along v: at unit stride, or scattered
     * — by the Vector API's scatter, or, with {@code byRow}, through a scratch row of the workspace
     * (one vector store, then a scalar copy per lane: C1 compiles a method with many of these,
     * while the Vector API's scatters, which it inlines whole, make it give up).
     */
    private void vectorStore(Ir.Store st, Var v, Map<E, Integer> vs, boolean byRow) {
        int x = vec(st.e(), v, vs);
        cb.aload(x);
        array(st.b());
        index(st.b(), st.ix());
        int c = st.ix().coeff(v);
        if (c == 1) cb.invokevirtual(CD_DOUBLE_VECTOR, "intoArray", MethodTypeDesc.of(CD_void, CD_DOUBLES, CD_int));
        else if (byRow) {
            // stride c through a scratch row: x.intoArray(ws, row), then b[place + c·j] = ws[row + j]
            scattersEmitted++;
            int at = cb.allocateLocal(TypeKind.INT);
            cb.istore(at);
            int arr = cb.allocateLocal(TypeKind.REFERENCE);
            cb.astore(arr);
            cb.pop();
            if (scatterRow < 0) { scatterRow = wsSize; wsSize += lanes; }
            cb.aload(x);
            cb.aload(WS);
            cb.loadConstant(scatterRow);
            cb.invokevirtual(CD_DOUBLE_VECTOR, "intoArray", MethodTypeDesc.of(CD_void, CD_DOUBLES, CD_int));
            for (int j = 0; j < lanes; j++) {
                cb.aload(arr);
                cb.iload(at);
                if (j > 0) { cb.loadConstant(c * j); cb.iadd(); }
                cb.aload(WS);
                cb.loadConstant(scatterRow + j);
                cb.daload();
                cb.dastore();
            }
        } else {
            // stride c: lane j writes the first lane's place + c·j (a scatter)
            scattersEmitted++;
            cb.ldc(constant(strideMap(c), CD_int.arrayType()));
            cb.iconst_0();
            cb.invokevirtual(CD_DOUBLE_VECTOR, "intoArray", MethodTypeDesc.of(CD_void, CD_DOUBLES, CD_int, CD_int.arrayType(), CD_int));
        }
    }

    // ---------------------------------------------------------------- vector loops too large for one method

    /**
     * A vector loop cut into groups of stores, each group a method of its own; the values a later
     * group reads from an earlier one (beyond loads, which each group makes again), by the group
     * that computes them ({@code made}) and by the groups that read them ({@code read}).
     */
    private record Split(List<List<Ir.Store>> groups, List<List<E>> made, List<List<E>> read) {}

    /**
     * Iterations of a split vector loop each group runs before the next group runs (a multiple of
     * the lanes): the values passed between groups, a double per iteration each, stay in the
     * first-level cache. 32 ran JitBench's GMM gradient fastest of 16, 32, 64 and 128.
     */
    private static final int CHUNK = Integer.getInteger("catad.jit.chunk", 32);
    /** The workspace row split vector loops scatter through, allocated on first use. */
    private int scatterRow = -1;
    /**
     * Estimated bytes of vector code per group of a split vector loop. Not C2's limit but C1's: a
     * method with more Vector API code than C1 can allocate registers for is compiled by C1 at tier
     * 2 and fails at tier 3, and HotSpot then never compiles it with C2 (it waits for a profile that
     * tier 2 does not collect), so the loop runs 10× slower than scalar code. GMM gradient groups of
     * 1,000 bytes with four VecMath calls, or with scatters, failed; 1,500 through a scratch row
     * ({@link #vectorStore}) compiled.
     */
    private static final int SPLIT_BUDGET = Integer.getInteger("catad.jit.splitBudget", 1_500);
    /** Whether vector loops too large for one method are split ({@code -Dcatad.jit.split=false}: outlined as scalar code, for comparison). */
    private static final boolean SPLIT = !"false".equals(System.getProperty("catad.jit.split"));

    private final Map<Ir.Loop, Optional<Split>> splits = new IdentityHashMap<>();

    /**
     * {@return how a loop that would run on vectors but is too large for one method is cut, or null}:
     * its stores' values in postorder, then each store, a group closed when the next value would
     * take it over {@link #SPLIT_BUDGET} or {@link #MAX_VECMATH_CALLS}. A value is computed in one
     * group and passed on to later groups that read it (loads and loop-invariant values are made
     * again by each; a value that reads a place the loop writes, an update's own, by each group that
     * needs it). Since the stores are disjoint and read no place another store writes
     * ({@link #vectorBody}), running the groups one after the other over a chunk of iterations
     * leaves memory as the scalar loop does.
     */
    private Split split(Ir.Loop l) {
        return splits.computeIfAbsent(l, k -> Optional.ofNullable(cutVector(k))).orElse(null);
    }

    private Split cutVector(Ir.Loop l) {
        if (!SPLIT || lanes == 0 || l.v().n < lanes || !vectorBody(l)) return null;
        var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        Var v = l.v();
        List<E> all = roots(l);
        // small enough for one vector method, with few enough VecMath calls: vectorLoop, or scalar, decides
        long bytes = (long) inner(l, seen) * VECTOR_BYTES_PER_NODE;
        int allCalls = vecMathCalls(all, v);
        if (bytes <= VECTOR_BUDGET && allCalls <= MAX_VECMATH_CALLS && (bytes <= C1_VECTOR_BUDGET || allCalls <= C1_VECMATH_CALLS)) return null;
        if ((scattered(l) || strided(all, v)) && !(STRIDED && allCalls > 0)) return null;
        int limit = SPLIT_BUDGET / VECTOR_BYTES_PER_NODE;
        // a value that reads what the loop writes (an update's own place) is made by each group that needs it:
        // passed on, it would be read before the stores of earlier iterations of the chunk
        var written = new BitSet();
        writes(l.body(), written);
        var groups = new ArrayList<List<Ir.Store>>();
        var read = new ArrayList<List<E>>();
        var group = new IdentityHashMap<E, Integer>();   // the group that computes each scheduled value
        var stores = new ArrayList<Ir.Store>();
        var refs = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());   // leaves and inputs the group reads
        var inputs = new java.util.LinkedHashSet<E>();
        int size = 0, calls = 0;
        var done = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        for (S s : l.body()) {
            var st = (Ir.Store) s;
            // the store's values in postorder (an explicit stack: expressions can be deep), then the store
            var order = new ArrayList<E>();
            var stack = new ArrayList<Object[]>();
            stack.add(new Object[] {st.e(), false});
            while (!stack.isEmpty()) {
                Object[] top = stack.removeLast();
                E e = (E) top[0];
                if (done.contains(e)) continue;
                if (!scheduled(e, v, written)) {
                    // a value made where it is needed: its operands are scheduled
                    if (see(e, v, written) && done.add(e)) for (E k : e.kids()) stack.add(new Object[] {k, false});
                    continue;
                }
                if ((Boolean) top[1]) { if (done.add(e)) order.add(e); continue; }
                stack.add(new Object[] {e, true});
                for (E k : e.kids()) stack.add(new Object[] {k, false});
            }
            order.add(null);   // the store
            for (E e : order) {
                var kids = new ArrayList<E>();
                for (E k : e == null ? List.of(st.e()) : e.kids()) operands(k, v, written, kids);
                int add = 1, c = e instanceof Ir.Un u && unaryOp(u.p) instanceof String op && op.startsWith("vecmath ") ? 1 : 0;
                for (E k : kids) if (newRef(k, v, written, group, groups.size(), refs)) add++;
                if (size > 0 && (size + add > limit || calls + c > MAX_VECMATH_CALLS)) {
                    groups.add(stores);
                    read.add(new ArrayList<>(inputs));
                    stores = new ArrayList<>();
                    refs.clear();
                    inputs.clear();
                    size = 0;
                    calls = 0;
                    add = 1;
                    for (E k : kids) if (newRef(k, v, written, group, groups.size(), refs)) add++;
                }
                for (E k : kids) {
                    Integer p = group.get(k);
                    if (p != null && p < groups.size()) inputs.add(k);
                    if (!scheduled(k, v, written) || p != null && p < groups.size()) refs.add(k);
                }
                size += add;
                calls += c;
                if (e == null) stores.add(st);
                else group.put(e, groups.size());
            }
        }
        groups.add(stores);
        read.add(new ArrayList<>(inputs));
        if (groups.size() < 2) return null;
        for (var r : read) if (r.size() * 2 > limit) return null;   // reading the inputs alone would fill a method
        var made = new ArrayList<List<E>>();
        for (int g = 0; g < groups.size(); g++) made.add(new ArrayList<>());
        var passed = java.util.Collections.newSetFromMap(new IdentityHashMap<E, Boolean>());
        for (var r : read) for (E e : r) if (passed.add(e)) made.get(group.get(e)).add(e);
        return new Split(groups, made, read);
    }

    /** {@return whether e is an operation along v (not a constant, load or index, which each group makes itself)} */
    private static boolean operation(E e, Var v) {
        return e.vars.get(v.id) && !(e instanceof Ir.Num || e instanceof Ir.Load || e instanceof Ir.Pos);
    }

    /** {@return whether e is computed by one group and passed to the others that need it} */
    private static boolean scheduled(E e, Var v, BitSet written) { return operation(e, v) && !e.reads.intersects(written); }

    /** {@return whether e is computed along v by whatever group needs it, from operands scheduled on their own} */
    private static boolean see(E e, Var v, BitSet written) { return operation(e, v) && e.reads.intersects(written); }

    /** Gives {@code into} k, and, where k is made where it is needed ({@link #see}), its operands too, recursively. */
    private static void operands(E k, Var v, BitSet written, List<E> into) {
        var stack = new ArrayList<E>(List.of(k));
        while (!stack.isEmpty()) {
            E e = stack.removeLast();
            into.add(e);
            if (see(e, v, written)) stack.addAll(e.kids());
        }
    }

    /** {@return whether the group being filled reads k as a leaf or input it has not read yet} */
    private static boolean newRef(E k, Var v, BitSet written, Map<E, Integer> group, int current, java.util.Set<E> refs) {
        if (k instanceof Ir.Num || refs.contains(k)) return false;
        if (!scheduled(k, v, written)) return true;
        Integer p = group.get(k);
        return p != null && p < current;
    }

    /**
     * {@return whether a split vector loop may run its groups over several iterations of the loop
     * around it}: its length is whole vectors, and no two of its stores write one place in any two
     * iterations of both loops (a place every outer iteration updates, as {@link Accumulate}'s
     * partial sums are, is one store's only), so each place sees its stores in the same order.
     */
    private boolean acrossOuter(Ir.Loop outer, Ir.Loop l) {
        if (l.v().n % lanes != 0) return false;
        Var o = outer.v(), v = l.v();
        var stores = new ArrayList<Ir.Store>();
        for (S s : l.body()) stores.add((Ir.Store) s);
        for (int i = 0; i < stores.size(); i++)
            for (int j = i + 1; j < stores.size(); j++) {
                Ir.Store a = stores.get(i), b = stores.get(j);
                if (a.b() != b.b()) continue;
                long alpha = a.ix().coeff(o), beta = a.ix().coeff(v), d = (long) b.ix().c() - a.ix().c();
                if (alpha == 0) continue;   // as in one outer iteration: disjoint
                if (d % java.math.BigInteger.valueOf(alpha).gcd(java.math.BigInteger.valueOf(beta)).longValueExact() != 0) continue;
                if (o.n > 65_536) return false;
                for (long k = 1 - o.n; k < o.n; k++) {
                    long r = d - alpha * k;
                    if (r % beta == 0 && Math.abs(r / beta) < v.n) return false;
                }
            }
        return true;
    }

    /**
     * A vector loop too large for one method ({@link #split}): each group of stores a method that
     * runs them on vectors over a chunk of iterations, reading the values earlier groups computed
     * from the workspace (a region per value, a double per iteration of the chunk) and leaving there
     * those later groups read; the code here calls the groups in order for each chunk. Without an
     * outer loop a chunk is {@link #CHUNK} iterations of l, and the iterations after the last whole
     * vector run as an outlined scalar loop; with one ({@link #acrossOuter}), a chunk is whole runs
     * of l for {@code CHUNK / l.n} iterations of the outer loop, so that each call does some work.
     */
    private void splitVectorLoop(Ir.Loop outer, Ir.Loop l, Split sp) {
        usedVectors = true;
        splitEmitted++;
        Ir.Loop top = outer != null ? outer : l;
        forgetWritesOf(List.of(top));
        hoistOutlined(top);
        spillWhatTheBodyReads(top);
        Var v = l.v();
        int n = v.n, vectorEnd = n / lanes * lanes;
        // the range of iterations a call runs: of l, or of the outer loop
        int total = outer != null ? outer.v().n : vectorEnd;
        int inner = Math.max(lanes, CHUNK / lanes * lanes);
        int chunk = outer != null ? Math.max(1, CHUNK / n) : inner;
        int perChunk = outer != null ? chunk * n : inner;   // doubles of a value's region
        var vars = boundVars();
        var params = new ArrayList<ClassDesc>(List.of(CD_DOUBLES, CD_DOUBLES, CD_DOUBLES));
        for (int i = 0; i < vars.size() + 2; i++) params.add(CD_int);
        var type = MethodTypeDesc.of(CD_void, params);
        var region = new IdentityHashMap<E, Integer>();
        for (var m : sp.made()) for (E e : m) { region.put(e, wsSize); wsSize += perChunk; }
        var written = new BitSet();
        writes(l.body(), written);
        String name = "vloop" + outlined++;
        if (TRACE) System.err.println("catad jit: vector loop " + v + " < " + n + (outer != null ? " in " + outer.v() + " < " + outer.v().n : "")
                + " split into " + sp.groups().size() + " methods " + name + "_*, " + region.size() + " values passed between them");
        for (int g = 0; g < sp.groups().size(); g++) {
            var stores = sp.groups().get(g);
            var in = sp.read().get(g);
            var out = sp.made().get(g);
            method(name + "_" + g, type, vars, Map.of(), 0, false, () -> {
                int from = 3 + vars.size(), to = from + 1;
                var seen = new IdentityHashMap<E, Boolean>();
                for (Ir.Store st : stores) hoistFrom(st.e(), written, seen);
                // the place of iteration (o, i) in a region: (o − from)·n + i, or i − from without an outer loop
                int o = outer != null ? cb.allocateLocal(TypeKind.INT) : -1;
                int i = cb.allocateLocal(TypeKind.INT), at = cb.allocateLocal(TypeKind.INT);
                Runnable vectors = () -> {
                    Label head = cb.newLabel(), end = cb.newLabel();
                    cb.labelBinding(head);
                    cb.iload(i);
                    if (outer != null) cb.loadConstant(vectorEnd); else cb.iload(to);
                    cb.if_icmpge(end);
                    guardIndex(i, () -> { if (outer != null) cb.loadConstant(vectorEnd); else cb.iload(to); });
                    inScope(() -> {
                        var vs = new IdentityHashMap<E, Integer>();
                        for (E e : in) {
                            cb.getstatic(CD_THIS, "SPECIES", CD_SPECIES);
                            cb.aload(WS);
                            cb.iload(at);
                            cb.loadConstant(region.get(e));
                            cb.iadd();
                            cb.invokestatic(CD_DOUBLE_VECTOR, "fromArray", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_SPECIES, CD_DOUBLES, CD_int));
                            vstore(e, vs);
                        }
                        for (Ir.Store st : stores) vectorStore(st, v, vs, true);
                        for (E e : out) {
                            int x = vec(e, v, vs);
                            cb.aload(x);
                            cb.aload(WS);
                            cb.iload(at);
                            cb.loadConstant(region.get(e));
                            cb.iadd();
                            cb.invokevirtual(CD_DOUBLE_VECTOR, "intoArray", MethodTypeDesc.of(CD_void, CD_DOUBLES, CD_int));
                        }
                    });
                    cb.iinc(i, lanes);
                    cb.iinc(at, lanes);
                    cb.goto_(head);
                    cb.labelBinding(end);
                };
                cb.iconst_0();
                cb.istore(at);
                if (outer == null) {
                    varSlot.put(v, i);
                    bound.set(v.id);
                    cb.iload(from);
                    cb.istore(i);
                    vectors.run();
                } else {
                    varSlot.put(outer.v(), o);
                    bound.set(outer.v().id);
                    varSlot.put(v, i);
                    bound.set(v.id);
                    cb.iload(from);
                    cb.istore(o);
                    Label head = cb.newLabel(), end = cb.newLabel();
                    cb.labelBinding(head);
                    cb.iload(o);
                    cb.iload(to);
                    cb.if_icmpge(end);
                    cb.iconst_0();
                    cb.istore(i);
                    inScope(vectors);
                    cb.iinc(o, 1);
                    cb.goto_(head);
                    cb.labelBinding(end);
                }
            });
        }
        // for (c = 0; c < total; c += chunk) for each group: name_g(x, y, ws, outer indices…, c, min(c + chunk, total))
        int c = cb.allocateLocal(TypeKind.INT);
        cb.iconst_0();
        cb.istore(c);
        Label head = cb.newLabel(), end = cb.newLabel();
        cb.labelBinding(head);
        cb.iload(c);
        cb.loadConstant(total);
        cb.if_icmpge(end);
        for (int g = 0; g < sp.groups().size(); g++) {
            cb.aload(X);
            cb.aload(Y);
            cb.aload(WS);
            for (Var u : vars) cb.iload(varSlot.get(u));
            cb.iload(c);
            cb.iload(c);
            cb.loadConstant(chunk);
            cb.iadd();
            cb.loadConstant(total);
            cb.invokestatic(CD_MATH, "min", MethodTypeDesc.of(CD_int, CD_int, CD_int));
            cb.invokestatic(CD_THIS, name + "_" + g, type);
        }
        cb.loadConstant(chunk);
        cb.iload(c);
        cb.iadd();
        cb.istore(c);
        cb.goto_(head);
        cb.labelBinding(end);
        forgetWritesOf(List.of(top));
        if (outer == null && vectorEnd < n) outline(l, vectorEnd);
    }

    // ---------------------------------------------------------------- sums along the outer index

    /**
     * {@return whether a loop over j storing {@code Σᵢ body(i, j)} at unit stride in j should run
     * with the loops swapped}: when the body is unit-stride in j (a matrix walked by columns,
     * {@code Aᵀ·v}; a sum of arrays), rows are walked in memory order and j runs on vectors.
     */
    private boolean interchangeable(Ir.Loop l) {
        if (lanes == 0 || l.v().n < lanes || l.body().size() != 1 || !(l.body().get(0) instanceof Ir.Store st)) return false;
        Ir.Reduce r = interchangedReduce(st);
        if (st.ix().coeff(l.v()) != 1 || r == null || r.op != Ir.Red.SUM || r.v.n < 8) return false;
        // the sum, and what is added to it after (a second contribution to a gradient, a bias)
        List<E> parts = st.e() == r ? List.of(r.body) : List.of(r.body, addedToSum(st, r));
        var memo = new IdentityHashMap<E, Boolean>();
        return parts.stream().noneMatch(e -> e.reads.get(st.b().id)) && parts.stream().allMatch(e -> vectorOk(e, l.v(), memo))
                && !strided(parts, l.v()) && vecMathCalls(parts, l.v()) <= MAX_VECMATH_CALLS;
    }

    /** {@return the sum a store writes, alone or as one operand of an addition ({@code Σᵢ … + e}, {@code e + Σᵢ …}), or null} */
    private static Ir.Reduce interchangedReduce(Ir.Store st) {
        if (st.e() instanceof Ir.Reduce r) return r;
        if (!(st.e() instanceof Ir.Bin b) || b.op != Ir.Op.ADD) return null;
        if (b.a instanceof Ir.Reduce r && !b.b.vars.get(r.v.id)) return r;
        if (b.b instanceof Ir.Reduce r && !b.a.vars.get(r.v.id)) return r;
        return null;
    }

    /** {@return the other operand of the addition whose one operand is the sum r, or null when the store writes r alone} */
    private static E addedToSum(Ir.Store st, Ir.Reduce r) {
        if (!(st.e() instanceof Ir.Bin b)) return null;
        return b.a == r ? b.b : b.a;
    }

    /**
     * {@code out[j] = Σᵢ body(i, j)} for all j, in the canonical order of each sum, rows outside:
     * eight rows of partial sums in the workspace (row {@code i mod 8} takes term i), the rows added
     * along j on vectors, then per j the tree {@code ((r0+r4)+(r2+r6))+((r1+r5)+(r3+r7))} and the
     * remaining terms in order — the bits of eight running partial sums, as everywhere. A store of
     * {@code Σ + e} (or {@code e + Σ}) adds e, on vectors along j too, once its sum is complete.
     */
    private void interchangedSum(Ir.Loop l, Ir.Store st, Ir.Reduce r) {
        usedVectors = true;
        Var j = l.v(), i = r.v;
        E added = addedToSum(st, r);
        boolean sumFirst = added != null && ((Ir.Bin) st.e()).a == r;
        int nj = j.n, ni = i.n, n8 = ni / 8 * 8, jb = nj / lanes * lanes;
        boolean guard = vecMathCalls(List.of(r.body), j) > 0;
        int acc = wsSize;
        wsSize += 8 * nj;
        cb.aload(WS);
        cb.loadConstant(acc);
        cb.loadConstant(acc + 8 * nj);
        cb.dconst_0();
        cb.invokestatic(ClassDesc.of("java.util.Arrays"), "fill", MethodTypeDesc.of(CD_void, CD_DOUBLES, CD_int, CD_int, CD_double));
        int row = cb.allocateLocal(TypeKind.INT);
        counted(i, 0, n8, () -> inScope(() -> {
            hoistFrom(r.body, new BitSet(), new IdentityHashMap<>());
            cb.iload(varSlot.get(i));
            cb.loadConstant(7);
            cb.iand();
            cb.loadConstant(nj);
            cb.imul();
            cb.loadConstant(acc);
            cb.iadd();
            cb.istore(row);
            alongJ(j, jb, nj, guard, () -> {
                int t = vec(r.body, j, new IdentityHashMap<>());
                cb.getstatic(CD_THIS, "SPECIES", CD_SPECIES);
                cb.aload(WS);
                rowPlusJ(row, j);
                cb.invokestatic(CD_DOUBLE_VECTOR, "fromArray", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_SPECIES, CD_DOUBLES, CD_int));
                cb.aload(t);
                cb.invokevirtual(CD_DOUBLE_VECTOR, "add", VEC_BINARY);
                cb.aload(WS);
                rowPlusJ(row, j);
                cb.invokevirtual(CD_DOUBLE_VECTOR, "intoArray", MethodTypeDesc.of(CD_void, CD_DOUBLES, CD_int));
            }, () -> {
                int t = value(r.body);
                cb.aload(WS);
                rowPlusJ(row, j);
                cb.dup2();
                cb.daload();
                push(r.body, t);
                cb.dadd();
                cb.dastore();
            });
        }));
        int[] order = {0, 4, 2, 6, 1, 5, 3, 7};
        alongJ(j, jb, nj, guard, () -> {
            int[] p = new int[8];
            for (int k : order) {
                cb.getstatic(CD_THIS, "SPECIES", CD_SPECIES);
                cb.aload(WS);
                cb.loadConstant(acc + k * nj);
                cb.iload(varSlot.get(j));
                cb.iadd();
                cb.invokestatic(CD_DOUBLE_VECTOR, "fromArray", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_SPECIES, CD_DOUBLES, CD_int));
                p[k] = cb.allocateLocal(TypeKind.REFERENCE);
                cb.astore(p[k]);
            }
            int s = cb.allocateLocal(TypeKind.REFERENCE);
            cb.aload(p[0]); cb.aload(p[4]); cb.invokevirtual(CD_DOUBLE_VECTOR, "add", VEC_BINARY);
            cb.aload(p[2]); cb.aload(p[6]); cb.invokevirtual(CD_DOUBLE_VECTOR, "add", VEC_BINARY);
            cb.invokevirtual(CD_DOUBLE_VECTOR, "add", VEC_BINARY);
            cb.aload(p[1]); cb.aload(p[5]); cb.invokevirtual(CD_DOUBLE_VECTOR, "add", VEC_BINARY);
            cb.aload(p[3]); cb.aload(p[7]); cb.invokevirtual(CD_DOUBLE_VECTOR, "add", VEC_BINARY);
            cb.invokevirtual(CD_DOUBLE_VECTOR, "add", VEC_BINARY);
            cb.invokevirtual(CD_DOUBLE_VECTOR, "add", VEC_BINARY);
            cb.astore(s);
            counted(i, n8, ni, () -> inScope(() -> {
                int t = vec(r.body, j, new IdentityHashMap<>());
                cb.aload(s);
                cb.aload(t);
                cb.invokevirtual(CD_DOUBLE_VECTOR, "add", VEC_BINARY);
                cb.astore(s);
            }));
            if (added != null) {
                // Σ + e or e + Σ, operands in the program's order
                int t = vec(added, j, new IdentityHashMap<>());
                cb.aload(sumFirst ? s : t);
                cb.aload(sumFirst ? t : s);
                cb.invokevirtual(CD_DOUBLE_VECTOR, "add", VEC_BINARY);
                cb.astore(s);
            }
            cb.aload(s);
            array(st.b());
            index(st.b(), st.ix());
            cb.invokevirtual(CD_DOUBLE_VECTOR, "intoArray", MethodTypeDesc.of(CD_void, CD_DOUBLES, CD_int));
        }, () -> {
            int[] p = new int[8];
            for (int k : order) {
                cb.aload(WS);
                cb.loadConstant(acc + k * nj);
                cb.iload(varSlot.get(j));
                cb.iadd();
                cb.daload();
                p[k] = store();
            }
            int s = combine(p);
            addRemaining(r, n8, ni, s);
            if (added != null) {
                int t = value(added);
                if (sumFirst) { cb.dload(s); push(added, t); } else { push(added, t); cb.dload(s); }
                cb.dadd();
                cb.dstore(s);
            }
            array(st.b());
            index(st.b(), st.ix());
            cb.dload(s);
            cb.dastore();
        });
        written(st.b());
    }

    private void rowPlusJ(int row, Var j) {
        cb.iload(row);
        cb.iload(varSlot.get(j));
        cb.iadd();
    }

    /** {@code for j < jb step lanes: vector; for j < nj: scalar}, j bound in both; {@link #guardIndex} first in the vector loop if {@code guard}. */
    private void alongJ(Var j, int jb, int nj, boolean guard, Runnable vector, Runnable scalar) {
        int slot = cb.allocateLocal(TypeKind.INT);
        varSlot.put(j, slot);
        bound.set(j.id);
        cb.iconst_0();
        cb.istore(slot);
        Label top = cb.newLabel(), tail = cb.newLabel(), end = cb.newLabel();
        cb.labelBinding(top);
        cb.iload(slot);
        cb.loadConstant(jb);
        cb.if_icmpge(tail);
        if (guard) guardIndex(slot, () -> cb.loadConstant(jb));
        inScope(vector);
        cb.iinc(slot, lanes);
        cb.goto_(top);
        cb.labelBinding(tail);
        cb.iload(slot);
        cb.loadConstant(nj);
        cb.if_icmpge(end);
        inScope(scalar);
        cb.iinc(slot, 1);
        cb.goto_(tail);
        cb.labelBinding(end);
        bound.clear(j.id);
        varSlot.remove(j);
    }

    /**
     * The canonical sum on vectors: {@code 8 / lanes} vector accumulators hold the eight partial
     * sums (lane q of accumulator k is partial sum {@code k·lanes + q}), so the bits are those of
     * the scalar order whatever the vector width; the remaining terms are added one by one.
     */
    private int vectorSum(Ir.Reduce r) {
        usedVectors = true;
        hoistFrom(r.body, new BitSet(), new IdentityHashMap<>());
        Var v = r.v;
        int n = v.n, n8 = n / 8 * 8, k = 8 / lanes;
        int[] acc = new int[k];
        for (int i = 0; i < k; i++) {
            acc[i] = cb.allocateLocal(TypeKind.REFERENCE);
            cb.getstatic(CD_THIS, "SPECIES", CD_SPECIES);
            cb.invokestatic(CD_DOUBLE_VECTOR, "zero", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_SPECIES));
            cb.astore(acc[i]);
        }
        java.util.function.IntConsumer term = i -> {
            int a = acc[i % k];
            int t = vec(r.body, v, new IdentityHashMap<>());
            cb.aload(a);
            cb.aload(t);
            cb.invokevirtual(CD_DOUBLE_VECTOR, "add", VEC_BINARY);
            cb.astore(a);
        };
        int calls = vecMathCalls(List.of(r.body), v);
        if (k == 1 && SUM_UNROLL && calls > 0 && 2 * calls <= UNROLLED_SUM_CALLS) {
            // two blocks an iteration, added in order (the same bits): two independent chains of VecMath
            // code for the processor to overlap, where one chain a block left it waiting on latencies
            int n16 = n8 / 16 * 16;
            blocks(v, 0, n16, 16, 2, 8, true, term);
            blocks(v, n16, n8, 8, 1, 8, true, term);
        } else blocks(v, 0, n8, 8, k, lanes, calls > 0, term);
        int[] part = new int[8];
        for (int l = 0; l < 8; l++) {
            cb.aload(acc[l / lanes]);
            cb.loadConstant(l % lanes);
            cb.invokevirtual(CD_DOUBLE_VECTOR, "lane", MethodTypeDesc.of(CD_double, CD_int));
            part[l] = store();
        }
        int s = combine(part);
        addRemaining(r, n8, n, s);
        return s;
    }

    /**
     * Whether a vector sum of eight lanes whose terms call {@link VecMath} (at most 4 times) takes two
     * blocks of eight terms an iteration: {@code Σ sin(exp xᵢ)} 6.6 → 4.8 ns an element at 10³ and
     * 10⁶ in a harness, 1.2–1.35× in JitBench; log-sum-exp within noise there
     * ({@code -Dcatad.jit.sumUnroll=false} to compare). The same for
     * loops that store (maps) gained nothing, and is not done.
     */
    private static final boolean SUM_UNROLL = !"false".equals(System.getProperty("catad.jit.sumUnroll"));
    /**
     * VecMath calls an unrolled sum may inline, both blocks together: a sum of {@code sin(exp x)·cos x}
     * unrolled (six inlined functions) took C2 two seconds to compile, 140,000 calls in C1's code
     * before it settled, and in a busy JVM sometimes over a minute; with four or fewer it settles as
     * fast as the plain sum.
     */
    private static final int UNROLLED_SUM_CALLS = 4;

    /** The largest term on vectors: lanewise {@code max} is {@link Math#max}, which is associative and commutative, so any order gives the same bits. */
    private int vectorMax(Ir.Reduce r) {
        usedVectors = true;
        hoistFrom(r.body, new BitSet(), new IdentityHashMap<>());
        Var v = r.v;
        int n = v.n, vectorEnd = n / lanes * lanes;
        int acc = cb.allocateLocal(TypeKind.REFERENCE);
        cb.getstatic(CD_THIS, "SPECIES", CD_SPECIES);
        cb.loadConstant(Double.NEGATIVE_INFINITY);
        cb.invokestatic(CD_DOUBLE_VECTOR, "broadcast", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_SPECIES, CD_double));
        cb.astore(acc);
        int at = cb.allocateLocal(TypeKind.INT);
        cb.iconst_0();
        cb.istore(at);
        Label top = cb.newLabel(), done = cb.newLabel();
        cb.labelBinding(top);
        cb.iload(at);
        cb.loadConstant(vectorEnd);
        cb.if_icmpge(done);
        varSlot.put(v, at);
        bound.set(v.id);
        inScope(() -> {
            int t = vec(r.body, v, new IdentityHashMap<>());
            cb.aload(acc);
            cb.aload(t);
            cb.invokevirtual(CD_DOUBLE_VECTOR, "max", VEC_BINARY);
            cb.astore(acc);
        });
        bound.clear(v.id);
        varSlot.remove(v);
        cb.iinc(at, lanes);
        cb.goto_(top);
        cb.labelBinding(done);
        int m = cb.allocateLocal(TypeKind.DOUBLE);
        cb.loadConstant(Double.NEGATIVE_INFINITY);
        cb.dstore(m);
        for (int q = 0; q < lanes; q++) {
            cb.dload(m);
            cb.aload(acc);
            cb.loadConstant(q);
            cb.invokevirtual(CD_DOUBLE_VECTOR, "lane", MethodTypeDesc.of(CD_double, CD_int));
            cb.invokestatic(CD_MATH, "max", MethodTypeDesc.of(CD_double, CD_double, CD_double));
            cb.dstore(m);
        }
        counted(v, vectorEnd, n, () -> inScope(() -> {
            int t = value(r.body);
            cb.dload(m);
            push(r.body, t);
            cb.invokestatic(CD_MATH, "max", MethodTypeDesc.of(CD_double, CD_double, CD_double));
            cb.dstore(m);
        }));
        return m;
    }

    /** {@return the local holding e as a vector of {@link #lanes} consecutive values of v} */
    private int vec(E e, Var v, Map<E, Integer> vs) {
        Integer c = vs.get(e);
        if (c != null) return c;
        if (!e.vars.get(v.id)) {
            int sc = value(e);
            cb.getstatic(CD_THIS, "SPECIES", CD_SPECIES);
            push(e, sc);
            cb.invokestatic(CD_DOUBLE_VECTOR, "broadcast", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_SPECIES, CD_double));
            return vstore(e, vs);
        }
        switch (e) {
            case Ir.Load l when l.ix.coeff(v) == 1 -> {
                cb.getstatic(CD_THIS, "SPECIES", CD_SPECIES);
                array(l.b);
                index(l.b, l.ix);
                cb.invokestatic(CD_DOUBLE_VECTOR, "fromArray", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_SPECIES, CD_DOUBLES, CD_int));
            }
            case Ir.Load l -> {
                // stride c: lane j reads the first lane's index + c·j (a gather; the map is a constant)
                gathersEmitted++;
                cb.getstatic(CD_THIS, "SPECIES", CD_SPECIES);
                array(l.b);
                index(l.b, l.ix);
                cb.ldc(constant(strideMap(l.ix.coeff(v)), CD_int.arrayType()));
                cb.iconst_0();
                cb.invokestatic(CD_DOUBLE_VECTOR, "fromArray",
                        MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_SPECIES, CD_DOUBLES, CD_int, CD_int.arrayType(), CD_int));
            }
            case Ir.Pos q -> {
                // lanes i, i+c, …: the first lane's index, broadcast, plus c times the lane numbers
                cb.getstatic(CD_THIS, "SPECIES", CD_SPECIES);
                index(0, q.ix);
                cb.i2d();
                cb.invokestatic(CD_DOUBLE_VECTOR, "broadcast", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_SPECIES, CD_double));
                cb.loadConstant(q.ix.coeff(v));
                cb.invokevirtual(CD_DOUBLE_VECTOR, "addIndex", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_int));
            }
            case Ir.Bin b -> {
                int x = vec(b.a, v, vs), y = vec(b.b, v, vs);
                cb.aload(x);
                cb.aload(y);
                cb.invokevirtual(CD_DOUBLE_VECTOR, b.op == Ir.Op.ADD ? "add" : "mul", VEC_BINARY);
            }
            case Ir.Prim2 p -> {
                int x = vec(p.a, v, vs), y = vec(p.b, v, vs);
                cb.aload(x);
                cb.aload(y);
                cb.invokevirtual(CD_DOUBLE_VECTOR, binaryOp(p.p), VEC_BINARY);
            }
            case Ir.Un u -> {
                int x = vec(u.a, v, vs);
                String op = unaryOp(u.p);
                switch (op) {
                    case "square" -> { cb.aload(x); cb.aload(x); cb.invokevirtual(CD_DOUBLE_VECTOR, "mul", VEC_BINARY); }
                    case "abs" -> { cb.aload(x); cb.invokevirtual(CD_DOUBLE_VECTOR, "abs", MethodTypeDesc.of(CD_DOUBLE_VECTOR)); }
                    case "relu" -> {
                        // x > 0 ? x : NaN ? x : 0 is max(x, +0.0), bit for bit
                        cb.aload(x);
                        cb.dconst_0();
                        cb.invokevirtual(CD_DOUBLE_VECTOR, "max", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_double));
                    }
                    case "recip" -> {
                        cb.getstatic(CD_THIS, "SPECIES", CD_SPECIES);
                        cb.dconst_1();
                        cb.invokestatic(CD_DOUBLE_VECTOR, "broadcast", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_SPECIES, CD_double));
                        cb.aload(x);
                        cb.invokevirtual(CD_DOUBLE_VECTOR, "div", VEC_BINARY);
                    }
                    case String m when m.startsWith("vecmath ") -> {
                        // through a constant method handle: C2 inlines it late, after the kernel's own vector code
                        vecMathEmitted++;
                        var mt = MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_DOUBLE_VECTOR);
                        cb.ldc(java.lang.constant.MethodHandleDesc.ofMethod(java.lang.constant.DirectMethodHandleDesc.Kind.STATIC,
                                ClassDesc.of("catad.jit.VecMath"), m.substring(8), mt));
                        cb.aload(x);
                        cb.invokevirtual(ConstantDescs.CD_MethodHandle, "invokeExact", mt);
                        if (m.equals("vecmath sin") || m.equals("vecmath cos")) trigLanes(x, m.equals("vecmath sin"));
                    }
                    default -> {
                        cb.aload(x);
                        cb.getstatic(CD_OPERATORS, op, CD_OP_UNARY);
                        cb.invokevirtual(CD_DOUBLE_VECTOR, "lanewise", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_OP_UNARY));
                    }
                }
            }
            case Ir.Sel x -> {
                int t = vec(x.t, v, vs), a = vec(x.a, v, vs), b = vec(x.b, v, vs);
                cb.aload(t);
                cb.getstatic(CD_OPERATORS, "GT", CD_OP_COMPARISON);
                cb.dconst_0();
                cb.invokevirtual(CD_DOUBLE_VECTOR, "compare", MethodTypeDesc.of(CD_MASK, CD_OP_COMPARISON, CD_double));
                int mask = cb.allocateLocal(TypeKind.REFERENCE);
                cb.astore(mask);
                cb.aload(b);
                cb.aload(a);
                cb.aload(mask);
                cb.invokevirtual(CD_DOUBLE_VECTOR, "blend", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_VECTOR, CD_MASK));
            }
            case Ir.Num n -> throw new AssertionError("constants are broadcast");
            case Ir.Reduce r -> throw new AssertionError("a reduction is not vectorized along an outer loop");
        }
        return vstore(e, vs);
    }

    /**
     * With VecMath's sin or cos of the vector in local x on the stack, leaves the function of x there
     * in every lane: where a lane is beyond {@link Trig#MEDIUM}, infinite or NaN, which VecMath leaves
     * to its caller, x goes through a workspace row to {@link Trig#lanes}, out of line, and the
     * result is loaded back. So VecMath's compiled code stays small enough for C2 to inline into
     * kernels (with the fallback inside, it grew past InlineSmallCode once a large argument had
     * been seen), and no vector crosses a call (a vector returned by a call that is not inlined is
     * boxed, and C2 then boxes the other branch's too). Both branches leave their vector in one local.
     */
    private void trigLanes(int x, boolean sin) {
        int y = cb.allocateLocal(TypeKind.REFERENCE);
        cb.astore(y);
        if (trigRow < 0) { trigRow = wsSize; wsSize += lanes; }
        Label done = cb.newLabel();
        cb.aload(x);
        cb.invokevirtual(CD_DOUBLE_VECTOR, "abs", MethodTypeDesc.of(CD_DOUBLE_VECTOR));
        cb.loadConstant(Trig.MEDIUM);
        cb.invokevirtual(CD_DOUBLE_VECTOR, "lt", MethodTypeDesc.of(CD_MASK, CD_double));
        cb.invokevirtual(CD_MASK, "allTrue", MethodTypeDesc.of(CD_boolean));
        cb.ifne(done);
        cb.aload(x);
        cb.aload(WS);
        cb.loadConstant(trigRow);
        cb.invokevirtual(CD_DOUBLE_VECTOR, "intoArray", MethodTypeDesc.of(CD_void, CD_DOUBLES, CD_int));
        cb.aload(WS);
        cb.loadConstant(trigRow);
        cb.loadConstant(lanes);
        cb.loadConstant(sin ? 1 : 0);
        cb.invokestatic(CD_TRIG, "lanes", MethodTypeDesc.of(CD_void, CD_DOUBLES, CD_int, CD_int, CD_boolean));
        cb.getstatic(CD_THIS, "SPECIES", CD_SPECIES);
        cb.aload(WS);
        cb.loadConstant(trigRow);
        cb.invokestatic(CD_DOUBLE_VECTOR, "fromArray", MethodTypeDesc.of(CD_DOUBLE_VECTOR, CD_SPECIES, CD_DOUBLES, CD_int));
        cb.astore(y);
        cb.labelBinding(done);
        cb.aload(y);
    }

    /** The workspace row {@link #trigLanes} passes a vector of sin or cos arguments through, allocated on first use. */
    private int trigRow = -1;

    /** {@return the index map {@code {0, c, 2c, …}} of a gather or scatter at stride c, one per stride} */
    private int[] strideMap(int c) {
        return strides.computeIfAbsent(c, stride -> {
            int[] m = new int[lanes];
            for (int j = 0; j < lanes; j++) m[j] = stride * j;
            return m;
        });
    }

    private int vstore(E e, Map<E, Integer> vs) {
        int slot = cb.allocateLocal(TypeKind.REFERENCE);
        cb.astore(slot);
        vs.put(e, slot);
        return slot;
    }

    // ---------------------------------------------------------------- memory

    private void array(Buf b) {
        switch (b.kind) {
            case IN -> cb.aload(X);
            case OUT -> cb.aload(Y);
            case WS -> cb.aload(WS);
            case CONST -> cb.ldc(constant(b.data, CD_DOUBLES));
        }
    }

    /** Pushes the int index {@code base(b) + ix}. */
    private void index(Buf b, Ix ix) { index(b.kind == Ir.Kind.WS ? b.offset : 0, ix); }

    /** Pushes the int {@code base + ix}. */
    private void index(int offset, Ix ix) {
        int base = offset + ix.c();
        cb.loadConstant(base);
        for (Ir.Term t : ix.terms()) {
            Integer slot = varSlot.get(t.v());
            if (slot == null) throw new IllegalStateException("catad jit: index variable " + t.v() + " used outside its loop");
            cb.iload(slot);
            if (t.a() != 1) { cb.loadConstant(t.a()); cb.imul(); }
            cb.iadd();
        }
    }

    /** StrictMath's functions that built-in primitives are, called as static methods. */
    private static final Map<Primitive, String> STRICT = new IdentityHashMap<>(Map.of(
            catad.dsl.Prims.EXP, "exp", catad.dsl.Prims.LOG, "log",
            catad.dsl.Prims.TANH, "tanh", catad.dsl.Prims.SQRT, "sqrt", catad.dsl.Prims.LOG1P, "log1p", catad.dsl.Prims.EXPM1, "expm1"));
    private static final ClassDesc CD_STRICT = ClassDesc.of("java.lang.StrictMath");
    private static final ClassDesc CD_OBJECTS = ClassDesc.of("java.util.Objects");
    private static final ClassDesc CD_TRIG = ClassDesc.of("catad.jit.Trig");
    private static final MethodTypeDesc D_D = MethodTypeDesc.of(CD_double, CD_double), DD_D = MethodTypeDesc.of(CD_double, CD_double, CD_double);

    /**
     * Pushes a unary primitive's value at its operand: the built-ins that are a {@link StrictMath}
     * method or one instruction as such, any other through its own function as a constant (never
     * through {@code Primitive.Unary.apply}, whose one call site every primitive would share, so
     * that the JVM could inline none of them).
     */
    private void unary(Ir.Un u) {
        if (u.p == catad.dsl.Prims.SIN || u.p == catad.dsl.Prims.COS) {
            // StrictMath's bits without its allocation (Trig)
            push(u.a);
            cb.invokestatic(CD_TRIG, u.p == catad.dsl.Prims.SIN ? "sin" : "cos", D_D);
            return;
        }
        String strict = STRICT.get(u.p);
        if (strict != null) { push(u.a); cb.invokestatic(CD_STRICT, strict, D_D); return; }
        if (u.p == catad.dsl.Prims.SQUARE) { push(u.a); push(u.a); cb.dmul(); return; }
        if (u.p == catad.dsl.Prims.RECIP) { cb.dconst_1(); push(u.a); cb.ddiv(); return; }
        if (u.p == catad.dsl.Prims.ABS) { push(u.a); cb.invokestatic(CD_MATH, "abs", D_D); return; }
        if (u.p == catad.dsl.Prims.SIGN) { push(u.a); cb.invokestatic(CD_MATH, "signum", D_D); return; }
        cb.ldc(constant(u.p.function(), CD_UNARY_FN));
        push(u.a);
        cb.invokeinterface(CD_UNARY_FN, "applyAsDouble", D_D);
    }

    /** Pushes a binary primitive's value at its operands, as {@link #unary} does. */
    private void binary(Ir.Prim2 p) {
        if (p.p == catad.dsl.Prims.MUL) { push(p.a); push(p.b); cb.dmul(); return; }
        if (p.p == catad.dsl.Prims.DIV) { push(p.a); push(p.b); cb.ddiv(); return; }
        if (p.p == catad.dsl.Prims.MAX || p.p == catad.dsl.Prims.MIN) {
            push(p.a);
            push(p.b);
            cb.invokestatic(CD_MATH, p.p == catad.dsl.Prims.MAX ? "max" : "min", DD_D);
            return;
        }
        cb.ldc(constant(p.p.function(), CD_BINARY_FN));
        push(p.a);
        push(p.b);
        cb.invokeinterface(CD_BINARY_FN, "applyAsDouble", DD_D);
    }

    /** {@return a loadable constant for an object handed to the class as class data} */
    private DynamicConstantDesc<Object> constant(Object o, ClassDesc type) {
        int i = dataIndex.computeIfAbsent(o, k -> { classData.add(k); return classData.size() - 1; });
        return DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, type, i);
    }
}
