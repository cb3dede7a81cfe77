/**
 * Equilibrium properties of a diatomic under a model: bond length R_e (minimum of Omega(R)),
 * binding energy D_e = -Omega(R_e) (the model's zero is the separated neutral atoms), dipole at R_e,
 * and the charge left at a long distance. Used by fit reports and tests.
 */
import { Atoms } from "../atoms.js";
import type { ModelEvaluator } from "./evaluator.js";

/** Debye per e*A. */
export const DEBYE_PER_E_A = 4.80320;

export interface DiatomicProperties {
  /** A. */
  Re: number;
  /** eV, positive when bound. */
  De: number;
  /** |dipole| at R_e, e*A. */
  dipole: number;
  /** Charge of the first atom at R_e, e. */
  charge: number;
  /** Largest |q| at `farDistance`, e. */
  farCharge: number;
  farDistance: number;
}

/** A dimer along z: a at the origin, b at (0, 0, r). */
export function dimerAtoms(a: string, b: string, r: number): Atoms {
  return new Atoms({ symbols: [a, b], positions: [0, 0, 0, 0, 0, r] });
}

/**
 * Finds R_e by a scan from 0.6 to 2 times `guess` (step 0.02 A) followed by golden-section
 * refinement to 1e-5 A, then evaluates the properties there.
 */
export async function diatomicProperties(evaluator: ModelEvaluator, modelText: string, a: string, b: string, guess: number, farDistance = 20): Promise<DiatomicProperties> {
  const omega = async (rs: number[]) => (await evaluator.evaluate(modelText, rs.map((r) => dimerAtoms(a, b, r)))).map((x) => x.grandPotential);
  const grid: number[] = [];
  for (let r = 0.6 * guess; r <= 2 * guess; r += 0.02) grid.push(r);
  const e = await omega(grid);
  let k = 0;
  for (let i = 1; i < e.length; i++) if (e[i] < e[k]) k = i;
  let lo = grid[Math.max(0, k - 1)], hi = grid[Math.min(grid.length - 1, k + 1)];
  const phi = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
  let [f1, f2] = await omega([x1, x2]);
  while (hi - lo > 1e-5) {
    if (f1 < f2) {
      hi = x2; x2 = x1; f2 = f1; x1 = hi - phi * (hi - lo); [f1] = await omega([x1]);
    } else {
      lo = x1; x1 = x2; f1 = f2; x2 = lo + phi * (hi - lo); [f2] = await omega([x2]);
    }
  }
  const Re = 0.5 * (lo + hi);
  const [atRe, far] = await evaluator.evaluate(modelText, [dimerAtoms(a, b, Re), dimerAtoms(a, b, farDistance)]);
  return {
    Re,
    De: -atRe.grandPotential,
    dipole: Math.hypot(...atRe.dipole),
    charge: atRe.charges[0],
    farCharge: Math.max(Math.abs(far.charges[0]), Math.abs(far.charges[1])),
    farDistance,
  };
}
