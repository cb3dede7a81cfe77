// npm run build:js: the esbuild bundles (scripts/build.mjs: library, CLI, bench, workers, browser;
// scripts/build-serverless.mjs; scripts/build-web.mjs: the demo), run only when their inputs changed
// (scripts/build-stamp.mjs). The inputs are everything the three scripts read: the sources, the demo,
// the benchmark (with the one test helper it bundles), the bundled potentials and models, the wasm
// kernels, the scripts, tsconfig.json and the package files (the lock file pins esbuild and the
// bundled dependencies); test/build-stamps.test.ts checks them against esbuild's list of inputs.
// Usage: node scripts/build-js.mjs [--force]
import { fileURLToPath } from "node:url";
import { runStep } from "./build-stamp.mjs";

export const JS_STEP = {
  name: "js",
  about: "src/, bench/, web/, potentials/, models/, the wasm kernels, the build scripts and package files",
  inputs: [
    // (bench/ bundles test/helpers/tapered-eam.ts)
    "src", "bench", "web", "potentials", "models", "test/helpers/tapered-eam.ts", "dist/eam.simd.wasm", "dist/eam.scalar.wasm",
    "scripts/build.mjs", "scripts/build-serverless.mjs", "scripts/build-web.mjs", "tsconfig.json", "package.json", "package-lock.json",
  ],
  outputs: [
    "dist/index.js", "dist/cli.js", "dist/bench.js", "dist/worker.js", "dist/domain-worker.js",
    "dist/browser/index.js", "dist/browser/worker.js", "dist/browser/domain-worker.js", "dist/browser/eam.simd.wasm", "dist/browser/eam.scalar.wasm",
    "dist/serverless.mjs", "dist/edge/worker.mjs", "dist/edge/eam.simd.wasm",
    "dist/web/index.html", "dist/web/main.js", "dist/web/md.worker.js", "dist/web/domain-worker.js",
  ],
  commands: [
    [process.execPath, "scripts/build.mjs"],
    [process.execPath, "scripts/build-serverless.mjs"],
    [process.execPath, "scripts/build-web.mjs"],
  ],
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runStep(JS_STEP);
