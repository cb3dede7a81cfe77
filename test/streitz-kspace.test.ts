// The Ewald k-space of the SIMD kernels (assembly/streitz.ts kspacePlane: k-vectors by (n1, n2)
// plane, mirror pairs (n1, n2, +-m) together, the forces of a plane in one pass over the atoms)
// against the scalar build, which keeps the one-vector loop, and against the TypeScript reference
// (src/streitz/ewald.ts). Odd atom counts (the kernels' scalar tails), a triclinic cell (planes whose
// n3 row has vectors without their mirror) and lopsided kmax (long and short rows).
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Atoms } from "../src/atoms.js";
import { readExtxyzFile } from "../src/io/extxyz-file.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import type { EamPotential } from "../src/potentials/types.js";
import { StreitzCalculator } from "../src/streitz/calculator.js";
import { ewaldKspace } from "../src/streitz/ewald.js";
import { readStreitzFile } from "../src/streitz/params-file.js";
import type { StreitzParameters } from "../src/streitz/params.js";
import { removeAtoms } from "../src/structures/supercell.js";
import { maxAbsDiff } from "./helpers/compare.js";

const ROOT = join(import.meta.dirname, "..");
const FIX = join(ROOT, "test", "fixtures", "streitz");
const QQRD2E = 14.399645; // LAMMPS metal units

let eam: EamPotential;
let streitz: StreitzParameters;
beforeAll(() => {
  eam = readEamPotentialFile(join(ROOT, "potentials", "AlO.eam.alloy"));
  streitz = readStreitzFile(join(ROOT, "potentials", "AlO.streitz"));
});

/** The fixture with one atom removed (odd count) and the rest moved off the lattice. */
function oddCell(file: string): Atoms {
  const a = removeAtoms(readExtxyzFile(join(FIX, file))[0], [7]);
  for (let k = 0; k < a.positions.length; k++) a.positions[k] += 0.04 * Math.sin(1.3 * k + 0.2);
  return a;
}

const CASES: { file: string; g: number; kmax: [number, number, number] }[] = [
  { file: "al2o3_triclinic_1x2x1_ewald.extxyz", g: 0.3, kmax: [5, 4, 6] },
  { file: "al2o3_rattled_2x1x1_ewald.extxyz", g: 0.3, kmax: [6, 7, 5] },
  { file: "al2o3_rattled_2x1x1_ewald.extxyz", g: 0.4, kmax: [2, 3, 14] },
];

describe("Ewald k-space by plane (SIMD) against the one-vector loop (scalar build) and the reference", () => {
  for (const { file, g, kmax } of CASES) {
    it(`${file} less one atom, g ${g}, kmax ${kmax.join(" ")}: energy, forces, virial`, async () => {
      const atoms = oddCell(file);
      expect(atoms.length % 2).toBe(1);
      const opts = { eam, streitz, summation: "ewald" as const, ewaldG: g, kmax, qeqTolerance: 1e-12, qeqMaxIter: 1000 };
      const simd = await StreitzCalculator.create({ ...opts, engine: { variant: "simd" } });
      const scalar = await StreitzCalculator.create({ ...opts, engine: { variant: "scalar" } });
      const a = simd.calculate(atoms);
      const b = scalar.calculate(atoms);
      const n = atoms.length;
      const scaleF = Math.max(...b.forces.map(Math.abs));
      // The two builds differ in rounding only (the pair walks sum per lane in SIMD as well, and
      // the charges are solved to 1e-12); an error in a k-space term would be many orders larger.
      expect(maxAbsDiff(a.charges, b.charges)).toBeLessThan(1e-10);
      expect(Math.abs(a.energyCoulKspace - b.energyCoulKspace) / n).toBeLessThan(1e-10);
      expect(maxAbsDiff(a.forces, b.forces)).toBeLessThan(1e-10 * scaleF);
      expect(maxAbsDiff(a.virial, b.virial) / n).toBeLessThan(1e-10);
      // The reference k-space at the SIMD engine's charges.
      const ref = ewaldKspace(atoms.positions, a.charges, atoms.cell, { g, kmax, qqrd2e: QQRD2E });
      expect(Math.abs(a.energyCoulKspace - ref.energy) / n).toBeLessThan(1e-10);
    });
  }
});
