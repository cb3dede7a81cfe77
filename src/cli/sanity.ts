/**
 * Structures no potential here can describe: two atoms closer than 0.1 A (a fifth of the shortest
 * bond there is, H2's 0.74 A) give energies of 1e10 eV rather than an error, so commands refuse
 * them after the first evaluation, naming the two atoms.
 */
import type { Calculator } from "../calculators/protocol.js";
import { kernelSystemOf } from "../dynamics/engine-access.js";
import { InputError } from "../errors.js";

/** Closest distance two atoms may have, A. */
export const MIN_DISTANCE = 0.1;

/**
 * Throws InputError when the calculator's last evaluation had two atoms closer than
 * {@link MIN_DISTANCE} (calculators without a wasm engine are not checked).
 */
export function checkStructure(calc: Calculator, source: string): void {
  const e = kernelSystemOf(calc);
  if (e === null || e.length === 0) return;
  const p = e.closestPair();
  if (p !== null && p.r < MIN_DISTANCE) {
    throw new InputError(`${source}: atoms ${p.i} and ${p.j} are ${p.r.toExponential(3)} A apart (closer than ${MIN_DISTANCE} A): overlapping atoms`, { atom: p.i });
  }
}
