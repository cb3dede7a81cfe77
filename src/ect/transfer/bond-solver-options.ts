/**
 * Settings of the bond-transfer solver (bond-transfer.ts) and their defaults.
 *
 * Browser-safe; no wasm.
 */
import type { XlOrder } from "../../xl/coefficients.js";

/** Settings of the bond-transfer solver. */
export interface BondSolverOptions {
  /** Convergence: largest |dE/d amplitude| (eV). */
  tolerance: number;
  /** Iterations of one minimization. */
  maxIterations: number;
  /** Extended-Lagrangian warm starts along a trajectory (absent or null: extrapolated starts, solved to the tolerance). */
  xl?: BondXlOptions | null;
}

/**
 * Extended-Lagrangian solves (src/xl): along a trajectory the amplitudes are integrated as auxiliary
 * variables by Niklasson's time-reversible Verlet step with dissipation of `order`, and each step
 * costs a fixed amount of work from there instead of a solve to the tolerance. Without it, every
 * warm solve starts from the last two solutions extrapolated and runs to the tolerance.
 */
export interface BondXlOptions {
  order: XlOrder;
  /**
   * `newton` (the default): a truncated Newton step from the auxiliary amplitudes, `iterations`
   * conjugate-gradient products (xl-newton.ts; one evaluation each, plus one at the start and one
   * at the answer, which also gives the forces). `lbfgs`: at most `iterations` L-BFGS iterations
   * from there with the curvature pairs of the steps before (the earlier scheme, kept to compare).
   */
  method?: "newton" | "frozen" | "lbfgs";
  iterations: number;
}

export const BOND_SOLVER_DEFAULTS: BondSolverOptions = { tolerance: 1e-8, maxIterations: 3000 };

/**
 * Extended-Lagrangian settings of MD runs (`ect-eam md --solver xl`): dissipation order 5, truncated
 * Newton steps of 5 conjugate-gradient products (7 evaluations per step, forces included). Measured
 * on 64-atom rock-salt cells at 300 K (docs/ect-eam.md): with 4 products NaCl at dt 1 fs kept Omega +
 * KE within 6e-6 eV/atom of its start over 10 ps, but LiH at 0.5 fs drifted steadily (-4.4e-5 eV/atom
 * over 10 ps); with 5 or 6 LiH shows no trend over 2 ps. 2 products lose the ground state, 3 drift
 * 2e-5 eV/atom/ps on NaCl. The capped L-BFGS scheme before it needed 10 evaluations per step on NaCl
 * and drifted 9e-5 eV/atom/ps in LiH.
 */
export const BOND_XL_DEFAULTS: BondXlOptions = { order: 5, method: "newton", iterations: 5 };
