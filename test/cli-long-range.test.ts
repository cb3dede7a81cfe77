// Issue 12, item 8 (command-line side): --long-range direct|dsf|ewald with --coul-cutoff override the
// ECT-EAM model file on eval, md, relax, scan and property; --charge Q on eval, md and scan runs
// with that total charge (checked in each command's output); property eos and lattice take
// --lattice rocksalt with every periodic long-range choice.
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseExtxyz } from "../src/io/extxyz.js";
import { rocksalt } from "../src/structures/lattice.js";
import { formatExtxyz } from "../src/io/extxyz.js";
import { runIn as run, scratch } from "./helpers/cli.js";
import { withElements } from "./helpers/ect-models.js";

const { f } = scratch("cli-long-range-");
// The shipped model cut to Na and Cl (every structure here is NaCl): its tables build in a tenth of
// the five elements' time, and each command below builds them again.
writeFileSync(f("nacl-model.json"), JSON.stringify(withElements(JSON.parse(readFileSync("models/ect-fitted.json", "utf8")), ["Na", "Cl"])));
const MODEL = ["--model", f("nacl-model.json")];

writeFileSync(f("nacl-crystal.xyz"), formatExtxyz(rocksalt("Na", "Cl", 5.64, 1)));
writeFileSync(f("nacl-dimer.xyz"), '2\npbc="F F F"\nNa 0 0 0\nCl 0 0 2.4\n');

function energyOf(file: string): number {
  return parseExtxyz(readFileSync(file, "utf8"))[0].info.free_energy as number;
}

describe("--long-range and --coul-cutoff override the model file", () => {
  it("eval: DSF and Ewald give different energies of the same crystal; the cutoff changes DSF's", async () => {
    const e: Record<string, number> = {};
    for (const [tag, extra] of [["dsf", ["--long-range", "dsf"]], ["dsf9", ["--long-range", "dsf", "--coul-cutoff", "9"]], ["ewald", ["--long-range", "ewald"]]] as const) {
      const r = await run("eval", ...MODEL, "--input", f("nacl-crystal.xyz"), "--output", f(`${tag}.xyz`), ...extra);
      expect(r.status, r.stderr).toBe(0);
      e[tag] = energyOf(f(`${tag}.xyz`));
      expect(Number.isFinite(e[tag])).toBe(true);
    }
    expect(e.dsf).not.toBe(e.ewald);
    expect(e.dsf9).not.toBe(e.dsf);
  });

  it("md, relax and property name the long range they used in their headers", async () => {
    const cases: [string[], RegExp][] = [
      [["md", ...MODEL, "--input", f("nacl-crystal.xyz"), "--steps", "2", "--long-range", "ewald", "--coul-cutoff", "8"], /ewald long range, cutoff 8 A/],
      [["relax", ...MODEL, "--input", f("nacl-crystal.xyz"), "--steps", "2", "--long-range", "dsf", "--coul-cutoff", "10"], /dsf long range, cutoff 10 A/],
      [["property", "elastic", ...MODEL, "--input", f("nacl-crystal.xyz"), "--no-relax-cell", "--no-relax", "--long-range", "ewald"], /ewald long range/],
      [["md", ...MODEL, "--input", f("nacl-dimer.xyz"), "--steps", "2", "--long-range", "direct"], /direct long range/],
    ];
    for (const [args, header] of cases) {
      const r = await run(...args);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).not.toBe(1);
      expect(r.stdout, args.join(" ")).toMatch(header);
    }
  }, 60_000);

  it("scan takes them too", async () => {
    const r = await run("scan", ...MODEL, "--pair", "Na,Cl", "--points", "3", "--from", "2", "--to", "6", "--long-range", "dsf", "--coul-cutoff", "9", "--csv", f("scan.csv"));
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(f("scan.csv"), "utf8").trim().split("\n")).toHaveLength(4);
  });

  it("bad values and misplaced flags: one line, exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [["eval", ...MODEL, "--input", f("nacl-dimer.xyz"), "--output", f("x.xyz"), "--long-range", "pppm"], /Allowed choices are direct, dsf, ewald/],
      [["eval", ...MODEL, "--input", f("nacl-dimer.xyz"), "--output", f("x.xyz"), "--coul-cutoff", "-3"], /--coul-cutoff must be > 0/],
      [["md", "--potential", "potentials/Cu_u3.eam", "--lattice", "fcc", "--a", "3.6", "--long-range", "dsf"], /--long-range applies to ECT-EAM models/],
      [["md", "--potential", "potentials/Cu_u3.eam", "--lattice", "fcc", "--a", "3.6", "--coul-cutoff", "9"], /--coul-cutoff needs --streitz FILE/],
    ];
    for (const [args, message] of cases) {
      const r = await run(...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe("--charge on eval, md and scan", () => {
  // Each command runs with the total charge asked for (a Na-Cl dimer holds +1 e as Na+ and a neutral Cl).
  it("eval --charge 1: the charges add up to 1 e", async () => {
    const r = await run("eval", ...MODEL, "--input", f("nacl-dimer.xyz"), "--output", f("charged.xyz"), "--charge", "1");
    expect(r.status, r.stderr).toBe(0);
    const q = parseExtxyz(readFileSync(f("charged.xyz"), "utf8"))[0].arrays.charges.data as Float64Array;
    expect(q[0] + q[1]).toBeCloseTo(1, 6);
  });
  it("md --charge 1: the header names it and every row's total charge is 1 e", async () => {
    const r = await run("md", ...MODEL, "--input", f("nacl-dimer.xyz"), "--steps", "3", "--charge", "1");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/total charge 1 e/);
    const rows = r.stdout.split("\n").filter((l) => /^\s+\d+\s/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row[8]).toBeCloseTo(1, 3); // TotCharge(e), printed to 4 digits
  });
  it("scan --charge 1: q_Na + q_Cl is 1 e at every distance", async () => {
    const r = await run("scan", ...MODEL, "--pair", "Na,Cl", "--points", "2", "--from", "2.4", "--to", "3", "--charge", "1");
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.split("\n").filter((l) => /^\s+\d+\.\d+\s/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row[3] + row[4]).toBeCloseTo(1, 3); // printed to 5 digits
  });
  it("--charge 0 is the neutral run", async () => {
    const r = await run("eval", ...MODEL, "--input", f("nacl-dimer.xyz"), "--output", f("neutral.xyz"), "--charge", "0");
    expect(r.status, r.stderr).toBe(0);
  });
});

describe("property eos and lattice of rocksalt with every periodic long range", () => {
  for (const lr of ["dsf", "ewald"]) {
    it(`eos, ${lr}`, async () => {
      const r = await run("property", "eos", ...MODEL, "--lattice", "rocksalt", "--element", "Na,Cl", "--a", "5.6", "--points", "7", "--long-range", lr);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/rocksalt NaCl a=5\.6/);
      expect(r.stdout).toMatch(/B0 = -?\d/);
      expect(r.stdout).toMatch(/a0 = \d/);
    }, 60_000);
    it(`lattice, ${lr}`, async () => {
      const r = await run("property", "lattice", ...MODEL, "--lattice", "rocksalt", "--element", "Na,Cl", "--a", "5.64", "--long-range", lr);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/a0 = \d+\.\d+ A/);
      expect(r.stdout).toMatch(/eV per formula unit NaCl/);
    }, 60_000);
  }
  it("direct summation of a periodic crystal is refused in one line", async () => {
    const r = await run("property", "lattice", ...MODEL, "--lattice", "rocksalt", "--element", "Na,Cl", "--a", "5.64", "--long-range", "direct");
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
  it("rocksalt needs two elements", async () => {
    // (the shipped model of five elements: which two is not implied)
    const r = await run("property", "lattice", "--model", "models/ect-fitted.json", "--lattice", "rocksalt", "--a", "5.64");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--lattice rocksalt needs --element CATION,ANION/);
  });
});
