// The LAMMPS single points of test/fixtures/streitz (provenance in its README.md) and the checks of the
// TypeScript reference layer (src/streitz) against them: test/streitz.test.ts runs them on the small
// cells, test/verify/streitz-reference.test.ts on the 2160-atom one (O(N^2) in TypeScript).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { Atoms } from "../../src/atoms.js";
import type { EamCalculator } from "../../src/eam/calculator.js";
import { readExtxyzFile } from "../../src/io/extxyz-file.js";
import { streitzCoulomb, type StreitzCoulombOptions } from "../../src/streitz/coulomb.js";
import type { StreitzParameters } from "../../src/streitz/params.js";
import { streitzQeq } from "../../src/streitz/qeq.js";
import { maxAbsDiff } from "./compare.js";

const ROOT = join(import.meta.dirname, "..", "..");
export const POT = join(ROOT, "potentials");
export const FIX = join(ROOT, "test", "fixtures", "streitz");
export const FIXTURES = readdirSync(FIX).filter((f) => f.endsWith(".extxyz")).sort();

/** A real per-atom column of a fixture. */
export function realColumn(a: Atoms, name: string): Float64Array {
  const col = a.arrays[name];
  if (!col || col.kind !== "R") throw new Error(`fixture has no real column ${name}`);
  return col.data;
}

/** A number of a fixture's header. */
export function num(a: Atoms, key: string): number {
  const v = a.info[key];
  if (typeof v !== "number") throw new Error(`fixture header has no number ${key}`);
  return v;
}

/** The fixture's own pair_style / kspace settings. */
export function fixtureOptions(a: Atoms): StreitzCoulombOptions {
  const summation = a.info.summation;
  if (summation !== "wolf" && summation !== "ewald") throw new Error(`bad summation ${String(summation)}`);
  const opts: StreitzCoulombOptions = { summation, cutoff: num(a, "coul_cutoff"), wolfAlpha: num(a, "wolf_alpha") };
  if (summation === "ewald") {
    const kmax = a.info.ewald_kmax as number[];
    opts.ewaldG = num(a, "ewald_g");
    opts.ewaldKmax = [kmax[0], kmax[1], kmax[2]];
  }
  return opts;
}

/** The fixtures too large for the unit tests' O(N^2) TypeScript reference (npm run verify runs them). */
export const LARGE_FIXTURES = ["al2o3_example_2160_wolf.extxyz"];

/** coul/streitz (+ Ewald) at the fixture charges plus eam/alloy: energies to 1e-9 eV/atom, forces to 1e-7 eV/A, virial to 1e-10 eV/atom. */
export function expectCoulombFixture(file: string, params: StreitzParameters, eam: EamCalculator): void {
  const atoms = readExtxyzFile(join(FIX, file))[0];
  const n = atoms.length;
  const q = realColumn(atoms, "charges");
  const ref = realColumn(atoms, "forces");
  const opts = fixtureOptions(atoms);
  const coul = streitzCoulomb(atoms, q, params, opts);
  const e = eam.calculate(atoms);

  expect(Math.abs(coul.energyPair - num(atoms, "energy_coul_pair")) / n).toBeLessThan(1e-9);
  expect(Math.abs(coul.energyKspace - num(atoms, "energy_coul_kspace")) / n).toBeLessThan(1e-9);
  expect(Math.abs(coul.energy - num(atoms, "energy_coul")) / n).toBeLessThan(1e-9);
  expect(Math.abs(e.energy - num(atoms, "energy_eam")) / n).toBeLessThan(1e-9);
  expect(Math.abs(coul.energy + e.energy - num(atoms, "energy")) / n).toBeLessThan(1e-9);

  const total = coul.forces.map((f, m) => f + e.forces[m]);
  expect(maxAbsDiff(total, ref)).toBeLessThan(1e-7);

  const w = atoms.info.virial as number[];
  const wTotal = coul.virial.map((v, m) => v + e.virial[m]);
  expect(maxAbsDiff(wTotal, w) / n).toBeLessThan(1e-10);

  if (opts.summation === "ewald") {
    expect(coul.kcount).toBeGreaterThan(1000);
    // the real-space part alone is LAMMPS' compute pair coul/streitz
    const real = streitzCoulomb(atoms, q, params, { ...opts, kspace: false });
    expect(real.energy).toBe(coul.energyPair);
    expect(real.energyKspace).toBe(0);
  }
}

/** fix qeq/slater's charges from the dense reference solve, to 1e-11 e (and the Wolf/Ewald twins' LAMMPS charges agree). */
export function expectQeqFixture(file: string, params: StreitzParameters): void {
  const atoms = readExtxyzFile(join(FIX, file))[0];
  const ref = realColumn(atoms, "charges");
  const r = streitzQeq(atoms, params, {
    cutoff: num(atoms, "qeq_cutoff"),
    tolerance: num(atoms, "qeq_tolerance"),
    maxIter: num(atoms, "qeq_maxiter"),
    alpha: num(atoms, "qeq_alpha"),
  });
  expect(maxAbsDiff(r.charges, ref)).toBeLessThan(1e-11);
  expect(Math.abs(r.charges.reduce((s, v) => s + v, 0))).toBeLessThan(1e-11);
  expect(r.cgLoops.s).toBeGreaterThan(1);
  expect(r.cgLoops.t).toBeGreaterThan(1);
  const twin = file.replace("_wolf", "_ewald");
  if (twin !== file && FIXTURES.includes(twin)) {
    expect(Array.from(realColumn(readExtxyzFile(join(FIX, twin))[0], "charges"))).toEqual(Array.from(ref));
  }
}
