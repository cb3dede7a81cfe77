/**
 * The bond-transfer latent state by bond identity (bond-transfer.ts carries it across new bond lists
 * and barostat steps) and its flat-array form (solver states, restart files).
 *
 * Browser-safe; no wasm.
 */
import { InputError } from "../../errors.js";
import type { DisplacedPairs } from "./pair-arrays.js";

/**
 * The latent state carried across a new bond list (or a restart), by bond identity: per bond its
 * atoms, displacement (A) and, per slot, the forward and reverse amplitudes (slot 0 the solution,
 * slot 1 the solution before, NaN when there is none, slots 2.. the extended-Lagrangian history,
 * newest first); reservoirs per slot. Bonds are in ascending (i, j) order, as a bond set is, so that a
 * new set finds its bonds by one merge over both (flat arrays: a barostat carries the state every
 * step, and per-bond objects made that a sixth of an NPT step).
 */
export interface Carry extends DisplacedPairs {
  slots: number;
  /** count x 2 slots: forward, reverse amplitude of slot 0, then of slot 1, ... */
  v: Float64Array;
  /** Each bond's index in the set it was taken from (-1 when read from a state). */
  index: Int32Array;
  /** One array of atom reservoir amplitudes per slot (or null when none was saved). */
  reservoir: Float64Array[] | null;
  /**
   * The bond set whose layout the L-BFGS curvature pairs live on, when the indices refer to it
   * (bonds and atoms of that set); null otherwise (a state read from outside, an older set).
   */
  layout: { bonds: number; atoms: number } | null;
}

/** A carry of `count` bonds and `slots` slots, every index -1. */
export function allocateCarry(slots: number, count: number): Carry {
  const f = () => new Float64Array(count);
  return { slots, count, i: new Int32Array(count), j: new Int32Array(count), dx: f(), dy: f(), dz: f(), v: new Float64Array(count * 2 * slots), index: new Int32Array(count).fill(-1), reservoir: null, layout: null };
}

/**
 * A carried state as a flat array: [-1 (format mark), bond count c, slots S, extended-Lagrangian
 * solves so far, then per bond i, j, dx, dy, dz and the forward and reverse amplitudes of each slot,
 * then S x atoms reservoir amplitudes].
 */
export function encodeCarry(carry: Carry | null, atoms: number, xlSteps: number): Float64Array {
  const slots = carry?.slots ?? 2;
  const per = 5 + 2 * slots, head = 4;
  const count = carry?.count ?? 0;
  const out = new Float64Array(head + per * count + slots * atoms);
  out.set([-1, count, slots, xlSteps]);
  for (let m = 0, o = head; m < count; m++, o += per) {
    const c = carry!;
    out[o] = c.i[m];
    out[o + 1] = c.j[m];
    out[o + 2] = c.dx[m];
    out[o + 3] = c.dy[m];
    out[o + 4] = c.dz[m];
    out.set(c.v.subarray(m * 2 * slots, (m + 1) * 2 * slots), o + 5);
  }
  const res = carry?.reservoir;
  if (res) res.forEach((r, s) => r.length === atoms && out.set(r, head + per * count + s * atoms));
  return out;
}

/**
 * Reads {@link encodeCarry}'s form, or the older one [c, 9 values per bond (i, j, dx, dy, dz,
 * amplitudes now and before), reservoir per atom], for `atoms` atoms. Throws InputError, naming the
 * value, on anything else.
 */
export function decodeCarry(state: ArrayLike<number>, atoms: number): { carry: Carry; xlSteps: number } {
  const legacy = state[0] >= 0;
  const count = legacy ? state[0] : state[1];
  const slots = legacy ? 2 : state[2];
  const head = legacy ? 1 : 4;
  const per = 5 + 2 * slots;
  const resSlots = legacy ? 1 : slots;
  const expected = head + per * count + resSlots * atoms;
  if (!(Number.isInteger(count) && count >= 0 && Number.isInteger(slots) && (slots === 2 || (slots >= 7 && slots <= 10)) && state.length === expected)) {
    throw new InputError(`bond-transfer state has ${state.length} values, expected ${head} + ${per} x ${count} bonds + ${resSlots} x ${atoms} atoms`);
  }
  const xlSteps = legacy ? 0 : state[3];
  if (!(Number.isInteger(xlSteps) && xlSteps >= 0)) throw new InputError(`bond-transfer state: extended-Lagrangian step count ${xlSteps}, expected a whole number >= 0`);
  for (let k = head; k < state.length; k++) {
    // the previous amplitudes (slot 1) are NaN when there were none
    const inBond = k < head + per * count, o = (k - head) % per;
    const prevSlot = inBond ? o === 7 || o === 8 : !legacy && Math.floor((k - head - per * count) / atoms) === 1;
    if (!Number.isFinite(state[k]) && !(prevSlot && Number.isNaN(state[k]))) throw new InputError(`bond-transfer state value ${k} is ${state[k]}, expected a finite number`);
  }
  for (let b = 0; b < count; b++) {
    const o = head + per * b;
    const i = state[o], j = state[o + 1];
    if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && j >= 0 && i < atoms && j < atoms)) {
      throw new InputError(`bond-transfer state bond ${b} joins atoms ${i} and ${j}, expected indices below ${atoms}`);
    }
  }
  // In (i, j) order (a state this package wrote already is; the sort is stable).
  const order = Array.from({ length: count }, (_, b) => b).sort((u, w) => state[head + per * u] - state[head + per * w] || state[head + per * u + 1] - state[head + per * w + 1]);
  const carried = allocateCarry(slots, count);
  order.forEach((b, m) => {
    const o = head + per * b;
    carried.i[m] = state[o];
    carried.j[m] = state[o + 1];
    carried.dx[m] = state[o + 2];
    carried.dy[m] = state[o + 3];
    carried.dz[m] = state[o + 4];
    for (let q = 0; q < 2 * slots; q++) carried.v[m * 2 * slots + q] = state[o + 5 + q];
  });
  const resAt = (s: number) => Float64Array.from({ length: atoms }, (_, k) => state[head + per * count + s * atoms + k]);
  // The older form kept one reservoir; the solution before had the same.
  const reservoir = legacy ? [resAt(0), resAt(0)] : Array.from({ length: slots }, (_, s) => resAt(s));
  carried.reservoir = reservoir;
  return { carry: carried, xlSteps };
}
