// The Streitz QEq solver choices in MD (src/streitz/engine.ts): the symmetric Gauss-Seidel
// preconditioner and the linear start against LAMMPS' Jacobi CG with its four-solution extrapolation.
// Both stop at LAMMPS' test; what they must agree on is the trajectory (to the solver's error) and the
// charges' distance from the converged ones.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Atoms } from "../src/atoms.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { readExtxyzFile } from "../src/io/extxyz-file.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import type { EamPotential } from "../src/potentials/types.js";
import { StreitzCalculator } from "../src/streitz/calculator.js";
import type { QeqPreconditioner, QeqStart } from "../src/streitz/engine.js";
import { readStreitzFile } from "../src/streitz/params-file.js";
import type { StreitzParameters } from "../src/streitz/params.js";

const ROOT = join(import.meta.dirname, "..");
const FIX = join(ROOT, "test", "fixtures", "streitz");
let eam: EamPotential;
let streitz: StreitzParameters;
let start: Atoms;
beforeAll(() => {
  eam = readEamPotentialFile(join(ROOT, "potentials", "AlO.eam.alloy"));
  streitz = readStreitzFile(join(ROOT, "potentials", "AlO.streitz"));
  start = readExtxyzFile(join(FIX, "al2o3_rattled_2x1x1_wolf.extxyz"))[0];
  start.velocities = maxwellBoltzmann(start.masses, 600, 11);
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

async function md(pre: QeqPreconditioner, guess: QeqStart, tolerance: number, steps = 20, variant: "simd" | "scalar" = "simd") {
  const calc = await StreitzCalculator.create({ eam, streitz, summation: "wolf", qeqTolerance: tolerance, qeqMaxIter: 500, engine: { variant } });
  calc.calculate(start);
  const e = calc.engine;
  e.mdQeqPreconditioner = pre;
  e.mdQeqStart = guess;
  const before = e.qeqReport();
  e.runVerlet(steps, 0.4);
  const after = e.qeqReport();
  return { e, positions: e.positions(), charges: e.charges(), loops: (after.loopSum - before.loopSum) / (after.solves - before.solves) };
}

async function converged(positions: Float64Array): Promise<Float64Array> {
  const calc = await StreitzCalculator.create({ eam, streitz, summation: "wolf", qeqTolerance: 1e-12, qeqMaxIter: 2000 });
  const a = start.copy();
  a.positions = positions;
  return calc.calculate(a).charges;
}

describe("Streitz QEq in MD: Gauss-Seidel preconditioner and linear start", () => {
  it("solved tightly, both solvers give the same trajectory (charges 1e-8 e, positions 1e-9 A after 20 steps; SIMD and scalar)", async () => {
    const ref = await md("jacobi", "extrapolate", 1e-10);
    for (const variant of ["simd", "scalar"] as const) {
      const sgs = await md("sgs", "linear", 1e-10, 20, variant);
      expect(maxAbsDiff(sgs.charges, ref.charges)).toBeLessThan(1e-8);
      expect(maxAbsDiff(sgs.positions, ref.positions)).toBeLessThan(1e-9);
    }
  });

  it("at LAMMPS' tolerance 1e-6 the charges are as close to the converged ones as LAMMPS' solver leaves them", async () => {
    const ref = await md("jacobi", "extrapolate", 1e-6);
    const sgs = await md("sgs", "linear", 1e-6);
    const refErr = maxAbsDiff(ref.charges, await converged(ref.positions));
    const sgsErr = maxAbsDiff(sgs.charges, await converged(sgs.positions));
    // measured: 1.3e-5 e (Jacobi) and 7.1e-6 e (Gauss-Seidel at half the tolerance); the residual test
    // bounds the error only up to the conditioning, so the band is a factor 1.5 on the reference's.
    // (Loops per step depend on the system: 31 against 33 here, 20 against 36 on the 2160-atom
    // example; bench/streitz.ts reports them.)
    expect(sgsErr).toBeLessThan(1.5 * refErr);
  });
});
