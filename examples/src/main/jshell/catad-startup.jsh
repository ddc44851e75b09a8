// Loaded by `./catad jshell` after jshell's DEFAULT startup: one import per line, edit freely.
import catad.dsl.*;
import static catad.dsl.Catad.*;
import catad.interpreter.*;
import static catad.interpreter.AD.*;
