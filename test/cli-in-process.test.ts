// The in-process command line (src/cli/run.ts `runCli`, which the command tests use through
// test/helpers/cli.ts) against the program (dist/cli.js): the same stdout, stderr and exit status;
// and runs in one process leave nothing behind for the next (exit status, process.exitCode,
// listeners, the current output), one at a time.
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/run.js";
import { CLI, ensureCliBuilt, ROOT, runIn, scratch } from "./helpers/cli.js";

// (npm test builds first; a run of this file alone rebuilds the bundle if the sources changed)
beforeAll(() => ensureCliBuilt(["cli", "io", "dynamics", "engine"]), 120_000);
const { f } = scratch("cli-in-process-");
const CU = ["--potential", "potentials/Cu_u3.eam"];

/** The program's output (the wall-clock speed line left out: it differs from run to run). */
function program(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const noSpeed = (s: string) => s.replace(/^# speed: .*$/m, "# speed: (timing)");

describe("runCli prints and returns what the program does", () => {
  const cases: [string, string[]][] = [
    ["an EAM md run", ["md", ...CU, "--lattice", "fcc", "--a", "3.615", "--repeat", "2", "--steps", "20", "--thermo", "5"]],
    ["an ECT-EAM scan", ["scan", "--model", "models/ect-starter.json", "--pair", "Na,Cl", "--points", "3"]],
    ["an input error in a command body", ["md", ...CU, "--lattice", "fcc", "--a", "3.615", "--steps", "0x10"]],
    ["a usage error", ["md", ...CU, "--stepz", "3"]],
    ["an unknown command", ["nosuch"]],
    ["no command (usage on stderr)", []],
    ["--help", ["md", "--help"]],
    ["--version", ["--version"]],
    ["a relax that does not converge (status 1)", ["relax", ...CU, "--lattice", "fcc", "--a", "3.5", "--cell", "--steps", "2"]],
  ];
  for (const [name, args] of cases) {
    it(name, async () => {
      const want = program(args);
      const got = await runIn(...args);
      expect(got.status).toBe(want.status);
      expect(noSpeed(got.stdout)).toBe(noSpeed(want.stdout));
      expect(got.stderr).toBe(want.stderr);
    }, 60_000);
  }
});

describe("in-process runs do not leak into each other", () => {
  it("exit status, process.exitCode, listeners and the output sinks are per run", async () => {
    const listeners = () => ["exit", "SIGINT", "SIGTERM", "uncaughtException", "unhandledRejection"].map((e) => process.listenerCount(e));
    const before = listeners();
    const exitCode = process.exitCode;
    const failed = await runIn("relax", ...CU, "--lattice", "fcc", "--a", "3.5", "--cell", "--steps", "2", "--log", f("relax.csv"));
    expect(failed.status).toBe(1);
    const bad = await runIn("md", ...CU, "--lattice", "fcc", "--a", "3.615", "--steps", "-1");
    expect(bad.status).toBe(2);
    const ok = await runIn("md", ...CU, "--lattice", "fcc", "--a", "3.615", "--repeat", "2", "--steps", "2");
    expect(ok.status).toBe(0);
    expect(ok.stderr).toBe("");
    expect(ok.stdout).not.toContain("relax");
    expect(process.exitCode).toBe(exitCode);
    // (src/io/output-file.ts installs its one exit handler once per process, on first use)
    const after = listeners();
    expect(after[0] - before[0]).toBeLessThanOrEqual(1);
    expect(after.slice(1)).toEqual(before.slice(1));
  }, 60_000);

  it("one command at a time", async () => {
    const sink = { write: () => true };
    const first = runCli(["md", ...CU, "--lattice", "fcc", "--a", "3.615", "--repeat", "2", "--steps", "2"], { stdout: sink, stderr: sink });
    await expect(runCli(["--version"], { stdout: sink, stderr: sink })).rejects.toThrow(/already running/);
    expect(await first).toBe(0);
    expect(await runCli(["--version"], { stdout: sink, stderr: sink })).toBe(0);
  }, 60_000);
});
