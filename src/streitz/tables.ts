/**
 * Radial tables of the Streitz-Mintmire pair functions for the wasm kernels (assembly/streitz.ts).
 *
 * For one half-list entry (i, j) with types (ti, tj) the kernels need three functions of r, each the
 * sum of LAMMPS' two ordered pairs (i, j) and (j, i):
 *
 *   B(r)  = k (erfc(a r)/r + [cF_ij + cF_ji]/2 + shifts)    multiplies q_i q_j   (eV/e^2)
 *   AI(r) = k Z_j (cJ_i - cF_ij)  (+ shifted-force terms)  multiplies q_i       (eV/e)
 *   AJ(r) = k Z_i (cJ_j - cF_ji)  (+ shifted-force terms)  multiplies q_j       (eV/e)
 *
 * so that the entry's energy is q_i AI + q_j AJ + q_i q_j B and its QEq matrix element is B.
 *
 * Interpolation: the range [R0, rmax] is cut into intervals of width h; on each, a quintic in
 * p = (r - r_m)/h takes the exact value and slope at p = 0, 1/2 and 1 (Hermite interpolation on
 * three nodes, error h^6 f^(6)/311040 in the value). The closed forms are `integrals.ts`' (LAMMPS'
 * expressions). A record per (ordered type pair, interval) holds 34 f64 as lane pairs, so one f64x2
 * Horner evaluation gives two functions from contiguous loads:
 *   [AI c_k, AJ c_k] k = 0..5   (12)   values of AI and AJ
 *   [B c_k, B' d_k]  k = 0..5   (12)   value of B and its slope (d_5 = 0)
 *   [AI' d_k, AJ' d_k] k = 0..4 (10)   slopes of AI and AJ
 * with value = sum c_k p^k and d/dr = sum d_k p^k (1/h folded into d). The QEq pass reads the first
 * 24 numbers.
 */
import { erfc } from "./erfc.js";
import { MY_PIS } from "./coulomb.js";
import { slaterIntegrals, slaterPair } from "./integrals.js";
import type { StreitzElement } from "./params.js";
import { STREITZ_RECORD } from "../engine/bindings.generated.js";

// Doubles per table record (see the header): from scripts/wasm-interface.mjs, like the kernels' size.
export { STREITZ_RECORD };
/** First tabulated distance, A: closer pairs are refused (no physical Al-O structure has them). */
export const STREITZ_TABLE_R0 = 0.5;
/** Default table spacing, A: for AlO.streitz, errors < 2e-13 eV/e^2 in values and < 7e-11 eV/(A e^2) in slopes (test/streitz-engine.test.ts). */
export const STREITZ_TABLE_DR = 0.02;

/** What one table describes. */
export interface StreitzTableSpec {
  /** Elements in type order. */
  elements: readonly StreitzElement[];
  /** Coulomb constant, eV A / e^2. */
  k: number;
  /** Largest distance the table must cover, A (>= every cutoff that reads it). */
  rmax: number;
  /** Damping of the erfc(a r)/r term, 1/A (Wolf alpha, QEq alpha or Ewald g). */
  alpha: number;
  /**
   * Shifts: "none" (Ewald, QEq); "wolf" (LAMMPS pair energy: Slater terms shifted-force at rc, erfc
   * term shifted-potential); "dsf" (all terms shifted-force at rc: damped shifted force).
   */
  shift: "none" | "wolf" | "dsf";
  /** Cutoff of the shifts, A. */
  rc: number;
  /** Spacing, A (default STREITZ_TABLE_DR). */
  dr?: number;
}

/** A packed table ready for wasm memory. */
export interface StreitzTable {
  records: Float64Array;
  /** Intervals per type pair. */
  intervals: number;
  r0: number;
  dr: number;
}

/** The three functions (value, slope) at r for one ordered type pair; `out` gets [B, AI, AJ, B', AI', AJ']. */
export type PairFunctions = (r: number, out: Float64Array) => void;

/** Closed forms of B, AI, AJ and their slopes for types (ei, ej) under `spec`. */
export function pairFunctions(ei: StreitzElement, ej: StreitzElement, spec: StreitzTableSpec): PairFunctions {
  const { k, alpha: a, rc } = spec;
  const pij = slaterPair(ei.zeta, ej.zeta);
  const pji = slaterPair(ej.zeta, ei.zeta);
  const ci = new Float64Array(4);
  const cj = new Float64Array(4);
  // raw(r): unshifted values and slopes, before any cutoff shift
  const raw = (r: number, o: Float64Array) => {
    slaterIntegrals(pij, r, ci);
    slaterIntegrals(pji, r, cj);
    const e = erfc(a * r) / r;
    const de = -e / r - ((2.0 * a) / MY_PIS) * Math.exp(-a * a * r * r) / r;
    o[0] = k * (e + 0.5 * (ci[2] + cj[2]));
    o[1] = k * ej.Z * (ci[0] - ci[2]);
    o[2] = k * ei.Z * (cj[0] - cj[2]);
    o[3] = k * (de + 0.5 * (ci[3] + cj[3]));
    o[4] = k * ej.Z * (ci[1] - ci[3]);
    o[5] = k * ei.Z * (cj[1] - cj[3]);
  };
  if (spec.shift === "none") return raw;
  const atRc = new Float64Array(6);
  raw(rc, atRc);
  // The Slater parts of B at rc (for LAMMPS' Wolf, whose erfc term is only shifted in value).
  slaterIntegrals(pij, rc, ci);
  slaterIntegrals(pji, rc, cj);
  const slaterB = k * 0.5 * (ci[2] + cj[2]);
  const slaterDB = k * 0.5 * (ci[3] + cj[3]);
  const erfcB = atRc[0] - slaterB;
  const dsf = spec.shift === "dsf";
  return (r, o) => {
    raw(r, o);
    const d = r - rc;
    for (const f of [1, 2]) {
      o[f] = o[f] - atRc[f] - d * atRc[f + 3];
      o[f + 3] = o[f + 3] - atRc[f + 3];
    }
    if (dsf) {
      o[0] = o[0] - atRc[0] - d * atRc[3];
      o[3] = o[3] - atRc[3];
    } else {
      o[0] = o[0] - erfcB - slaterB - d * slaterDB;
      o[3] = o[3] - slaterDB;
    }
  };
}

// Quintic through value and slope at p = 0, 1/2, 1: c0 = f0, c1 = s0 and c2..c5 = INV * rhs.
const INV = (() => {
  const m = [
    [1 / 4, 1 / 8, 1 / 16, 1 / 32],
    [1, 3 / 4, 1 / 2, 5 / 16],
    [1, 1, 1, 1],
    [2, 3, 4, 5],
  ];
  const n = 4;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    [a[c], a[piv]] = [a[piv], a[c]];
    const d = a[c][c];
    for (let j = 0; j < 2 * n; j++) a[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row) => row.slice(n));
})();

/**
 * Builds the records of one table: for every ordered type pair (ti, tj) (type order of
 * `spec.elements`) and interval, the three quintics and their slopes.
 */
export function buildStreitzTable(spec: StreitzTableSpec): StreitzTable {
  const dr = spec.dr ?? STREITZ_TABLE_DR;
  const r0 = STREITZ_TABLE_R0;
  const intervals = Math.ceil((spec.rmax - r0) / dr) + 1;
  const nt = spec.elements.length;
  const records = new Float64Array(nt * nt * intervals * STREITZ_RECORD);
  const v0 = new Float64Array(6);
  const vm = new Float64Array(6);
  const v1 = new Float64Array(6);
  for (let ti = 0; ti < nt; ti++) {
    for (let tj = 0; tj < nt; tj++) {
      const f = pairFunctions(spec.elements[ti], spec.elements[tj], spec);
      f(r0, v1);
      for (let m = 0; m < intervals; m++) {
        v0.set(v1);
        const r = r0 + m * dr;
        f(r + 0.5 * dr, vm);
        f(r0 + (m + 1) * dr, v1);
        const rec = ((ti * nt + tj) * intervals + m) * STREITZ_RECORD;
        for (let fn = 0; fn < 3; fn++) {
          const f0 = v0[fn], s0 = dr * v0[fn + 3];
          const rhs = [vm[fn] - f0 - 0.5 * s0, dr * vm[fn + 3] - s0, v1[fn] - f0 - s0, dr * v1[fn + 3] - s0];
          const c = [f0, s0, 0, 0, 0, 0];
          for (let a = 0; a < 4; a++) {
            let s = 0;
            for (let b = 0; b < 4; b++) s += INV[a][b] * rhs[b];
            c[a + 2] = s;
          }
          // fn 0 = B, 1 = AI, 2 = AJ
          for (let q = 0; q < 6; q++) {
            if (fn === 0) records[rec + 12 + 2 * q] = c[q];
            else records[rec + 2 * q + (fn - 1)] = c[q];
          }
          for (let q = 0; q < 5; q++) {
            const d = ((q + 1) * c[q + 1]) / dr;
            if (fn === 0) records[rec + 13 + 2 * q] = d;
            else records[rec + 24 + 2 * q + (fn - 1)] = d;
          }
        }
      }
    }
  }
  return { records, intervals, r0, dr };
}

/**
 * Puts the energy table's B' (lane 1 of the [B, B'] pairs, the Coulomb force's slope) into a QEq table
 * of the same grid, in place, and returns it. The QEq passes read only lane 0 there (H_ij), so the QEq
 * table's own slope was never used; with the energy's in its place, the shadow-potential walk's QEq
 * quintic gives the force's B' in its second lane (assembly/streitz.ts coulombLoop) instead of a
 * second evaluation from the energy table. Lane 0 (H_ij) and the other functions are unchanged.
 */
export function withEnergySlope(qeq: Float64Array, energy: Float64Array): Float64Array {
  if (qeq.length < energy.length) throw new Error(`QEq table shorter than the energy table (${qeq.length} < ${energy.length})`);
  for (let rec = 0; rec < energy.length; rec += STREITZ_RECORD) {
    for (let q = 0; q < 6; q++) qeq[rec + 13 + 2 * q] = energy[rec + 13 + 2 * q];
  }
  return qeq;
}

/** Evaluates a table like the kernels do (for tests): [B, AI, AJ, B', AI', AJ'] at r for types (ti, tj). */
export function evalStreitzTable(t: StreitzTable, nt: number, ti: number, tj: number, r: number, out: Float64Array): void {
  let x = (r - t.r0) / t.dr;
  let m = Math.floor(x);
  if (m > t.intervals - 1) m = t.intervals - 1;
  if (m < 0) m = 0;
  x -= m;
  const rec = ((ti * nt + tj) * t.intervals + m) * STREITZ_RECORD;
  const c = t.records;
  const poly = (at: number, deg: number) => {
    let v = c[at + 2 * deg];
    for (let q = deg - 1; q >= 0; q--) v = v * x + c[at + 2 * q];
    return v;
  };
  out[0] = poly(rec + 12, 5);
  out[1] = poly(rec, 5);
  out[2] = poly(rec + 1, 5);
  out[3] = poly(rec + 13, 5);
  out[4] = poly(rec + 24, 4);
  out[5] = poly(rec + 25, 4);
}
