// Comparisons the tests share: largest deviation and where, bounds on it, bitwise equality, the
// InputError a call must throw, and the bundled potentials read once per test file.
import { join } from "node:path";
import { expect } from "vitest";
import { InputError } from "../../src/errors.js";
import { readEamPotentialFile } from "../../src/potentials/eam-file.js";
import type { EamPotential } from "../../src/potentials/types.js";

/** Largest |a_i - b_i| and its index (-1 when equal); the lengths must agree. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { d: number; at: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let d = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    if (!(e <= d)) [d, at] = [e, i];
  }
  return { d, at };
}

/** Largest |a_i - b_i|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return maxDiff(a, b).d;
}

/** Fails with the worst element when max |got - want| exceeds `tol`. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const { d, at } = maxDiff(got, want);
  if (!(d <= tol)) throw new Error(`${what}: max |got - want| = ${d.toExponential(3)} > ${tol} at index ${at} (got ${got[at]}, want ${want[at]})`);
}

/** Element-wise bitwise equality (Object.is), reporting the first difference. */
export function expectBitwise(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) {
      throw new Error(`${what}: not bitwise identical, first difference at ${i}: ${got[i]} vs ${want[i]} (diff ${got[i] - want[i]})`);
    }
  }
}

/** The InputError `fn` throws (fails when it throws something else or nothing). */
export function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError, nothing was thrown");
}

const potentials = new Map<string, EamPotential>();

/** A bundled potential (potentials/NAME), read once. */
export function bundledPotential(name: string): EamPotential {
  let p = potentials.get(name);
  if (!p) {
    p = readEamPotentialFile(join(import.meta.dirname, "..", "..", "potentials", name));
    potentials.set(name, p);
  }
  return p;
}
