// What the command-line tests share: the bundle (`dist/cli.js`, rebuilt when a test runs alone after
// its sources changed), running it, and a scratch folder removed after the file's tests.
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CLI = join(ROOT, "dist", "cli.js");

/** Newest modification time of the .ts files in a folder of src/. */
function newest(folder: string): number {
  const dir = join(ROOT, "src", folder);
  return Math.max(...readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => statSync(join(dir, f)).mtimeMs));
}

/**
 * Rebuilds the JS bundles when the sources in `folders` (of src/) are newer than dist/cli.js
 * (`npm test` builds first; this is for a test file run alone after editing).
 */
export function ensureCliBuilt(folders: string[]): void {
  let built = 0;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    built = 0;
  }
  if (built < Math.max(...folders.map(newest))) execFileSync("node", ["scripts/build.mjs"], { cwd: ROOT, stdio: "ignore" });
}

/** Runs `node dist/cli.js ARGS` in the checkout; returns stdout, throws on a non-zero exit. */
export function cli(...args: string[]): string {
  return execFileSync("node", [CLI, ...args], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs `node dist/cli.js ARGS` in the checkout and returns status, stdout and stderr. */
export function run(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync("node", [CLI, ...args], { cwd: ROOT, encoding: "utf8" });
}

/** Runs a command that must fail: its exit status and stderr. */
export function cliFails(...args: string[]): { status: number; stderr: string } {
  const r = run(...args);
  if (r.status === 0) throw new Error(`expected failure: ${args.join(" ")}`);
  return { status: r.status ?? -1, stderr: r.stderr };
}

/** A scratch folder for this test file (removed after its tests) and a path-in-it helper. */
export function scratch(prefix: string): { dir: string; f: (name: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, f: (name) => join(dir, name) };
}
