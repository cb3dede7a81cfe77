import type { Atoms } from "../atoms.js";

/**
 * What every calculator returns (EAM, ECT-EAM, Streitz-Mintmire, QEq-free or not). Arrays are copies
 * the caller owns. Tools that only need energy, forces and stress (dynamics drivers, optimizers,
 * property commands) take a {@link Calculator} and work with every model.
 */
export interface CalculatorResults {
  /** Total energy E, eV (for ECT-EAM the energy, not the grand potential). */
  energy: number;
  /** Forces, eV/A, row-major N x 3. */
  forces: Float64Array;
  /** Virial W_ab = sum over pairs r_a f_b, eV, full 3x3 row-major. */
  virial: Float64Array;
  /** Stress -W/V (eV/A^3, Voigt xx yy zz yz xz xy, ASE sign); null without a periodic direction. */
  stress: Float64Array | null;
  /** Per-atom energies, eV (when the model has them). */
  energies?: Float64Array;
  /** Charges q_i, e (variable-charge models only). */
  charges?: Float64Array;
  /**
   * ECT-EAM only: the grand potential Omega = E - kT S, eV. The forces are -dOmega/dR, so it is
   * Omega (not E) that NVE conserves and that relaxations minimize. See {@link forceEnergy}.
   */
  grandPotential?: number;
}

/** ASE's calculator protocol, reduced to the one call everything else builds on. */
export interface Calculator {
  /**
   * Evaluates `atoms` (positions A, cell A). Calling again with the same species, cell and pbc
   * reuses neighbor lists and, for variable-charge models, the previous charges as warm start.
   */
  calculate(atoms: Atoms, source?: string): CalculatorResults;
}

/**
 * The energy whose negative gradient the forces are (eV): Omega for ECT-EAM, E otherwise. Use it for
 * conservation checks, line searches and finite differences.
 */
export function forceEnergy(r: CalculatorResults): number {
  return r.grandPotential ?? r.energy;
}
