import type { Atoms } from "../atoms.js";
import { forceEnergy, type Calculator } from "../calculators/protocol.js";
import { relaxSteps, type RelaxOptions, type RelaxResult } from "../optimize/index.js";

/** The energies of a structure as built and after relaxation (both the same without one). */
export interface RelaxedEnergy {
  unrelaxed: number;
  relaxed: number;
  relaxation: RelaxResult | null;
}

/**
 * The energy of `atoms` (eV) as built and, unless `relax` is false, after relaxing their positions
 * in place (default FIRE, fmax 1e-4 eV/A, 5000 steps; `relaxOptions` override), one relaxation step
 * at a time (a generator for `drain` / `drainAsync`).
 */
export function* relaxedEnergySteps(
  atoms: Atoms,
  calculator: Calculator,
  opts: { relax?: boolean; relaxOptions?: RelaxOptions },
): Generator<void, RelaxedEnergy> {
  const unrelaxed = forceEnergy(calculator.calculate(atoms));
  let relaxation: RelaxResult | null = null;
  let relaxed = unrelaxed;
  if (opts.relax ?? true) {
    relaxation = yield* relaxSteps(atoms, calculator, { fmax: 1e-4, steps: 5000, ...opts.relaxOptions });
    relaxed = forceEnergy(relaxation.results);
  }
  return { unrelaxed, relaxed, relaxation };
}
