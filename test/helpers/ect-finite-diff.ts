/**
 * Finite-difference checks of an ECT-EAM calculator's forces and stress, shared by the bond-transfer
 * tests. Each leaves the calculator at `atoms`.
 */
import { Atoms } from "../../src/atoms.js";
import type { EctCalculator } from "../../src/ect/calculator.js";

/**
 * Largest |analytic - central difference| of the forces (eV/A), Omega differenced at +-h (A), over
 * every coordinate or over the coordinates (indices into `positions`) given.
 */
export function forceError(calc: EctCalculator, atoms: Atoms, h = 1e-4, coords?: readonly number[]): number {
  const forces = Float64Array.from(calc.calculate(atoms).forces);
  let worst = 0;
  for (const k of coords ?? atoms.positions.keys()) {
    const energyAt = (d: number) => {
      const p = Float64Array.from(atoms.positions);
      p[k] += d;
      return calc.calculate(new Atoms({ symbols: atoms.symbols, positions: p, cell: atoms.cell, pbc: atoms.pbc })).grandPotential;
    };
    worst = Math.max(worst, Math.abs(-(energyAt(h) - energyAt(-h)) / (2 * h) - forces[k]));
  }
  calc.calculate(atoms);
  return worst;
}

/**
 * The stress trace against a uniform expansion: returns tr(sigma) V and dOmega/ds by central
 * differences of the strain s (both eV), which must agree.
 */
export function stressTraceCheck(calc: EctCalculator, atoms: Atoms, h = 1e-5): { traceTimesVolume: number; dEds: number } {
  const res = calc.calculate(atoms);
  const trace = res.stress![0] + res.stress![1] + res.stress![2];
  const energyAtStrain = (s: number) => {
    const cell = Array.from(atoms.cell, (v) => v * (1 + s));
    const pos = Array.from(atoms.positions, (v) => v * (1 + s));
    return calc.calculate(new Atoms({ symbols: atoms.symbols, positions: pos, cell, pbc: atoms.pbc })).grandPotential;
  };
  const dEds = (energyAtStrain(h) - energyAtStrain(-h)) / (2 * h);
  calc.calculate(atoms);
  return { traceTimesVolume: trace * atoms.volume(), dEds };
}
