import type { Atoms } from "../atoms.js";
import type { Calculator, CalculatorResults } from "../calculators/protocol.js";
import { InputError } from "../errors.js";
import { CellFilter, type CellFilterOptions } from "./cell-filter.js";
import { fireSteps, type FireOptions } from "./fire.js";
import { lbfgsSteps, type LbfgsOptions } from "./lbfgs.js";
import { drain } from "./loop.js";
import { PositionObjective, type ConstraintOptions } from "./positions.js";
import type { OptimizeResult } from "./types.js";

export * from "./types.js";
export { fire, fireSteps, ASE_TIME_FS, type FireOptions } from "./fire.js";
export { lbfgs, lbfgsSteps, type LbfgsOptions } from "./lbfgs.js";
export { drain, drainAsync } from "./loop.js";
export { PositionObjective, type ConstraintOptions } from "./positions.js";
export { CellFilter, type CellFilterOptions } from "./cell-filter.js";

/** Options of {@link relax}: optimizer choice, its parameters, constraints and the cell target. */
export interface RelaxOptions extends FireOptions, Omit<LbfgsOptions, keyof FireOptions>, ConstraintOptions {
  /** "fire" (default) or "lbfgs". */
  optimizer?: "fire" | "lbfgs";
  /** Relax the cell too, toward this target (pressure/stress in eV/A^3, masks); omit for fixed cell. */
  cell?: CellFilterOptions | boolean;
}

/** Result of {@link relax}: the optimizer's report and the calculator's answer at the end. */
export interface RelaxResult extends OptimizeResult {
  /** Calculator results at the final structure (energy eV, forces eV/A, stress eV/A^3). */
  results: CalculatorResults;
}

/**
 * Relaxes `atoms` in place with `calculator`: positions only, or positions and cell under a target
 * stress (`cell`). Stops when every free atom's force is below `fmax` (eV/A, default 0.05) and, with
 * a cell, every stress-residual component below `smax` (eV/A^3, default 1e-5), or after `steps`.
 */
export function relax(atoms: Atoms, calculator: Calculator, opts: RelaxOptions = {}): RelaxResult {
  return drain(relaxSteps(atoms, calculator, opts));
}

/** {@link relax} one optimizer step at a time (a generator for `drain` / `drainAsync`). */
export function* relaxSteps(atoms: Atoms, calculator: Calculator, opts: RelaxOptions = {}): Generator<void, RelaxResult> {
  const optimizer = opts.optimizer ?? "fire";
  if (optimizer !== "fire" && optimizer !== "lbfgs") throw new InputError(`unknown optimizer '${String(optimizer)}' (expected fire or lbfgs)`);
  const target = opts.cell
    ? new CellFilter(atoms, calculator, { ...(opts.cell === true ? {} : opts.cell), fixed: opts.fixed })
    : new PositionObjective(atoms, calculator, { fixed: opts.fixed });
  const result = yield* (optimizer === "fire" ? fireSteps(target, opts) : lbfgsSteps(target, opts));
  return { ...result, results: target.lastResults! };
}
