// Content stamps for the build steps npm test runs before every test run (npm run build: the JS
// bundles and the type declarations; the wasm kernels have their own in build-wasm.mjs): a step runs
// only when the contents of its inputs changed since its last successful run, or an output is
// missing. The stamp is dist/.NAME-inputs, the SHA-256 of every input file's path and bytes (folders
// listed recursively, in sorted order; a missing input hashes as missing). A fresh clone has no dist/,
// so everything builds; a step that fails leaves a stale stamp, so it runs again next time.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

function listFiles(path) {
  if (!existsSync(path)) return [path];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .map((e) => e.name)
    .sort()
    .flatMap((name) => listFiles(join(path, name)));
}

/** Hash of the inputs (paths relative to `root`: files or folders). */
export function inputsHash(root, inputs) {
  const h = createHash("sha256");
  for (const input of inputs) {
    for (const f of listFiles(join(root, input))) {
      h.update(relative(root, f).split("\\").join("/") + "\0");
      h.update(existsSync(f) ? readFileSync(f) : "(missing)");
      h.update("\0");
    }
  }
  return h.digest("hex");
}

const stampPath = (root, name) => join(root, "dist", `.${name}-inputs`);

/** True when every output exists and the stamp of step `name` is the hash of its inputs now. */
export function upToDate(root, step) {
  const stamp = stampPath(root, step.name);
  if (!existsSync(stamp) || !step.outputs.every((o) => existsSync(join(root, o)))) return false;
  return readFileSync(stamp, "utf8").trim() === inputsHash(root, step.inputs);
}

/**
 * Runs the step's commands ([program, ...args], in the checkout, output shown) unless it is up to
 * date (or `force`); returns whether it ran. Exits with the first failing command's status.
 */
export function runStep(step, { force = process.argv.includes("--force"), root = ROOT } = {}) {
  if (!force && upToDate(root, step)) {
    console.log(`${step.name}: up to date (${step.about} unchanged)`);
    return false;
  }
  mkdirSync(join(root, "dist"), { recursive: true });
  const hash = inputsHash(root, step.inputs);
  writeFileSync(stampPath(root, step.name), "building\n");
  for (const [program, ...args] of step.commands) {
    const r = spawnSync(program, args, { cwd: root, stdio: "inherit" });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  writeFileSync(stampPath(root, step.name), hash + "\n");
  return true;
}
