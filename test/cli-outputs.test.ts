// Issue 14, item 2: every command checks its output paths before any work (one line naming the flag
// and the reason, exit 2, no stack trace) and writes files atomically, so a failed run leaves the
// old file (or none) and no temporary files behind.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runIn } from "./helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "cli-outputs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);
// in this process, from the checkout (test/helpers/cli.ts); test/cli-conventions.test.ts runs the program
const run = runIn;
const MISSING = join(dir, "no-such-dir", "out");

const CU = ["--potential", "potentials/Cu_u3.eam"];
const FIXTURE = "test/fixtures/ref/cu_u3_rattled_3x3x3.extxyz";
writeFileSync(f("log.csv"), "step,time_fs,temperature_K\n0,0,300\n10,20,310\n");
writeFileSync(f("pair.xyz"), '2\npbc="F F F"\nNa 0 0 0\nCl 0 0 2.4\n');

describe("unwritable output paths: one line, exit 2, before the work", () => {
  const cases: [string, string[], string][] = [
    ["eval --output", ["eval", ...CU, "--input", FIXTURE, "--output", MISSING], "--output"],
    ["eval --cube", ["eval", "--model", "models/ect-starter.json", "--input", f("pair.xyz"), "--output", f("e.xyz"), "--cube", MISSING], "--cube"],
    ["md --trajectory", ["md", ...CU, "--lattice", "fcc", "--a", "3.615", "--repeat", "3", "--steps", "3000", "--trajectory", MISSING], "--trajectory"],
    ["md --dump", ["md", ...CU, "--lattice", "fcc", "--a", "3.615", "--repeat", "3", "--steps", "3000", "--dump", MISSING], "--dump"],
    ["md --log", ["md", ...CU, "--lattice", "fcc", "--a", "3.615", "--repeat", "3", "--steps", "3000", "--log", MISSING], "--log"],
    ["md --write-restart", ["md", ...CU, "--lattice", "fcc", "--a", "3.615", "--repeat", "3", "--steps", "3000", "--write-restart", MISSING], "--write-restart"],
    ["scan --csv", ["scan", "--model", "models/ect-starter.json", "--pair", "Na,Cl", "--csv", MISSING], "--csv"],
    ["scan --svg", ["scan", "--model", "models/ect-starter.json", "--pair", "Na,Cl", "--svg", MISSING], "--svg"],
    ["relax --output", ["relax", ...CU, "--lattice", "fcc", "--a", "3.5", "--output", MISSING], "--output"],
    ["relax --trajectory", ["relax", ...CU, "--lattice", "fcc", "--a", "3.5", "--trajectory", MISSING], "--trajectory"],
    ["property eos --csv", ["property", "eos", ...CU, "--lattice", "fcc", "--a", "3.615", "--csv", MISSING], "--csv"],
    ["property eos --plot", ["property", "eos", ...CU, "--lattice", "fcc", "--a", "3.615", "--plot", MISSING], "--plot"],
    ["property vacancy --output", ["property", "vacancy", ...CU, "--lattice", "fcc", "--a", "3.615", "--output", MISSING], "--output"],
    ["property surface --output", ["property", "surface", ...CU, "--lattice", "fcc", "--a", "3.615", "--output", MISSING], "--output"],
    ["property rdf --csv", ["property", "rdf", "--lattice", "fcc", "--a", "3.615", "--csv", MISSING], "--csv"],
    ["export-lammps --output-dir", ["export-lammps", ...CU, "--input", FIXTURE, "--output-dir", join(f("log.csv"), "sub")], "--output-dir"],
    ["plot --output", ["plot", f("log.csv"), "--output", MISSING], "--output"],
    ["latent --csv", ["latent", "--model", "models/ect-starter.json", "--input", f("pair.xyz"), "--csv", MISSING], "--csv"],
    ["fit --output", ["fit", "--model", "models/ect-starter.json", "--data", "datasets/qm/NaCl.extxyz", "--output", MISSING], "--output"],
  ];
  for (const [name, args, flag] of cases) {
    it(name, async () => {
      const r = await run(...args);
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^ect-eam: cannot (write|create) ${flag} `));
      expect(r.stderr).not.toMatch(/\n\s+at /);
      // nothing was computed: no thermo table, no scan rows
      expect(r.stdout).not.toMatch(/^\s+\d+\s+\S+\s+\S+/m);
    });
  }

  it("property vacancy refuses a two-element crystal and an index outside it before relaxing anything", async () => {
    for (const [args, message] of [
      [["--model", "models/ect-fitted.json", "--lattice", "rocksalt", "--element", "Na,Cl", "--a", "5.6", "--repeat", "2"], /defined for one element; this structure has Na, Cl/],
      [[...CU, "--lattice", "fcc", "--a", "3.615", "--repeat", "2", "--index", "32"], /--index 32: the structure has 32 atoms \(0-31\)/],
    ] as const) {
      const r = await run("property", "vacancy", ...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).not.toMatch(/relaxed to zero stress/);
    }
  });

  it("an output path that is a directory", async () => {
    mkdirSync(f("adir"), { recursive: true });
    const r = await run("eval", ...CU, "--input", FIXTURE, "--output", f("adir"));
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/cannot write --output .*adir: it is a directory/);
  });
});

describe("atomic outputs", () => {
  it("a failed md run keeps the old log and leaves no temporary files", async () => {
    const before = readFileSync(f("log.csv"), "utf8");
    const r = await run("md", ...CU, "--lattice", "fcc", "--a", "3.615", "--repeat", "3", "--steps", "3000", "--dt", "50", "--log", f("log.csv"), "--dump", f("new.dump"));
    expect(r.status).toBe(2);
    expect(readFileSync(f("log.csv"), "utf8")).toBe(before);
    expect(existsSync(f("new.dump"))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });

  it("a successful relax writes its trajectory and output whole", async () => {
    const r = await run("relax", ...CU, "--lattice", "fcc", "--a", "3.5", "--cell", "--output", f("relaxed.xyz"), "--trajectory", f("relax-traj.xyz"), "--every", "5");
    expect(r.status).toBe(0);
    expect(readFileSync(f("relaxed.xyz"), "utf8").split("\n")[0]).toBe("4");
    expect(readFileSync(f("relax-traj.xyz"), "utf8").length).toBeGreaterThan(100);
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });
});
