import { defineConfig } from "vitest/config";

// Several tests run whole MD runs, LAMMPS or a browser; on a loaded 2-core machine vitest's default
// 5 s per test is too tight. Slow tests still show up in the report's timings.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
