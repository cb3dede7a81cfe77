/**
 * Screening of the bond couplings by the atoms between a pair, in the form of MEAM's many-body
 * screening (M. I. Baskes, Phys. Rev. B 46, 2727 (1992); the ellipse form of M. I. Baskes, Mater.
 * Chem. Phys. 50, 152 (1997), as LAMMPS' pair meam implements it):
 *
 *   h_eff(i, j) = h(r_ij) S_ij,   S_ij = prod_k S_ikj,   S_ikj = f_c((C_ikj - C_min) / (C_max - C_min)),
 *   C_ikj = (2 (X_ik + X_kj) - (X_ik - X_kj)^2 - 1) / (1 - (X_ik - X_kj)^2),  X_ik = (r_ik / r_ij)^2,
 *   f_c(x) = [1 - (1 - x)^4]^2 on 0 < x < 1, 0 below, 1 above.
 *
 * C is the parameter of the ellipse through k with i and j on its axis: C = 0 on the segment, C
 * large far from it. An atom k well inside the ellipse C_min (C <= C_min) blocks the pair; outside
 * C_max it does nothing. Why: without it every pair within the coupling's range (11 A for Na-Cl, to
 * keep the dimer's ionic-covalent crossing at 9.4 A avoided) is a bond, 82 per atom in rock-salt
 * NaCl, although an electron moves between neighbours, not through them. With it a dimer and a
 * rhombus keep every coupling, and in rock salt every pair beyond the first shell is screened by
 * the first shell (second shell C = 1, third shell C = 1/6), independently of the lattice constant.
 *
 * Browser-safe; no wasm.
 */
import { addPairForce, type BondSet, type Neighborhood, type NeighborView } from "./bonds.js";
import type { ScreeningParams } from "../table-types.js";

export type { ScreeningParams };


/**
 * Largest (r_ik / r_ij)^2 of an atom k with C_ikj < C_max (the ellipse's reach along its axis):
 * atoms farther from i than sqrt of this times r_ij never screen the pair.
 */
export function screeningReach2(s: ScreeningParams): number {
  return (s.cmax * s.cmax) / (4 * (s.cmax - 1));
}


/**
 * The neighborhood of every owned atom from the engine's half neighbor list; `margin` is the list's
 * skin (A).
 */
export function neighborhood(view: NeighborView, margin: number): Neighborhood {
  const { n, ghostOwner, ghostShift, numNeigh, firstNeigh, neigh } = view;
  const count = new Int32Array(n + 1);
  const each = (visit: (i: number, j: number, sx: number, sy: number, sz: number) => void) => {
    for (let i = 0; i < n; i++) {
      for (let q = firstNeigh[i], end = firstNeigh[i] + numNeigh[i]; q < end; q++) {
        const e = neigh[q];
        if (e < n) visit(i, e, 0, 0, 0);
        else visit(i, ghostOwner[e - n], ghostShift[3 * (e - n)], ghostShift[3 * (e - n) + 1], ghostShift[3 * (e - n) + 2]);
      }
    }
  };
  each((i, j) => {
    count[i]++;
    count[j]++;
  });
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + count[i];
  const total = start[n];
  const owner = new Int32Array(total), sx = new Float64Array(total), sy = new Float64Array(total), sz = new Float64Array(total), dist = new Float64Array(total);
  const fill = start.slice(0, n);
  const { x, y, z } = view;
  const put = (i: number, j: number, tx: number, ty: number, tz: number) => {
    const q = fill[i]++;
    owner[q] = j;
    sx[q] = tx;
    sy[q] = ty;
    sz[q] = tz;
    dist[q] = Math.hypot(x[j] + tx - x[i], y[j] + ty - y[i], z[j] + tz - z[i]);
  };
  // Pair (i, image of j at shift s): j is i's neighbor at +s, i is j's at -s (also when j = i).
  each((i, j, tx, ty, tz) => {
    put(i, j, tx, ty, tz);
    put(j, i, -tx, -ty, -tz);
  });
  // Nearest first: a screened bond meets its screener early, an unscreened one stops at its reach.
  const out: Neighborhood = { start, owner: new Int32Array(total), sx: new Float64Array(total), sy: new Float64Array(total), sz: new Float64Array(total), dist: new Float64Array(total), margin };
  for (let i = 0; i < n; i++) {
    const idx = Array.from({ length: start[i + 1] - start[i] }, (_, m) => start[i] + m);
    idx.sort((u, v) => dist[u] - dist[v] || u - v);
    idx.forEach((from, m) => {
      const q = start[i] + m;
      out.owner[q] = owner[from];
      out.sx[q] = sx[from];
      out.sy[q] = sy[from];
      out.sz[q] = sz[from];
      out.dist[q] = dist[from];
    });
  }
  return out;
}

/** f_c of the screening and its derivative, into fc[0], fc[1]. */
function cutoffFunction(x: number, fc: Float64Array): void {
  if (x >= 1) {
    fc[0] = 1;
    fc[1] = 0;
  } else if (x <= 0) {
    fc[0] = 0;
    fc[1] = 0;
  } else {
    const u = 1 - x, u3 = u * u * u, v = 1 - u3 * u;
    fc[0] = v * v;
    fc[1] = 8 * v * u3;
  }
}

/**
 * Visits every atom image k that partially or fully screens bond `b` (C_ikj < C_max) with its
 * squared distances and factor: `visit(owner, kx, ky, kz, a, bb, C, S_ikj, dS_ikj/dC)`, positions
 * relative to atom i. Returns early (false) once `visit` returns false.
 */
function forEachScreener(
  bonds: BondSet,
  b: number,
  around: Neighborhood,
  view: NeighborView,
  s: ScreeningParams,
  fc: Float64Array,
  visit: (owner: number, kx: number, ky: number, kz: number, a: number, bb: number, c: number) => boolean,
): void {
  const i = bonds.i[b];
  const dx = bonds.dx[b], dy = bonds.dy[b], dz = bonds.dz[b];
  const rij2 = dx * dx + dy * dy + dz * dz;
  const reach = screeningReach2(s) * rij2;
  // Rows are sorted by the build's distances, which are within `margin` of today's.
  const last = Math.sqrt(reach) + around.margin;
  const xi = view.x[i], yi = view.y[i], zi = view.z[i];
  const { x, y, z } = view;
  for (let q = around.start[i], end = around.start[i + 1]; q < end; q++) {
    if (around.dist[q] > last) break;
    const o = around.owner[q];
    const kx = x[o] + around.sx[q] - xi, ky = y[o] + around.sy[q] - yi, kz = z[o] + around.sz[q] - zi;
    const rik2 = kx * kx + ky * ky + kz * kz;
    if (rik2 >= reach) continue;
    const ex = kx - dx, ey = ky - dy, ez = kz - dz;
    const rjk2 = ex * ex + ey * ey + ez * ez;
    // j itself (or an image on top of it) does not screen its own bond.
    if (rjk2 >= reach || rjk2 < 1e-12 * rij2) continue;
    const a = rik2 / rij2, bb = rjk2 / rij2, u = a - bb, den = 1 - u * u;
    if (den <= 0) continue;
    const c = (2 * (a + bb) - u * u - 1) / den;
    if (c >= s.cmax) continue;
    cutoffFunction((c - s.cmin) / (s.cmax - s.cmin), fc);
    if (!visit(o, kx, ky, kz, a, bb, c)) return;
  }
}

/**
 * Ellipse parameter C_ikj of the image of atom `o` at shift (sx, sy, sz) (A), `dist` from i at the
 * neighborhood's build, for the bond from i (at xi, yi, zi) along (dx, dy, dz) (squared length
 * rij2); Infinity when the walk of {@link forEachScreener} would skip that image: beyond the row's
 * distance bound `last` or the ellipse's reach `reach` (A^2), on top of j, or with C >= C_max.
 */
function ellipseParameter(
  view: NeighborView, s: ScreeningParams, o: number, sx: number, sy: number, sz: number, dist: number,
  xi: number, yi: number, zi: number, dx: number, dy: number, dz: number, rij2: number, reach: number, last: number,
): number {
  if (dist > last) return Infinity;
  const kx = view.x[o] + sx - xi, ky = view.y[o] + sy - yi, kz = view.z[o] + sz - zi;
  const rik2 = kx * kx + ky * ky + kz * kz;
  if (rik2 >= reach) return Infinity;
  const ex = kx - dx, ey = ky - dy, ez = kz - dz;
  const rjk2 = ex * ex + ey * ey + ez * ez;
  if (rjk2 >= reach || rjk2 < 1e-12 * rij2) return Infinity;
  const a = rik2 / rij2, bb = rjk2 / rij2, u = a - bb, den = 1 - u * u;
  if (den <= 0) return Infinity;
  const c = (2 * (a + bb) - u * u - 1) / den;
  return c >= s.cmax ? Infinity : c;
}

/**
 * Screening factor S_ij of bond `k` (geometry dx, dy, dz of the current positions), the product of
 * f_c over the screeners in the order of {@link forEachScreener}, 0 as soon as one screener blocks
 * the pair. The image that blocked the bond last time (`screenedBy`, `blockSx`.., `blockDist`) is
 * tried first: a bond blocked at one step is nearly always blocked by the same atom at the next, and
 * a blocking screener makes the product 0 whatever the others give (the walk over the sorted row to
 * find it again was most of the screening's cost in rock salt, where 14 of 15 bonds within the
 * coupling's 11 A are blocked by the first shell). The image is kept per bond, not as an entry of
 * the row, so that the check reads the bond arrays in order. `reach2`: {@link screeningReach2} of `s`
 * (callers over many bonds pass it once).
 */
export function screeningFactor(b: BondSet, k: number, around: Neighborhood, view: NeighborView, s: ScreeningParams, reach2 = screeningReach2(s)): number {
  const i = b.i[k];
  const dx = b.dx[k], dy = b.dy[k], dz = b.dz[k];
  const rij2 = dx * dx + dy * dy + dz * dz;
  const reach = reach2 * rij2;
  // Rows are sorted by the build's distances, which are within `margin` of today's.
  const last = Math.sqrt(reach) + around.margin;
  const xi = view.x[i], yi = view.y[i], zi = view.z[i];
  const span = s.cmax - s.cmin;
  const seen = b.screenedBy[k];
  if (seen >= 0) {
    const c = ellipseParameter(view, s, seen, b.blockSx[k], b.blockSy[k], b.blockSz[k], b.blockDist[k], xi, yi, zi, dx, dy, dz, rij2, reach, last);
    if ((c - s.cmin) / span <= 0) return 0;
  }
  let S = 1;
  const dist = around.dist, owner = around.owner, asx = around.sx, asy = around.sy, asz = around.sz;
  for (let q = around.start[i], end = around.start[i + 1]; q < end; q++) {
    if (dist[q] > last) break;
    const c = ellipseParameter(view, s, owner[q], asx[q], asy[q], asz[q], dist[q], xi, yi, zi, dx, dy, dz, rij2, reach, last);
    if (c === Infinity) continue;
    const x = (c - s.cmin) / span;
    if (x >= 1) continue;
    if (x <= 0) {
      b.screenedBy[k] = owner[q];
      b.blockSx[k] = asx[q];
      b.blockSy[k] = asy[q];
      b.blockSz[k] = asz[q];
      b.blockDist[k] = dist[q];
      return 0;
    }
    const u = 1 - x, v = 1 - u * u * u * u;
    S *= v * v;
    if (S === 0) return 0;
  }
  return S;
}

/** Displacements (A) tried for {@link blockedRadius}, largest first. */
const SAFE_RADII = [0.5, 0.35, 0.25, 0.18, 0.12, 0.08, 0.05, 0.03];

/**
 * The largest displacement delta (A) from the current positions, among a few candidates, such that
 * the image in `b.screenedBy[k]` blocks bond k (C_ikj < C_min, so `screeningFactor` gives 0 through
 * its first check) whenever no atom has moved more than delta; -1 when none qualifies (no such image,
 * it does not block now, or C_min < 1).
 *
 * Why it holds: with d = r_j - r_i and v = r_k - (r_i + r_j)/2, C_ikj < C_min is
 * F = |d|^2 - (4/C_min) |v|^2 - 4 (1 - 1/C_min) (v.d)^2/|d|^2 > 0 (k inside the ellipse of semi-axes
 * |d|/2 along the bond and sqrt(C_min) |d|/2 across; C = 4 y^2 / (|d|^2 - 4 x^2) in the bond's axes).
 * Moving every atom by at most delta changes d and v by at most 2 delta each, so with C_min >= 1,
 * F >= (|d| - 2 delta)^2 - (4/C_min) (|v| + 2 delta)^2 - 4 (1 - 1/C_min) P, where P bounds
 * (v.d)^2/|d|^2 by both |v|^2 and ((|v.d| + 2 delta (|v| + |d|) + 4 delta^2)/(|d| - 2 delta))^2. Inside
 * the C_min ellipse k is also within the C_max ellipse's reach and not on j, the other tests of the
 * check (its row distance is the build's, within the list's skin as everywhere here).
 */
export function blockedRadius(b: BondSet, k: number, view: NeighborView, s: ScreeningParams): number {
  const o = b.screenedBy[k];
  if (o < 0 || !(s.cmin >= 1)) return -1;
  const i = b.i[k], j = b.j[k];
  const dx = view.x[j] + b.sx[k] - view.x[i], dy = view.y[j] + b.sy[k] - view.y[i], dz = view.z[j] + b.sz[k] - view.z[i];
  const vx = view.x[o] + b.blockSx[k] - view.x[i] - 0.5 * dx, vy = view.y[o] + b.blockSy[k] - view.y[i] - 0.5 * dy, vz = view.z[o] + b.blockSz[k] - view.z[i] - 0.5 * dz;
  const d = Math.sqrt(dx * dx + dy * dy + dz * dz), v = Math.sqrt(vx * vx + vy * vy + vz * vz);
  const vd = Math.abs(vx * dx + vy * dy + vz * dz);
  const beta = 1 - 1 / s.cmin;
  for (const delta of SAFE_RADII) {
    const dLow = d - 2 * delta, vHigh = v + 2 * delta;
    if (!(dLow > 0)) continue;
    const along = (vd + 2 * delta * (v + d) + 4 * delta * delta) / dLow;
    const proj2 = Math.min(vHigh * vHigh, along * along);
    const low = dLow * dLow - (4 / s.cmin) * vHigh * vHigh - 4 * beta * proj2;
    // (a margin far above the rounding of C's evaluation)
    if (low > 1e-6 * dLow * dLow) return delta;
  }
  return -1;
}

/**
 * Screening factors of the bonds at the current positions: b.screen[k] = S_ij, computed for bonds
 * with an unscreened coupling (b.h != 0); b.h and b.dh are multiplied by it (dh stays the derivative
 * along r_ij at fixed S; the rest of dS goes through {@link screeningForces}). The reference form of
 * the screening that `refreshBonds` (bond-list.ts) fuses with the couplings.
 */
export function screenBonds(bonds: BondSet, around: Neighborhood, view: NeighborView, s: ScreeningParams): void {
  const fc = new Float64Array(2), type = view.type;
  for (let k = 0; k < bonds.count; k++) {
    if (bonds.h[k] === 0) {
      bonds.screen[k] = 0;
      continue;
    }
    if (!s.screened[type[bonds.i[k]]][type[bonds.j[k]]]) continue;
    let S = 1;
    forEachScreener(bonds, k, around, view, s, fc, () => {
      S *= fc[0];
      return S !== 0;
    });
    bonds.screen[k] = S;
    bonds.h[k] *= S;
    bonds.dh[k] *= S;
  }
}

/**
 * Adds the forces of the screening factors' dependence on the positions of i, j and the screening
 * atoms k: with G_b = dE/dh_eff of bond b (eV/eV) at the solved amplitudes, dE = G_b h(r) dS_b, and
 * S_b depends on the three squared distances of each partial screener (0 < S_ikj < 1). Each such
 * term is a central force along i-j, i-k and j-k. Adds the virial sum r_a f_b to `virial` (xx, yy,
 * zz, yz, xz, xy). `hRaw[b]` is the unscreened coupling h(r_ij). Reads `dEdh` at the live bonds only.
 */
export function screeningForces(
  bonds: BondSet,
  around: Neighborhood,
  view: NeighborView,
  s: ScreeningParams,
  dEdh: Float64Array,
  fx: Float64Array,
  fy: Float64Array,
  fz: Float64Array,
  virial: Float64Array,
): void {
  const fc = new Float64Array(2);
  const span = s.cmax - s.cmin;
  // Central force between atoms p and q from dE/d(r_pq^2) = g, with d = r_q - r_p.
  const central = (p: number, q: number, g: number, ddx: number, ddy: number, ddz: number) =>
    addPairForce(p, q, ddx, ddy, ddz, -2 * g * ddx, -2 * g * ddy, -2 * g * ddz, fx, fy, fz, virial);
  // Over the live bonds, ascending (the only ones with dE/dh != 0): the sums of all bonds in their order.
  for (let q = 0, nl = bonds.liveCount; q < nl; q++) {
    const k = bonds.live[q];
    const S = bonds.screen[k];
    if (!(S > 0 && S < 1) || dEdh[k] === 0) continue;
    const hRaw = bonds.h[k] / S;
    const gS = dEdh[k] * hRaw; // dE/dS
    const i = bonds.i[k], j = bonds.j[k];
    const dx = bonds.dx[k], dy = bonds.dy[k], dz = bonds.dz[k];
    const rij2 = dx * dx + dy * dy + dz * dz;
    forEachScreener(bonds, k, around, view, s, fc, (o, kx, ky, kz, a, bb, c) => {
      if (fc[0] >= 1 || fc[0] <= 0) return true;
      // dS/dC_m = S / S_m * f_c'(x) / span.
      const dEdC = (gS * S * fc[1]) / (fc[0] * span);
      const u = a - bb, den = 1 - u * u, num = 2 * (a + bb) - u * u - 1;
      const ca = (2 * (1 - u) * den + 2 * u * num) / (den * den);
      const cb = (2 * (1 + u) * den - 2 * u * num) / (den * den);
      // C(a, b) with a = r_ik^2 / r_ij^2 and b = r_jk^2 / r_ij^2.
      central(i, o, (dEdC * ca) / rij2, kx, ky, kz);
      central(j, o, (dEdC * cb) / rij2, kx - dx, ky - dy, kz - dz);
      central(i, j, (-dEdC * (a * ca + bb * cb)) / rij2, dx, dy, dz);
      void c;
      return true;
    });
  }
}
