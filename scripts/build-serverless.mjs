// Serverless bundles (docs/serverless.md), after `asc` has built dist/eam.simd.wasm:
//   dist/serverless.mjs        one ESM file for Node-based functions: wasm bytes and potentials inlined
//   dist/edge/worker.mjs       module worker for V8-isolate runtimes (Cloudflare workerd), which imports
//   dist/edge/eam.simd.wasm    ...this file next to it, compiled by the platform at deploy time
// Both bundle the same handler (src/serverless/handler.ts) and the same potentials and models.
// Usage: node scripts/build-serverless.mjs   (prints the bundle sizes, raw and gzip)
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WASM = join(ROOT, "dist", "eam.simd.wasm");

/** Bundled tabulated EAM potentials (potentials/), served under their file names. */
export const POTENTIALS = ["Cu_u3.eam", "CuNi.eam.alloy", "Fe_mm.eam.fs", "AlFe_mm.eam.fs"];
/** Bundled ECT-EAM models: name -> file in models/. */
export const MODELS = { "ect-starter": "ect-starter.json", "ect-fitted": "ect-fitted.json" };

/** The `ect-eam:*` modules the entry points import (see src/serverless/virtual.d.ts). */
function virtualModules(target) {
  return {
    name: "ect-eam-serverless",
    setup(b) {
      b.onResolve({ filter: /^ect-eam:kernel-bytes$/ }, () => ({ path: WASM })); // binary loader (.wasm)
      // Kept as an import next to the worker: workerd turns it into a compiled WebAssembly.Module.
      b.onResolve({ filter: /^ect-eam:kernel-module$/ }, () => ({ path: "./eam.simd.wasm", external: true }));
      b.onResolve({ filter: /^ect-eam:assets$/ }, () => ({ path: "assets", namespace: "ect-eam" }));
      b.onLoad({ filter: /^assets$/, namespace: "ect-eam" }, () => {
        // Each file as one string literal (what esbuild's text loader makes of it).
        const text = (p) => JSON.stringify(readFileSync(join(ROOT, p), "utf8"));
        const potentials = POTENTIALS.map((n) => `${JSON.stringify(n)}: ${text(`potentials/${n}`)}`);
        const models = Object.entries(MODELS).map(([n, f]) => `${JSON.stringify(n)}: ${text(`models/${f}`)}`);
        return {
          contents: `export const potentials = {\n${potentials.join(",\n")}\n};\nexport const models = {\n${models.join(",\n")}\n};\n`,
          loader: "js",
          watchFiles: [...POTENTIALS.map((n) => join(ROOT, "potentials", n)), ...Object.values(MODELS).map((f) => join(ROOT, "models", f))],
        };
      });
      if (target === "edge") {
        // Core code reaches node:* only through dynamic imports taken under Node (file loading the
        // edge worker never does): give the bundle empty stand-ins so it imports nothing from Node.
        b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "node-stub" }));
        b.onLoad({ filter: /.*/, namespace: "node-stub" }, (args) => ({
          contents: `module.exports = {}; // ${args.path} is not available in this runtime`,
          loader: "js",
        }));
      }
    },
  };
}

const common = {
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  absWorkingDir: ROOT,
  // Every dependency (@assemblyscript/loader) goes into the bundle: the function ships alone.
};

export async function buildServerless() {
  if (!existsSync(WASM)) throw new Error(`${WASM} is missing: run 'npm run build:wasm' (asc) first`);
  mkdirSync(join(ROOT, "dist", "edge"), { recursive: true });
  await Promise.all([
    build({
      ...common,
      platform: "node",
      entryPoints: ["src/serverless/node.ts"],
      outfile: "dist/serverless.mjs",
      loader: { ".wasm": "binary" },
      plugins: [virtualModules("node")],
    }),
    build({
      ...common,
      platform: "browser",
      conditions: ["workerd", "worker", "browser"],
      entryPoints: ["src/serverless/edge.ts"],
      outfile: "dist/edge/worker.mjs",
      plugins: [virtualModules("edge")],
    }),
  ]);
  copyFileSync(WASM, join(ROOT, "dist", "edge", "eam.simd.wasm"));
  return bundleSizes();
}

/** Raw and gzip (level 9) sizes of the deployable files, bytes. */
export function bundleSizes() {
  const size = (rel) => {
    const bytes = readFileSync(join(ROOT, rel));
    return { file: rel, raw: statSync(join(ROOT, rel)).size, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const node = size("dist/serverless.mjs");
  const worker = size("dist/edge/worker.mjs");
  const wasm = size("dist/edge/eam.simd.wasm");
  return [node, worker, wasm, { file: "dist/edge/ (total)", raw: worker.raw + wasm.raw, gzip: worker.gzip + wasm.gzip }];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await buildServerless();
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  for (const s of sizes) console.log(`${s.file.padEnd(26)} ${kb(s.raw).padStart(12)} raw ${kb(s.gzip).padStart(12)} gzip`);
}
