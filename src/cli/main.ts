import { setFlagsFromString } from "node:v8";
import { runCliOutcome } from "./run.js";

// The `ect-eam` program (dist/cli.js): the command line of src/cli/run.ts on process.argv, writing to
// the process's stdout and stderr; what only a process has (V8 flags, signals, a closed pipe, the
// exit) is set up here, so the tests can run the same commands in their own process.

// The kernels compile function by function on first call (the module is compiled lazily). By default
// V8 first compiles a function with its baseline compiler and swaps in optimized code only for later
// calls, so the first neighbor-list build and force evaluation of every command ran as baseline code
// (~30 ms of a 32,000-atom start-up); optimized code at first call does the same arithmetic. Set before
// any module is compiled (commands compile theirs when they run).
setFlagsFromString("--no-liftoff");

// Output piped into `head` and the like: a closed pipe ends the program quietly.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});
// Ctrl-C: exit through process.exit, so unfinished output files are removed (src/io/output-file.ts).
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));

const { code, exited } = await runCliOutcome(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
// An input error, --help or --version ends the program at once (worker threads and timers included),
// as process.exit did inside the commands; a command that returns lets the process end by itself.
if (exited) process.exit(code);
process.exitCode = code;
