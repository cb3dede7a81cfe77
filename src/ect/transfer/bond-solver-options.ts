/**
 * Settings of the bond-transfer solver (bond-transfer.ts) and their defaults.
 *
 * Browser-safe; no wasm.
 */
import type { XlOrder } from "../../xl/coefficients.js";
import type { TransferPreconditioner } from "./transfer-solver.js";

/** Settings of the bond-transfer solver. */
export interface BondSolverOptions {
  /** Convergence: largest |dE/d amplitude| (eV). */
  tolerance: number;
  /** Iterations of one minimization. */
  maxIterations: number;
  /** The minimizer's preconditioner (transfer-solver.ts; default `atoms`). */
  preconditioner?: TransferPreconditioner;
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
   * `frozen` (the default): a truncated Newton step from the auxiliary amplitudes, `iterations`
   * conjugate-gradient products with the mean field's eps frozen at the auxiliary amplitudes
   * (xl-newton.ts; a product costs the bond terms only, no kernel pass): one evaluation at the start
   * and one at the answer, which also gives the forces. `newton`: the same with exact products, one
   * evaluation each. `shadow`: the `frozen` step with one evaluation, at the auxiliary amplitudes
   * n (with forces); the step reports the shadow energy E_MF(w(n)) + eps(n) . (w(q) - w(n)) +
   * E_bonds(q) at the answer q and the mean field's forces at n with the bond forces at q.
   * `lbfgs`: at most `iterations` L-BFGS iterations
   * from there with the curvature pairs of the steps before (the earlier scheme, kept to compare).
   */
  method?: "newton" | "frozen" | "shadow" | "lbfgs";
  iterations: number;
}

export const BOND_SOLVER_DEFAULTS: BondSolverOptions = { tolerance: 1e-8, maxIterations: 3000 };

/**
 * Extended-Lagrangian settings of MD runs (`ect-eam md --solver xl`): dissipation order 5, truncated
 * Newton steps of 8 conjugate-gradient products with the mean field frozen at the auxiliary
 * amplitudes (`frozen`, xl-newton.ts): 2 kernel evaluations per step, forces included. Measured on
 * 64-atom rock-salt cells at 300 K (docs/ect-speed.md): drift 3e-8 to 2e-7 eV/atom/ps over 2-4 ps
 * of NaCl (1 fs), LiF and LiH (0.5 fs), energies within 1e-9 eV/atom of the converged solve; 5
 * products lost the ground state in LiF, 6 and 7 held. The exact-product scheme before it
 * (`newton`, 5 products) cost 7 evaluations per step with the same accuracy; 2 exact products lost
 * the ground state, 3 drifted 2e-5 eV/atom/ps on NaCl.
 */
export const BOND_XL_DEFAULTS: BondXlOptions = { order: 5, method: "frozen", iterations: 8 };
