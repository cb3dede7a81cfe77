import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

// Three selections of the tests, chosen with vitest's --mode (package.json scripts):
//   npm test            --mode unit    test/*.test.ts: every claim (330 s of CPU with the type check and an
//                                      up-to-date build on 2026-12-08, against 350 s for vitest alone before
//                                      that day's moves to verify; 461 s before the command tests ran the CLI
//                                      in process; /usr/bin/time on a loaded 2-core machine, on all cores)
//   npm run verify      --mode verify  test/verify/*.test.ts: long physics runs (thermostat statistics over 50 ps,
//                                      the barostat, NVE conservation over long runs, the fitted model, the
//                                      O(N^2) Streitz reference on 2160 atoms, the slowest side-by-side and
//                                      finite-difference checks of ECT-EAM, the demo page's long runs, every
//                                      command against every empty input), which CI (.ci/run) runs after
//                                      npm test; a check moved there keeps its acceptance band, and npm test
//                                      keeps a cheap version of it where one exists
//   npm run test:quick  --mode quick   the unit tests without the ones that run the command line (in process
//                                      through test/helpers/cli.ts, or the program), start programs (LAMMPS,
//                                      a browser, npm), build bundles, start worker threads or fit models:
//                                      the inner loop while editing src/ (run the others by name)
// Without a mode (`npx vitest run test/foo.test.ts`) every file is eligible, so any file runs by name.
const UNIT = ["test/*.test.ts"];
const VERIFY = ["test/verify/**/*.test.ts"];
const STARTS_PROGRAMS = [
  "test/ase-read.test.ts", "test/benchmark.test.ts", "test/browser.test.ts", "test/build-stamps.test.ts", "test/build-wasm.test.ts",
  "test/cli-*.test.ts", "test/demo.test.ts", "test/dump-log.test.ts", "test/ect-cli.test.ts", "test/export-*.test.ts",
  "test/io-empty-input.test.ts", "test/lammps-crosscheck.test.ts", "test/md-cli.test.ts", "test/package.test.ts",
  "test/serverless.test.ts", "test/streitz-cli.test.ts", "test/properties.test.ts",
];
const SLOW_IN_PROCESS = ["test/domain*.test.ts", "test/workers.test.ts", "test/fit*.test.ts", "test/ect-transfer.test.ts"];

export default defineConfig(({ mode }) => ({
  test: {
    include: mode === "verify" ? VERIFY : mode === "unit" || mode === "quick" ? UNIT : [...UNIT, ...VERIFY],
    exclude: [...configDefaults.exclude, ...(mode === "quick" ? [...STARTS_PROGRAMS, ...SLOW_IN_PROCESS] : [])],
    // Several tests run MD, LAMMPS or a browser; on a loaded 2-core machine vitest's default 5 s per
    // test is too tight. Slow tests still show up in the report's timings.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // vitest's default is one worker fewer than the cores (one on 2 cores); the tests spend their time
    // in wasm and child processes, not in vitest's own process, so use them all, and one more: about a
    // hundred LAMMPS runs (each ~0.2 s of wall time and ~0.05 s of CPU, test/helpers/tools.ts lammpsEnv),
    // chromium page loads and npm installs leave a worker waiting, and the extra one computes meanwhile.
    maxWorkers: availableParallelism() + 1,
    // npm test and test:quick run their files in a worker without a fresh module graph each (no test
    // file changes globals or mocks modules): measured on --mode quick, 48 files, 124 s of CPU against
    // 155 s with isolation (each file otherwise starts a process and imports src/ again). The long
    // runs of --mode verify keep one process a file.
    isolate: mode === "verify",
    // Fails the run when a test was skipped while the program it needs is installed (test/helpers/tools.ts).
    reporters: ["default", "./test/helpers/skip-guard.ts"],
  },
}));
