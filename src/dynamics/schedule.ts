/**
 * When an MD run stops for its hooks (thermo rows, frames, restarts, progress), for both MD loops:
 * `MolecularDynamics` (driver.ts) and the domain-decomposed run (src/domain/md.ts), so that both
 * take the same intervals the same way. Output intervals count from step 0 of the whole simulation
 * (a thermo row every 100 steps lands on steps 100, 200, ... whichever run they fall in); progress
 * and check intervals count from the start of the run. Units: steps.
 */
import { InputError } from "../errors.js";

/**
 * A hook interval as given (absent: 0, never).
 * @throws InputError (one line naming `name`) unless it is an integer >= 0
 */
export function hookInterval(v: number | undefined, name: string): number {
  const k = v ?? 0;
  if (!Number.isInteger(k) || k < 0) throw new InputError(`${name} must be an integer >= 0, got ${k}`);
  return k;
}

/** Whether an output with interval `every` (0: none) falls on `step`. */
export function isDue(step: number, every: number): boolean {
  return every > 0 && step % every === 0;
}

/**
 * The next step after `step` at which a run from `start` to `end` stops: the next multiple of
 * `runEvery` counted from `start` (0: none), of each of `outputEvery` counted from step 0 (0s
 * ignored), or `end`, whichever comes first.
 */
export function nextStop(step: number, start: number, end: number, runEvery: number, outputEvery: readonly number[]): number {
  let next = runEvery > 0 ? Math.min(end, start + (Math.floor((step - start) / runEvery) + 1) * runEvery) : end;
  for (const k of outputEvery) if (k > 0) next = Math.min(next, (Math.floor(step / k) + 1) * k);
  return next;
}
