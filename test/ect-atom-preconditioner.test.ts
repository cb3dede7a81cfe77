/**
 * The atom preconditioner of the bond-transfer minimizer (src/ect/transfer/atom-preconditioner.ts):
 * - its per-atom stiffness C_i is the second derivative of the bond energy in the atom's neutral
 *   weight at fixed amplitudes (central differences of `bondEnergy`);
 * - it changes the path, not the answer: solves with it and with the diagonal curvature alone reach
 *   the same ground state (Omega, charges) of rattled rock-salt LiH and LiF cells;
 * - it needs fewer iterations: a warm solve after a small displacement takes under half those of the
 *   diagonal preconditioner (measured here: 12 against 97 in 8-atom LiH, 13 against 44 in LiF; 13
 *   against 122 per MD step in 64-atom LiH, docs/ect-speed.md).
 */
import { describe, expect, it } from "vitest";
import type { Atoms } from "../src/atoms.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { neutralWeightStiffness } from "../src/ect/transfer/atom-preconditioner.js";
import { bondEnergy } from "../src/ect/transfer/bonds.js";
import type { TransferPreconditioner } from "../src/ect/transfer/transfer-solver.js";
import { rocksalt } from "../src/structures/lattice.js";
import { fittedTables } from "./helpers/fitted-md.js";

const tables = fittedTables();

/** A rock-salt cell of 8 (repeat 1) or 64 atoms with every coordinate moved by a deterministic offset of up to `amp` (A). */
function rattled(cation: string, anion: string, a: number, amp: number, phase = 0, repeat = 2): Atoms {
  const atoms = rocksalt(cation, anion, a, repeat);
  const p = atoms.positions;
  for (let k = 0; k < p.length; k++) p[k] += amp * Math.sin(1.7 * k + 0.3 + phase);
  return atoms;
}

async function solved(atoms: Atoms, preconditioner: TransferPreconditioner): Promise<EctCalculator> {
  const calc = await EctCalculator.create(tables);
  calc.engine.bondSolver.preconditioner = preconditioner;
  calc.calculate(atoms);
  return calc;
}

describe("the atom preconditioner of bond transfer", () => {
  it("C_i is the second derivative of the bond energy in the neutral weight w0_i", async () => {
    const calc = await solved(rattled("Li", "H", 4.0, 0.05, 0, 1), "atoms");
    const bond = calc.engine.bond!, b = bond.bonds!, nb = b.count;
    const { forward, reverse } = bond.amplitudes();
    const x = new Float64Array(2 * nb + 8);
    x.set(forward.subarray(0, nb));
    x.set(reverse.subarray(0, nb), nb);
    const w0 = Float64Array.from(bond.neutralWeights());
    const C = new Float64Array(w0.length);
    neutralWeightStiffness(b, x, w0, C);
    const g0 = new Float64Array(w0.length), gf = new Float64Array(nb), gr = new Float64Array(nb);
    const energy = (w: Float64Array) => bondEnergy(b, x.subarray(0, nb), x.subarray(nb, 2 * nb), w, g0, gf, gr);
    let checked = 0;
    for (let i = 0; i < w0.length; i++) {
      // central second difference; h = 1e-3 w0: truncation ~1e-6 relative, rounding ~1e-9 relative
      const h = 1e-3 * w0[i], w = w0.slice();
      w[i] = w0[i] + h;
      const ep = energy(w);
      w[i] = w0[i] - h;
      const em = energy(w);
      const fd = (ep - 2 * energy(w0) + em) / (h * h);
      expect(Math.abs(fd - C[i])).toBeLessThan(1e-4 * Math.abs(C[i]));
      expect(C[i]).toBeGreaterThan(0);
      checked++;
    }
    expect(checked).toBe(8);
  }, 120_000);

  for (const [cation, anion, a] of [["Li", "H", 4.0], ["Li", "F", 3.99]] as const) {
    it(`${cation}${anion}: the same ground state as the diagonal preconditioner, and a warm solve in at most 0.55 of its iterations`, async () => {
      const first = rattled(cation, anion, a, 0.05, 0, 1), second = rattled(cation, anion, a, 0.05, 0.01, 1);
      const n = first.length;
      const results = [];
      for (const pre of ["diagonal", "atoms"] as const) {
        const calc = await solved(first, pre);
        const warm = calc.calculate(second);
        results.push(warm);
      }
      const [diag, atoms] = results;
      // The solves stop at a scaled gradient of 1e-8: energies agree to its square, charges to it.
      expect(Math.abs(atoms.grandPotential - diag.grandPotential) / n).toBeLessThan(1e-9);
      for (let i = 0; i < n; i++) expect(Math.abs(atoms.charges[i] - diag.charges[i])).toBeLessThan(1e-6);
      // Measured (shipped model, 2026-12-07): LiH 24 against 226, LiF 28 against 53-57. The diagonal
      // solve's count moves by a few iterations when a refit of other pairs shifts the shared
      // embedding grid by 0.5 % (same energies to 1e-9 eV); the atom preconditioner's stays at 28, so
      // LiF's ratio sits near one half (0.49-0.53) and the bound leaves it that margin.
      expect(atoms.iterations).toBeLessThanOrEqual(0.55 * diag.iterations);
    }, 240_000);
  }
});
