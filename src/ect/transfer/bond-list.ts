/**
 * Builds the bond set of bond transfer from a half neighbor list over owned and ghost atoms (the
 * engine's list: every pair once, ghosts mapped to their owners with a periodic shift), and fills in
 * the couplings h(r) and the channel correlations D(r) at the current positions.
 *
 * Browser-safe; no wasm.
 */
import { splineEval } from "../../potentials/spline.js";
import type { EctTables } from "../tables.js";
import { allocateBonds, type BondSet, type StateRoles } from "./bonds.js";

/** The parts of a neighbor list that the bond set is built from (owned atoms 0..n-1, ghosts after). */
export interface NeighborView {
  n: number;
  /** Element index of each owned atom. */
  type: Int32Array;
  /** Owned positions (A). */
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  /** Owner of ghost g (extended index n + g) and its shift (3 per ghost, A). */
  ghostOwner: Int32Array;
  ghostShift: Float64Array;
  numNeigh: Int32Array;
  firstNeigh: Int32Array;
  neigh: Int32Array;
}

/** Cation, neutral and anion slots of every atom (from its element's states). */
export function stateRoles(tables: EctTables, type: Int32Array, n: number): StateRoles {
  const cation = new Int32Array(n), neutral = new Int32Array(n), anion = new Int32Array(n);
  const byType = tables.states.map((st) => [1, 0, -1].map((q) => st.findIndex((s) => s.charge === q)));
  for (let i = 0; i < n; i++) {
    const [c, z, a] = byType[type[i]];
    cation[i] = c;
    neutral[i] = z;
    anion[i] = a;
  }
  return { cation, neutral, anion };
}

/**
 * Channel correlation D_{A->B}(r) = u_{A+,B-} + u_{A0,B0} - u_{A+,B0} - u_{A0,B-} - k/r (eV) and its
 * derivative, from the tabulated Coulomb remainders (the same tables as the mean field).
 */
function channelCorrelation(tables: EctTables, a: number, b: number, r: number): [number, number] {
  const sa = tables.states[a], sb = tables.states[b];
  const ca = sa.findIndex((s) => s.charge === 1), za = sa.findIndex((s) => s.charge === 0);
  const ab = sb.findIndex((s) => s.charge === -1), zb = sb.findIndex((s) => s.charge === 0);
  const k = tables.coulombConstant;
  let v = -k / r, d = k / (r * r);
  const add = (m: number, mm: number, sign: number) => {
    const [u, du] = splineEval(tables.coulomb[a][m][b][mm], r);
    v += sign * u;
    d += sign * du;
  };
  add(ca, ab, 1);
  add(za, zb, 1);
  add(ca, zb, -1);
  add(za, ab, -1);
  return [v, d];
}

/**
 * Bonds of the current positions: every listed pair of distinct atoms whose elements have a transfer
 * cutoff and which is closer than it. Channels exist where the donor has a cation state and the
 * acceptor an anion state.
 */
export function collectBonds(tables: EctTables, view: NeighborView, reuse?: BondSet): BondSet {
  const bt = tables.bond;
  if (!bt) throw new Error("internal: collectBonds needs a bond-transfer model");
  const { n, type, x, y, z, ghostOwner, ghostShift, numNeigh, firstNeigh, neigh } = view;
  let total = 0;
  for (let i = 0; i < n; i++) total += numNeigh[i];
  let b = reuse && reuse.i.length >= Math.min(total, 1 << 20) ? reuse : allocateBonds(Math.max(16, Math.min(total, 1 << 20)));
  const hasCation = tables.states.map((st) => st.some((s) => s.charge === 1));
  const hasAnion = tables.states.map((st) => st.some((s) => s.charge === -1));
  let count = 0;
  for (let i = 0; i < n; i++) {
    const ti = type[i];
    const xi = x[i], yi = y[i], zi = z[i];
    for (let q = firstNeigh[i], end = firstNeigh[i] + numNeigh[i]; q < end; q++) {
      const e = neigh[q];
      let j = e, sx = 0, sy = 0, sz = 0;
      if (e >= n) {
        const g = e - n;
        j = ghostOwner[g];
        sx = ghostShift[3 * g];
        sy = ghostShift[3 * g + 1];
        sz = ghostShift[3 * g + 2];
      }
      if (j === i) continue; // an atom and its own image exchange nothing
      const tj = type[j];
      const rc = bt.cutoff[ti][tj];
      if (rc === 0) continue;
      const dx = x[j] + sx - xi, dy = y[j] + sy - yi, dz = z[j] + sz - zi;
      const r2 = dx * dx + dy * dy + dz * dz;
      if (r2 >= rc * rc) continue;
      if (count === b.i.length) {
        const bigger = allocateBonds(2 * b.i.length);
        copyBonds(b, bigger, count);
        b = bigger;
      }
      const r = Math.sqrt(r2);
      b.i[count] = i;
      b.j[count] = j;
      b.dx[count] = dx;
      b.dy[count] = dy;
      b.dz[count] = dz;
      b.r[count] = r;
      const h = bt.coupling[ti][tj];
      b.h[count] = h.value(r);
      b.dh[count] = h.derivative(r);
      b.fwdOn[count] = hasCation[ti] && hasAnion[tj] ? 1 : 0;
      b.revOn[count] = hasCation[tj] && hasAnion[ti] ? 1 : 0;
      if (b.fwdOn[count]) [b.dFwd[count], b.dFwdDr[count]] = channelCorrelation(tables, ti, tj, r);
      else b.dFwd[count] = b.dFwdDr[count] = 0;
      if (b.revOn[count]) [b.dRev[count], b.dRevDr[count]] = channelCorrelation(tables, tj, ti, r);
      else b.dRev[count] = b.dRevDr[count] = 0;
      count++;
    }
  }
  b.count = count;
  return b;
}

function copyBonds(from: BondSet, to: BondSet, count: number): void {
  for (const key of ["i", "j", "dx", "dy", "dz", "r", "h", "dh", "dFwd", "dFwdDr", "dRev", "dRevDr", "fwdOn", "revOn"] as const) {
    (to[key] as Float64Array).set((from[key] as Float64Array).subarray(0, count));
  }
}
