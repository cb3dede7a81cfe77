// Issue 14, item 5: command-line conventions. --version; usage errors in one line with a hint and
// exit 2; numbers parsed strictly and enumerations checked by commander; --log is a file in every
// command; progress bars on a terminal for md (every model), scan, relax, property and fit;
// `node dist/bench.js --help`.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeWith, need } from "./helpers/tools.js";
import { ROOT, run, runIn, scratch } from "./helpers/cli.js";
import { numberOption } from "../src/cli/common.js";

const { f } = scratch("cli-conventions-");
const CU = ["--potential", "potentials/Cu_u3.eam"];

describe("version and usage errors", () => {
  const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
  it("--version prints the package version (the program, and in process)", async () => {
    const r = run("--version");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(version);
    const i = await runIn("--version");
    expect(i.status).toBe(0);
    expect(i.stdout).toBe(r.stdout);
  });

  const cases: [string[], RegExp][] = [
    [["md", ...CU, "--stepz", "3"], /^ect-eam: unknown option '--stepz' \(did you mean --steps\?\); 'ect-eam <command> --help' lists the options$/],
    [["md", ...CU, "--simd", "maybe"], /^ect-eam: option '--simd <on\|off>' argument 'maybe' is invalid\. Allowed choices are on, off; /],
    [["md", ...CU, "--thermostat", "berendsen"], /argument 'berendsen' is invalid\. Allowed choices are none, langevin, nose-hoover/],
    [["relax", ...CU, "--optimizer", "bfgs"], /Allowed choices are fire, lbfgs/],
    [["nosuch"], /^ect-eam: unknown command 'nosuch'/],
    [["eval", ...CU], /^ect-eam: required option '--input <file>' not specified/],
    [["md", ...CU, "--lattice", "fcc", "--a", "3.615", "--steps", "0x10"], /^ect-eam: --steps expects a number, got '0x10'$/],
    [["md", ...CU, "--lattice", "fcc", "--a", "3.615", "--dt", "Infinity"], /^ect-eam: --dt expects a number, got 'Infinity'$/],
    [["md", ...CU, "--lattice", "fcc", "--a", "3.615", "--seed", "1_000"], /^ect-eam: --seed expects a number, got '1_000'$/],
  ];
  // in process (test/helpers/cli.ts), as every command test; the program below
  for (const [args, message] of cases) {
    it(args.slice(args.length - 2).join(" "), async () => {
      const r = await runIn(...args);
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    });
  }

  // The program itself (dist/cli.js): a usage error (commander) and an input error (a command body)
  // end the process with status 2, one line on stderr, no stack trace, nothing on stdout.
  for (const k of [0, 6]) {
    const [args, message] = cases[k];
    it(`the program: ${args.slice(args.length - 2).join(" ")}`, () => {
      const r = run(...args);
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe("");
    });
  }

  it("numbers: decimal notation only", () => {
    for (const ok of ["1", "-2", "+3", "1.5", ".5", "5.", "1e-6", "2E+3"]) expect(numberOption("--x", ok)).toBe(Number(ok));
    for (const bad of ["0x10", "0b1", "0o7", "1_000", "Infinity", "NaN", "", " ", "1e", "--1", "1,5", " 1"]) {
      expect(() => numberOption("--x", bad), bad).toThrow(/--x expects a number/);
    }
  });
});

describe("--log is a file everywhere", () => {
  it("relax --log writes every step as CSV; --print-every sets the table interval", async () => {
    const r = await runIn("relax", ...CU, "--lattice", "fcc", "--a", "3.5", "--cell", "--log", f("relax.csv"), "--print-every", "0");
    expect(r.status).toBe(0);
    const rows = readFileSync(f("relax.csv"), "utf8").trim().split("\n");
    expect(rows[0]).toBe("step,energy_eV,fmax_eV_A,stress_residual_bar,volume_A3,evaluations");
    expect(rows.length).toBeGreaterThan(3);
    // with --print-every 0 the table has the first and the last step only
    expect(r.stdout.split("\n").filter((l) => /^\s+\d+\s/.test(l))).toHaveLength(2);
  });
});

/** Runs a command on a pseudo-terminal (script(1)) with stdout to a file; returns what the terminal saw. */
function onTerminal(args: string[]): { status: number | null; terminal: string; stdout: string } {
  const out = f(`tty-${Math.random().toString(36).slice(2)}.txt`);
  const cmd = `node dist/cli.js ${args.map((a) => `'${a}'`).join(" ")} > ${out}`;
  const r = spawnSync(need("script"), ["-qec", cmd, "/dev/null"], { cwd: ROOT, encoding: "utf8" });
  return { status: r.status, terminal: r.stdout, stdout: readFileSync(out, "utf8") };
}

describeWith("script", "progress bars on a terminal (rate and time left), clean output otherwise", () => {
  writeFileSync(f("nacl.xyz"), '2\npbc="F F F"\nNa 0 0 0\nCl 0.1 0.05 2.45\n');
  const cases: [string, string[], RegExp][] = [
    ["md (ECT-EAM)", ["md", "--model", "models/ect-starter.json", "--input", f("nacl.xyz"), "--steps", "400", "--dt", "0.5"], /md \|.*steps\/s.*ETA/],
    ["md (Streitz-Mintmire)", ["md", "--potential", "potentials/AlO.eam.alloy", "--streitz", "potentials/AlO.streitz", "--summation", "wolf", "--input", "test/fixtures/streitz/al2o3_cluster_a_wolf.extxyz", "--steps", "300", "--dt", "0.5"], /md \|.*steps\/s.*ETA/],
    ["scan", ["scan", "--model", "models/ect-starter.json", "--pair", "Na,Cl", "--points", "60"], /scan \|.*points\/s.*ETA/],
    ["property eos", ["property", "eos", ...CU, "--lattice", "fcc", "--a", "3.615", "--repeat", "3", "--points", "25", "--relax"], /eos \|.*volumes\/s.*ETA/],
    ["property lattice", ["property", "lattice", "--model", "models/ect-fitted.json", "--lattice", "rocksalt", "--element", "Na,Cl", "--a", "5.6", "--long-range", "dsf"], /lattice \|.*ETA/],
    ["relax", ["relax", ...CU, "--lattice", "fcc", "--a", "3.4", "--repeat", "3", "--cell", "--fmax", "1e-6"], /relax \|/],
  ];
  for (const [name, args, bar] of cases) {
    it(name, () => {
      const r = onTerminal(args);
      expect(r.status).toBe(0);
      expect(r.terminal).toMatch(bar);
      // the table on stdout has no bar in it
      expect(r.stdout).not.toMatch(/\|.*ETA/);
    }, 60_000);
  }
});

describe("node dist/bench.js --help", () => {
  it("prints the usage without running anything", () => {
    const r = spawnSync("node", ["dist/bench.js", "--help"], { cwd: ROOT, encoding: "utf8", timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: node dist\/bench\.js/);
  });
});
