// `ect-eam eval --streitz` (Streitz-Mintmire: coul/streitz + eam/alloy + fix qeq/slater) run from the
// bundle against the LAMMPS 29Sep2021 single points in test/fixtures/streitz, each with its own
// settings from its header; plus StreitzCalculator's Ewald accuracy path and the flag checks.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Atoms } from "../src/atoms.js";
import { readExtxyzFile } from "../src/io/extxyz-file.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import { streitzSettings, type StreitzEvalOptions } from "../src/cli/streitz.js";
import { InputError } from "../src/errors.js";
import { lammpsEwaldParameters, StreitzCalculator } from "../src/streitz/calculator.js";
import { readStreitzFile } from "../src/streitz/params-file.js";
import { cliIn as cli, cliFailsIn as cliFails, scratch } from "./helpers/cli.js";
import { maxAbsDiff } from "./helpers/compare.js";
import { FIX, FIXTURES, POT, num, realColumn as real } from "./helpers/streitz-fixtures.js";

const { dir } = scratch("streitz-cli-");

/** The fixture's own settings as eval flags. */
function fixtureFlags(a: Atoms): string[] {
  const flags = ["--summation", String(a.info.summation), "--coul-cutoff", String(num(a, "coul_cutoff"))];
  if (a.info.summation === "wolf") flags.push("--wolf-alpha", String(num(a, "wolf_alpha")));
  else flags.push("--ewald-g", String(num(a, "ewald_g")), "--ewald-kmax", (a.info.ewald_kmax as number[]).join(","));
  flags.push(
    "--qeq-tolerance", String(num(a, "qeq_tolerance")),
    "--qeq-maxiter", String(num(a, "qeq_maxiter")),
    "--qeq-cutoff", String(num(a, "qeq_cutoff")),
    "--qeq-alpha", String(num(a, "qeq_alpha")),
  );
  return flags;
}

const worst = { energy: 0, charges: 0, forces: 0, stress: 0 };
const rows: string[] = [];
afterAll(() => {
  console.log(
    `streitz CLI vs LAMMPS, worst: energy ${worst.energy.toExponential(2)} eV/atom, charges ${worst.charges.toExponential(2)} e, ` +
      `forces ${worst.forces.toExponential(2)} eV/A, stress ${worst.stress.toExponential(2)} eV/A^3\n${rows.join("\n")}`,
  );
});

describe("ect-eam eval --streitz against the LAMMPS fixtures", () => {
  it("has the 8 shared fixtures", async () => {
    expect(FIXTURES).toHaveLength(8);
  });

  for (const file of FIXTURES) {
    it(`${file}: energy 1e-9 eV/atom, charges 1e-8 e, forces 1e-7 eV/A, stress 1e-9 eV/A^3`, async () => {
      const ref = readExtxyzFile(join(FIX, file))[0];
      const n = ref.length;
      const output = join(dir, file.replace(".extxyz", ".out.xyz"));
      const t0 = performance.now();
      const log = await cli(
        "eval", "--potential", join(POT, "AlO.eam.alloy"), "--streitz", join(POT, "AlO.streitz"),
        ...fixtureFlags(ref), "--input", join(FIX, file), "--output", output,
      );
      const seconds = (performance.now() - t0) / 1000;
      expect(log).toBe(""); // progress goes to stderr
      const frames = readExtxyzFile(output);
      expect(frames).toHaveLength(1);
      const got = frames[0];

      const de = Math.max(
        ...["energy", "energy_eam", "energy_coul", "energy_coul_pair", "energy_coul_kspace"].map((k) => Math.abs(num(got, k) - num(ref, k)) / n),
      );
      const dq = maxAbsDiff(real(got, "charges"), real(ref, "charges"));
      const df = maxAbsDiff(real(got, "forces"), real(ref, "forces"));
      expect(de).toBeLessThan(1e-9);
      expect(dq).toBeLessThan(1e-8);
      expect(df).toBeLessThan(1e-7);
      expect(Array.from(got.positions)).toEqual(Array.from(ref.positions));
      expect(got.info.virial as number[]).toHaveLength(9);
      expect(num(got, "qeq_iterations")).toBeGreaterThan(1);
      expect(got.info.summation).toBe(ref.info.summation);

      let ds = 0;
      if (ref.pbc.some((p) => p)) {
        ds = maxAbsDiff(got.info.stress as number[], ref.info.stress as number[]);
        expect(ds).toBeLessThan(1e-9);
        const volume = got.volume();
        expect(maxAbsDiff(got.info.virial as number[], ref.info.virial as number[]) / volume).toBeLessThan(1e-9);
      } else {
        expect(got.info).not.toHaveProperty("stress");
      }
      worst.energy = Math.max(worst.energy, de);
      worst.charges = Math.max(worst.charges, dq);
      worst.forces = Math.max(worst.forces, df);
      worst.stress = Math.max(worst.stress, ds);
      rows.push(
        `  ${file.padEnd(36)} N=${String(n).padStart(4)}  ${seconds.toFixed(2)} s  dE ${de.toExponential(1)}  dq ${dq.toExponential(1)}  dF ${df.toExponential(1)}  dS ${ds.toExponential(1)}`,
      );
    }, 60_000);
  }

  it("writes every frame of a multi-frame input, and the examples/streitz defaults without flags", async () => {
    const a = readExtxyzFile(join(FIX, "al2o3_cluster_a_wolf.extxyz"))[0];
    const input = join(dir, "two.xyz");
    const output = join(dir, "two.out.xyz");
    const text = readFileSync(join(FIX, "al2o3_cluster_a_wolf.extxyz"), "utf8");
    writeFileSync(input, text + text);
    await cli("eval", "--potential", join(POT, "AlO.eam.alloy"), "--streitz", join(POT, "AlO.streitz"), "--summation", "wolf", "--input", input, "--output", output);
    const frames = readExtxyzFile(output);
    expect(frames).toHaveLength(2);
    for (const f of frames) {
      expect(f.info).toMatchObject({ summation: "wolf", wolf_alpha: 0.31, coul_cutoff: 12, qeq_tolerance: 1e-6, qeq_maxiter: 100, qeq_cutoff: 12, qeq_alpha: 0.2 });
      // tolerance 1e-6 instead of 1e-14: E is variational in q, the charges are not
      expect(Math.abs(num(f, "energy") - num(a, "energy")) / a.length).toBeLessThan(1e-6);
      expect(maxAbsDiff(real(f, "charges"), real(a, "charges"))).toBeLessThan(1e-3);
    }
  });
});

describe("StreitzCalculator Ewald parameters from the accuracy (LAMMPS Ewald::init/setup)", () => {
  it("accuracy 1e-10 without g or kmax reproduces the fixture (g = 0.40: real-space truncation ~1e-10 eV/atom)", async () => {
    const ref = readExtxyzFile(join(FIX, "al2o3_rattled_2x1x1_ewald.extxyz"))[0];
    const calc = await StreitzCalculator.create({
      eam: readEamPotentialFile(join(POT, "AlO.eam.alloy")),
      streitz: readStreitzFile(join(POT, "AlO.streitz")),
      summation: "ewald",
      ewaldAccuracy: 1e-10,
      qeqTolerance: 1e-14,
      qeqMaxIter: 2000,
    });
    const r = calc.calculate(ref);
    expect(r.ewald?.g).toBeCloseTo(0.4, 1);
    expect(Math.abs(r.energy - num(ref, "energy")) / ref.length).toBeLessThan(1e-9);
    expect(maxAbsDiff(r.forces, real(ref, "forces"))).toBeLessThan(1e-7);
    expect(maxAbsDiff(r.charges, real(ref, "charges"))).toBeLessThan(1e-11);
    expect(r.energy).toBeCloseTo(r.energyEam + r.energyCoul, 9);
  });

  it("follows LAMMPS' formulas for g and kmax", async () => {
    const cell = [10, 0, 0, 0, 12, 0, 0, 0, 14];
    // by hand: acc = 1e-6 * 14.399645, q2 = 100 * 14.399645, g0 = acc sqrt(1000*12*1680)/(2 q2)
    const acc = 1e-6 * 14.399645;
    const q2 = 100 * 14.399645;
    const g0 = (acc * Math.sqrt(1000 * 12 * 10 * 12 * 14)) / (2 * q2);
    const g = Math.sqrt(-Math.log(g0)) / 12;
    const p = lammpsEwaldParameters(undefined, undefined, 1e-6, 100, 1000, 12, cell);
    expect(p.g).toBe(g);
    const rms = (km: number, prd: number) =>
      ((2 * q2 * g) / prd) * Math.sqrt(1 / (Math.PI * km * 1000)) * Math.exp((-Math.PI * Math.PI * km * km) / (g * g * prd * prd));
    p.kmax.forEach((k, d) => {
      const prd = [10, 12, 14][d];
      expect(rms(k, prd)).toBeLessThanOrEqual(acc);
      expect(rms(k - 1, prd)).toBeGreaterThan(acc);
    });
    expect(lammpsEwaldParameters(0.45, [3, 4, 5], 1e-6, 100, 1000, 12, cell)).toEqual({ g: 0.45, kmax: [3, 4, 5] });
    expect(() => lammpsEwaldParameters(undefined, undefined, 1e-6, 0, 1000, 12, cell)).toThrowError(/kspace_modify gewald/);
  });
});

describe("ect-eam eval --streitz flag checks", () => {
  const base = ["eval", "--potential", join(POT, "AlO.eam.alloy"), "--streitz", join(POT, "AlO.streitz")];
  const io = ["--input", join(FIX, "al2o3_cluster_a_wolf.extxyz"), "--output", join(dir, "bad.xyz")];
  // through the CLI: exit status 2 and one line on stderr
  const cliCases: [string, string[], RegExp][] = [
    ["a missing --summation", [...base, ...io], /^ect-eam: --streitz needs --summation wolf or --summation ewald$/],
    ["a non-number", [...base, "--summation", "wolf", "--wolf-alpha", "abc", ...io], /--wolf-alpha expects a number, got 'abc'/],
    ["--streitz without --potential", ["eval", "--streitz", join(POT, "AlO.streitz"), "--summation", "wolf", ...io], /--streitz needs --potential FILE/],
    ["a missing parameter file", ["eval", "--potential", join(POT, "AlO.eam.alloy"), "--streitz", join(dir, "none.streitz"), "--summation", "wolf", ...io], /none\.streitz: cannot read coul\/streitz parameter file/],
    ["Ewald on a cluster", [...base, "--summation", "ewald", ...io], /al2o3_cluster_a_wolf\.extxyz: Ewald needs a structure periodic in all three directions/],
  ];
  for (const [what, args, message] of cliCases) {
    it(`the CLI rejects ${what} (exit 2, one line)`, async () => {
      const r = await cliFails(...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  }

  // the same checks in-process (streitzSettings is what evalStreitz runs first)
  const ok: StreitzEvalOptions = { potential: "AlO.eam.alloy", streitz: "AlO.streitz", summation: "wolf", input: "in.xyz", output: "out.xyz" };
  const cases: [string, Partial<StreitzEvalOptions>, RegExp][] = [
    ["an unknown summation", { summation: "pppm" }, /--summation must be wolf or ewald, got 'pppm'/],
    ["a negative cutoff", { coulCutoff: "-1" }, /--coul-cutoff must be > 0/],
    ["a negative alpha", { qeqAlpha: "-0.1" }, /--qeq-alpha must be >= 0/],
    ["a fractional maxiter", { qeqMaxiter: "2.5" }, /--qeq-maxiter expects an integer/],
    ["a zero tolerance", { qeqTolerance: "0" }, /--qeq-tolerance must be > 0/],
    ["a bad kmax", { summation: "ewald", ewaldKmax: "8,9" }, /--ewald-kmax expects three positive integers/],
    ["an Ewald flag with Wolf", { ewaldG: "0.45" }, /--ewald-g applies to --summation ewald/],
    ["a Wolf flag with Ewald", { summation: "ewald", wolfAlpha: "0.3" }, /--wolf-alpha applies to --summation wolf/],
    ["--model with --streitz", { model: "m.json" }, /--streitz goes with --potential/],
    ["--cube with --streitz", { cube: "x.cube" }, /--cube is for --model/],
    ["a Streitz flag without --streitz", { streitz: undefined, summation: undefined, qeqTolerance: "1e-8" }, /--qeq-tolerance needs --streitz FILE/],
  ];
  for (const [what, change, message] of cases) {
    it(`rejects ${what}`, async () => {
      expect(() => streitzSettings({ ...ok, ...change })).toThrowError(InputError);
      expect(() => streitzSettings({ ...ok, ...change })).toThrowError(message);
    });
  }

  it("turns the flags into calculator settings", async () => {
    expect(streitzSettings({ ...ok, summation: "ewald", ewaldG: "0.45", ewaldKmax: "8 9 12", qeqTolerance: "1e-14", qeqMaxiter: "2000" })).toMatchObject({
      summation: "ewald",
      ewaldG: 0.45,
      kmax: [8, 9, 12],
      qeqTolerance: 1e-14,
      qeqMaxIter: 2000,
      coulCutoff: undefined,
    });
  });
});
