// Bundles the TypeScript entry points with esbuild and places the wasm kernels next to them.
// Run after `asc` (npm run build does both).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, chmodSync, readFileSync } from "node:fs";

const common = { bundle: true, format: "esm", target: "es2022", sourcemap: true, logLevel: "warning" };
const node = { ...common, platform: "node", packages: "external" };

// `node dist/bench.js --help`: the usage is the leading comment of bench/main.ts (kept there by the
// benchmark's authors), printed before the benchmark parses its arguments.
const benchUsage = readFileSync("bench/main.ts", "utf8")
  .split("\n")
  .filter((l, i, all) => all.slice(0, i + 1).every((m) => m.startsWith("//")))
  .map((l) => l.replace(/^\/\/ ?/, ""))
  .join("\n");
const benchHelp = `if (process.argv.includes("--help") || process.argv.includes("-h")) { console.log(${JSON.stringify(benchUsage)}); process.exit(0); }`;

await Promise.all([
  build({ ...node, entryPoints: ["src/index.ts"], outfile: "dist/index.js" }),
  // The CLI carries its dependencies (commander, comlink, the wasm loader) inside the bundle: resolving
  // and loading them as packages was ~30 ms of every command's start-up (Node's ESM resolution through
  // their exports maps, a CJS wrapper per file). Their CommonJS code calls require, given by the banner.
  build({
    ...common, platform: "node", entryPoints: ["src/cli/main.ts"], outfile: "dist/cli.js",
    banner: { js: '#!/usr/bin/env node\nimport { createRequire as __cliRequire } from "node:module";\nconst require = __cliRequire(import.meta.url);' },
  }),
  build({ ...node, entryPoints: ["bench/main.ts"], outfile: "dist/bench.js", banner: { js: benchHelp } }),
  // node:* imports in core code are dynamic and only taken under Node.
  build({ ...common, platform: "browser", external: ["node:*"], entryPoints: ["src/core.ts"], outfile: "dist/browser/index.js" }),
  // Worker-pool workers (src/workers): found by the pool as ./worker.js next to its own bundle.
  build({ ...node, entryPoints: ["src/workers/worker.ts"], outfile: "dist/worker.js" }),
  build({ ...common, platform: "browser", external: ["node:*"], entryPoints: ["src/workers/worker.ts"], outfile: "dist/browser/worker.js" }),
  // Spatial-domain workers (src/domain): found by createDomainMd as ./domain-worker.js next to its bundle.
  build({ ...node, entryPoints: ["src/domain/worker.ts"], outfile: "dist/domain-worker.js" }),
  build({ ...common, platform: "browser", external: ["node:*"], entryPoints: ["src/domain/worker.ts"], outfile: "dist/browser/domain-worker.js" }),
]);
chmodSync("dist/cli.js", 0o755);
mkdirSync("dist/browser", { recursive: true });
for (const v of ["simd", "scalar"]) copyFileSync(`dist/eam.${v}.wasm`, `dist/browser/eam.${v}.wasm`);
