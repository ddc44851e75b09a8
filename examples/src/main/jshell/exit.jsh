// Appended by `./catad file.jsh` so a script needs no /exit of its own.
/exit
