package catad.jit;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
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

    /** A generated kernel and the workspace it needs. @param code the kernel @param wsSize workspace length @param bytes class file size */
    record Result(Compiled code, int wsSize, int bytes) {}

    private static final ClassDesc CD_DOUBLES = CD_double.arrayType();
    private static final ClassDesc CD_COMPILED = ClassDesc.of("catad.jit.Emit$Compiled");
    private static final ClassDesc CD_UNARY = ClassDesc.of("catad.dsl.Primitive$Unary");
    private static final ClassDesc CD_BINARY = ClassDesc.of("catad.dsl.Primitive$Binary");
    private static final ClassDesc CD_KERNEL = ClassDesc.of("catad.dsl.Primitive$Kernel");
    private static final ClassDesc CD_EMIT = ClassDesc.of("catad.jit.Emit");
    private static final ClassDesc CD_MATH = ClassDesc.of("java.lang.Math");
    private static final ClassDesc CD_SYSTEM = ClassDesc.of("java.lang.System");
    private static final MethodTypeDesc RUN = MethodTypeDesc.of(CD_void, CD_DOUBLES, CD_DOUBLES, CD_DOUBLES);

    private static final int X = 1, Y = 2, WS = 3;

    private final Lower lo;
    private final List<Object> classData = new ArrayList<>();
    private final Map<Object, Integer> dataIndex = new IdentityHashMap<>();
    private int wsSize;

    private CodeBuilder cb;
    private Scope scope;
    private final Map<Var, Integer> varSlot = new HashMap<>();
    private final BitSet bound = new BitSet();
    private final BitSet cachedReads = new BitSet();

    private Emit(Lower lo) {
        this.lo = lo;
        for (Buf b : lo.ir.bufs) if (b.kind == Ir.Kind.WS) { b.offset = wsSize; wsSize += b.size; }
    }

    /** {@return the lowered program as a loaded kernel} */
    static Result emit(Lower lo) {
        var e = new Emit(lo);
        byte[] bytes = ClassFile.of().build(ClassDesc.of("catad.jit.Kernel$Code"), clb -> {
            clb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            clb.withInterfaceSymbols(CD_COMPILED);
            clb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC, c -> {
                c.aload(0);
                c.invokespecial(CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void);
                c.return_();
            });
            clb.withMethodBody("run", RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, c -> {
                e.cb = c;
                e.scope = new Scope(null);
                e.block(lo.body);
                c.return_();
            });
        });
        try {
            var lookup = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, List.copyOf(e.classData), true);
            var code = (Compiled) lookup.findConstructor(lookup.lookupClass(), java.lang.invoke.MethodType.methodType(void.class)).invoke();
            return new Result(code, e.wsSize, bytes.length);
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
        return null;
    }

    private void remember(E e, int slot) {
        scope.slots.put(e, slot);
        cachedReads.or(e.reads);
    }

    /** After a write to b, values read from b before it are stale. */
    private void written(Buf b) {
        if (!cachedReads.get(b.id)) return;
        for (Scope s = scope; s != null; s = s.up) s.slots.keySet().removeIf(e -> e.reads.get(b.id));
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
            case Ir.Loop l -> {
                hoist(l.body());
                counted(l.v(), 0, l.v().n, () -> inScope(() -> block(l.body())));
            }
            case Ir.If i -> {
                int t = value(i.t());
                Label no = cb.newLabel(), end = cb.newLabel();
                push(i.t(), t);
                cb.dconst_0();
                cb.dcmpl();
                cb.ifle(no);
                inScope(() -> block(i.yes()));
                cb.goto_(end);
                cb.labelBinding(no);
                inScope(() -> block(i.no()));
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

    private void whileLoop(Ir.While w) {
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

    private static void writes(List<S> stmts, BitSet into) {
        for (S s : stmts) {
            switch (s) {
                case Ir.Store st -> into.set(st.b().id);
                case Ir.Loop l -> writes(l.body(), into);
                case Ir.If i -> { writes(i.yes(), into); writes(i.no(), into); }
                case Ir.While w -> { writes(w.test(), into); writes(w.body(), into); }
                case Ir.Call c -> into.set(c.out().id);
                case Ir.Copy c -> into.set(c.to().id);
            }
        }
    }

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

    private void hoistFrom(E e, BitSet written, Map<E, Boolean> seen) {
        // An explicit stack: expressions can be deep.
        var stack = new ArrayList<E>();
        stack.add(e);
        while (!stack.isEmpty()) {
            E x = stack.removeLast();
            if (x instanceof Ir.Num || seen.put(x, Boolean.TRUE) != null) continue;
            if (invariant(x, written)) {
                if (!(x instanceof Ir.Load) || x.vars.isEmpty()) value(x);
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
            case Ir.Un u -> {
                cb.ldc(constant(u.p, CD_UNARY));
                push(u.a);
                cb.invokevirtual(CD_UNARY, "apply", MethodTypeDesc.of(CD_double, CD_double));
                slot = store();
            }
            case Ir.Bin b -> {
                push(b.a);
                push(b.b);
                if (b.op == Ir.Op.ADD) cb.dadd(); else cb.dmul();
                slot = store();
            }
            case Ir.Prim2 p -> {
                cb.ldc(constant(p.p, CD_BINARY));
                push(p.a);
                push(p.b);
                cb.invokevirtual(CD_BINARY, "apply", MethodTypeDesc.of(CD_double, CD_double, CD_double));
                slot = store();
            }
            case Ir.Sel s -> slot = select(s);
            case Ir.Reduce r -> slot = r.op == Ir.Red.SUM ? sum(r) : max(r);
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
            int[] order = {0, 4, 2, 6, 1, 5, 3, 7};
            for (int k = 0; k < 8; k++) { cb.aload(WS); cb.loadConstant(acc + order[k]); cb.daload(); }
            // stack: a0 a4 a2 a6 a1 a5 a3 a7 → ((a0+a4)+(a2+a6)) + ((a1+a5)+(a3+a7))
            int[] t = new int[8];
            for (int k = 7; k >= 0; k--) t[k] = store();
            cb.dload(t[0]); cb.dload(t[1]); cb.dadd();
            cb.dload(t[2]); cb.dload(t[3]); cb.dadd();
            cb.dadd();
            cb.dload(t[4]); cb.dload(t[5]); cb.dadd();
            cb.dload(t[6]); cb.dload(t[7]); cb.dadd();
            cb.dadd();
            cb.dadd();
            cb.dstore(s);
        }
        counted(r.v, n8, n, () -> inScope(() -> {
            int t = value(r.body);
            cb.dload(s);
            push(r.body, t);
            cb.dadd();
            cb.dstore(s);
        }));
        return s;
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
    private void index(Buf b, Ix ix) {
        int base = (b.kind == Ir.Kind.WS ? b.offset : 0) + ix.c();
        cb.loadConstant(base);
        for (Ir.Term t : ix.terms()) {
            Integer slot = varSlot.get(t.v());
            if (slot == null) throw new IllegalStateException("catad jit: index variable " + t.v() + " used outside its loop");
            cb.iload(slot);
            if (t.a() != 1) { cb.loadConstant(t.a()); cb.imul(); }
            cb.iadd();
        }
    }

    /** {@return a loadable constant for an object handed to the class as class data} */
    private DynamicConstantDesc<Object> constant(Object o, ClassDesc type) {
        int i = dataIndex.computeIfAbsent(o, k -> { classData.add(k); return classData.size() - 1; });
        return DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, type, i);
    }
}
