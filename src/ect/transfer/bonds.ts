/**
 * Bond-resolved charge transfer: the channel list and the energy of the bond terms.
 *
 * Charge moves only through bonds. Every pair of atoms (i, j) closer than the transfer cutoff of its
 * element pair is a bond with two channels, i -> j (one electron from i to j: the ionic configuration
 * i+ j-) and j -> i. Each channel c carries an amplitude a_c; its ionic weight is p_c = a_c^2. The
 * atoms' state weights follow from the channels (and, for a charged system, from the reservoir
 * weights r_i, see transfer-solver.ts):
 *   w_i+ = sum of p over channels out of i (+ r_i when electrons are removed),
 *   w_i- = sum of p over channels into i  (+ r_i when electrons are added),
 *   w_i0 = 1 - w_i+ - w_i-.
 * Each channel adds the valence-bond coupling of its ionic configuration to the covalent one and the
 * correlation of the transferred electron with the hole it left:
 *   E_c = 2 h_AB(r) g_c + D_c(r) g_c^2,   g_c = a_c m_ij,   m_ij = (w_i0 w_j0)^(1/4),
 *   D_{i->j}(r) = u_{A+,B-} + u_{A0,B0} - u_{A+,B0} - u_{A0,B-} - k/r,
 * with u the tabulated Coulomb remainders of the state pairs. For one pair this makes the energy the
 * exact two-configuration (valence-bond) energy (1-p) E_cov + p E_ion + 2 h sqrt(p (1-p)): the mean-field
 * product p^2 of the point-charge energy becomes p, so an ionic-covalent crossing is always avoided.
 * For an atom with n bonds the couplings add like the ground state of a star of n + 1 configurations
 * (sqrt(n) h at resonance, n h^2 / gap far from it), not n times a dimer's, and they vanish for a
 * fully ionic atom (w_i0 = 0).
 *
 * Browser-safe; no wasm.
 */
import type { DisplacedPairs, ShiftedPairs } from "./pair-arrays.js";

/** Weights below this are treated as this inside the fourth roots (their derivative is then 0). */
export const NEUTRAL_FLOOR = 1e-14;

/**
 * Cost of moving ionic weight through a weak channel, lambda p / (|h| + eps) (lambda in eV^2, eps in
 * eV). Near the ionic limit (w0 -> 0) every channel's coupling is multiplied by a vanishing m, and
 * which bonds carry the transferred electron becomes nearly degenerate: the solver then crawled along
 * that valley (thousands of iterations for compressed LiF). This term gives the weight to the
 * strongly coupled bonds, lambda / |h| is 1e-4 eV per unit weight for a 1 eV coupling (changing
 * fitted energies by ~1e-5 eV) and pins channels at the end of the coupling's taper (h -> 0) to 0.
 */
export const WEAK_CHANNEL_COST = 1e-4;
const WEAK_CHANNEL_EPS = 1e-8;

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

/**
 * Every periodic image (for the screening of the couplings, screening.ts) within the neighbor list's range of each owned atom, as offsets from it:
 * compressed rows (row i: start[i] .. start[i + 1]) of the image's owner and its periodic shift,
 * sorted by the distance at the list build (`dist`). Built from the half list (each pair of images
 * once), so each image appears once per row; an atom's own periodic images are included (they can
 * screen its bonds in a small cell). Until the next build every atom moves less than `margin` / 2,
 * so a distance changes by less than `margin`.
 */
export interface Neighborhood {
  start: Int32Array;
  owner: Int32Array;
  sx: Float64Array;
  sy: Float64Array;
  sz: Float64Array;
  dist: Float64Array;
  margin: number;
}

/** A bond list with per-bond geometry and tabulated functions at the current positions. */
export interface BondSet extends ShiftedPairs, DisplacedPairs {
  /**
   * `count` bonds between owned atoms i and j (i < j is not required), j's image at r_j + (sx, sy,
   * sz), and d = r_j - r_i (A) with the periodic image of j that the bond uses.
   */
  r: Float64Array;
  /**
   * The coupling h(r) S (eV) and dh/dr S (eV/A) with S the screening factor; both 0 at and beyond
   * the transfer cutoff and where the bond is screened.
   */
  h: Float64Array;
  dh: Float64Array;
  /** Screening factor S of the bond (1 without screening; 0 beyond the cutoff). */
  screen: Float64Array;
  /** Every atom image around each atom, for the screening (null without screening). */
  around: Neighborhood | null;
  /**
   * The atom image that blocked the bond's coupling at the last refresh: its owner (-1: none), its
   * periodic shift (A) and its distance from i at the neighborhood's build (A). The screening tries
   * it first (screening.ts, `screeningFactor`).
   */
  screenedBy: Int32Array;
  blockSx: Float64Array;
  blockSy: Float64Array;
  blockSz: Float64Array;
  blockDist: Float64Array;
  /**
   * Blocked bonds left unchecked between neighbor-list builds (bond-list.ts, `refreshBonds`): the
   * owned atoms' positions when it was taken, and per bond the largest displacement of every atom
   * from there (A) under which the image in `screenedBy` provably still blocks the bond (-1: none).
   * null until the first refresh of a set takes it.
   */
  screenRef: ScreenReference | null;
  /** D of channel i -> j (forward) and j -> i (reverse), eV, and their r-derivatives, eV/A. */
  dFwd: Float64Array;
  dFwdDr: Float64Array;
  dRev: Float64Array;
  dRevDr: Float64Array;
  /** 1 when the elements allow the channel (the donor has a cation and the acceptor an anion state). */
  fwdCap: Uint8Array;
  revCap: Uint8Array;
  /**
   * 1 when the channel is live: allowed and coupled at the current positions (h != 0: inside the
   * cutoff and not screened). A dead channel's amplitude is 0 and not a variable of the solver; its
   * energy and every derivative vanish there (the optimum amplitude goes to 0 like h^2 as h -> 0,
   * through the weak-channel cost), so a channel switching on or off changes nothing discontinuously.
   */
  fwdOn: Uint8Array;
  revOn: Uint8Array;
  /** Indices of the bonds with a live channel, ascending (the per-evaluation loops run over these). */
  live: Int32Array;
  /**
   * The weak-channel cost factor of each live bond, WEAK_CHANNEL_COST / (|h| + eps) (1/eV), set by
   * `updateLive` (a division per bond once per refresh instead of at every evaluation).
   */
  weak: Float64Array;
  /**
   * The live bonds' data in the order of `live`, packed (entry q is bond live[q]): ends, coupling
   * h, correlations D of the two channels, weak-channel factor and channel flags. Set by
   * `updateLive`. Why: the live bonds are 1 in 27 of the listed ones in rock salt, so reading their
   * data from the per-bond arrays at every evaluation touched a new cache line per value.
   */
  liveI: Int32Array;
  liveJ: Int32Array;
  liveH: Float64Array;
  liveDF: Float64Array;
  liveDR: Float64Array;
  liveWeak: Float64Array;
  liveFwd: Uint8Array;
  liveRev: Uint8Array;
  liveCount: number;
  /**
   * Changes whenever `updateLive` finds other live channels than before (caches of what depends on
   * the live channels compare it); `liveSize` is the bond count it saw.
   */
  liveVersion: number;
  liveSize: number;
  /**
   * Variables (the layout of the solver's x: channel i -> j of bond k at k, j -> i at count + k) of
   * the channels the last `updateLive` found dead that were live before, `diedCount` of them.
   */
  died: Int32Array;
  diedCount: number;
}

/**
 * Recomputes fwdOn, revOn and the live list from the capabilities and the couplings h. `unchecked`:
 * the screening radii of a refresh that did not take its reference and the displacement it saw
 * (bond-list.ts, `refreshBonds`); the bonds it left unchecked are passed over.
 */
export function updateLive(b: BondSet, unchecked: { safe: Float64Array; moved: number } | null = null): void {
  const u: LiveUpdate = { n: 0, changed: b.liveCount === -1, died: 0 };
  const safe = unchecked?.safe ?? null, moved = unchecked?.moved ?? Infinity;
  for (let k = 0, nb = b.count; k < nb; k++) {
    // (a bond the refresh left unchecked was dead at the last update and still is)
    if (safe !== null && safe[k] > moved) continue;
    liveBond(b, k, u);
  }
  finishLive(b, u);
}

/** The running state of a live-list update: live bonds so far, whether a channel switched, channels that died. */
interface LiveUpdate {
  n: number;
  changed: boolean;
  died: number;
}

/** updateLive's work for bond k (bonds visited in ascending order). */
function liveBond(b: BondSet, k: number, u: LiveUpdate): void {
  const nb = b.count, h = b.h[k];
  const on = h !== 0 ? 1 : 0;
  const f = b.fwdCap[k] & on, r = b.revCap[k] & on;
  const fwdOn = b.fwdOn, revOn = b.revOn;
  if (fwdOn[k] !== f || revOn[k] !== r) {
    u.changed = true;
    if (fwdOn[k] && !f) b.died[u.died++] = k;
    if (revOn[k] && !r) b.died[u.died++] = nb + k;
  }
  fwdOn[k] = f;
  revOn[k] = r;
  if (f | r) {
    const n = u.n++, weak = WEAK_CHANNEL_COST / (Math.abs(h) + WEAK_CHANNEL_EPS);
    b.weak[k] = weak;
    b.liveI[n] = b.i[k];
    b.liveJ[n] = b.j[k];
    b.liveH[n] = h;
    b.liveDF[n] = b.dFwd[k];
    b.liveDR[n] = b.dRev[k];
    b.liveWeak[n] = weak;
    b.liveFwd[n] = f;
    b.liveRev[n] = r;
    b.live[n] = k;
  }
}

function finishLive(b: BondSet, u: LiveUpdate): void {
  // The version moves only when a channel switched (MD refreshes the set at every step).
  if (u.changed || u.n !== b.liveCount || b.count !== b.liveSize) b.liveVersion++;
  b.liveCount = u.n;
  b.liveSize = b.count;
  b.diedCount = u.died;
}

/** Scratch copy of the previous live list for {@link updateLiveFrom}. */
let previousLive = new Int32Array(0);

/**
 * `updateLive` visiting only the bonds that can be or have been live: `coupled` (the first `count`
 * entries, ascending: the bonds with h != 0 possible, every other one has h = 0 now) merged with the
 * live list of the last update (every other bond had its channels off). The same result as
 * `updateLive` in the same order, for a set whose other bonds have h = 0 and channels off, without
 * the pass over every listed bond (82 per atom in rock salt, 3 of them live). Used by the kernel
 * refresh (bond-kernel.ts), whose coupled list is that of the screening check.
 */
export function updateLiveFrom(b: BondSet, coupled: Int32Array, count: number): void {
  const u: LiveUpdate = { n: 0, changed: b.liveCount === -1, died: 0 };
  const before = Math.max(0, b.liveCount);
  if (previousLive.length < before) previousLive = new Int32Array(Math.max(before, 2 * previousLive.length));
  const old = previousLive;
  old.set(b.live.subarray(0, before));
  let p = 0, c = 0;
  while (p < before || c < count) {
    const kp = p < before ? old[p] : Infinity, kc = c < count ? coupled[c] : Infinity;
    const k = kp < kc ? kp : kc;
    if (kp === k) p++;
    if (kc === k) c++;
    liveBond(b, k, u);
  }
  finishLive(b, u);
}

/** The packed live bonds of each set as a set of their own (see {@link liveBondSet}), with the version they belong to. */
const packedSets = new WeakMap<BondSet, BondSet>();
let identity = new Int32Array(0);

/**
 * The live bonds of `b` as a bond set of their own, for the transfer energy's loops (weights, bond
 * terms, gradient, diagonal curvature, active variables): bond q is b's live bond q, every one live,
 * and its per-bond data are b's packed live arrays, shared (so it follows b's refreshes while the
 * live set holds, and is made anew when it changes). Its variables are b's at the live bonds,
 * gathered in the same order, so every sum runs in the same order as on b. Why: on b, the live
 * bonds' amplitudes and gradients sit 27 entries apart in rock salt (the screened bonds between),
 * and reading them cost a cache miss each. Geometry, derivatives and screening are not part of it.
 */
export function liveBondSet(b: BondSet): BondSet {
  const kept = packedSets.get(b);
  if (kept && kept.liveVersion === b.liveVersion && kept.count === b.liveCount) return kept;
  const nl = b.liveCount;
  if (identity.length < nl) {
    identity = new Int32Array(Math.max(nl, 2 * identity.length));
    for (let q = 0; q < identity.length; q++) identity[q] = q;
  }
  const none = new Float64Array(0);
  const packed: BondSet = {
    ...b,
    count: nl,
    i: b.liveI, j: b.liveJ, h: b.liveH, dFwd: b.liveDF, dRev: b.liveDR, weak: b.liveWeak,
    fwdOn: b.liveFwd, revOn: b.liveRev, fwdCap: b.liveFwd, revCap: b.liveRev,
    sx: none, sy: none, sz: none, dx: none, dy: none, dz: none, r: none, dh: none, screen: none,
    dFwdDr: none, dRevDr: none, around: null,
    live: identity, liveCount: nl, liveSize: nl, diedCount: 0,
  };
  packedSets.set(b, packed);
  return packed;
}

/**
 * Sets to 0 the amplitudes of the channels that died at the last `updateLive` (the refresh of a kept
 * set): enough for a vector whose other dead channels are 0 already, as the solver's solution is
 * (every dead channel is zeroed when a set is collected, and the solves change live channels only).
 */
export function zeroDiedChannels(b: BondSet, x: Float64Array): void {
  const died = b.died;
  for (let q = 0; q < b.diedCount; q++) x[died[q]] = 0;
}

/** Sets the amplitudes of dead channels in a variable vector (bonds' layout) to 0. */
export function zeroDeadChannels(b: BondSet, x: Float64Array): void {
  const nb = b.count, fwdOn = b.fwdOn, revOn = b.revOn;
  for (let k = 0; k < nb; k++) {
    if (!fwdOn[k]) x[k] = 0;
    if (!revOn[k]) x[nb + k] = 0;
  }
}

/**
 * Adds a central pair force: u (eV/A) on atom q and -u on atom p, and its virial d (x) u, d = r_q - r_p
 * (A), to `virial` (xx, yy, zz, yz, xz, xy).
 */
export function addPairForce(
  p: number, q: number, dx: number, dy: number, dz: number, ux: number, uy: number, uz: number,
  fx: Float64Array, fy: Float64Array, fz: Float64Array, virial: Float64Array,
): void {
  fx[q] += ux; fy[q] += uy; fz[q] += uz;
  fx[p] -= ux; fy[p] -= uy; fz[p] -= uz;
  virial[0] += dx * ux;
  virial[1] += dy * uy;
  virial[2] += dz * uz;
  virial[3] += dy * uz;
  virial[4] += dx * uz;
  virial[5] += dx * uy;
}

/** An empty bond set with room for `capacity` bonds. */
export function allocateBonds(capacity: number): BondSet {
  const f = () => new Float64Array(capacity);
  return {
    count: 0,
    i: new Int32Array(capacity),
    j: new Int32Array(capacity),
    sx: f(), sy: f(), sz: f(),
    dx: f(), dy: f(), dz: f(), r: f(), h: f(), dh: f(), screen: f(), around: null,
    screenedBy: new Int32Array(capacity).fill(-1),
    blockSx: f(), blockSy: f(), blockSz: f(), blockDist: f(), screenRef: null,
    dFwd: f(), dFwdDr: f(), dRev: f(), dRevDr: f(),
    fwdCap: new Uint8Array(capacity),
    revCap: new Uint8Array(capacity),
    fwdOn: new Uint8Array(capacity),
    revOn: new Uint8Array(capacity),
    live: new Int32Array(capacity),
    weak: f(),
    liveI: new Int32Array(capacity),
    liveJ: new Int32Array(capacity),
    liveH: f(), liveDF: f(), liveDR: f(), liveWeak: f(),
    liveFwd: new Uint8Array(capacity),
    liveRev: new Uint8Array(capacity),
    liveCount: -1,
    liveVersion: 0,
    liveSize: 0,
    died: new Int32Array(2 * capacity),
    diedCount: 0,
  };
}

/** See {@link BondSet.screenRef}. */
export interface ScreenReference {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  safe: Float64Array;
}

/** Per-atom state slots of the cation, neutral and anion (indices into the atom's weight row, -1 if none). */
export interface StateRoles {
  cation: Int32Array;
  neutral: Int32Array;
  anion: Int32Array;
}

/**
 * Bond-term energy and the pieces of its gradient at channel amplitudes `af` (i -> j) and `ar`
 * (j -> i) and neutral weights `w0` (per atom).
 *
 * Writes, per atom, g0[i] = dE_bonds/dw_i0 at fixed amplitudes; per live bond (`updateLive`), the
 * explicit derivatives dE_bonds/d af and dE_bonds/d ar at fixed w0 (0 for a dead channel of a live
 * bond) into gf[q] and gr[q], q the bond's place in the live list (`b.live[q]`; packed like the
 * live data, see `liveI`). Returns E_bonds (eV).
 */
export function bondEnergy(
  b: BondSet,
  af: Float64Array,
  ar: Float64Array,
  w0: Float64Array,
  g0: Float64Array,
  gf: Float64Array,
  gr: Float64Array,
): number {
  let e = 0;
  g0.fill(0);
  const live = b.live, bi = b.liveI, bj = b.liveJ, bh = b.liveH, dFwd = b.liveDF, dRev = b.liveDR, bweak = b.liveWeak, fwdOn = b.liveFwd, revOn = b.liveRev;
  // g0 of the first atom is summed in a local while consecutive bonds share it (runs of one i in a
  // sorted set), in the order of the plain sums (the other end is never that atom).
  let run = -1, g0Run = 0;
  for (let q = 0, nl = b.liveCount; q < nl; q++) {
    const k = live[q], i = bi[q], j = bj[q];
    if (i !== run) {
      if (run >= 0) g0[run] = g0Run;
      run = i;
      g0Run = g0[i];
    }
    const w0i = w0[i], w0j = w0[j];
    const wi = w0i > NEUTRAL_FLOOR ? w0i : NEUTRAL_FLOOR;
    const wj = w0j > NEUTRAL_FLOOR ? w0j : NEUTRAL_FLOOR;
    const m = Math.sqrt(Math.sqrt(wi * wj));
    const m2 = m * m;
    const fOn = fwdOn[q], rOn = revOn[q];
    const f = fOn ? af[k] : 0, rv = rOn ? ar[k] : 0;
    const h = bh[q];
    const df = dFwd[q], dr = dRev[q];
    const weak = bweak[q];
    e += 2 * h * (f + rv) * m + (df * f * f + dr * rv * rv) * m2 + weak * (f * f + rv * rv);
    gf[q] = fOn ? 2 * h * m + 2 * df * f * m2 + 2 * weak * f : 0;
    gr[q] = rOn ? 2 * h * m + 2 * dr * rv * m2 + 2 * weak * rv : 0;
    // dE/dm, then dm/dw0 = m / (4 w0) (0 below the floor, where the clamp holds w0 constant)
    const dEdm = 2 * h * (f + rv) + 2 * (df * f * f + dr * rv * rv) * m;
    if (w0i > NEUTRAL_FLOOR) g0Run += (dEdm * m) / (4 * wi);
    if (w0j > NEUTRAL_FLOOR) {
      // (j === i does not occur in a bond set of distinct atoms; kept exact all the same)
      if (j === run) g0Run += (dEdm * m) / (4 * wj);
      else g0[j] += (dEdm * m) / (4 * wj);
    }
  }
  if (run >= 0) g0[run] = g0Run;
  return e;
}

/**
 * Adds the bond terms' forces -dE/dR at fixed amplitudes and weights to fx, fy, fz (owned atoms),
 * their virial sum r_a f_b to `virial` (xx, yy, zz, yz, xz, xy) and half of each bond's energy to
 * each end in `energies` (when given). `dEdh` (when given) receives each live bond's dE/dh (the
 * derivative by its coupling h, for the screening forces, which read the live bonds only; the other
 * entries are left as they are). Returns E_bonds (eV).
 */
export function bondForces(
  b: BondSet,
  af: Float64Array,
  ar: Float64Array,
  w0: Float64Array,
  fx: Float64Array,
  fy: Float64Array,
  fz: Float64Array,
  virial: Float64Array,
  energies?: Float64Array,
  dEdh?: Float64Array,
): number {
  let e = 0;
  for (let q = 0; q < b.liveCount; q++) {
    const k = b.live[q], i = b.i[k], j = b.j[k];
    const wi = w0[i] > NEUTRAL_FLOOR ? w0[i] : NEUTRAL_FLOOR;
    const wj = w0[j] > NEUTRAL_FLOOR ? w0[j] : NEUTRAL_FLOOR;
    const m = Math.sqrt(Math.sqrt(wi * wj));
    const m2 = m * m;
    const f = b.fwdOn[k] ? af[k] : 0, rv = b.revOn[k] ? ar[k] : 0;
    const ah = Math.abs(b.h[k]) + WEAK_CHANNEL_EPS;
    const ek = 2 * b.h[k] * (f + rv) * m + (b.dFwd[k] * f * f + b.dRev[k] * rv * rv) * m2 + (WEAK_CHANNEL_COST * (f * f + rv * rv)) / ah;
    // d|h|/dr = sign(h) h'
    const dWeak = (-WEAK_CHANNEL_COST * (f * f + rv * rv) * Math.sign(b.h[k]) * b.dh[k]) / (ah * ah);
    const dEdr = 2 * b.dh[k] * (f + rv) * m + (b.dFwdDr[k] * f * f + b.dRevDr[k] * rv * rv) * m2 + dWeak;
    e += ek;
    // d|h|/dh = sign(h)
    if (dEdh) dEdh[k] = 2 * (f + rv) * m - (WEAK_CHANNEL_COST * (f * f + rv * rv) * Math.sign(b.h[k])) / (ah * ah);
    if (energies) {
      energies[i] += 0.5 * ek;
      energies[j] += 0.5 * ek;
    }
    if (dEdr === 0) continue;
    // The energy depends on r = |r_j - r_i|: force on j is -dE/dr (d/r), on i the opposite.
    const s = -dEdr / b.r[k];
    addPairForce(i, j, b.dx[k], b.dy[k], b.dz[k], s * b.dx[k], s * b.dy[k], s * b.dz[k], fx, fy, fz, virial);
  }
  return e;
}
