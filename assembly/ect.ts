// ECT-EAM passes: ensemble host densities, state embedding, dE/dweight (eps), long-range point
// charges, the chemical-potential update of the weights, and forces at fixed weights.
//
// Every atom has up to 4 state slots (weights w_iM, eps_iM). Radial functions are LAMMPS' cubic on one
// grid: value ((c3 p + c4) p + c5) p + c6. The pair passes read them from pair blocks (one record per
// grid point and ordered type pair holding all functions of the pair, src/ect/pair-blocks.ts); the
// embedding functions, the long-range kernel and the resonance Hessian use 8-double records
// [c0..c6, pad] (slope (c0 p + c1) p + c2) reached through directories. Each atom's neighbor list
// is sorted into distance tiers with precomputed grid positions once per set of positions (sortTiers).
// Energy (see docs/ect-eam.md):
//   E = sum_i sum_M w_iM (E_AM + F_AM(rhobar_i)) + sum_{i<j} [phi_AB + sum_MM' w_iM w_jM' u_AM,BM'](r_ij)
//     + E_long(q),   rhobar_i = sum_j sum_M' w_jM' f_BM'(r_ij),   q_i = sum_M w_iM Q_AM.
import {
  C_NLOCAL, C_NGHOST, C_NTYPES, C_X, C_Y, C_Z, C_FX, C_FY, C_FZ, C_TYPE, C_RHO, C_FP, C_EATOM,
  C_NUM_NEIGH, C_FIRST_NEIGH, C_NEIGH, C_NR, C_RDR, C_NRHO, C_RDRHO, C_RHOMAX, C_OFF_TABLE,
  C_VXX, C_VYY, C_VZZ, C_VYZ, C_VXZ, C_VXY, C_GHOST_OWNER,
  C_WEIGHTS, C_WEIGHTS_NEW, C_EPS, C_CHARGE, C_POT_L_R, C_STATE_E, C_STATE_N, C_STATE_Q, C_N_STATES,
  C_DIR_EMBED, C_COUL_BLOCKS, C_COUL_STRIDE, C_LR_TABLE, C_LR_KIND, C_LR_CUTOFF,
  C_SHORT_CUTOFF, C_REMAINDER_CUTOFF, C_COULOMB_K, C_SELF_COEF, C_K_T, C_N_TOTAL, C_MU, C_E_ONSITE, C_E_PAIR, C_E_LONG,
  C_DENSITY_CUTOFF, C_PAIR_CUTOFF, C_KVECS, C_NK, C_EPS_FORCES, C_ROLES, C_DIR_RES, C_RES_CUTOFF, C_TALLY, C_EWALD_SUMS, C_EWALD_ALPHA, C_EWALD_BACKGROUND,
  C_ACTIVE_STATES, C_TIER_ENDS, C_TIERS_VALID, C_TIER_SCRATCH_LIMIT, C_INNER_CUTOFF, C_PAIR_M, C_PAIR_P, C_INNER_BLOCKS, C_INNER_STRIDE, C_LR_FOLDED, C_E_LONG_PAIRS,
  MAX_STATES, ECT_RECORD, ROLE_SLOTS, ROLE_CATION, ROLE_NEUTRAL, ROLE_ANION, LR_KIND_DIRECT, LR_KIND_DSF, LR_KIND_EWALD,
} from "./context";
import { ci, cf, cp, setI, setF, getF, putF, addF, getI, putI } from "./mem";
import { foldGhosts, copyToGhosts } from "./cell";

@inline const MAXS: i32 = MAX_STATES; // state slots per atom
@inline const REC: usize = ECT_RECORD; // bytes
/** Weights below this are skipped where they only multiply a table value (contributions < 1e-16 eV). */
@inline const WMIN: f64 = 1e-17;

@inline function tval(base: usize, m: i32, p: f64): f64 {
  const c = base + <usize>(m - 1) * REC;
  return ((load<f64>(c, 24) * p + load<f64>(c, 32)) * p + load<f64>(c, 40)) * p + load<f64>(c, 48);
}
@inline function tder(base: usize, m: i32, p: f64): f64 {
  const c = base + <usize>(m - 1) * REC;
  return (load<f64>(c) * p + load<f64>(c, 8)) * p + load<f64>(c, 16);
}
/** Table address from a directory of i32 addresses. */
@inline function dir(d: usize, k: i32): usize {
  return <usize>load<u32>(d + (<usize>k << 2));
}
@inline function slot(base: usize, i: i32, s: i32): usize {
  return base + ((<usize>(i * MAXS + s)) << 3);
}

/** Copies an array of 4 slots per atom from owners to ghosts. */
function copyStatesToGhosts(ctx: usize, arr: usize): void {
  const n = ci(ctx, C_NLOCAL), ng = ci(ctx, C_NGHOST);
  const owner = cp(ctx, C_GHOST_OWNER);
  for (let g = 0; g < ng; g++) memory.copy(slot(arr, n + g, 0), slot(arr, getI(owner, g), 0), <usize>MAXS << 3);
}

/** Adds ghosts' 4-slot values into their owners. */
function foldStates(ctx: usize, arr: usize): void {
  const n = ci(ctx, C_NLOCAL), ng = ci(ctx, C_NGHOST);
  const owner = cp(ctx, C_GHOST_OWNER);
  for (let g = 0; g < ng; g++) {
    const o = getI(owner, g);
    for (let s = 0; s < MAXS; s++) store<f64>(slot(arr, o, s), load<f64>(slot(arr, o, s)) + load<f64>(slot(arr, n + g, s)));
  }
}

/** Charges of owned atoms from their weights; weights and charges copied to ghosts. */
export function ectCharges(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const type = cp(ctx, C_TYPE), w = cp(ctx, C_WEIGHTS), q = cp(ctx, C_CHARGE);
  const stateQ = cp(ctx, C_STATE_Q), nStates = cp(ctx, C_N_STATES);
  for (let i = 0; i < n; i++) {
    const t = getI(type, i), ns = getI(nStates, t);
    let qi = 0.0;
    for (let s = 0; s < ns; s++) qi += load<f64>(slot(w, i, s)) * load<f64>(slot(stateQ, t, s));
    putF(q, i, qi);
  }
  copyStatesToGhosts(ctx, w);
  copyToGhosts(ctx, q);
  // Active states of owned and ghost atoms (ghost weights were just copied).
  const active = cp(ctx, C_ACTIVE_STATES), nall = n + ci(ctx, C_NGHOST);
  for (let i = 0; i < nall; i++) {
    const ns = getI(nStates, getI(type, i));
    let mask = 0;
    for (let s = 0; s < ns; s++) if (load<f64>(slot(w, i, s)) >= WMIN) mask |= 1 << s;
    putI(active, i, mask);
  }
}

@inline function gridIndex(r: f64, rdr: f64, nr: i32): i32 {
  let m = <i32>(r * rdr + 1.0);
  return m > nr - 1 ? nr - 1 : m;
}
@inline function gridFraction(r: f64, rdr: f64, m: i32): f64 {
  const p = r * rdr + 1.0 - <f64>m;
  return p < 1.0 ? p : 1.0;
}

// Scratch of the tier sort (one atom's list segment at a time); longer segments use in-place partitions.
@inline const SCRATCH_ENTRIES: i32 = 8192;
const tierScratchJ: usize = memory.data(SCRATCH_ENTRIES << 2, 16);
const tierScratchM: usize = memory.data(SCRATCH_ENTRIES << 2, 16);
const tierScratchP: usize = memory.data(SCRATCH_ENTRIES << 3, 16);
const tierScratchT: usize = memory.data(SCRATCH_ENTRIES, 16);
/** Entries per tier (4 x i32) counted by entryGeometry, then the write offsets of the placement. */
const tierSlots: usize = memory.data(16, 16);

/** Moves the entries of jb[from..to) closer than sqrt(cutsq) to atom i to the front; returns their end. */
function partitionBelow(jb: usize, from: i32, to: i32, cutsq: f64, x: usize, y: usize, z: usize, i: i32): i32 {
  const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
  let w = from;
  for (let q = from; q < to; q++) {
    const j = load<i32>(jb + (<usize>q << 2));
    const dx = xi - getF(x, j), dy = yi - getF(y, j), dz = zi - getF(z, j);
    if (dx * dx + dy * dy + dz * dz < cutsq) {
      store<i32>(jb + (<usize>q << 2), load<i32>(jb + (<usize>w << 2)));
      store<i32>(jb + (<usize>w << 2), j);
      w++;
    }
  }
  return w;
}

/**
 * Grid index m and fraction p of the entries jb[0..cnt) of atom i, into ms/ps (and the tier code of
 * each into ts when `tiers`). Two entries at a time with f64x2 in the SIMD build: the packed grid
 * positions avoid the scalar float-int round trip, which costs more than the rest of the geometry.
 */
function entryGeometry(
  jb: usize, cnt: i32, ms: usize, ps: usize, ts: usize, tiers: bool,
  x: usize, y: usize, z: usize, i: i32, rdr: f64, nr: i32, asq: f64, bsq: f64, csq: f64,
): void {
  const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
  let q = 0;
  if (ASC_FEATURE_SIMD) {
    const xv = f64x2.splat(xi), yv = f64x2.splat(yi), zv = f64x2.splat(zi);
    const rdrv = f64x2.splat(rdr), one = f64x2.splat(1.0), top = f64x2.splat(<f64>(nr - 1));
    const two52 = f64x2.splat(4503599627370496.0);
    for (; q + 1 < cnt; q += 2) {
      const oa = <usize>load<i32>(jb + (<usize>q << 2)) << 3, ob = <usize>load<i32>(jb + (<usize>q << 2), 4) << 3;
      const dxv = f64x2.sub(xv, v128.load64_lane(x + ob, v128.load64_zero(x + oa), 1));
      const dyv = f64x2.sub(yv, v128.load64_lane(y + ob, v128.load64_zero(y + oa), 1));
      const dzv = f64x2.sub(zv, v128.load64_lane(z + ob, v128.load64_zero(z + oa), 1));
      const rsqv = f64x2.add(f64x2.add(f64x2.mul(dxv, dxv), f64x2.mul(dyv, dyv)), f64x2.mul(dzv, dzv));
      const tv = f64x2.add(f64x2.mul(f64x2.sqrt(rsqv), rdrv), one);
      // m = min(int(t), nr - 1) as a double: t = r rdr + 1 >= 1, so floor is the truncation (+inf
      // gives nr - 1 as before; pmin(top, NaN) is top, an index inside the table, where the
      // saturating conversion gave 0). floor and pmin are one instruction each; V8 lowers the
      // saturating conversion and wasm's min to sequences.
      const mv = f64x2.pmin(top, f64x2.floor(tv));
      // pmin(1, d) is d < 1 ? d : 1, gridFraction's choice for every d (min's differs only for NaN)
      const pv = f64x2.pmin(one, f64x2.sub(tv, mv));
      // the whole numbers of mv (below 2^31) are the low words of mv + 2^52: lanes 0 and 2
      const iv = f64x2.add(mv, two52);
      v128.store64_lane(ms + (<usize>q << 2), i32x4.shuffle(iv, iv, 0, 2, 0, 2), 0);
      v128.store(ps + (<usize>q << 3), pv);
      if (tiers) {
        const ra = f64x2.extract_lane(rsqv, 0), rb = f64x2.extract_lane(rsqv, 1);
        const ta = <i32>(ra >= asq) + <i32>(ra >= bsq) + <i32>(ra >= csq);
        const tb = <i32>(rb >= asq) + <i32>(rb >= bsq) + <i32>(rb >= csq);
        store<u8>(ts + <usize>q, <u8>ta);
        store<u8>(ts + <usize>q, <u8>tb, 1);
        const ca = tierSlots + (<usize>ta << 2), cb = tierSlots + (<usize>tb << 2);
        store<i32>(ca, load<i32>(ca) + 1);
        store<i32>(cb, load<i32>(cb) + 1);
      }
    }
  }
  for (; q < cnt; q++) {
    const j = load<i32>(jb + (<usize>q << 2));
    const dx = xi - getF(x, j), dy = yi - getF(y, j), dz = zi - getF(z, j);
    const rsq = dx * dx + dy * dy + dz * dz;
    const r = sqrt(rsq);
    const m = gridIndex(r, rdr, nr);
    store<i32>(ms + (<usize>q << 2), m);
    store<f64>(ps + (<usize>q << 3), gridFraction(r, rdr, m));
    if (tiers) {
      const t = <i32>(rsq >= asq) + <i32>(rsq >= bsq) + <i32>(rsq >= csq);
      store<u8>(ts + <usize>q, <u8>t);
      const c = tierSlots + (<usize>t << 2);
      store<i32>(c, load<i32>(c) + 1);
    }
  }
}

/**
 * Sorts every owned atom's list segment by distance into tiers: [r < innerCutoff] (densities, pair
 * functions, resonance), [r < shortCutoff] (Coulomb remainders), [r < long-range cutoff] (tabulated
 * point-charge kernel only), then the skin shell and beyond, and stores each entry's grid index and
 * fraction (pairM, pairP) for the passes, which then walk only the tiers they need and never convert
 * distances to grid positions themselves. A stable counting sort through a scratch segment: the order
 * within a tier is the list order, so results depend only on the list and the positions.
 */
function sortTiers(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z);
  const numNeigh = cp(ctx, C_NUM_NEIGH), firstNeigh = cp(ctx, C_FIRST_NEIGH), neigh = cp(ctx, C_NEIGH);
  const ends = cp(ctx, C_TIER_ENDS), pairM = cp(ctx, C_PAIR_M), pairP = cp(ctx, C_PAIR_P);
  const nr = ci(ctx, C_NR), rdr = cf(ctx, C_RDR);
  const inner = cf(ctx, C_INNER_CUTOFF), short = max(inner, cf(ctx, C_SHORT_CUTOFF));
  const lrc = ci(ctx, C_LR_KIND) >= LR_KIND_DSF ? max(short, cf(ctx, C_LR_CUTOFF)) : short;
  const asq = inner * inner, bsq = short * short, csq = lrc * lrc;
  const limit = ci(ctx, C_TIER_SCRATCH_LIMIT) > 0 ? min(ci(ctx, C_TIER_SCRATCH_LIMIT), SCRATCH_ENTRIES) : SCRATCH_ENTRIES;
  for (let i = 0; i < n; i++) {
    const first = getI(firstNeigh, i);
    const jb = neigh + (<usize>first << 2);
    const cnt = getI(numNeigh, i);
    const e = ends + (<usize>(i * 3) << 2);
    const ms = pairM + (<usize>first << 2), ps = pairP + (<usize>first << 3);
    if (cnt > limit) {
      const c = partitionBelow(jb, 0, cnt, csq, x, y, z, i);
      const b = partitionBelow(jb, 0, c, bsq, x, y, z, i);
      store<i32>(e, partitionBelow(jb, 0, b, asq, x, y, z, i));
      store<i32>(e, b, 4);
      store<i32>(e, c, 8);
      entryGeometry(jb, c, ms, ps, 0, false, x, y, z, i, rdr, nr, asq, bsq, csq);
      continue;
    }
    memory.fill(tierSlots, 0, 16);
    entryGeometry(jb, cnt, ms, ps, tierScratchT, true, x, y, z, i, rdr, nr, asq, bsq, csq);
    const n0 = load<i32>(tierSlots), n1 = load<i32>(tierSlots, 4), n2 = load<i32>(tierSlots, 8);
    store<i32>(e, n0);
    store<i32>(e, n0 + n1, 4);
    store<i32>(e, n0 + n1 + n2, 8);
    // Atoms move little between calls: most segments are still in tier order and stay as they are
    // (the stable sort would not change them either).
    let ordered = true;
    for (let q = 1; q < cnt; q++) {
      if (load<u8>(tierScratchT + <usize>q) < load<u8>(tierScratchT + <usize>(q - 1))) {
        ordered = false;
        break;
      }
    }
    if (ordered) continue;
    // Counts become write offsets; the placement needs no branch on the tier (they interleave).
    store<i32>(tierSlots, 0);
    store<i32>(tierSlots, n0, 4);
    store<i32>(tierSlots, n0 + n1, 8);
    store<i32>(tierSlots, n0 + n1 + n2, 12);
    memory.copy(tierScratchJ, jb, <usize>cnt << 2);
    memory.copy(tierScratchM, ms, <usize>cnt << 2);
    memory.copy(tierScratchP, ps, <usize>cnt << 3);
    for (let q = 0; q < cnt; q++) {
      const slotAt = tierSlots + (<usize>load<u8>(tierScratchT + <usize>q) << 2);
      const at = load<i32>(slotAt);
      store<i32>(slotAt, at + 1);
      store<i32>(jb + (<usize>at << 2), load<i32>(tierScratchJ + (<usize>q << 2)));
      store<i32>(ms + (<usize>at << 2), load<i32>(tierScratchM + (<usize>q << 2)));
      store<f64>(ps + (<usize>at << 3), load<f64>(tierScratchP + (<usize>q << 3)));
    }
  }
  setI(ctx, C_TIERS_VALID, 1);
}

/** Value of the function in one lane of a pair-block group at fraction p (src/ect/pair-blocks.ts). */
@inline function lane(at: usize, p: f64): f64 {
  return ((load<f64>(at) * p + load<f64>(at, 16)) * p + load<f64>(at, 32)) * p + load<f64>(at, 48);
}
/** Slope (per grid interval) of the function in one lane of a group: (3 c3 p + 2 c4) p + c5. */
@inline function laneSlope(at: usize, p: f64): f64 {
  return (3.0 * load<f64>(at) * p + 2.0 * load<f64>(at, 16)) * p + load<f64>(at, 32);
}

// Which cutoffs an entry lies inside, read from its grid index m instead of its distance (passes
// without forces, which then read no positions): byte m of this table holds bit 0 when m lies within
// two grid intervals of some cutoff (or is the table's last index, where m is clamped), and bit k
// (k = 1..5) when m lies at least two intervals inside cutoff k. Since m = floor(r rdr + 1), an entry
// with bit 0 clear is inside cutoff k exactly when bit k is set: the margin of two intervals (0.004 A
// for the shipped grid) is far beyond the round-off of r, r^2 and r rdr. Entries with bit 0 set take
// the distance test as before, so every decision is the one the squared distance gives.
@inline const CLASS_ENTRIES: i32 = 32768;
const cutClass: usize = memory.data(CLASS_ENTRIES, 16);
@inline const CLASS_NEAR: i32 = 1;

/** Marks cutoff `rc` (A) as bit `bit` of the class table for grid indices [0, top]. */
function classCutoff(rc: f64, rdr: f64, top: i32, bit: i32): void {
  // (clamped before the conversion: cutoffs past the grid are inside for every index below the last)
  let x = rc * rdr;
  if (!(x >= 0.0)) x = 0.0;
  if (x > <f64>(top + 8)) x = <f64>(top + 8);
  const lo = <i32>Math.floor(x) - 2, hi = <i32>Math.ceil(x) + 2;
  for (let m = 0; m <= top; m++) {
    const at = cutClass + <usize>m;
    if (m <= lo) store<u8>(at, <u8>(<i32>load<u8>(at) | (1 << bit)));
    else if (m < hi) store<u8>(at, <u8>(<i32>load<u8>(at) | CLASS_NEAR));
  }
}

/**
 * Fills the class table for cutoffs c1..c5 (A; 0 for none, never inside) on the grid of nr points
 * with 1/dr = rdr. Returns false when the grid is longer than the table (the passes then test
 * distances for every entry).
 */
function classify(nr: i32, rdr: f64, c1: f64, c2: f64, c3: f64, c4: f64, c5: f64): bool {
  if (nr < 2 || nr > CLASS_ENTRIES || !(rdr > 0.0)) return false;
  const top = nr - 1;
  memory.fill(cutClass, 0, <usize>nr);
  classCutoff(c1, rdr, top, 1); classCutoff(c2, rdr, top, 2); classCutoff(c3, rdr, top, 3);
  classCutoff(c4, rdr, top, 4); classCutoff(c5, rdr, top, 5);
  // m = nr - 1 also holds every distance past the table's end.
  store<u8>(cutClass + <usize>top, <u8>(<i32>load<u8>(cutClass + <usize>top) | CLASS_NEAR));
  return true;
}

/**
 * Host densities rhobar_i = sum_j sum_M' w_jM' f_BM'(r_ij) of owned atoms (ghost parts folded). Sorts
 * the list into distance tiers first when the positions changed (tiersValid = 0).
 */
export function ectDensityPass(ctx: usize): void {
  if (!ci(ctx, C_TIERS_VALID)) sortTiers(ctx);
  const n = ci(ctx, C_NLOCAL), nall = n + ci(ctx, C_NGHOST);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z), type = cp(ctx, C_TYPE), rho = cp(ctx, C_RHO);
  const w = cp(ctx, C_WEIGHTS), active = cp(ctx, C_ACTIVE_STATES), nt = ci(ctx, C_NTYPES);
  const innerBlocks = cp(ctx, C_INNER_BLOCKS), innerStride = <usize>ci(ctx, C_INNER_STRIDE);
  const firstNeigh = cp(ctx, C_FIRST_NEIGH), neigh = cp(ctx, C_NEIGH), ends = cp(ctx, C_TIER_ENDS);
  const pairM = cp(ctx, C_PAIR_M), pairP = cp(ctx, C_PAIR_P);
  const rc = cf(ctx, C_DENSITY_CUTOFF), rcsq = rc * rc;
  // Most of the inner tier lies beyond the density cutoff (NaCl: 20 of 89 entries inside 6 A): the
  // class table answers from m for all but the entries next to the cutoff (see classify).
  const useClass = classify(ci(ctx, C_NR), cf(ctx, C_RDR), rc, 0.0, 0.0, 0.0, 0.0);
  memory.fill(rho, 0, <usize>nall << 3);
  for (let i = 0; i < n; i++) {
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
    const ti = getI(type, i), maskI = getI(active, i);
    const first = getI(firstNeigh, i), last = first + load<i32>(ends + (<usize>(i * 3) << 2));
    let rhoi = 0.0;
    for (let q = first; q < last; q++) {
      const m = getI(pairM, q);
      const c: i32 = useClass ? <i32>load<u8>(cutClass + <usize>m) : CLASS_NEAR;
      const j = getI(neigh, q);
      if (c & CLASS_NEAR) {
        const dx = xi - getF(x, j), dy = yi - getF(y, j), dz = zi - getF(z, j);
        if (dx * dx + dy * dy + dz * dz >= rcsq) continue;
      } else if ((c & 2) == 0) continue;
      const p = getF(pairP, q);
      // Inner block (ti, tj): group 1+M holds (f_{ti,M}, f_{tj,M}) in lanes 0 and 1.
      const rec = <usize>load<u32>(innerBlocks + (<usize>(ti * nt + getI(type, j)) << 2)) + <usize>(m - 1) * innerStride + 64;
      for (let mj = getI(active, j); mj != 0; mj &= mj - 1) {
        const s = ctz(mj);
        rhoi += load<f64>(slot(w, j, s)) * lane(rec + (<usize>s << 6) + 8, p);
      }
      let rj = 0.0;
      for (let mi = maskI; mi != 0; mi &= mi - 1) {
        const s = ctz(mi);
        rj += load<f64>(slot(w, i, s)) * lane(rec + (<usize>s << 6), p);
      }
      addF(rho, j, rj);
    }
    addF(rho, i, rhoi);
  }
  foldGhosts(ctx, rho);
}

/**
 * State embedding: eps_iM starts at E_AM + F_AM(rhobar_i); fp_i = sum_M w_iM F'_AM(rhobar_i) (copied
 * to ghosts); per-atom energies start at the on-site part sum_M w_iM (E_AM + F_AM) (ghosts at 0) and
 * eOnsite is their sum. F continues linearly above rhomax.
 */
export function ectEmbeddingPass(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), nall = n + ci(ctx, C_NGHOST);
  const type = cp(ctx, C_TYPE), rho = cp(ctx, C_RHO), fp = cp(ctx, C_FP), eatom = cp(ctx, C_EATOM);
  const w = cp(ctx, C_WEIGHTS), eps = cp(ctx, C_EPS);
  const stateE = cp(ctx, C_STATE_E), nStates = cp(ctx, C_N_STATES), de = cp(ctx, C_DIR_EMBED);
  const nrho = ci(ctx, C_NRHO), rdrho = cf(ctx, C_RDRHO), rhomax = cf(ctx, C_RHOMAX);
  memory.fill(eps, 0, <usize>(nall * MAXS) << 3);
  memory.fill(eatom + (<usize>n << 3), 0, <usize>(nall - n) << 3);
  let onsite = 0.0;
  let off = 0;
  for (let i = 0; i < n; i++) {
    const t = getI(type, i), ns = getI(nStates, t);
    const r = getF(rho, i);
    let m = <i32>(r * rdrho + 1.0);
    if (m > nrho - 1) m = nrho - 1;
    if (m < 1) m = 1;
    let p = r * rdrho + 1.0 - <f64>m;
    if (p > 1.0) p = 1.0;
    if (r > rhomax) off++;
    let fbar = 0.0, ei = 0.0;
    for (let s = 0; s < ns; s++) {
      const tab = dir(de, t * MAXS + s);
      const d = tder(tab, m, p);
      let f = tval(tab, m, p);
      if (r > rhomax) f += d * (r - rhomax);
      const e = load<f64>(slot(stateE, t, s)) + f;
      store<f64>(slot(eps, i, s), e);
      const ws = load<f64>(slot(w, i, s));
      ei += ws * e;
      fbar += ws * d;
    }
    putF(fp, i, fbar);
    putF(eatom, i, ei);
    onsite += ei;
  }
  copyToGhosts(ctx, fp);
  setF(ctx, C_E_ONSITE, onsite);
  setI(ctx, C_OFF_TABLE, off);
}


/**
 * Weights enter the resonance coupling clamped at >= RES_CLAMP (the specification's form): below the
 * clamp a weight is a constant 1e-14 inside the fourth root and its slope is zero, which keeps the
 * kernels finite at pure states. Above it the root is the bare x^(1/4), whose slope diverges as
 * x -> 0: the solver (src/ect/solver-newton.ts) works with the energy, not the slope, there.
 */
@inline const RES_CLAMP: f64 = 1e-14;

@inline function quarticRoot(x: f64): f64 {
  return sqrt(sqrt(x));
}

/** 1/w for a weight above the clamp (d ln g / dw = 1/(4w)), 0 below it (clamped: constant). */
@inline function activeInverse(w: f64): f64 {
  return w > RES_CLAMP ? 1.0 / w : 0.0;
}

/** Role slots (cation, neutral, anion) of type t, or -1 when the element lacks one of them. */
@inline function roleSlot(roles: usize, t: i32, role: i32): i32 {
  return load<i32>(roles + (<usize>(t * ROLE_SLOTS + role) << 2));
}

/**
 * Resonance coupling of one pair (after Valone and Atlas 2004, the specification's chosen form):
 *   E = 2 h(r) [ (w_i+ w_j- w_i0 w_j0)^(1/4) + (w_j+ w_i- w_j0 w_i0)^(1/4) ],  weights clamped at 1e-14.
 * Adds dE/dw to eps of both atoms (when `epsToo`), returns E and leaves dE/dr in
 * lastResonanceSlope. Elements without a cation, neutral or anion state take no part.
 */
let lastResonanceSlope: f64 = 0.0;
@inline function resonancePair(
  w: usize, eps: usize, roles: usize, i: i32, j: i32, ti: i32, tj: i32, h: f64, hp: f64, epsToo: bool,
): f64 {
  const ci_ = roleSlot(roles, ti, ROLE_CATION), ni_ = roleSlot(roles, ti, ROLE_NEUTRAL), ai_ = roleSlot(roles, ti, ROLE_ANION);
  const cj_ = roleSlot(roles, tj, ROLE_CATION), nj_ = roleSlot(roles, tj, ROLE_NEUTRAL), aj_ = roleSlot(roles, tj, ROLE_ANION);
  lastResonanceSlope = 0.0;
  if ((ci_ | ni_ | ai_ | cj_ | nj_ | aj_) < 0) return 0.0;
  const wci = load<f64>(slot(w, i, ci_)), wni = load<f64>(slot(w, i, ni_)), wai = load<f64>(slot(w, i, ai_));
  const wcj = load<f64>(slot(w, j, cj_)), wnj = load<f64>(slot(w, j, nj_)), waj = load<f64>(slot(w, j, aj_));
  const g1 = quarticRoot(max(wci, RES_CLAMP) * max(waj, RES_CLAMP) * max(wni, RES_CLAMP) * max(wnj, RES_CLAMP));
  const g2 = quarticRoot(max(wcj, RES_CLAMP) * max(wai, RES_CLAMP) * max(wnj, RES_CLAMP) * max(wni, RES_CLAMP));
  if (epsToo) {
    // d g/dw_k = g / (4 w_k) for every weight of the product (0 where clamped).
    const s1 = 0.5 * h * g1, s2 = 0.5 * h * g2;
    const ici = activeInverse(wci), ini = activeInverse(wni), iai = activeInverse(wai);
    const icj = activeInverse(wcj), inj = activeInverse(wnj), iaj = activeInverse(waj);
    store<f64>(slot(eps, i, ci_), load<f64>(slot(eps, i, ci_)) + s1 * ici);
    store<f64>(slot(eps, i, ai_), load<f64>(slot(eps, i, ai_)) + s2 * iai);
    store<f64>(slot(eps, i, ni_), load<f64>(slot(eps, i, ni_)) + (s1 + s2) * ini);
    store<f64>(slot(eps, j, cj_), load<f64>(slot(eps, j, cj_)) + s2 * icj);
    store<f64>(slot(eps, j, aj_), load<f64>(slot(eps, j, aj_)) + s1 * iaj);
    store<f64>(slot(eps, j, nj_), load<f64>(slot(eps, j, nj_)) + (s1 + s2) * inj);
  }
  lastResonanceSlope = 2.0 * hp * (g1 + g2);
  return 2.0 * h * (g1 + g2);
}

/**
 * Adds (Hessian of one product term 2h g, g = (w_a w_b w_c w_d)^(1/4)) times u to out at the four
 * slots: with a_k = 1/w_k (0 where clamped), (H u)_k = 2h g a_k (sum_l a_l u_l / 16 - a_k u_k / 4).
 */
@inline function resonanceTermHv(
  w: usize, u: usize, out: usize, h: f64,
  i: i32, sa: i32, j: i32, sb: i32, sc: i32, sd: i32,
): void {
  // Slots: a = cation or anion of i, b = the opposite ion of j, c = neutral of i, d = neutral of j.
  const wa = load<f64>(slot(w, i, sa)), wb = load<f64>(slot(w, j, sb)), wc = load<f64>(slot(w, i, sc)), wd = load<f64>(slot(w, j, sd));
  const g = quarticRoot(max(wa, RES_CLAMP) * max(wb, RES_CLAMP) * max(wc, RES_CLAMP) * max(wd, RES_CLAMP));
  const aa = activeInverse(wa), ab = activeInverse(wb), ac = activeInverse(wc), ad = activeInverse(wd);
  const ua = load<f64>(slot(u, i, sa)), ub = load<f64>(slot(u, j, sb)), uc = load<f64>(slot(u, i, sc)), ud = load<f64>(slot(u, j, sd));
  const c = 2.0 * h * g;
  const sum = (aa * ua + ab * ub + ac * uc + ad * ud) * 0.0625;
  store<f64>(slot(out, i, sa), load<f64>(slot(out, i, sa)) + c * aa * (sum - 0.25 * aa * ua));
  store<f64>(slot(out, j, sb), load<f64>(slot(out, j, sb)) + c * ab * (sum - 0.25 * ab * ub));
  store<f64>(slot(out, i, sc), load<f64>(slot(out, i, sc)) + c * ac * (sum - 0.25 * ac * uc));
  store<f64>(slot(out, j, sd), load<f64>(slot(out, j, sd)) + c * ad * (sum - 0.25 * ad * ud));
}

/**
 * Hessian of the resonance energy times a direction: reads u (4 slots per owned atom) from
 * weightsNew, writes d^2 E_res/dw dw . u to eps (owned atoms; ghosts folded). The weights must be
 * the ones of the last ectEvaluate (their ghost copies are used). The solver adds the smooth rest
 * of the Hessian by differences of eps, where the fourth roots' curvature would spoil them.
 */
export function ectResonanceHessVec(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), nall = n + ci(ctx, C_NGHOST), nt = ci(ctx, C_NTYPES);
  const u = cp(ctx, C_WEIGHTS_NEW), out = cp(ctx, C_EPS), w = cp(ctx, C_WEIGHTS);
  copyStatesToGhosts(ctx, u);
  memory.fill(out, 0, <usize>(nall * MAXS) << 3);
  const rres = cf(ctx, C_RES_CUTOFF), rressq = rres * rres;
  if (rres > 0.0) {
    const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z), type = cp(ctx, C_TYPE);
    const roles = cp(ctx, C_ROLES), dres = cp(ctx, C_DIR_RES);
    const numNeigh = cp(ctx, C_NUM_NEIGH), firstNeigh = cp(ctx, C_FIRST_NEIGH), neigh = cp(ctx, C_NEIGH);
    const nr = ci(ctx, C_NR), rdr = cf(ctx, C_RDR);
    for (let i = 0; i < n; i++) {
      const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i), ti = getI(type, i);
      const ci_ = roleSlot(roles, ti, ROLE_CATION), ni_ = roleSlot(roles, ti, ROLE_NEUTRAL), ai_ = roleSlot(roles, ti, ROLE_ANION);
      if ((ci_ | ni_ | ai_) < 0) continue;
      const first = getI(firstNeigh, i), cnt = getI(numNeigh, i);
      for (let e = first; e < first + cnt; e++) {
        const j = getI(neigh, e);
        const dx = xi - getF(x, j), dy = yi - getF(y, j), dz = zi - getF(z, j);
        const rsq = dx * dx + dy * dy + dz * dz;
        if (rsq >= rressq) continue;
        const tj = getI(type, j);
        const ht = dir(dres, ti * nt + tj);
        if (ht == 0) continue;
        const cj_ = roleSlot(roles, tj, ROLE_CATION), nj_ = roleSlot(roles, tj, ROLE_NEUTRAL), aj_ = roleSlot(roles, tj, ROLE_ANION);
        if ((cj_ | nj_ | aj_) < 0) continue;
        const r = sqrt(rsq);
        const m = gridIndex(r, rdr, nr), p = gridFraction(r, rdr, m);
        const h = tval(ht, m, p);
        resonanceTermHv(w, u, out, h, i, ci_, j, aj_, ni_, nj_);
        resonanceTermHv(w, u, out, h, i, ai_, j, cj_, ni_, nj_);
      }
    }
  }
  foldStates(ctx, out);
}

// Virial accumulators shared by the pair loops (reset by the pass that starts a force evaluation).
let vxxAcc: f64 = 0.0, vyyAcc: f64 = 0.0, vzzAcc: f64 = 0.0, vyzAcc: f64 = 0.0, vxzAcc: f64 = 0.0, vxyAcc: f64 = 0.0;
@inline function tallyVirial(dx: f64, dy: f64, dz: f64, fpair: f64): void {
  vxxAcc += dx * dx * fpair; vyyAcc += dy * dy * fpair; vzzAcc += dz * dz * fpair;
  vyzAcc += dy * dz * fpair; vxzAcc += dx * dz * fpair; vxyAcc += dx * dy * fpair;
}
function storeVirial(ctx: usize): void {
  setF(ctx, C_VXX, vxxAcc); setF(ctx, C_VYY, vyyAcc); setF(ctx, C_VZZ, vzzAcc);
  setF(ctx, C_VYZ, vyzAcc); setF(ctx, C_VXZ, vxzAcc); setF(ctx, C_VXY, vxyAcc);
}
function resetVirial(): void {
  vxxAcc = 0.0; vyyAcc = 0.0; vzzAcc = 0.0; vyzAcc = 0.0; vxzAcc = 0.0; vxyAcc = 0.0;
}

/**
 * Short-range eps terms: eps_iM += sum_j [Fbar'_j f_AM(r) + sum_M' w_jM' u_AM,BM'(r)] (and the mirror
 * for j), folded from ghosts; ePair = sum over pairs of phi + sum w w u (+ resonance). The tabulated
 * long-range kernel's pair sums go to potLR, except inside shortCutoff when it is folded into the
 * Coulomb blocks (lrFolded): there its eps terms and energy ride with u, and on tallied evaluations
 * its energy is moved from ePair to eLongPairs (ectLongRange adds that to eLong).
 */
export function ectEpsPass(ctx: usize): void {
  // With `epsForces` set, the same traversal also accumulates forces (and, with `tally`, per-atom
  // pair energies and the virial) at the current weights: when these weights turn out converged,
  // no force pass is needed. MD steps between outputs skip the tallies.
  if (!ci(ctx, C_EPS_FORCES)) epsLoop(ctx, false, false);
  else if (ci(ctx, C_TALLY)) epsLoop(ctx, true, true);
  else epsLoop(ctx, true, false);
}

@inline function epsLoop(ctx: usize, forces: bool, tally: bool): void {
  const n = ci(ctx, C_NLOCAL), nt = ci(ctx, C_NTYPES);
  const roles = cp(ctx, C_ROLES), dres = cp(ctx, C_DIR_RES);
  const rres = cf(ctx, C_RES_CUTOFF), rressq = rres * rres;
  const fx = cp(ctx, C_FX), fy = cp(ctx, C_FY), fz = cp(ctx, C_FZ), eatom = cp(ctx, C_EATOM);
  if (forces) {
    const bytes = <usize>(n + ci(ctx, C_NGHOST)) << 3;
    memory.fill(fx, 0, bytes); memory.fill(fy, 0, bytes); memory.fill(fz, 0, bytes);
    resetVirial();
  }
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z), type = cp(ctx, C_TYPE), fp = cp(ctx, C_FP);
  const w = cp(ctx, C_WEIGHTS), eps = cp(ctx, C_EPS), nStates = cp(ctx, C_N_STATES), active = cp(ctx, C_ACTIVE_STATES);
  const innerBlocks = cp(ctx, C_INNER_BLOCKS), innerStride = <usize>ci(ctx, C_INNER_STRIDE);
  const coulBlocks = cp(ctx, C_COUL_BLOCKS), coulStride = <usize>ci(ctx, C_COUL_STRIDE);
  const firstNeigh = cp(ctx, C_FIRST_NEIGH), neigh = cp(ctx, C_NEIGH), ends = cp(ctx, C_TIER_ENDS);
  const pairM = cp(ctx, C_PAIR_M), pairP = cp(ctx, C_PAIR_P);
  const rdr = cf(ctx, C_RDR);
  // The Coulomb blocks end at the structure's longest remainder cutoff, which may lie inside the
  // pair functions' reach (then the pairs between get the point-charge kernel alone).
  const rc = cf(ctx, C_REMAINDER_CUTOFF), rcsq = rc * rc;
  // The tabulated long-range kernel (DSF or Ewald real space) shares this traversal of the list.
  const kind = ci(ctx, C_LR_KIND), q = cp(ctx, C_CHARGE), pot = cp(ctx, C_POT_L_R);
  const lrTab = cp(ctx, C_LR_TABLE), lrc = kind >= LR_KIND_DSF ? cf(ctx, C_LR_CUTOFF) : 0.0, lrcsq = lrc * lrc;
  const kc = cf(ctx, C_COULOMB_K);
  memory.fill(pot, 0, <usize>(n + ci(ctx, C_NGHOST)) << 3);
  const rdsq = cf(ctx, C_DENSITY_CUTOFF) * cf(ctx, C_DENSITY_CUTOFF), rpsq = cf(ctx, C_PAIR_CUTOFF) * cf(ctx, C_PAIR_CUTOFF);
  // Point-charge pairs inside shortCutoff are in the Coulomb blocks (lrFolded).
  const folded = ci(ctx, C_LR_FOLDED) != 0 && kind >= LR_KIND_DSF;
  // The entries past the short tier (sortTiers: shortCutoff <= r < lrCutoff) need the point-charge
  // kernel alone, and sortTiers' own distance test already put them inside lrCutoff and outside the
  // remainder cutoff (blocks reach at most shortCutoff). Without forces their loop then reads no
  // positions: about 30 % of NaCl's entries, a gather of three coordinates and a square each. When
  // the remainder reaches past the short tier (not with blocks from table-layout.ts), every entry
  // takes the general loop as before.
  const shortSort = max(cf(ctx, C_INNER_CUTOFF), cf(ctx, C_SHORT_CUTOFF));
  const lrTier = !folded || rc <= shortSort;
  // Without forces the distance tests read the class table (see classify) and positions only next
  // to a cutoff. Bits: 1 long range, 2 remainder, 3 resonance, 4 pair function, 5 density.
  const useClass = !forces && classify(ci(ctx, C_NR), rdr, lrc, rc, rres, cf(ctx, C_PAIR_CUTOFF), cf(ctx, C_DENSITY_CUTOFF));
  let epair = 0.0, eLongPairs = 0.0;
  for (let i = 0; i < n; i++) {
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
    const ti = getI(type, i), nsi = getI(nStates, ti), fpi = getF(fp, i), qi = getF(q, i), maskI = getI(active, i);
    // The list is sorted into tiers (sortTiers): inner functions, Coulomb remainders, long range only.
    const first = getI(firstNeigh, i), te = ends + (<usize>(i * 3) << 2);
    const innerEnd = first + load<i32>(te), shortEnd = first + load<i32>(te, 4), lastEnd = first + load<i32>(te, 8);
    let poti = 0.0;
    let fxi = 0.0, fyi = 0.0, fzi = 0.0, ei = 0.0;
    // (the same entries in the same order as one loop over [first, lastEnd): sums are unchanged)
    const generalEnd = lrTier ? shortEnd : lastEnd;
    for (let e = first; e < generalEnd; e++) {
      const j = getI(neigh, e);
      const m = getI(pairM, e), p = getF(pairP, e);
      let dx = 0.0, dy = 0.0, dz = 0.0, rsq = 0.0;
      let c: i32 = useClass ? <i32>load<u8>(cutClass + <usize>m) : CLASS_NEAR;
      if (c & CLASS_NEAR) {
        dx = xi - getF(x, j); dy = yi - getF(y, j); dz = zi - getF(z, j);
        rsq = dx * dx + dy * dy + dz * dz;
        c = (<i32>(rsq < lrcsq) << 1) | (<i32>(rsq < rcsq) << 2) | (<i32>(rsq < rressq) << 3) | (<i32>(rsq < rpsq) << 4) | (<i32>(rsq < rdsq) << 5);
      }
      let dEdr = 0.0, pe = 0.0;
      if (c & 2) {
        if (folded && (c & 4)) {
          // In the Coulomb blocks: only the energy split (pair vs long range) is tallied here.
          if (tally) eLongPairs += qi * getF(q, j) * kc * tval(lrTab, m, p);
        } else {
          const g = kc * tval(lrTab, m, p);
          const qj = getF(q, j);
          poti += qj * g;
          addF(pot, j, qi * g);
          if (forces) {
            pe += qi * qj * g;
            dEdr += qi * qj * kc * tder(lrTab, m, p);
          }
        }
      }
      if (e < shortEnd) {
        const tj = getI(type, j), nsj = getI(nStates, tj), maskJ = getI(active, j);
        if (e < innerEnd) {
          // Inner block (ti, tj): group 0 = (phi, h), group 1+M = (f_{ti,M}, f_{tj,M}).
          const rec = <usize>load<u32>(innerBlocks + (<usize>(ti * nt + tj) << 2)) + <usize>(m - 1) * innerStride;
          if (c & 8) {
            if (dir(dres, ti * nt + tj) != 0) {
              const er = resonancePair(w, eps, roles, i, j, ti, tj, lane(rec + 8, p), rdr * laneSlope(rec + 8, p), true);
              epair += er;
              if (forces) {
                pe += er;
                dEdr += lastResonanceSlope;
              }
            }
          }
          if (c & 16) {
            const v = lane(rec, p);
            epair += v;
            if (forces) {
              pe += v;
              dEdr += rdr * laneSlope(rec, p);
            }
          }
          if (c & 32) {
            // eps_iM += Fbar'_j f_AM(r) for every state (padding lanes are zero); the force only
            // through the active ones.
            const fpj = getF(fp, j);
            const ns = max(nsi, nsj);
            if (ASC_FEATURE_SIMD) {
              const pv = f64x2.splat(p);
              const fpv = f64x2.replace_lane(f64x2.splat(fpj), 1, fpi);
              let slope = f64x2.splat(0.0);
              for (let s = 0; s < ns; s++) {
                const g = rec + 64 + (<usize>s << 6);
                const a = v128.load(g), b = v128.load(g, 16), c = v128.load(g, 32);
                const v = f64x2.mul(fpv, f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(a, pv), b), pv), c), pv), v128.load(g, 48)));
                const ai = slot(eps, i, s), aj = slot(eps, j, s);
                store<f64>(ai, load<f64>(ai) + f64x2.extract_lane(v, 0));
                store<f64>(aj, load<f64>(aj) + f64x2.extract_lane(v, 1));
                if (forces) {
                  const wa = ((maskI >> s) & 1) ? load<f64>(slot(w, i, s)) : 0.0;
                  const wb = ((maskJ >> s) & 1) ? load<f64>(slot(w, j, s)) : 0.0;
                  const d = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.mul(a, f64x2.splat(3.0)), pv), f64x2.add(b, b)), pv), c);
                  slope = f64x2.add(slope, f64x2.mul(f64x2.replace_lane(f64x2.splat(wa), 1, wb), d));
                }
              }
              if (forces) {
                const sv = f64x2.mul(fpv, slope);
                dEdr += rdr * (f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1));
              }
            } else {
              for (let s = 0; s < ns; s++) {
                const g = rec + 64 + (<usize>s << 6);
                const ai = slot(eps, i, s), aj = slot(eps, j, s);
                store<f64>(ai, load<f64>(ai) + fpj * lane(g, p));
                store<f64>(aj, load<f64>(aj) + fpi * lane(g + 8, p));
                if (forces) {
                  if ((maskI >> s) & 1) dEdr += rdr * fpj * load<f64>(slot(w, i, s)) * laneSlope(g, p);
                  if ((maskJ >> s) & 1) dEdr += rdr * fpi * load<f64>(slot(w, j, s)) * laneSlope(g + 8, p);
                }
              }
            }
          }
        }
        if (c & 4) {
          const off = <usize>(m - 1) * coulStride;
          const bij = <usize>load<u32>(coulBlocks + (<usize>(ti * nt + tj) << 2)) + off;
          // Every row s of i's states (block (A, B): V_su for all of j's states u) once: eps_j[u] +=
          // w_is V_su, eps_i[s] += sum_u V_su w_ju (the same dot as the energy's), energy w_is V_su w_ju.
          // (Rows of i's active states and then rows of j's active states from block (B, A), as
          // before 2026-12-07, evaluated the active-active entries twice: 12 quintic pairs per pair
          // of three-state atoms instead of 6.) Weights below WMIN (inactive states) are left out of
          // the energy and the forces as before; in eps_i they weigh at most 1e-17 of a state.
          if (ASC_FEATURE_SIMD) {
            const pv = f64x2.splat(p), three = f64x2.splat(3.0);
            const wj0 = v128.load(slot(w, j, 0)), wj1 = v128.load(slot(w, j, 2));
            const ej = slot(eps, j, 0);
            let ej0 = v128.load(ej), ej1 = v128.load(ej, 16);
            for (let s = 0; s < nsi; s++) {
              const rec = bij + (<usize>s << 7);
              const a0 = v128.load(rec), b0 = v128.load(rec, 16), c0 = v128.load(rec, 32);
              const a1 = v128.load(rec, 64), b1 = v128.load(rec, 80), c1 = v128.load(rec, 96);
              const v0 = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(a0, pv), b0), pv), c0), pv), v128.load(rec, 48));
              const v1 = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(a1, pv), b1), pv), c1), pv), v128.load(rec, 112));
              const dot = f64x2.add(f64x2.mul(v0, wj0), f64x2.mul(v1, wj1));
              const ds = f64x2.extract_lane(dot, 0) + f64x2.extract_lane(dot, 1);
              const ei = slot(eps, i, s);
              store<f64>(ei, load<f64>(ei) + ds);
              if (((maskI >> s) & 1) == 0) continue;
              const wis = load<f64>(slot(w, i, s));
              const ws = f64x2.splat(wis);
              ej0 = f64x2.add(ej0, f64x2.mul(ws, v0));
              ej1 = f64x2.add(ej1, f64x2.mul(ws, v1));
              const ew = wis * ds;
              epair += ew;
              if (forces) {
                pe += ew;
                // slope ((3 c3 p + 2 c4) p + c5) / dr
                const d0 = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.mul(a0, three), pv), f64x2.add(b0, b0)), pv), c0);
                const d1 = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.mul(a1, three), pv), f64x2.add(b1, b1)), pv), c1);
                const dd2 = f64x2.add(f64x2.mul(d0, wj0), f64x2.mul(d1, wj1));
                dEdr += wis * rdr * (f64x2.extract_lane(dd2, 0) + f64x2.extract_lane(dd2, 1));
              }
            }
            v128.store(ej, ej0);
            v128.store(ej, ej1, 16);
          } else {
            for (let s = 0; s < nsi; s++) {
              const rec = bij + (<usize>s << 7);
              const on = ((maskI >> s) & 1) != 0;
              const wis = on ? load<f64>(slot(w, i, s)) : 0.0;
              let dot = 0.0, slope = 0.0;
              for (let u = 0; u < MAXS; u++) {
                const o = rec + (<usize>(u >> 1) << 6) + (<usize>(u & 1) << 3);
                const c3 = load<f64>(o), c4 = load<f64>(o, 16), c5 = load<f64>(o, 32);
                const v = ((c3 * p + c4) * p + c5) * p + load<f64>(o, 48);
                const wju = load<f64>(slot(w, j, u));
                dot += wju * v;
                if (!on) continue;
                const aj = slot(eps, j, u);
                store<f64>(aj, load<f64>(aj) + wis * v);
                if (forces) slope += wju * ((3.0 * c3 * p + 2.0 * c4) * p + c5);
              }
              const ei = slot(eps, i, s);
              store<f64>(ei, load<f64>(ei) + dot);
              if (!on) continue;
              epair += wis * dot;
              if (forces) {
                pe += wis * dot;
                dEdr += wis * rdr * slope;
              }
            }
          }
        }
      }
      if (forces && dEdr != 0.0) {
        const fpair = -dEdr / sqrt(rsq);
        fxi += dx * fpair; fyi += dy * fpair; fzi += dz * fpair;
        addF(fx, j, -dx * fpair); addF(fy, j, -dy * fpair); addF(fz, j, -dz * fpair);
        if (tally) tallyVirial(dx, dy, dz, fpair);
      }
      if (tally && pe != 0.0) {
        ei += 0.5 * pe;
        addF(eatom, j, 0.5 * pe);
      }
    }
    if (lrTier && !forces) {
      for (let e = shortEnd; e < lastEnd; e++) {
        const j = getI(neigh, e);
        const g = kc * tval(lrTab, getI(pairM, e), getF(pairP, e));
        poti += getF(q, j) * g;
        addF(pot, j, qi * g);
      }
    } else if (lrTier) {
      for (let e = shortEnd; e < lastEnd; e++) {
        const j = getI(neigh, e);
        const dx = xi - getF(x, j), dy = yi - getF(y, j), dz = zi - getF(z, j);
        const rsq = dx * dx + dy * dy + dz * dz;
        const m = getI(pairM, e), p = getF(pairP, e);
        const g = kc * tval(lrTab, m, p);
        const qj = getF(q, j);
        poti += qj * g;
        addF(pot, j, qi * g);
        const pe = qi * qj * g;
        const dEdr = qi * qj * kc * tder(lrTab, m, p);
        if (dEdr != 0.0) {
          const fpair = -dEdr / sqrt(rsq);
          fxi += dx * fpair; fyi += dy * fpair; fzi += dz * fpair;
          addF(fx, j, -dx * fpair); addF(fy, j, -dy * fpair); addF(fz, j, -dz * fpair);
          if (tally) tallyVirial(dx, dy, dz, fpair);
        }
        if (tally && pe != 0.0) {
          ei += 0.5 * pe;
          addF(eatom, j, 0.5 * pe);
        }
      }
    }
    addF(pot, i, poti);
    if (forces) {
      addF(fx, i, fxi); addF(fy, i, fyi); addF(fz, i, fzi);
    }
    if (tally) addF(eatom, i, ei);
  }
  foldStates(ctx, eps);
  setF(ctx, C_E_PAIR, epair - eLongPairs);
  setF(ctx, C_E_LONG_PAIRS, eLongPairs);
  if (forces) {
    foldGhosts(ctx, fx); foldGhosts(ctx, fy); foldGhosts(ctx, fz);
    if (tally) foldGhosts(ctx, eatom);
    storeVirial(ctx);
  }
}

/**
 * Long-range point-charge potential potLR_i (eV/e) and energy eLong, and eps_iM += Q_AM * dE_long/dq_i.
 * LR_KIND_DIRECT: direct Coulomb sum over owned atoms (clusters: no periodic direction);
 * LR_KIND_DSF: tabulated pair kernel g(r) over the neighbor list (damped shifted force; the pair sums
 * are accumulated by ectEpsPass, which must run first), with its self energy -k*selfCoef*q_i^2;
 * LR_KIND_EWALD: the real-space erfc(a r)/r as LR_KIND_DSF (self coefficient a/sqrt(pi)) plus the
 * reciprocal sum over the half space of k vectors and the neutralizing background.
 */
export function ectLongRange(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), nall = n + ci(ctx, C_NGHOST);
  const kind = ci(ctx, C_LR_KIND);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z), type = cp(ctx, C_TYPE);
  const q = cp(ctx, C_CHARGE), pot = cp(ctx, C_POT_L_R), eps = cp(ctx, C_EPS);
  const stateQ = cp(ctx, C_STATE_Q), nStates = cp(ctx, C_N_STATES);
  const k = cf(ctx, C_COULOMB_K);
  if (kind == LR_KIND_DIRECT) {
    memory.fill(pot, 0, <usize>nall << 3);
    for (let i = 0; i < n; i++) {
      const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i), qi = getF(q, i);
      let pi = 0.0;
      for (let j = i + 1; j < n; j++) {
        const dx = xi - getF(x, j), dy = yi - getF(y, j), dz = zi - getF(z, j);
        const inv = k / sqrt(dx * dx + dy * dy + dz * dz);
        pi += getF(q, j) * inv;
        addF(pot, j, qi * inv);
      }
      addF(pot, i, pi);
    }
  } else if (kind >= LR_KIND_DSF) {
    // The pair sums were accumulated by ectEpsPass during its traversal of the list.
    foldGhosts(ctx, pot);
    const self = -2.0 * k * cf(ctx, C_SELF_COEF);
    for (let i = 0; i < n; i++) addF(pot, i, self * getF(q, i));
    if (kind == LR_KIND_EWALD) ewaldReciprocalPotential(ctx);
  }
  // E_long is quadratic in q: E = 1/2 sum_i q_i pot_i with pot including the self term's derivative.
  let e = 0.0;
  for (let i = 0; i < n; i++) {
    const t = getI(type, i), ns = getI(nStates, t), pi = getF(pot, i);
    e += getF(q, i) * pi;
    for (let s = 0; s < ns; s++) {
      const a = slot(eps, i, s);
      store<f64>(a, load<f64>(a) + load<f64>(slot(stateQ, t, s)) * pi);
    }
  }
  // Folded pairs (lrFolded) are not in potLR: their energy comes from the eps pass (tallied evaluations).
  setF(ctx, C_E_LONG, 0.5 * e + (kind >= LR_KIND_DSF ? cf(ctx, C_E_LONG_PAIRS) : 0.0));
}

/** Structure factors C_k = sum q cos(k.r), S_k = sum q sin(k.r) over owned atoms. */
function ewaldStructureFactors(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), nk = ci(ctx, C_NK);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z), q = cp(ctx, C_CHARGE);
  const kv = cp(ctx, C_KVECS), sums = cp(ctx, C_EWALD_SUMS);
  for (let t = 0; t < nk; t++) {
    const kx = load<f64>(kv + (<usize>t << 5)), ky = load<f64>(kv + (<usize>t << 5), 8), kz = load<f64>(kv + (<usize>t << 5), 16);
    let c = 0.0, s = 0.0;
    for (let i = 0; i < n; i++) {
      const a = kx * getF(x, i) + ky * getF(y, i) + kz * getF(z, i);
      const qi = getF(q, i);
      c += qi * Math.cos(a);
      s += qi * Math.sin(a);
    }
    store<f64>(sums + (<usize>t << 4), c);
    store<f64>(sums + (<usize>t << 4), s, 8);
  }
}

/**
 * Ewald reciprocal-space potential added to potLR (owned atoms): phi_i = 2 sum_half A_k (C cos + S sin)
 * plus the neutralizing background's -2 b Q, so that E_recip + E_bg = 1/2 sum_i q_i phi_i holds for
 * the quadratic form.
 */
function ewaldReciprocalPotential(ctx: usize): void {
  ewaldStructureFactors(ctx);
  const n = ci(ctx, C_NLOCAL), nk = ci(ctx, C_NK);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z), q = cp(ctx, C_CHARGE), pot = cp(ctx, C_POT_L_R);
  const kv = cp(ctx, C_KVECS), sums = cp(ctx, C_EWALD_SUMS);
  let total = 0.0;
  for (let i = 0; i < n; i++) total += getF(q, i);
  const bg = -2.0 * cf(ctx, C_EWALD_BACKGROUND) * total;
  for (let i = 0; i < n; i++) {
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
    let phi = 0.0;
    for (let t = 0; t < nk; t++) {
      const r = kv + (<usize>t << 5);
      const a = load<f64>(r) * xi + load<f64>(r, 8) * yi + load<f64>(r, 16) * zi;
      phi += load<f64>(r, 24) * (load<f64>(sums + (<usize>t << 4)) * Math.cos(a) + load<f64>(sums + (<usize>t << 4), 8) * Math.sin(a));
    }
    addF(pot, i, 2.0 * phi + bg);
  }
}

/**
 * Ewald reciprocal-space forces, per-atom energies and virial (needs the structure factors of the
 * current charges, left by the last ewaldReciprocalPotential).
 */
function ewaldReciprocalForces(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), nk = ci(ctx, C_NK);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z), q = cp(ctx, C_CHARGE);
  const fx = cp(ctx, C_FX), fy = cp(ctx, C_FY), fz = cp(ctx, C_FZ), eatom = cp(ctx, C_EATOM);
  const kv = cp(ctx, C_KVECS), sums = cp(ctx, C_EWALD_SUMS);
  const a2 = 1.0 / (4.0 * cf(ctx, C_EWALD_ALPHA) * cf(ctx, C_EWALD_ALPHA));
  let total = 0.0;
  for (let i = 0; i < n; i++) total += getF(q, i);
  const bg = -cf(ctx, C_EWALD_BACKGROUND) * total;
  for (let i = 0; i < n; i++) {
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i), qi = getF(q, i);
    let gx = 0.0, gy = 0.0, gz = 0.0, phi = 0.0;
    for (let t = 0; t < nk; t++) {
      const r = kv + (<usize>t << 5);
      const kx = load<f64>(r), ky = load<f64>(r, 8), kz = load<f64>(r, 16), ak = load<f64>(r, 24);
      const a = kx * xi + ky * yi + kz * zi;
      const c = load<f64>(sums + (<usize>t << 4)), s = load<f64>(sums + (<usize>t << 4), 8);
      const cs = Math.cos(a), sn = Math.sin(a);
      const g = ak * (c * sn - s * cs);
      gx += g * kx; gy += g * ky; gz += g * kz;
      phi += ak * (c * cs + s * sn);
    }
    addF(fx, i, 2.0 * qi * gx); addF(fy, i, 2.0 * qi * gy); addF(fz, i, 2.0 * qi * gz);
    addF(eatom, i, qi * phi + bg * qi);
  }
  // Virial of E_k = A_k (C^2 + S^2): W_ab = E_k (delta_ab - 2 k_a k_b (1/k^2 + 1/(4 alpha^2))).
  let vxx = 0.0, vyy = 0.0, vzz = 0.0, vyz = 0.0, vxz = 0.0, vxy = 0.0;
  let ebg = 0.0;
  for (let t = 0; t < nk; t++) {
    const r = kv + (<usize>t << 5);
    const kx = load<f64>(r), ky = load<f64>(r, 8), kz = load<f64>(r, 16), ak = load<f64>(r, 24);
    const c = load<f64>(sums + (<usize>t << 4)), s = load<f64>(sums + (<usize>t << 4), 8);
    const ek = ak * (c * c + s * s);
    const k2 = kx * kx + ky * ky + kz * kz;
    const b = 2.0 * (1.0 / k2 + a2);
    vxx += ek * (1.0 - b * kx * kx); vyy += ek * (1.0 - b * ky * ky); vzz += ek * (1.0 - b * kz * kz);
    vyz -= ek * b * ky * kz; vxz -= ek * b * kx * kz; vxy -= ek * b * kx * ky;
  }
  // The background energy -b Q^2 scales as 1/V: its virial is the energy itself on the diagonal.
  ebg = bg * total;
  setF(ctx, C_VXX, cf(ctx, C_VXX) + vxx + ebg); setF(ctx, C_VYY, cf(ctx, C_VYY) + vyy + ebg);
  setF(ctx, C_VZZ, cf(ctx, C_VZZ) + vzz + ebg);
  setF(ctx, C_VYZ, cf(ctx, C_VYZ) + vyz); setF(ctx, C_VXZ, cf(ctx, C_VXZ) + vxz); setF(ctx, C_VXY, cf(ctx, C_VXY) + vxy);
}

/**
 * Electron count N(mu) of the weights that the chemical potential `mu` gives, and (in `slope`) its
 * derivative dN/dmu = sum_i var_i(N) / kT; with `write`, the weights go to weightsNew.
 */
let slope: f64 = 0.0;
function weightsAt(ctx: usize, mu: f64, write: bool): f64 {
  const n = ci(ctx, C_NLOCAL);
  const type = cp(ctx, C_TYPE), eps = cp(ctx, C_EPS), wn = cp(ctx, C_WEIGHTS_NEW);
  const stateN = cp(ctx, C_STATE_N), nStates = cp(ctx, C_N_STATES);
  const beta = 1.0 / cf(ctx, C_K_T);
  let total = 0.0, variance = 0.0;
  for (let i = 0; i < n; i++) {
    const t = getI(type, i), ns = getI(nStates, t);
    let amax = -Infinity;
    for (let s = 0; s < ns; s++) {
      const a = -beta * (load<f64>(slot(eps, i, s)) - mu * load<f64>(slot(stateN, t, s)));
      if (a > amax) amax = a;
    }
    let z = 0.0, nz = 0.0, n2z = 0.0;
    for (let s = 0; s < ns; s++) {
      const ns_ = load<f64>(slot(stateN, t, s));
      const a = -beta * (load<f64>(slot(eps, i, s)) - mu * ns_);
      const e = Math.exp(a - amax);
      z += e;
      nz += e * ns_;
      n2z += e * ns_ * ns_;
      if (write) store<f64>(slot(wn, i, s), e);
    }
    const inv = 1.0 / z;
    if (write) {
      for (let s = 0; s < ns; s++) store<f64>(slot(wn, i, s), load<f64>(slot(wn, i, s)) * inv);
      for (let s = ns; s < MAXS; s++) store<f64>(slot(wn, i, s), 0.0); // unused slots stay empty
    }
    const mean = nz * inv;
    total += mean;
    variance += n2z * inv - mean * mean;
  }
  slope = beta * variance;
  return total;
}

/**
 * Chemical-potential equalization: the weights w_iM = exp(-(eps_iM - mu N_AM)/kT) / Z_i with the one
 * mu that conserves the total electron count. N(mu) is monotone: Newton from the previous mu,
 * safeguarded by the bracket the evaluated signs give (bisection inside it, limited outward steps
 * while it is open). Writes weightsNew and mu;
 * returns |N(mu) - N_total| (negative when the target is out of reach of the states).
 */
export function ectUpdateWeights(ctx: usize): f64 {
  const target = cf(ctx, C_N_TOTAL);
  // Tight: the residual max|G(w) - w| of a converged solution is limited by how well mu conserves N.
  const tol = 1e-15 * max(1.0, target);
  let mu = cf(ctx, C_MU);
  let lo = -Infinity, hi = Infinity;
  let step = 0.5;
  // Warm starts (MD, solver iterations) are usually within a Newton step or two of the answer:
  // Newton from the previous mu, with a bracket that closes as signs are seen. While one side is
  // open, steps are limited to a length that doubles (the old outward search); a target that moves
  // beyond 1e18 eV is out of the states' reach.
  let f = weightsAt(ctx, mu, true) - target;
  for (let k = 0; k < 400 && abs(f) > tol; k++) {
    if (f < 0.0) lo = mu;
    else hi = mu;
    let next = slope > 0.0 ? mu - f / slope : mu - f * Infinity;
    if (lo == -Infinity || hi == Infinity) {
      if (!(abs(next - mu) <= step)) {
        next = f < 0.0 ? mu + step : mu - step;
        step *= 2.0;
        if (step > 1e18) return -1.0;
      }
    } else if (!(next > lo && next < hi)) {
      next = 0.5 * (lo + hi);
    }
    if (!(next > lo && next < hi)) break; // bracket at double resolution: N(mu) is a step here
    mu = next;
    f = weightsAt(ctx, mu, true) - target;
  }
  setF(ctx, C_MU, mu);
  return abs(f);
}

/**
 * The parts of the forces not carried by the neighbor list: the direct Coulomb sum of clusters,
 * the long-range self energies and Ewald's reciprocal space. Runs after the pair forces, which an
 * eps pass with epsForces set accumulates at the converged weights (Hellmann-Feynman: the weights
 * are stationary, so forces are partial derivatives at fixed weights).
 */
export function ectForceTail(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z);
  const fx = cp(ctx, C_FX), fy = cp(ctx, C_FY), fz = cp(ctx, C_FZ), eatom = cp(ctx, C_EATOM), q = cp(ctx, C_CHARGE);
  const kind = ci(ctx, C_LR_KIND), k = cf(ctx, C_COULOMB_K);
  if (kind == LR_KIND_DIRECT) {
    for (let i = 0; i < n; i++) {
      const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i), qi = getF(q, i);
      let fxi = 0.0, fyi = 0.0, fzi = 0.0, ei = 0.0;
      for (let j = i + 1; j < n; j++) {
        const dx = xi - getF(x, j), dy = yi - getF(y, j), dz = zi - getF(z, j);
        const rsq = dx * dx + dy * dy + dz * dz;
        const r = sqrt(rsq);
        const e = k * qi * getF(q, j) / r;
        const fpair = e / rsq;
        fxi += dx * fpair; fyi += dy * fpair; fzi += dz * fpair;
        addF(fx, j, -dx * fpair); addF(fy, j, -dy * fpair); addF(fz, j, -dz * fpair);
        ei += 0.5 * e;
        addF(eatom, j, 0.5 * e);
        tallyVirial(dx, dy, dz, fpair);
      }
      addF(fx, i, fxi); addF(fy, i, fyi); addF(fz, i, fzi);
      addF(eatom, i, ei);
    }
    storeVirial(ctx);
  } else if (kind >= LR_KIND_DSF) {
    const self = -k * cf(ctx, C_SELF_COEF);
    for (let i = 0; i < n; i++) { const qi = getF(q, i); addF(eatom, i, self * qi * qi); }
  }
  if (kind == LR_KIND_EWALD) ewaldReciprocalForces(ctx);
}
