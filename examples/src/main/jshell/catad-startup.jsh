// Loaded by `./catad jshell` after jshell's DEFAULT startup: one import per line, edit freely.
import catad.dsl.*;
import static catad.dsl.Catad.*;
import catad.interpreter.*;
import static catad.interpreter.AD.*;
// The JIT: Jit.grad(f, x), Jit.compile(f)… (same names as AD; `import static catad.jit.Jit.*` to switch)
import catad.jit.*;
