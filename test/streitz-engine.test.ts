// The wasm Streitz-Mintmire engine (src/streitz/engine.ts, assembly/streitz.ts): its radial tables
// against the closed forms, the LAMMPS fixtures through StreitzCalculator (SIMD and scalar kernels),
// the consistent mode (forces = -dE/dx; its NVE energy error ~ dt^2: test/verify/streitz-nve.test.ts)
// and the input checks.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Atoms } from "../src/atoms.js";
import { InputError } from "../src/errors.js";
import { readExtxyzFile } from "../src/io/extxyz-file.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import type { EamPotential } from "../src/potentials/types.js";
import { StreitzCalculator, type StreitzCalculatorOptions } from "../src/streitz/calculator.js";
import { readStreitzFile } from "../src/streitz/params-file.js";
import { streitzElements, type StreitzParameters } from "../src/streitz/params.js";
import { streitzQeq } from "../src/streitz/qeq.js";
import { buildStreitzTable, evalStreitzTable, pairFunctions, type StreitzTableSpec } from "../src/streitz/tables.js";
import { taperedEam } from "./helpers/tapered-eam.js";
import { maxAbsDiff } from "./helpers/compare.js";

const ROOT = join(import.meta.dirname, "..");
const FIX = join(ROOT, "test", "fixtures", "streitz");
const POT = join(ROOT, "potentials");
const FIXTURES = readdirSync(FIX).filter((f) => f.endsWith(".extxyz")).sort();

let eam: EamPotential;
let smooth: EamPotential;
let streitz: StreitzParameters;
beforeAll(() => {
  eam = readEamPotentialFile(join(POT, "AlO.eam.alloy"));
  smooth = taperedEam(eam, 6.5);
  streitz = readStreitzFile(join(POT, "AlO.streitz"));
});

function column(a: Atoms, name: string): Float64Array {
  const c = a.arrays[name];
  if (!c || c.kind !== "R") throw new Error(`fixture has no real column ${name}`);
  return c.data;
}

/** Calculator settings of a fixture header (its own summation, cutoffs, QEq and Ewald settings). */
function fixtureSettings(a: Atoms): Omit<StreitzCalculatorOptions, "eam" | "streitz"> {
  const i = a.info as Record<string, unknown>;
  const summation = i.summation as "wolf" | "ewald";
  return {
    summation,
    coulCutoff: i.coul_cutoff as number,
    wolfAlpha: summation === "wolf" ? (i.wolf_alpha as number) : undefined,
    qeqTolerance: i.qeq_tolerance as number,
    qeqMaxIter: i.qeq_maxiter as number,
    qeqAlpha: i.qeq_alpha as number,
    qeqCutoff: i.qeq_cutoff as number,
    ewaldG: summation === "ewald" ? (i.ewald_g as number) : undefined,
    kmax: summation === "ewald" ? (i.ewald_kmax as [number, number, number]) : undefined,
  };
}

describe("Streitz radial tables (quintic on three nodes per 0.02 A interval)", () => {
  for (const shift of ["none", "wolf", "dsf"] as const) {
    it(`reproduce the closed forms (${shift} shifts): values to 5e-13 eV/e^2, slopes to 2e-10 eV/(A e^2)`, () => {
      const elements = streitzElements(streitz, ["Al", "O"]);
      const spec: StreitzTableSpec = { elements, k: 14.399645, rmax: 12.05, alpha: 0.31, shift, rc: 12 };
      const table = buildStreitzTable(spec);
      const exact = new Float64Array(6);
      const got = new Float64Array(6);
      let dv = 0;
      let ds = 0;
      for (let ti = 0; ti < 2; ti++) {
        for (let tj = 0; tj < 2; tj++) {
          const f = pairFunctions(elements[ti], elements[tj], spec);
          for (let r = 1.0; r <= 12; r += 0.00731) {
            f(r, exact);
            evalStreitzTable(table, 2, ti, tj, r, got);
            for (let q = 0; q < 3; q++) {
              dv = Math.max(dv, Math.abs(exact[q] - got[q]));
              ds = Math.max(ds, Math.abs(exact[q + 3] - got[q + 3]));
            }
          }
        }
      }
      expect(dv).toBeLessThan(5e-13);
      expect(ds).toBeLessThan(2e-10);
      if (shift !== "none") {
        // shifted forms vanish at the cutoff (the erfc term of LAMMPS' Wolf energy only in value)
        for (let ti = 0; ti < 2; ti++) {
          pairFunctions(elements[ti], elements[1 - ti], spec)(12, exact);
          expect(Math.abs(exact[0]) + Math.abs(exact[1]) + Math.abs(exact[2])).toBeLessThan(1e-15);
          expect(Math.abs(exact[4]) + Math.abs(exact[5])).toBeLessThan(1e-15);
          if (shift === "dsf") expect(Math.abs(exact[3])).toBeLessThan(1e-15);
        }
      }
    });
  }
});

describe("StreitzCalculator (wasm) against the LAMMPS fixtures", () => {
  it("has the 8 shared fixtures", () => expect(FIXTURES).toHaveLength(8));

  for (const variant of ["simd", "scalar"] as const) {
    // The scalar build on the small cells only (same source, no f64x2): keeps the file quick.
    const files = variant === "simd" ? FIXTURES : FIXTURES.filter((f) => f.includes("triclinic") || f.includes("cluster"));
    for (const file of files) {
      it(`${variant}: ${file}: energy 1e-9 eV/atom, charges 1e-8 e, forces 1e-7 eV/A, stress 1e-9 eV/A^3`, async () => {
        const atoms = readExtxyzFile(join(FIX, file))[0];
        const info = atoms.info as Record<string, number | number[]>;
        const n = atoms.length;
        const calc = await StreitzCalculator.create({ eam, streitz, ...fixtureSettings(atoms), engine: { variant } });
        const r = calc.calculate(atoms, file);
        const dE = Math.abs(r.energy - (info.energy as number)) / n;
        const dq = maxAbsDiff(r.charges, column(atoms, "charges"));
        const dF = maxAbsDiff(r.forces, column(atoms, "forces"));
        expect(dE).toBeLessThan(1e-9);
        expect(Math.abs(r.energyEam - (info.energy_eam as number)) / n).toBeLessThan(1e-9);
        expect(Math.abs(r.energyCoulPair - (info.energy_coul_pair as number)) / n).toBeLessThan(1e-9);
        expect(Math.abs(r.energyCoulKspace - (info.energy_coul_kspace as number)) / n).toBeLessThan(1e-9);
        expect(dq).toBeLessThan(1e-8);
        expect(dF).toBeLessThan(1e-7);
        expect(maxAbsDiff(r.virial, info.virial as number[]) / n).toBeLessThan(1e-10);
        if (atoms.pbc[0]) {
          const s = info.stress as number[];
          expect(maxAbsDiff(r.stress!, [s[0], s[4], s[8], s[5], s[2], s[1]])).toBeLessThan(1e-9);
        } else {
          expect(r.stress).toBeNull();
        }
        expect(Math.abs(r.charges.reduce((a, v) => a + v, 0))).toBeLessThan(1e-10);
      });
    }
  }

  it("the LAMMPS-mode QEq stops where the dense reference does at tolerance 1e-6 (same loops, charges to 1e-8 e)", async () => {
    const atoms = readExtxyzFile(join(FIX, "al2o3_rattled_2x1x1_wolf.extxyz"))[0];
    const ref = streitzQeq(atoms, streitz, { cutoff: 12, tolerance: 1e-6, maxIter: 100, alpha: 0.2 });
    const calc = await StreitzCalculator.create({ eam, streitz, summation: "wolf", qeqTolerance: 1e-6 });
    const r = calc.calculate(atoms);
    expect(r.qeqLoops).toEqual(ref.cgLoops);
    // CG amplifies rounding differences (matvec order) in unconverged iterates: 1e-9 e here.
    expect(maxAbsDiff(r.charges, ref.charges)).toBeLessThan(1e-8);
  });
});

describe("consistent mode", () => {
  /** -dE/dx by the 4-point stencil (error h^4), each energy a cold-started tight QEq. */
  function fdForce(calc: StreitzCalculator, atoms: Atoms, i: number, d: number): number {
    const h = 1e-3;
    const e = (s: number) => {
      const b = atoms.copy();
      b.positions[3 * i + d] += s * h;
      calc.coldStart();
      return calc.calculate(b).energy;
    };
    return -(-e(2) + 8 * e(1) - 8 * e(-1) + e(-2)) / (12 * h);
  }
  const probes: [number, number][] = [[0, 0], [7, 1], [50, 2], [100, 0], [119, 1]];

  for (const summation of ["wolf", "ewald"] as const) {
    it(`${summation}: forces are -dE/dx to 1e-6 relative (charges minimise the energy)`, async () => {
      const atoms = readExtxyzFile(join(FIX, "al2o3_rattled_2x1x1_wolf.extxyz"))[0];
      const calc = await StreitzCalculator.create({
        eam: smooth, streitz, summation, mode: "consistent", qeqTolerance: 1e-13, qeqMaxIter: 1000,
        ewaldG: 0.45, kmax: summation === "ewald" ? [9, 5, 7] : undefined,
      });
      const r = calc.calculate(atoms);
      const scale = Math.max(...r.forces.map(Math.abs));
      for (const [i, d] of probes) {
        expect(Math.abs(fdForce(calc, atoms, i, d) - r.forces[3 * i + d])).toBeLessThan(1e-6 * scale);
      }
    });
  }

  it("lammps mode is not: its charges do not minimise its energy (forces off by ~1e-2 eV/A)", async () => {
    const atoms = readExtxyzFile(join(FIX, "al2o3_rattled_2x1x1_wolf.extxyz"))[0];
    const calc = await StreitzCalculator.create({ eam: smooth, streitz, summation: "wolf", qeqTolerance: 1e-13, qeqMaxIter: 1000 });
    const r = calc.calculate(atoms);
    const gaps = probes.map(([i, d]) => Math.abs(fdForce(calc, atoms, i, d) - r.forces[3 * i + d]));
    expect(Math.max(...gaps)).toBeGreaterThan(5e-3);
  });

});

describe("input checks", () => {
  it("names two atoms closer than the tables reach", async () => {
    const atoms = readExtxyzFile(join(FIX, "al2o3_cluster_a_wolf.extxyz"))[0];
    const b = atoms.copy();
    for (let d = 0; d < 3; d++) b.positions[3 * 5 + d] = b.positions[3 * 9 + d] + (d === 0 ? 0.3 : 0);
    const calc = await StreitzCalculator.create({ eam, streitz, summation: "wolf" });
    expect(() => calc.calculate(b, "close.xyz")).toThrowError(InputError);
    expect(() => calc.calculate(b, "close.xyz")).toThrowError(/close\.xyz: atoms (5 and 9|9 and 5) are 0\.3000 A apart, closer than the Streitz tables reach/);
  });

  it("consistent mode refuses the QEq-only settings, unknown modes are refused", async () => {
    await expect(StreitzCalculator.create({ eam, streitz, summation: "wolf", mode: "consistent", qeqAlpha: 0.2 })).rejects.toThrowError(
      /consistent mode .* qeqAlpha and qeqCutoff do not apply/,
    );
    await expect(StreitzCalculator.create({ eam, streitz, summation: "wolf", mode: "other" as "lammps" })).rejects.toThrowError(/mode must be/);
  });
});
