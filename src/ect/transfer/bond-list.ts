/**
 * Builds the bond set of bond transfer from a half neighbor list over owned and ghost atoms (the
 * engine's list: every pair once, ghosts mapped to their owners with a periodic shift), and fills in
 * the couplings h(r) and the channel correlations D(r) at the current positions.
 *
 * Browser-safe; no wasm.
 */
import { splineEval } from "../../potentials/spline.js";
import type { SplineTable } from "../../potentials/types.js";
import type { EctTables } from "../table-types.js";
import { allocateBonds, updateLive, type BondSet, type NeighborView, type ScreenReference, type StateRoles } from "./bonds.js";
import { blockedRadius, neighborhood, screeningFactor, screeningReach2 } from "./screening.js";

export type { NeighborView };


/**
 * Calls `visit(i, j, sx, sy, sz)` for every listed pair of distinct owned atoms: j is the owner of a
 * ghost entry and (sx, sy, sz) the ghost's periodic shift (0 for owned partners). An atom and its own
 * periodic image are skipped (they exchange nothing and their fields cancel).
 */
export function forEachListedPair(view: NeighborView, visit: (i: number, j: number, sx: number, sy: number, sz: number) => void): void {
  const { n, ghostOwner, ghostShift, numNeigh, firstNeigh, neigh } = view;
  for (let i = 0; i < n; i++) {
    for (let q = firstNeigh[i], end = firstNeigh[i] + numNeigh[i]; q < end; q++) {
      const e = neigh[q];
      if (e < n) {
        if (e !== i) visit(i, e, 0, 0, 0);
        continue;
      }
      const g = e - n, j = ghostOwner[g];
      if (j !== i) visit(i, j, ghostShift[3 * g], ghostShift[3 * g + 1], ghostShift[3 * g + 2]);
    }
  }
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
 * The four Coulomb-remainder tables of channel A -> B, in the order they are summed: (A+, B-),
 * (A0, B0), (A+, B0), (A0, B-).
 */
function channelTables(tables: EctTables, a: number, b: number): SplineTable[] {
  const sa = tables.states[a], sb = tables.states[b];
  const ca = sa.findIndex((s) => s.charge === 1), za = sa.findIndex((s) => s.charge === 0);
  const ab = sb.findIndex((s) => s.charge === -1), zb = sb.findIndex((s) => s.charge === 0);
  const u = tables.coulomb[a];
  return [u[ca][b][ab], u[za][b][zb], u[ca][b][zb], u[za][b][ab]];
}

/** channelTables of every ordered element pair with a channel (else null), per set of tables. */
const channelCache = new WeakMap<EctTables, (SplineTable[] | null)[][]>();

function channelTablesOf(tables: EctTables): (SplineTable[] | null)[][] {
  let c = channelCache.get(tables);
  if (!c) {
    const ne = tables.states.length, bt = tables.bond;
    const hasCation = tables.states.map((st) => st.some((s) => s.charge === 1));
    const hasAnion = tables.states.map((st) => st.some((s) => s.charge === -1));
    c = Array.from({ length: ne }, (_, a) =>
      Array.from({ length: ne }, (_, b) => (bt && bt.channel[a][b] && hasCation[a] && hasAnion[b] ? channelTables(tables, a, b) : null)),
    );
    channelCache.set(tables, c);
  }
  return c;
}

/** Transfer cutoff (A) and whether the pair is screened, per element pair (row-major), per set of tables. */
const pairCache = new WeakMap<EctTables, { types: number; cutoff: Float64Array; screened: Uint8Array }>();

export function pairTablesOf(tables: EctTables): { types: number; cutoff: Float64Array; screened: Uint8Array } {
  let c = pairCache.get(tables);
  if (!c) {
    const ne = tables.states.length, bt = tables.bond!;
    c = { types: ne, cutoff: new Float64Array(ne * ne), screened: new Uint8Array(ne * ne) };
    for (let a = 0; a < ne; a++) {
      for (let b = 0; b < ne; b++) {
        c.cutoff[a * ne + b] = bt.cutoff[a][b];
        c.screened[a * ne + b] = bt.screening?.screened[a][b] ? 1 : 0;
      }
    }
    pairCache.set(tables, c);
  }
  return c;
}

/**
 * Channel correlation D_{A->B}(r) = u_{A+,B-} + u_{A0,B0} - u_{A+,B0} - u_{A0,B-} - k/r (eV) into
 * out[at], and its derivative into dOut[at], from the tabulated Coulomb remainders (the same tables
 * as the mean field; `t` from channelTables).
 */
function channelCorrelation(t: SplineTable[], k: number, r: number, out: Float64Array, dOut: Float64Array, at: number): void {
  let v = -k / r, d = k / (r * r);
  for (let q = 0; q < 4; q++) {
    const sign = q < 2 ? 1 : -1;
    const [u, du] = splineEval(t[q], r);
    v += sign * u;
    d += sign * du;
  }
  out[at] = v;
  dOut[at] = d;
}

/**
 * Bonds of the current positions: every listed pair of distinct atoms whose elements have a transfer
 * cutoff and which is closer than it. Channels exist where the donor has a cation state and the
 * acceptor an anion state.
 */
export function collectBonds(tables: EctTables, view: NeighborView, reuse?: BondSet, margin = 0): BondSet {
  const bt = tables.bond;
  if (!bt) throw new Error("internal: collectBonds needs a bond-transfer model");
  const { n, type, x, y, z, numNeigh } = view;
  let total = 0;
  for (let i = 0; i < n; i++) total += numNeigh[i];
  let b = reuse && reuse.i.length >= Math.min(total, 1 << 20) ? reuse : allocateBonds(Math.max(16, Math.min(total, 1 << 20)));
  const hasCation = tables.states.map((st) => st.some((s) => s.charge === 1));
  const hasAnion = tables.states.map((st) => st.some((s) => s.charge === -1));
  let count = 0;
  forEachListedPair(view, (i, j, sx, sy, sz) => {
    const ti = type[i], tj = type[j];
    const rc = bt.cutoff[ti][tj];
    if (rc === 0) return;
    const dx = x[j] + sx - x[i], dy = y[j] + sy - y[i], dz = z[j] + sz - z[i];
    if (dx * dx + dy * dy + dz * dz >= (rc + margin) * (rc + margin)) return;
    if (count === b.i.length) {
      const bigger = allocateBonds(2 * b.i.length);
      copyBonds(b, bigger, count);
      b = bigger;
    }
    b.i[count] = i;
    b.j[count] = j;
    b.sx[count] = sx;
    b.sy[count] = sy;
    b.sz[count] = sz;
    b.fwdCap[count] = hasCation[ti] && hasAnion[tj] && bt.channel[ti][tj] ? 1 : 0;
    b.revCap[count] = hasCation[tj] && hasAnion[ti] && bt.channel[tj][ti] ? 1 : 0;
    count++;
  });
  b.count = count;
  b.around = bt.screening ? neighborhood(view, margin) : null;
  // The blocking screeners of the last set are entries of the last neighborhood.
  b.screenedBy.fill(-1, 0, count);
  b.screenRef = null;
  refreshBonds(tables, view, b);
  return b;
}

/**
 * Geometry and functions of the bonds of a set at the current positions (the same pairs and images:
 * between neighbor-list builds the set is kept and only this runs). Bonds beyond their cutoff have
 * h = 0 and stay in the set with dead channels (`updateLive`).
 */
export function refreshBonds(tables: EctTables, view: NeighborView, b: BondSet): void {
  const bt = tables.bond!;
  const { type, x, y, z } = view;
  const screening = bt.screening, around = b.around;
  const { types: ne, cutoff, screened } = pairTablesOf(tables);
  const reach2 = screening ? screeningReach2(screening) : 0;
  const bi = b.i, bj = b.j, bsx = b.sx, bsy = b.sy, bsz = b.sz, bdx = b.dx, bdy = b.dy, bdz = b.dz, br = b.r;
  const bh = b.h, bdh = b.dh, screen = b.screen;
  // Blocked bonds within their radius of the reference are not checked again (`BondSet.screenRef`,
  // screening.ts `blockedRadius`); a reference is taken now when there is none or an atom went too far.
  const moved = around && screening ? displacementFromReference(b, view) : Infinity;
  const taking = around !== null && screening !== null && moved > SCREEN_REFERENCE_LIMIT;
  if (taking) b.screenRef = newScreenReference(b, view);
  const safe = around && screening ? b.screenRef?.safe ?? null : null;
  for (let k = 0, nb = b.count; k < nb; k++) {
    const i = bi[k], j = bj[k], ti = type[i], tj = type[j];
    const dx = x[j] + bsx[k] - x[i], dy = y[j] + bsy[k] - y[i], dz = z[j] + bsz[k] - z[i];
    const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
    bdx[k] = dx;
    bdy[k] = dy;
    bdz[k] = dz;
    br[k] = r;
    // The screening factor first: a blocked bond (S = 0, most bonds of a crystal) needs no coupling
    // or correlation (h S = 0 whatever h is).
    const tp = ti * ne + tj;
    let S = r < cutoff[tp] ? 1 : 0;
    if (S !== 0 && around && screened[tp]) {
      if (safe !== null && !taking && safe[k] > moved) S = 0;
      else {
        S = screeningFactor(b, k, around, view, screening!, reach2);
        // A bond checked outside a reference may have another blocker now: no radius for it.
        if (safe !== null) safe[k] = taking && S === 0 ? blockedRadius(b, k, view, screening!) : -1;
      }
    }
    if (S === 0) {
      // (a bond blocked at the last refresh too has these zeros already)
      if (screen[k] !== 0 || bh[k] !== 0 || bdh[k] !== 0) decoupleBond(b, k);
      continue;
    }
    coupleBond(tables, b, k, S, ti, tj, around !== null);
  }
  updateLive(b, safe !== null && !taking ? { safe, moved } : null);
}

/** Zeros the coupling, its screening factor and the channel correlations of bond k (S = 0 now). */
export function decoupleBond(b: BondSet, k: number): void {
  b.screen[k] = b.h[k] = b.dh[k] = 0;
  b.dFwd[k] = b.dFwdDr[k] = b.dRev[k] = b.dRevDr[k] = 0;
}

/**
 * The coupling h(r) S (eV), its derivative (eV/A) and the channel correlations (eV, eV/A) of bond k
 * (elements ti, tj) with screening factor S != 0 at its current length b.r[k]; `screening`: the set
 * has a screening neighborhood (then a vanishing coupling counts as blocked, S = 0).
 */
export function coupleBond(tables: EctTables, b: BondSet, k: number, S: number, ti: number, tj: number, screening: boolean): void {
  const bt = tables.bond!, r = b.r[k];
  b.screen[k] = S;
  const h = bt.coupling[ti][tj], hr = h.value(r);
  // (with screening, a bond whose coupling vanishes counts as blocked, S = 0)
  if (hr === 0 && bt.screening && screening) b.screen[k] = 0;
  const hs = hr * S;
  b.h[k] = hs;
  b.dh[k] = h.derivative(r) * S;
  // Channel correlations of the coupled bonds only (a dead channel's amplitude is 0).
  const on = hs !== 0, channels = channelTablesOf(tables), kc = tables.coulombConstant;
  if (b.fwdCap[k] && on) channelCorrelation(channels[ti][tj]!, kc, r, b.dFwd, b.dFwdDr, k);
  else b.dFwd[k] = b.dFwdDr[k] = 0;
  if (b.revCap[k] && on) channelCorrelation(channels[tj][ti]!, kc, r, b.dRev, b.dRevDr, k);
  else b.dRev[k] = b.dRevDr[k] = 0;
}

/**
 * Largest displacement (A) from the screening reference (`BondSet.screenRef`) at which it is taken
 * again. Measured on rock-salt NaCl at 300 K: of the blocked bonds, about 60 % have radii of
 * 0.25-0.5 A, the rest (blockers near the tip of their ellipse) 0.03-0.18 A or none; the reference is taken
 * again every 16-23 steps at 4,096 atoms. A bond whose radius the displacement exceeds is checked at
 * every step until then.
 */
export const SCREEN_REFERENCE_LIMIT = 0.2;

/** Largest displacement of an owned atom from the screening reference (A; Infinity without one). */
export function displacementFromReference(b: BondSet, view: NeighborView): number {
  const ref = b.screenRef;
  if (!ref || ref.x.length !== view.n || ref.safe.length < b.count) return Infinity;
  const { x, y, z } = view, rx = ref.x, ry = ref.y, rz = ref.z;
  let m = 0;
  for (let i = 0, n = view.n; i < n; i++) {
    const ex = x[i] - rx[i], ey = y[i] - ry[i], ez = z[i] - rz[i];
    const e = ex * ex + ey * ey + ez * ez;
    if (e > m) m = e;
  }
  return Math.sqrt(m);
}

/** A screening reference at the current positions, every radius -1 (the refresh fills them). */
function newScreenReference(b: BondSet, view: NeighborView): ScreenReference {
  const n = view.n, old = b.screenRef;
  const ref = old && old.x.length === n && old.safe.length >= b.count ? old : { x: new Float64Array(n), y: new Float64Array(n), z: new Float64Array(n), safe: new Float64Array(b.i.length) };
  ref.x.set(view.x.subarray(0, n));
  ref.y.set(view.y.subarray(0, n));
  ref.z.set(view.z.subarray(0, n));
  ref.safe.fill(-1);
  return ref;
}

/** The per-bond arrays of a set (the live list is derived from them by `updateLive`). */
const BOND_FIELDS = ["i", "j", "sx", "sy", "sz", "dx", "dy", "dz", "r", "h", "dh", "screen", "screenedBy", "blockSx", "blockSy", "blockSz", "blockDist", "dFwd", "dFwdDr", "dRev", "dRevDr", "fwdCap", "revCap", "fwdOn", "revOn"] as const;

function copyBonds(from: BondSet, to: BondSet, count: number): void {
  for (const key of BOND_FIELDS) {
    (to[key] as Float64Array).set((from[key] as Float64Array).subarray(0, count));
  }
}

/**
 * The set in a canonical order (by i, j and the image shift), so that the variables' order does not
 * depend on the neighbor list's order: restarts and other engines reproduce a run bit for bit.
 */
export function sortBonds(b: BondSet): BondSet {
  const idx = Array.from({ length: b.count }, (_, k) => k);
  idx.sort((u, v) => b.i[u] - b.i[v] || b.j[u] - b.j[v] || b.sx[u] - b.sx[v] || b.sy[u] - b.sy[v] || b.sz[u] - b.sz[v]);
  if (idx.every((k, m) => k === m)) return b;
  const out = allocateBonds(b.i.length);
  for (const key of BOND_FIELDS) {
    const from = b[key] as Float64Array, to = out[key] as Float64Array;
    idx.forEach((k, m) => (to[m] = from[k]));
  }
  out.count = b.count;
  out.around = b.around;
  updateLive(out);
  return out;
}
