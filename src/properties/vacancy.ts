import type { Atoms } from "../atoms.js";
import { forceEnergy, type Calculator } from "../calculators/protocol.js";
import { InputError } from "../errors.js";
import { drain, type RelaxOptions, type RelaxResult } from "../optimize/index.js";
import { removeAtoms } from "../structures/supercell.js";
import { relaxedEnergySteps } from "./relaxed-energy.js";

/** Options of {@link vacancyFormationEnergy}. */
export interface VacancyOptions {
  /** Index of the atom to remove (default 0). */
  index?: number;
  /** Relax the defect cell's positions at fixed cell (default true). */
  relax?: boolean;
  /** Optimizer settings (default FIRE, fmax 1e-4 eV/A, 5000 steps). */
  relaxOptions?: RelaxOptions;
}

/** Vacancy formation energy and what it came from. */
export interface VacancyResult {
  /** Atoms in the perfect cell. */
  atoms: number;
  /** Energy of the perfect cell, eV (`forceEnergy`). */
  bulkEnergy: number;
  /** Energy of the cell with the vacancy before and after relaxation, eV. */
  defectEnergyUnrelaxed: number;
  defectEnergyRelaxed: number;
  /** E_f = E(N-1) - (N-1)/N E(N), eV, unrelaxed and relaxed. */
  unrelaxed: number;
  relaxed: number;
  /** The relaxed defect cell and the optimizer's report (null when `relax` is false). */
  structure: Atoms;
  relaxation: RelaxResult | null;
}

/**
 * Throws the InputError that {@link vacancyFormationEnergy} would for `bulk` (not periodic in three
 * directions, more than one element, fewer than two atoms): callers check before relaxing the crystal.
 */
export function checkVacancyStructure(bulk: Atoms): void {
  if (!bulk.pbc.every((p) => p)) throw new InputError("a vacancy formation energy needs a structure periodic in all three directions");
  if (new Set(bulk.symbols).size !== 1) {
    throw new InputError(`the vacancy formation energy E(N-1) - (N-1)/N E(N) is defined for one element; this structure has ${[...new Set(bulk.symbols)].join(", ")}`);
  }
  if (bulk.length < 2) throw new InputError("a vacancy needs a cell with at least two atoms (use a supercell)");
}

/**
 * Formation energy of a single vacancy in an elemental periodic crystal `bulk` (use a supercell
 * large enough that the vacancy's images do not interact; its cell should be the relaxed one):
 * E_f = E(N-1) - (N-1)/N E(N) in eV, unrelaxed and with positions relaxed at constant volume.
 * @throws InputError for a multi-element or non-periodic structure.
 */
export function vacancyFormationEnergy(calculator: Calculator, bulk: Atoms, opts: VacancyOptions = {}): VacancyResult {
  return drain(vacancySteps(calculator, bulk, opts));
}

/** {@link vacancyFormationEnergy} one relaxation step at a time (a generator for `drain` / `drainAsync`). */
export function* vacancySteps(calculator: Calculator, bulk: Atoms, opts: VacancyOptions = {}): Generator<void, VacancyResult> {
  checkVacancyStructure(bulk);
  const n = bulk.length;
  const eBulk = forceEnergy(calculator.calculate(bulk));
  const defect = removeAtoms(bulk, [opts.index ?? 0]);
  const { unrelaxed: eUnrelaxed, relaxed: eRelaxed, relaxation } = yield* relaxedEnergySteps(defect, calculator, opts);
  const ref = ((n - 1) / n) * eBulk;
  return {
    atoms: n,
    bulkEnergy: eBulk,
    defectEnergyUnrelaxed: eUnrelaxed,
    defectEnergyRelaxed: eRelaxed,
    unrelaxed: eUnrelaxed - ref,
    relaxed: eRelaxed - ref,
    structure: defect,
    relaxation,
  };
}
