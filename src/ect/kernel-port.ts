/**
 * The ECT engine's wasm state as its solvers see it (ensemble-solver.ts, bond-kernels.ts): per-atom
 * buffers, context fields and the kernel passes, without the engine class and its protected API.
 * `EctEngine` implements it over its wasm instance; a test can implement it over plain arrays and a
 * TypeScript energy to run a solver without wasm (test/ect-ensemble-solver.test.ts does, with a
 * QEq-like mean field).
 */
import type { Field } from "../engine/system.js";
import type { InductionKernels } from "./transfer/polarization-kernel.js";

export interface EctKernelPort {
  /** Owned atoms of the loaded structure. */
  readonly n: number;
  /** A Float64 buffer by name (weights, weightsNew, eps, x, y, z, fx, ...): a view the next layout invalidates. */
  f64(name: string): Float64Array;
  /** An Int32 buffer by name (type, ghostOwner, numNeigh, firstNeigh, neigh). */
  i32(name: string): Int32Array;
  /** A context field (eV, A, e or a count, as the field's declaration in scripts/context-fields.mjs says). */
  get(field: Field): number;
  /** Sets a context field (the solvers set mu, nTotal, kT, epsForces and, for a moment, resCutoff). */
  set(field: Field, value: number): void;
  /** `ectEvaluate`: charges, densities, embedding, eps and the energy terms at the weights in the buffer (pair forces too when `epsForces` is 1). */
  evaluate(): void;
  /** `ectUpdateWeights`: mu and the Boltzmann weights G(w) into `weightsNew`; negative when the electron target cannot be reached. */
  updateWeights(): number;
  /** `ectCharges`: the owned atoms' charges from the weights in the buffer; weights and charges copied to ghosts. */
  charges(): void;
  /** `ectResonanceHessVec`: the resonance terms' Hessian times `weightsNew`, into `eps`. */
  resonanceHessVec(): void;
  /** Total energy E (eV) of the last evaluation. */
  energy(): number;
  /** Grand potential Omega = E - kT S (eV) at the model's kT. */
  grandPotential(): number;
  /** True when the structure is periodic in some direction. */
  periodic(): boolean;
  /** Marks the engine's forces stale: the next read evaluates again. */
  invalidateForces(): void;
  /** The induction kernels (models with polarization; absent otherwise and in TypeScript-only ports). */
  readonly induction?: InductionKernels;
}
