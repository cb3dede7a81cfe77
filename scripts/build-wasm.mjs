// Builds the wasm kernels (dist/eam.simd.wasm, dist/eam.scalar.wasm) with asc, only when their
// inputs changed: every file under assembly/, asconfig.json and the compiler's version are hashed
// into dist/.wasm-inputs; a build whose hash matches (and whose outputs exist) is skipped. A fresh
// clone has no dist/, so it builds everything. binaryen's "Last converge was suboptimal." notice
// (printed once per target by asc's `converge` option; it is not an error) is filtered out.
// Every run, built or not, also checks the wasm interface for drift (scripts/wasm-bindings.mjs): the
// generated bindings must match their description and the kernels must export what it describes.
// Usage: node scripts/build-wasm.mjs [--force]
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { checkInterface } from "./wasm-bindings.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const TARGETS = ["simd", "scalar"];
const STAMP = "dist/.wasm-inputs";

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** Hash of everything the wasm depends on, under `root` (a checkout). */
export function wasmInputsHash(root = ROOT) {
  const h = createHash("sha256");
  const files = [...listFiles(join(root, "assembly")), join(root, "asconfig.json")];
  for (const f of files) {
    h.update(relative(root, f).split("\\").join("/") + "\0");
    h.update(readFileSync(f));
    h.update("\0");
  }
  const asc = join(root, "node_modules", "assemblyscript", "package.json");
  h.update("asc " + (existsSync(asc) ? JSON.parse(readFileSync(asc, "utf8")).version : "?"));
  h.update("targets " + TARGETS.join(","));
  return h.digest("hex");
}

/** True when the outputs exist and were built from the current inputs. */
export function wasmUpToDate(root = ROOT) {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp)) return false;
  if (!TARGETS.every((t) => existsSync(join(root, "dist", `eam.${t}.wasm`)))) return false;
  return readFileSync(stamp, "utf8").trim() === wasmInputsHash(root);
}

/** Runs asc for one target; its output minus the converge notice goes to ours. */
function compile(target) {
  const asc = join(ROOT, "node_modules", "assemblyscript", "bin", "asc.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [asc, "assembly/index.ts", "--target", target], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const relay = (from, to) => {
      let rest = "";
      from.on("data", (chunk) => {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop();
        for (const line of lines) if (line.trim() !== "Last converge was suboptimal.") to.write(line + "\n");
      });
      from.on("end", () => {
        if (rest !== "" && rest.trim() !== "Last converge was suboptimal.") to.write(rest);
      });
    };
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`asc --target ${target} failed (exit ${code})`))));
  });
}

/**
 * Builds when needed; returns true when it compiled. Throws (one-line message) when the generated
 * bindings are stale, before compiling, or when the kernels' exports differ from their description.
 */
export async function buildWasm({ force = false } = {}) {
  checkInterface(ROOT);
  const hash = wasmInputsHash();
  const built = force || !wasmUpToDate();
  if (built) {
    mkdirSync(join(ROOT, "dist"), { recursive: true });
    // Stale stamp first: a build that fails half way must not look up to date next time.
    writeFileSync(join(ROOT, STAMP), "building\n");
    await Promise.all(TARGETS.map(compile));
    writeFileSync(join(ROOT, STAMP), hash + "\n");
  }
  checkInterface(ROOT, TARGETS.map((t) => `dist/eam.${t}.wasm`));
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const built = await buildWasm({ force: process.argv.includes("--force") });
    if (!built) console.log("wasm kernels up to date (assembly/ and asconfig.json unchanged)");
  } catch (e) {
    console.error(`build-wasm: ${e.message}`);
    process.exit(1);
  }
}
