// What the command-line tests share: running a command in this process (`runIn`, `cliIn`,
// `cliFailsIn`: src/cli/run.ts, the same command line as the program, writing into strings), the
// bundle (`dist/cli.js`, rebuilt when a test runs alone after its sources changed) and running it as
// a program (`run`: only where the process itself is under test: exit status and
// message of the real binary, signals, terminals, pipes), and a scratch folder removed after the
// file's tests. A program costs ~0.4 s of CPU to start (Node, the bundle, the wasm compile); an
// in-process command reuses the worker's modules (docs/architecture.md, "Tests").
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { runCli } from "../../src/cli/run.js";

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

/** Runs the program, `node dist/cli.js ARGS`, in the checkout and returns status, stdout and stderr. */
export function run(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync("node", [CLI, ...args], { cwd: ROOT, encoding: "utf8" });
}

/** A scratch folder for this test file (removed after its tests) and a path-in-it helper. */
export function scratch(prefix: string): { dir: string; f: (name: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, f: (name) => join(dir, name) };
}

/** What an in-process command printed and the status it returned. */
export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `ect-eam ARGS` in this process (src/cli/run.ts) from the checkout, as `node dist/cli.js ARGS`
 * would run there: its stdout, stderr and exit status. Errors that are not input errors (the program
 * would end with a stack trace) are thrown.
 */
export async function runIn(...args: string[]): Promise<CliResult> {
  if (process.cwd() !== ROOT) throw new Error(`the in-process CLI runs from the checkout ${ROOT}, not ${process.cwd()}`);
  let stdout = "";
  let stderr = "";
  const status = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s, true) },
    stderr: { write: (s: string) => (stderr += s, true) },
  });
  return { status, stdout, stderr };
}

/** Runs `ect-eam ARGS` in this process; returns stdout, throws (with status, stdout, stderr) on a non-zero status. */
export async function cliIn(...args: string[]): Promise<string> {
  const r = await runIn(...args);
  if (r.status !== 0) throw Object.assign(new Error(`ect-eam ${args.join(" ")} returned status ${r.status}\n${r.stderr}`), r);
  return r.stdout;
}

/** Runs a command that must fail, in this process: its status and stderr. */
export async function cliFailsIn(...args: string[]): Promise<{ status: number; stderr: string }> {
  const r = await runIn(...args);
  if (r.status === 0) throw new Error(`expected failure: ${args.join(" ")}`);
  return { status: r.status, stderr: r.stderr };
}
