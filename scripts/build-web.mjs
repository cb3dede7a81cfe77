// Builds the browser demo (web/) into dist/web/: the page script and its module worker bundled by
// esbuild (3Dmol and uPlot included, nothing fetched from elsewhere at run time), the page and its
// style, the wasm kernels next to the worker (the library fetches them from next to its code), and
// the example potential and model under data/. Needs dist/eam.simd.wasm (npm run build:wasm).
// Usage: node scripts/build-web.mjs [--dev]   (--dev: no minification)
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "web");
const dev = process.argv.includes("--dev");

for (const v of ["simd", "scalar"]) {
  if (!existsSync(join(root, "dist", `eam.${v}.wasm`))) {
    console.error(`build-web: dist/eam.${v}.wasm is missing; run 'npm run build:wasm' first`);
    process.exit(1);
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "data"), { recursive: true });

const common = {
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  // node:* imports in the library are dynamic and only taken under Node.
  external: ["node:*"],
  sourcemap: true,
  minify: !dev,
  legalComments: "linked",
  logLevel: "warning",
  absWorkingDir: root,
};

await Promise.all([
  build({ ...common, entryPoints: ["web/main.ts"], outfile: join(out, "main.js") }),
  build({ ...common, entryPoints: ["web/md.worker.ts"], outfile: join(out, "md.worker.js") }),
  // The spatial-domain workers an MD run on several cores starts (src/domain), next to md.worker.js.
  build({ ...common, entryPoints: ["src/domain/worker.ts"], outfile: join(out, "domain-worker.js") }),
]);

const copies = [
  ["web/index.html", "index.html"],
  ["web/style.css", "style.css"],
  ["dist/eam.simd.wasm", "eam.simd.wasm"],
  ["dist/eam.scalar.wasm", "eam.scalar.wasm"],
  ["potentials/Cu_u3.eam", "data/Cu_u3.eam"],
  ["models/ect-starter.json", "data/ect-starter.json"],
  ["models/ect-fitted.json", "data/ect-fitted.json"],
];
for (const [from, to] of copies) copyFileSync(join(root, from), join(out, to));
