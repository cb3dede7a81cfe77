/**
 * Starting points and bookkeeping of the ensemble weight solver (ensemble-solver.ts) as plain
 * functions over weight arrays (N rows of `MAX_STATES` slots): neutral and ionic starts, resonance
 * seeding, extrapolation along a trajectory, clamping onto the simplex, and the fragments of a
 * cluster. They need no kernels, so each can be checked on small arrays.
 */
import { MAX_STATES } from "./table-layout.js";
import type { EctTables } from "./tables.js";

/** Weight moved from each atom's start state into its other ionic states in resonance-seeded starts. */
const RESONANCE_SEED = 0.02;

/** The atoms as these helpers see them: how many, the type of each, and the states of each type. */
export interface WeightAtoms {
  n: number;
  types: Int32Array;
  states: EctTables["states"];
}

/**
 * Writes initial weights into `w`: every atom neutral, or (ionic) cation/anion pairs formed greedily
 * from the most electropositive and most electronegative atoms (chi = (IP + EA)/2 from the state
 * energies, eV) while their chi differ by more than 1 eV. Returns the electron count of the neutral
 * atoms, from which the caller sets the electron target.
 */
export function startWeights(atoms: WeightAtoms, w: Float64Array, ionic: boolean): number {
  const { n, types, states: all } = atoms;
  w.fill(0, 0, n * MAX_STATES);
  let electrons = 0;
  const pick = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const states = all[types[i]];
    pick[i] = states.findIndex((s) => s.charge === 0);
    electrons += states[pick[i]].electrons;
  }
  if (ionic) {
    const chi = (i: number) => {
      const st = all[types[i]];
      const cation = st.find((s) => s.charge === 1), anion = st.find((s) => s.charge === -1);
      return cation && anion ? 0.5 * (cation.energy - anion.energy) : NaN;
    };
    const order = Array.from({ length: n }, (_, i) => i).filter((i) => Number.isFinite(chi(i)));
    order.sort((a, b) => chi(a) - chi(b));
    for (let lo = 0, hi = order.length - 1; lo < hi && chi(order[hi]) - chi(order[lo]) > 1; lo++, hi--) {
      const a = order[lo], b = order[hi];
      pick[a] = all[types[a]].findIndex((s) => s.charge === 1);
      pick[b] = all[types[b]].findIndex((s) => s.charge === -1);
    }
  }
  for (let i = 0; i < n; i++) w[i * MAX_STATES + pick[i]] = 1;
  return electrons;
}

/**
 * Moves RESONANCE_SEED of each atom's dominant weight in `w` into its other cation/neutral/anion
 * states (half each), for elements that have all three. The electron count is restored by the solver.
 */
export function seedResonance(atoms: WeightAtoms, w: Float64Array): void {
  const { n, types, states } = atoms;
  for (let i = 0; i < n; i++) {
    const st = states[types[i]];
    const roles = [1, 0, -1].map((q) => st.findIndex((s) => s.charge === q));
    if (roles.some((m) => m < 0)) continue;
    let top = roles[0];
    for (const m of roles) if (w[i * MAX_STATES + m] > w[i * MAX_STATES + top]) top = m;
    for (const m of roles) {
      if (m === top) continue;
      w[i * MAX_STATES + m] += 0.5 * RESONANCE_SEED * w[i * MAX_STATES + top];
    }
    w[i * MAX_STATES + top] *= 1 - RESONANCE_SEED;
  }
}

/**
 * Start of the next warm solve, into `w`: linear extrapolation in square-root weights from the last
 * two solutions, s = 2 s_last - s_previous (clipped at 0, each atom renormalized; the Newton solver
 * restores the electron count). Along an MD trajectory this start is O(dt^2) from the answer
 * instead of O(dt), which saves Newton iterations.
 */
export function extrapolateWeights(atoms: WeightAtoms, w: Float64Array, last: Float64Array, previous: Float64Array): void {
  const { n, types, states } = atoms;
  for (let i = 0; i < n; i++) {
    const ns = states[types[i]].length;
    let sum = 0;
    for (let m = 0; m < ns; m++) {
      const k = i * MAX_STATES + m;
      const s = Math.max(0, 2 * Math.sqrt(last[k]) - Math.sqrt(previous[k]));
      w[k] = s * s;
      sum += w[k];
    }
    for (let m = 0; m < ns; m++) w[i * MAX_STATES + m] = sum > 0 ? w[i * MAX_STATES + m] / sum : last[i * MAX_STATES + m];
  }
}

/** Keeps mixed weights `w` on the simplex: no negatives, each atom's weights summing to 1. */
export function clampWeights(atoms: WeightAtoms, w: Float64Array): void {
  const { n, types, states } = atoms;
  for (let i = 0; i < n; i++) {
    const ns = states[types[i]].length;
    let s = 0;
    for (let m = 0; m < ns; m++) {
      const v = Math.max(w[i * MAX_STATES + m], 0);
      w[i * MAX_STATES + m] = v;
      s += v;
    }
    for (let m = 0; m < ns; m++) w[i * MAX_STATES + m] /= s;
  }
}

/**
 * Groups of the `n` atoms at positions x, y, z (A) connected by distances below `range` (A), by
 * union-find over all pairs (clusters: no periodic images). Each group lists atom indices.
 */
export function fragmentsWithin(n: number, x: Float64Array, y: Float64Array, z: Float64Array, range: number): number[][] {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const r2 = range * range;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
      if (dx * dx + dy * dy + dz * dz < r2) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r)!.push(i);
  }
  return [...groups.values()];
}
