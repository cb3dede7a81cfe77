import type { Atoms } from "../atoms.js";
import type { EctEngine } from "../ect/engine.js";
import type { EamEngine } from "../eam/engine.js";
import type { StreitzEngine } from "../streitz/engine.js";

/**
 * What every calculator returns (EAM, ECT-EAM, Streitz-Mintmire, QEq). Arrays are copied out of
 * wasm memory and belong to the caller. Tools that only need energy, forces and stress (dynamics
 * drivers, optimizers, property commands) take a {@link Calculator} and work with every model.
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

/**
 * The wasm engine behind a calculator, named by its model, so that MD drivers run the engine's own
 * loop and save and restore its state (neighbor list, solver warm start, extended-Lagrangian
 * history) without guessing from method names.
 */
export type WasmEngine =
  | { readonly kind: "eam"; readonly engine: EamEngine }
  | { readonly kind: "ect"; readonly engine: EctEngine }
  | { readonly kind: "streitz"; readonly engine: StreitzEngine };

/**
 * The calculator protocol everything above the models uses (after ASE's): `calculate` evaluates a
 * structure. The other members are optional so that a few lines of TypeScript make a calculator;
 * the bundled calculators have all of them ({@link ModelCalculator}).
 */
export interface Calculator {
  /**
   * Evaluates `atoms` (positions A, cell A), always (no cache). Calling again with the same species,
   * cell and pbc reuses neighbor lists and, for variable-charge models, the previous charges as warm
   * start.
   */
  calculate(atoms: Atoms, source?: string): CalculatorResults;
  /** The result keys `calculate` fills, as ASE's `implemented_properties`. */
  readonly implementedProperties?: readonly string[];
  /** The wasm engine, for the in-wasm MD loops and bit-for-bit restarts; absent for TypeScript models. */
  readonly wasm?: WasmEngine;
  /** Releases what the calculator holds (its wasm instance); it cannot be used afterwards. */
  dispose?(): void;
}

/**
 * A calculator with ASE's habits: declared properties, results cached per structure (asking for the
 * energy, then the forces, then the stress of unchanged atoms evaluates once), `reset` and `dispose`.
 */
export interface ModelCalculator<R extends CalculatorResults = CalculatorResults> extends Calculator {
  calculate(atoms: Atoms, source?: string): R;
  readonly implementedProperties: readonly string[];
  /**
   * One result for `atoms`, from the cache when the atoms (species, positions, cell, pbc) are those
   * of the cached evaluation, else evaluated and cached. Arrays are copies. (Each calculator types
   * it by its own results; here, where any calculator fits, the name is a string.)
   * @throws InputError for a property the calculator does not implement
   */
  getProperty(name: string, atoms: Atoms): unknown;
  /** Energy E, eV (cached as `getProperty`). */
  getPotentialEnergy(atoms: Atoms): number;
  /** Forces, eV/A, N x 3 (cached as `getProperty`). */
  getForces(atoms: Atoms): Float64Array;
  /**
   * Stress, eV/A^3, Voigt xx yy zz yz xz xy, ASE sign (cached as `getProperty`).
   * @throws InputError for a structure without a periodic direction
   */
  getStress(atoms: Atoms): Float64Array;
  /** Forgets the cached results (call it after changing settings on the engine directly). */
  reset(): void;
  dispose(): void;
}

/**
 * The energy whose negative gradient the forces are (eV): Omega for ECT-EAM, E otherwise. Use it for
 * conservation checks, line searches and finite differences.
 */
export function forceEnergy(r: CalculatorResults): number {
  return r.grandPotential ?? r.energy;
}
