// Streitz-Mintmire: eam/alloy + coul/streitz + fix qeq/slater (+ Ewald k-space) on one half list whose
// reach covers the largest cutoff. Units: A, eV, e; energies in eV, forces in eV/A.
//
// Per half-list entry (i, j) within the Coulomb cutoff the pair energy is q_i AI + q_j AJ + q_i q_j B,
// with B, AI, AJ tabulated per ordered type pair (src/streitz/tables.ts: quintic records of 33 f64,
// [B c0..c5][AI c0..c5][AJ c0..c5][B' d0..d4][AI' d0..d4][AJ' d0..d4], p = (r - r0)/dr - m).
// The QEq table has the same layout (B is then the QEq matrix element H_ij); the QEq pass stores
// H_ij per entry with the owner index of j (a compact CSR list starting at firstNeigh[i]), so the CG
// matrix-vector products read only small owned-atom vectors. The two solves of fix qeq/slater
// (H s = -chi_eff, H t = -1) run together, lane 0 = s, lane 1 = t.
import {
  C_NLOCAL, C_NGHOST, C_NTYPES, C_X, C_Y, C_Z, C_FX, C_FY, C_FZ, C_TYPE, C_NUM_NEIGH, C_FIRST_NEIGH, C_NEIGH,
  C_GHOST_OWNER, C_CUTOFF, C_ENERGY, C_VXX, C_VYY, C_VZZ, C_VYZ, C_VXZ, C_VXY, C_CHARGE, C_COULOMB_K,
  C_EAM_CUTOFF, C_LIST_CUTOFF, C_NUM_NEIGH_EAM, C_SKIN, C_SQ_TABLE_Q, C_SQ_TABLE_E, C_SQ_INTERVALS, C_SQ_R0, C_SQ_RDR,
  C_SQ_COUL_CUTOFF, C_SQ_QEQ_CUTOFF, C_SQ_CHI, C_SQ_J, C_SQ_SELF_PAIR, C_SQ_DIAG_SHIFT, C_SQ_FORCE_SHIFT,
  C_SQ_NBR, C_SQ_VAL, C_SQ_COUNT, C_SQ_GHOST, C_QEQ_PRECOND, C_SQ_SHORT_CUTOFF, C_SQ_SHORT_STRIDE,
  C_SQ_SHORT_NBR, C_SQ_SHORT_VAL, C_SQ_SHORT_COUNT, C_SQ_Y, C_SQ_Z, C_SQ_HIST_COUNT, C_SQ_CAPACITY, C_SQ_X, C_SQ_B, C_SQ_R, C_SQ_D, C_SQ_HD, C_SQ_HIST,
  C_QEQ_TOLERANCE, C_QEQ_MAX_ITER, C_QEQ_GUESS, C_QEQ_LOOPS_S, C_QEQ_LOOPS_T, C_QEQ_FAILED, C_QEQ_SOLVES, C_QEQ_LOOP_SUM, C_QEQ_MU,
  C_SQ_KSPACE_IN_H, C_SQ_EWALD, C_SK_COUNT, C_SK_NMAX, C_SK_VECS, C_SK_IDX, C_SK_BASIS, C_SK_PHASE,
  C_SK_SUMS, C_SK_SCRATCH, C_SK_G, C_SK_VOLUME, C_E_EAM, C_E_COUL_PAIR, C_E_KSPACE, C_TOO_CLOSE,
  C_NEED_NEIGH, C_NEED_GHOSTS, C_GHOST_CAPACITY, C_TALLY, C_PAIR_R, C_X0, C_Y0, C_Z0,
  C_STEPS_DONE, STATUS_QEQ_LIST, STREITZ_RECORD, QEQ_GUESS_ZERO, QEQ_GUESS_PREVIOUS, QEQ_GUESS_LINEAR,
  QEQ_GUESS_GIVEN, QEQ_GUESS_SHADOW, QEQ_PRECOND_SGS,
} from "./context";
import { ci, cf, cp, setI, setF, getF, putF, addF, getI, putI } from "./mem";
import { wrapOwned, makeGhosts, updateGhostPositions } from "./cell";
import { binAtoms, buildNeighborList, rebuildDue } from "./neighbors";
import { densityPass, embeddingPass, forcePass, setPairRSlopes, hasPairRSlopes } from "./eam";
import { finalIntegrate, initialIntegrate, verletSteps } from "./integrate";

// STATUS_QEQ_LIST: the compact QEq list needs `needNeigh` slots (the caller grows sqNbr/sqVal).
@inline const REC: usize = STREITZ_RECORD; // bytes
@inline const MY_PIS: f64 = 1.77245385090551602729;
@inline const MY_PI: f64 = 3.14159265358979323846;

// Record layout (src/streitz/tables.ts): lane pairs [AI c_k, AJ c_k] (k 0..5) at 0, [B c_k, B' d_k]
// (k 0..5) at 96, [AI' d_k, AJ' d_k] (k 0..4) at 192 bytes. `lane` selects the second of a pair.
@inline function poly5(c: usize, p: f64): f64 {
  return ((((load<f64>(c, 80) * p + load<f64>(c, 64)) * p + load<f64>(c, 48)) * p + load<f64>(c, 32)) * p + load<f64>(c, 16)) * p + load<f64>(c);
}
@inline function poly4(c: usize, p: f64): f64 {
  return (((load<f64>(c, 64) * p + load<f64>(c, 48)) * p + load<f64>(c, 32)) * p + load<f64>(c, 16)) * p + load<f64>(c);
}
@inline function vpoly5(c: usize, pv: v128): v128 {
  let a = f64x2.add(f64x2.mul(v128.load(c, 80), pv), v128.load(c, 64));
  a = f64x2.add(f64x2.mul(a, pv), v128.load(c, 48));
  a = f64x2.add(f64x2.mul(a, pv), v128.load(c, 32));
  a = f64x2.add(f64x2.mul(a, pv), v128.load(c, 16));
  return f64x2.add(f64x2.mul(a, pv), v128.load(c));
}
@inline function vpoly4(c: usize, pv: v128): v128 {
  let a = f64x2.add(f64x2.mul(v128.load(c, 64), pv), v128.load(c, 48));
  a = f64x2.add(f64x2.mul(a, pv), v128.load(c, 32));
  a = f64x2.add(f64x2.mul(a, pv), v128.load(c, 16));
  return f64x2.add(f64x2.mul(a, pv), v128.load(c));
}
/**
 * B' (eV/(A e^2)) of two entries at once: the quartic whose coefficients d_k sit at byte 16 k of each
 * record pointer (lane 1 of the [B, B'] pairs), lane 0 from `ca` and lane 1 from `cb`, at the
 * positions pv. The same operations per lane as lane 1 of vpoly5(rec + 96) (its d_5 is 0, and
 * 0 * p + d_4 is d_4 for p >= 0), so the same doubles; it saves the B values the force does not use.
 */
@inline function slopePair(ca: usize, cb: usize, pv: v128): v128 {
  let a = f64x2.add(f64x2.mul(v128.load64_lane(cb + 64, v128.load64_zero(ca + 64), 1), pv), v128.load64_lane(cb + 48, v128.load64_zero(ca + 48), 1));
  a = f64x2.add(f64x2.mul(a, pv), v128.load64_lane(cb + 32, v128.load64_zero(ca + 32), 1));
  a = f64x2.add(f64x2.mul(a, pv), v128.load64_lane(cb + 16, v128.load64_zero(ca + 16), 1));
  return f64x2.add(f64x2.mul(a, pv), v128.load64_lane(cb, v128.load64_zero(ca), 1));
}
/** Per-atom pair of doubles (lane 0, lane 1). */
@inline function lane0(base: usize, i: i32): usize { return base + (<usize>i << 4); }

/**
 * Grid intervals of two table positions t (lanes 0, 1): m = min(int(t), nint - 1) as a double in
 * each lane. The callers have t finite and >= 0 (pairs within the cutoff, t clamped or checked) and
 * never -0 ((r - r0) rdr is +0 when r == r0), so floor is the scalar code's truncation, and the
 * doubles are the same numbers the packed saturating conversion gave; with neither lane NaN or -0,
 * pmin (top < x ? top : x) is min. floor and pmin are one instruction each, where V8 lowers the
 * saturating float-to-int conversion and f64x2.min (NaN- and zero-sign-safe) to sequences.
 */
@inline function gridLanes(tv: v128, top: v128): v128 {
  return f64x2.pmin(f64x2.floor(tv), top);
}
/**
 * The integers of `mv` (whole numbers in [0, 2^31)) in i32x4 lanes 0 and 2: added to 2^52 a whole
 * number below 2^52 is the low word of the sum's bits (exact, the spacing of doubles there is 1).
 */
@inline function gridIndices(mv: v128): v128 {
  return f64x2.add(mv, f64x2.splat(4503599627370496.0));
}

// ------------------------------------------------------------------ neighbor list

/** Ghosts, bins and the half list at the list cutoff; STATUS_QEQ_LIST when the compact list is short. */
export function streitzRebuild(ctx: usize): i32 {
  setF(ctx, C_CUTOFF, cf(ctx, C_LIST_CUTOFF));
  wrapOwned(ctx);
  makeGhosts(ctx);
  if (ci(ctx, C_NEED_GHOSTS) > ci(ctx, C_GHOST_CAPACITY)) return 1;
  if (binAtoms(ctx) != 0) return 2;
  if (buildNeighborList(ctx) != 0) return 3;
  if (ci(ctx, C_NEED_NEIGH) > ci(ctx, C_SQ_CAPACITY)) return STATUS_QEQ_LIST;
  sortByDistance(ctx);
  return 0;
}

// Distance buckets of the list sort: NEAR over r^2 in [0, reachEam^2), FAR over the rest of the list.
@inline const NEAR: i32 = 64;
@inline const FAR: i32 = 192;
const bucketStart: usize = memory.data((NEAR + FAR + 1) << 2, 16);

/**
 * Sorts each atom's list segment by distance (counting sort over r^2 buckets; entries within EAM
 * cutoff + skin first, counted in numNeighEam, so the EAM passes walk that front). The pair passes then
 * read the radial tables in increasing r: neighbouring entries share table records (cache hits, not a
 * random walk over ~0.6 MB of records per pass). Entries beyond the EAM reach cannot come within the
 * EAM cutoff before the next build. Scratch: the compact QEq list (rewritten every evaluation).
 */
function sortByDistance(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z);
  const numNeigh = cp(ctx, C_NUM_NEIGH), firstNeigh = cp(ctx, C_FIRST_NEIGH), neigh = cp(ctx, C_NEIGH);
  const out = cp(ctx, C_NUM_NEIGH_EAM);
  const tmpJ = cp(ctx, C_SQ_NBR), tmpK = cp(ctx, C_SQ_GHOST);
  const reach = cf(ctx, C_EAM_CUTOFF) + cf(ctx, C_SKIN), reachSq = reach * reach;
  const far = cf(ctx, C_LIST_CUTOFF) + cf(ctx, C_SKIN), farSq = max(far * far, reachSq + 1.0);
  const nearScale = <f64>NEAR / reachSq, farScale = <f64>FAR / (farSq - reachSq);
  const nb = NEAR + FAR;
  for (let i = 0; i < n; i++) {
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
    const first = getI(firstNeigh, i), cnt = getI(numNeigh, i);
    memory.fill(bucketStart, 0, <usize>(nb + 1) << 2);
    let inEam = 0;
    for (let k = 0; k < cnt; k++) {
      const j = getI(neigh, first + k);
      const dx = xi - getF(x, j), dy = yi - getF(y, j), dz = zi - getF(z, j);
      const rsq = dx * dx + dy * dy + dz * dz;
      let key = 0;
      if (rsq < reachSq) {
        key = <i32>(rsq * nearScale);
        inEam++;
      } else {
        key = NEAR + <i32>((rsq - reachSq) * farScale);
        if (key >= nb) key = nb - 1;
      }
      putI(tmpJ, k, j);
      putI(tmpK, k, key);
      putI(bucketStart, key + 1, getI(bucketStart, key + 1) + 1);
    }
    for (let b = 0; b < nb; b++) putI(bucketStart, b + 1, getI(bucketStart, b + 1) + getI(bucketStart, b));
    for (let k = 0; k < cnt; k++) {
      const key = getI(tmpK, k), at = getI(bucketStart, key);
      putI(neigh, first + at, getI(tmpJ, k));
      putI(bucketStart, key, at + 1);
    }
    putI(out, i, inEam);
  }
}

/**
 * End of the walks over a sorted list: the QEq pass and the shadow walk stop an atom's scalar tail at
 * the first entry with r^2 above this (A^2), since no later entry can then be within the QEq and
 * Coulomb reach. Set by streitzCompute and streitzTally for the step (tailBound); +inf otherwise
 * (spatial domains: their lists are not sorted).
 */
let tailBreakSq: f64 = Infinity;

/**
 * tailBreakSq for the lists as sortByDistance left them at the last build and the atoms' moves since
 * (positions then in x0; a ghost moves with its owner), when the Coulomb and QEq reach rk is at least
 * the EAM cutoff + skin (else +inf). An entry's build distance is at least its
 * distance now less 2 d (d the largest move), and the entries after it in the segment have build
 * distances^2 at least its own less one bucket width w (the counting sort's buckets over r^2); so once an
 * entry is at r with (r - 2 d)^2 - w >= (rk + 2 d + eps)^2, every later one is beyond rk now. The walks
 * skip exactly entries they would have skipped (beyond rk), so the results are the same doubles.
 */
function tailBound(ctx: usize): f64 {
  const n = ci(ctx, C_NLOCAL);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z);
  const px = cp(ctx, C_X0), py = cp(ctx, C_Y0), pz = cp(ctx, C_Z0);
  let dsq = 0.0;
  for (let i = 0; i < n; i++) {
    const dx = getF(x, i) - getF(px, i), dy = getF(y, i) - getF(py, i), dz = getF(z, i) - getF(pz, i);
    dsq = max(dsq, dx * dx + dy * dy + dz * dz);
  }
  const d2 = 2.0 * sqrt(dsq);
  // the buckets of sortByDistance
  const reach = cf(ctx, C_EAM_CUTOFF) + cf(ctx, C_SKIN), reachSq = reach * reach;
  const far = cf(ctx, C_LIST_CUTOFF) + cf(ctx, C_SKIN), farSq = max(far * far, reachSq + 1.0);
  const w = (farSq - reachSq) / <f64>FAR;
  const rk = max(cf(ctx, C_SQ_QEQ_CUTOFF), cf(ctx, C_SQ_COUL_CUTOFF));
  // Only the far part of a segment (build distance >= EAM cutoff + skin) keeps the sort's order: the
  // EAM density pass partitions the front. The entry that ends the walk is beyond rk + 2 d at the build.
  if (rk < reach) return Infinity;
  const need = rk + d2 + 1e-6;
  // (entries the sort put in its last bucket may lie beyond its upper edge: require the bucket's lower edge)
  if (!(farSq - w >= need * need)) return Infinity;
  const r = sqrt(need * need + w) + d2;
  return r * r;
}

/** Whether qeqMatrixPairs may leave the force slopes in pairR (set by streitzCompute around it). */
let slopesWanted: bool = false;

// ------------------------------------------------------------------ QEq

/**
 * QEq pass over the list: the compact list of H_ij (entries within the QEq cutoff), the right-hand
 * sides b = (-(chi_i + sum_j A_ij), -1) in sqB and, for the Gauss-Seidel preconditioner, the short
 * rows (pairs within sqShortCutoff, stored in both atoms' rows; a full row drops the rest, which
 * only weakens the preconditioner).
 */
function qeqMatrix(ctx: usize): void {
  qeqMatrixPairs(ctx);
  qeqRhs(ctx);
}

/**
 * The pair part of qeqMatrix: the compact list, the short rows and, in lane 0 of sqB, sum_j A_ij of
 * every atom the pairs reach (a spatial domain's imports included: assembly/domain.ts sends those
 * sums to their owners before qeqRhs).
 */
export function qeqMatrixPairs(ctx: usize): void {
  // (a copy of the loop per case, so that neither pays a test per entry)
  const rc = cf(ctx, C_SQ_QEQ_CUTOFF);
  if (ASC_FEATURE_SIMD && slopesWanted && rc >= cf(ctx, C_SQ_COUL_CUTOFF)) qeqPairsLoop(ctx, true);
  else qeqPairsLoop(ctx, false);
}

@inline function qeqPairsLoop(ctx: usize, slopes: bool): void {
  const n = ci(ctx, C_NLOCAL), nt = ci(ctx, C_NTYPES);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z), type = cp(ctx, C_TYPE), owner = cp(ctx, C_GHOST_OWNER);
  const numNeigh = cp(ctx, C_NUM_NEIGH), firstNeigh = cp(ctx, C_FIRST_NEIGH), neigh = cp(ctx, C_NEIGH);
  const nbr = cp(ctx, C_SQ_NBR), val = cp(ctx, C_SQ_VAL), count = cp(ctx, C_SQ_COUNT), b = cp(ctx, C_SQ_B), ghost = cp(ctx, C_SQ_GHOST);
  const table = cp(ctx, C_SQ_TABLE_Q), nint = ci(ctx, C_SQ_INTERVALS), r0 = cf(ctx, C_SQ_R0), rdr = cf(ctx, C_SQ_RDR);
  const rc = cf(ctx, C_SQ_QEQ_CUTOFF), rcsq = rc * rc;
  const rk = max(rc, cf(ctx, C_SQ_COUL_CUTOFF)), rksq = rk * rk;
  const pairStride = <usize>nint * REC;
  const short = ci(ctx, C_QEQ_PRECOND) == QEQ_PRECOND_SGS;
  const sc = cf(ctx, C_SQ_SHORT_CUTOFF), scsq = short ? sc * sc : -1.0;
  const stride = ci(ctx, C_SQ_SHORT_STRIDE);
  const sNbr = cp(ctx, C_SQ_SHORT_NBR), sVal = cp(ctx, C_SQ_SHORT_VAL), sCount = cp(ctx, C_SQ_SHORT_COUNT);
  // The force slope B' of each kept entry (lane 1 of the QEq table's [H, B'] pairs, the energy
  // table's B': src/streitz/tables.ts withEnergySlope) into pairR at the entry's compact slot, for the
  // Coulomb pass; SIMD builds, and only when every entry the Coulomb pass walks is within the QEq
  // cutoff (the quintic is evaluated for H anyway; its second lane came free)
  // (the serial step only, slopesWanted: there the EAM force pass has read its distances from pairR
  // already; a spatial domain runs its EAM force pass after this pass)
  const slope = cp(ctx, C_PAIR_R);
  const tailBreak = tailBreakSq;
  let close = 0;
  // lane 0 of b accumulates sum_j A_ij first
  for (let i = 0; i < n; i++) store<f64>(lane0(b, i), 0.0);
  if (short) for (let i = 0; i < n; i++) putI(sCount, i, 0);
  for (let i = 0; i < n; i++) {
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
    const row = table + <usize>(getI(type, i) * nt) * pairStride;
    const first = getI(firstNeigh, i), end = first + getI(numNeigh, i);
    let w = first;
    let ai = 0.0;
    let e = first;
    if (ASC_FEATURE_SIMD) {
      // Two entries per iteration for the geometry, the square root and the grid position (the
      // scalar code's operations per lane); the tables and sums per entry in list order, so the
      // results equal the scalar loop's. The list is sorted by distance: entries past the QEq
      // cutoff (or too close) come at the end of the pairs, and the scalar loop takes them.
      const xv = f64x2.splat(xi), yv = f64x2.splat(yi), zv = f64x2.splat(zi);
      const rcv = f64x2.splat(rcsq), r0v = f64x2.splat(r0), rdrv = f64x2.splat(rdr), zero = f64x2.splat(0.0);
      const topv = f64x2.splat(<f64>(nint - 1));
      for (; e + 1 < end; e += 2) {
        const ja = getI(neigh, e), jb = getI(neigh, e + 1);
        const oa = <usize>ja << 3, ob = <usize>jb << 3;
        const dxv = f64x2.sub(xv, v128.load64_lane(x + ob, v128.load64_zero(x + oa), 1));
        const dyv = f64x2.sub(yv, v128.load64_lane(y + ob, v128.load64_zero(y + oa), 1));
        const dzv = f64x2.sub(zv, v128.load64_lane(z + ob, v128.load64_zero(z + oa), 1));
        const rsqv = f64x2.add(f64x2.add(f64x2.mul(dxv, dxv), f64x2.mul(dyv, dyv)), f64x2.mul(dzv, dzv));
        // (a bitmask compare per test: V8 lowers all_true to a longer sequence)
        if (i64x2.bitmask(f64x2.le(rsqv, rcv)) != 3) break;
        const tv = f64x2.mul(f64x2.sub(f64x2.sqrt(rsqv), r0v), rdrv);
        if (i64x2.bitmask(f64x2.ge(tv, zero)) != 3) break;
        // t in [0, (rc - r0) rdr] here: floor is the truncation
        const mv = gridLanes(tv, topv), iv = gridIndices(mv);
        const pv = f64x2.sub(tv, mv);
        // entry a, then entry b (written out: as a two-trip loop it kept a back edge, lane selects
        // and reloads of spilled values)
        ai += qeqEntry(ja, i32x4.extract_lane(iv, 0), f64x2.extract_lane(pv, 0), f64x2.extract_lane(rsqv, 0), w, i, n, owner, nbr, ghost, val, b, type, row, pairStride, scsq, sNbr, sVal, sCount, stride, slopes, slope);
        ai += qeqEntry(jb, i32x4.extract_lane(iv, 2), f64x2.extract_lane(pv, 1), f64x2.extract_lane(rsqv, 1), w + 1, i, n, owner, nbr, ghost, val, b, type, row, pairStride, scsq, sNbr, sVal, sCount, stride, slopes, slope);
        w += 2;
      }
    }
    for (; e < end; e++) {
      const j = getI(neigh, e);
      const dx = xi - getF(x, j), dy = yi - getF(y, j), dz = zi - getF(z, j);
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq > rksq) {
        if (rsq > tailBreak) break;
        continue;
      }
      // Kept for the Coulomb pass, which then reads this compact list (and the positions of j).
      const jo = j < n ? j : getI(owner, j - n);
      putI(nbr, w, jo);
      putI(ghost, w, j);
      if (rsq > rcsq) {
        putF(val, w, 0.0);
        w++;
        continue;
      }
      const t = (sqrt(rsq) - r0) * rdr;
      let m = <i32>t;
      if (m > nint - 1) m = nint - 1;
      if (t < 0.0) { m = 0; close++; }
      const p = t - <f64>m;
      const rec = row + <usize>getI(type, j) * pairStride + <usize>m * REC;
      const bj = lane0(b, jo);
      let h = 0.0;
      if (ASC_FEATURE_SIMD) {
        const pv = f64x2.splat(p);
        const a = vpoly5(rec, pv);
        const hb = vpoly5(rec + 96, pv);
        h = f64x2.extract_lane(hb, 0);
        // the Coulomb pass clamps t < 0 (a pair the caller refuses) to 0, where B' is d_0
        if (slopes) putF(slope, w, t < 0.0 ? load<f64>(rec, 104) : f64x2.extract_lane(hb, 1));
        ai += f64x2.extract_lane(a, 0);
        store<f64>(bj, load<f64>(bj) + f64x2.extract_lane(a, 1));
      } else {
        h = poly5(rec + 96, p);
        ai += poly5(rec, p);
        store<f64>(bj, load<f64>(bj) + poly5(rec + 8, p));
      }
      putF(val, w, h);
      if (rsq < scsq && jo != i) addShortPair(sNbr, sVal, sCount, stride, i, jo, h);
      w++;
    }
    const bi = lane0(b, i);
    store<f64>(bi, load<f64>(bi) + ai);
    putI(count, i, w - first);
  }
  setI(ctx, C_TOO_CLOSE, close);
  setPairRSlopes(slopes);
}

/**
 * One QEq-pass entry (i, j) of the paired loop (j extended index, m its grid interval, p the position
 * in it, rsq = r^2 in A^2): writes slot w of the compact list (owner index, extended index, H_ij;
 * with `slopes` the force slope B' at slot w of `slope`), adds A_ji to b_j and the pair to the
 * Gauss-Seidel rows, and returns A_ij (eV/e) for b_i.
 */
@inline function qeqEntry(
  j: i32, m: i32, p: f64, rsq: f64, w: i32, i: i32, n: i32, owner: usize, nbr: usize, ghost: usize, val: usize, b: usize,
  type: usize, row: usize, pairStride: usize, scsq: f64, sNbr: usize, sVal: usize, sCount: usize, stride: i32,
  slopes: bool, slope: usize,
): f64 {
  const jo = j < n ? j : getI(owner, j - n);
  putI(nbr, w, jo);
  putI(ghost, w, j);
  const rec = row + <usize>getI(type, j) * pairStride + <usize>m * REC;
  const pl = f64x2.splat(p);
  const a = vpoly5(rec, pl);
  const hv = vpoly5(rec + 96, pl);
  const h = f64x2.extract_lane(hv, 0);
  if (slopes) putF(slope, w, f64x2.extract_lane(hv, 1));
  const bj = lane0(b, jo);
  store<f64>(bj, load<f64>(bj) + f64x2.extract_lane(a, 1));
  putF(val, w, h);
  if (rsq < scsq && jo != i) addShortPair(sNbr, sVal, sCount, stride, i, jo, h);
  return f64x2.extract_lane(a, 0);
}

/** Right-hand sides from the pair sums in lane 0 of sqB: b = (-(chi_i + sum_j A_ij), -1) for the owned atoms. */
export function qeqRhs(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const type = cp(ctx, C_TYPE), b = cp(ctx, C_SQ_B), chi = cp(ctx, C_SQ_CHI);
  for (let i = 0; i < n; i++) {
    const bi = lane0(b, i);
    store<f64>(bi, -(getF(chi, getI(type, i)) + load<f64>(bi)));
    store<f64>(bi, -1.0, 8);
  }
}

/** The pair (i, jo) with H_ij = h in both short rows of the Gauss-Seidel preconditioner (a full row drops it). */
@inline function addShortPair(sNbr: usize, sVal: usize, sCount: usize, stride: i32, i: i32, jo: i32, h: f64): void {
  const ci_ = getI(sCount, i), cj = getI(sCount, jo);
  if (ci_ < stride) { putI(sNbr, i * stride + ci_, jo); putF(sVal, i * stride + ci_, h); putI(sCount, i, ci_ + 1); }
  if (cj < stride) { putI(sNbr, jo * stride + cj, i); putF(sVal, jo * stride + cj, h); putI(sCount, jo, cj + 1); }
}

/**
 * Relaxation of the Gauss-Seidel preconditioner in the solves to the tolerance (exact and `--qeq-xl`).
 * Under-relaxed, M = (D/w + L)(D/w)^-1(D/w + L^T) weights the short pairs less than the plain
 * sweep (w = 1): on the 2160-atom example, from the linear start, w = 0.5 reaches the half
 * tolerance in 11-13 CG loops of the s solve where w = 1 takes 14-17 (0.3: 12-14, 0.7: 11-14,
 * w > 1 more loops: 1.2 takes 18-22), the charges as close to the converged ones (6.5e-6 to 1.1e-5 e
 * against 7.7e-6 to 1.9e-5 e; four MD steps, a throwaway script over the engine's matrix).
 * The shadow-potential driver keeps w = 1 (its gain is tuned to that M).
 */
@inline const SSOR_OMEGA: f64 = 0.5;

/**
 * z = M^-1 r for both lanes, M = (D/w + L)(D/w)^-1(D/w + L^T) (symmetric Gauss-Seidel, SSOR with
 * relaxation w = `omega`; D the diagonal of H, L the short pairs below the diagonal): SPD for any L
 * and 0 < w < 2, so CG stays CG (M's scale, w(2 - w), does not matter to CG). Forward then backward
 * sweep; the scratch starts at zero, so each sweep can sum over the whole row (not-yet-visited rows
 * add 0).
 */
function precondSgs(ctx: usize, r: usize, zo: usize, omega: f64): void {
  const n = ci(ctx, C_NLOCAL);
  const type = cp(ctx, C_TYPE), jt = cp(ctx, C_SQ_J), shift = cf(ctx, C_SQ_DIAG_SHIFT);
  const stride = ci(ctx, C_SQ_SHORT_STRIDE);
  const sNbr = cp(ctx, C_SQ_SHORT_NBR), sVal = cp(ctx, C_SQ_SHORT_VAL), sCount = cp(ctx, C_SQ_SHORT_COUNT);
  const yv = cp(ctx, C_SQ_Y);
  memory.fill(yv, 0, <usize>n << 4);
  memory.fill(zo, 0, <usize>n << 4);
  for (let i = 0; i < n; i++) {
    const base = i * stride, end = base + getI(sCount, i);
    let a0 = 0.0, a1 = 0.0;
    for (let e = base; e < end; e++) {
      const h = getF(sVal, e), o = lane0(yv, getI(sNbr, e));
      a0 += h * load<f64>(o);
      a1 += h * load<f64>(o, 8);
    }
    const inv = omega / (getF(jt, getI(type, i)) - shift);
    const r0 = lane0(r, i), y0 = lane0(yv, i);
    store<f64>(y0, (load<f64>(r0) - a0) * inv);
    store<f64>(y0, (load<f64>(r0, 8) - a1) * inv, 8);
  }
  for (let i = n - 1; i >= 0; i--) {
    const base = i * stride, end = base + getI(sCount, i);
    let a0 = 0.0, a1 = 0.0;
    for (let e = base; e < end; e++) {
      const h = getF(sVal, e), o = lane0(zo, getI(sNbr, e));
      a0 += h * load<f64>(o);
      a1 += h * load<f64>(o, 8);
    }
    const inv = omega / (getF(jt, getI(type, i)) - shift);
    const y0 = lane0(yv, i), z0 = lane0(zo, i);
    store<f64>(z0, load<f64>(y0) - a0 * inv);
    store<f64>(z0, load<f64>(y0, 8) - a1 * inv, 8);
  }
}

/** out += (D + K) v, D = diag(J - shift), K the reciprocal sum when it is in H: out = H v after the shadow walk's (H - D - K) v. */
function matvecDiagonal(ctx: usize, v: usize, out: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const type = cp(ctx, C_TYPE), jt = cp(ctx, C_SQ_J), shift = cf(ctx, C_SQ_DIAG_SHIFT);
  for (let i = 0; i < n; i++) {
    const d = getF(jt, getI(type, i)) - shift;
    const a = lane0(v, i), o = lane0(out, i);
    store<f64>(o, load<f64>(o) + d * load<f64>(a));
    store<f64>(o, load<f64>(o, 8) + d * load<f64>(a, 8), 8);
  }
  if (ci(ctx, C_SQ_KSPACE_IN_H)) kspaceMatvec(ctx, v, out);
}

/** out = H v for two vectors at once (lanes), H = diag(J - shift) + compact list (+ Ewald). */
export function matvec(ctx: usize, v: usize, out: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const type = cp(ctx, C_TYPE), jt = cp(ctx, C_SQ_J), shift = cf(ctx, C_SQ_DIAG_SHIFT);
  const nbr = cp(ctx, C_SQ_NBR), val = cp(ctx, C_SQ_VAL), count = cp(ctx, C_SQ_COUNT), firstNeigh = cp(ctx, C_FIRST_NEIGH);
  for (let i = 0; i < n; i++) {
    const d = getF(jt, getI(type, i)) - shift;
    const a = lane0(v, i), o = lane0(out, i);
    store<f64>(o, d * load<f64>(a));
    store<f64>(o, d * load<f64>(a, 8), 8);
  }
  if (ASC_FEATURE_SIMD) {
    for (let i = 0; i < n; i++) {
      const vi = v128.load(lane0(v, i));
      const first = getI(firstNeigh, i), end = first + getI(count, i);
      // Two sums (even and odd entries): with one, each entry waits for the previous addition (the
      // loop ran at the adder's latency, ~3 cycles per entry); the scatters to out do not chain
      // (distinct j within a row).
      let acc = f64x2.splat(0.0), acc2 = f64x2.splat(0.0);
      let e = first;
      // Four entries per trip through pointers with constant offsets: V8 computes a 32-bit
      // address (an lea) for every indexed access and checks for interrupts on every back edge.
      // Sums and scatters in the order of the two-entry loop below (even entries into acc).
      let pn = nbr + (<usize>first << 2), pv = val + (<usize>first << 3);
      for (; e + 3 < end; e += 4) {
        const j0 = <usize>load<i32>(pn) << 4, j1 = <usize>load<i32>(pn, 4) << 4;
        const j2 = <usize>load<i32>(pn, 8) << 4, j3 = <usize>load<i32>(pn, 12) << 4;
        const h0 = v128.load64_splat(pv), h1 = v128.load64_splat(pv, 8);
        const h2 = v128.load64_splat(pv, 16), h3 = v128.load64_splat(pv, 24);
        acc = f64x2.add(acc, f64x2.mul(h0, v128.load(v + j0)));
        acc2 = f64x2.add(acc2, f64x2.mul(h1, v128.load(v + j1)));
        v128.store(out + j0, f64x2.add(v128.load(out + j0), f64x2.mul(h0, vi)));
        v128.store(out + j1, f64x2.add(v128.load(out + j1), f64x2.mul(h1, vi)));
        acc = f64x2.add(acc, f64x2.mul(h2, v128.load(v + j2)));
        acc2 = f64x2.add(acc2, f64x2.mul(h3, v128.load(v + j3)));
        v128.store(out + j2, f64x2.add(v128.load(out + j2), f64x2.mul(h2, vi)));
        v128.store(out + j3, f64x2.add(v128.load(out + j3), f64x2.mul(h3, vi)));
        pn += 16;
        pv += 32;
      }
      for (; e + 1 < end; e += 2) {
        const ja = <usize>getI(nbr, e) << 4, jb = <usize>getI(nbr, e + 1) << 4;
        const ha = f64x2.splat(getF(val, e)), hb = f64x2.splat(getF(val, e + 1));
        acc = f64x2.add(acc, f64x2.mul(ha, v128.load(v + ja)));
        acc2 = f64x2.add(acc2, f64x2.mul(hb, v128.load(v + jb)));
        v128.store(out + ja, f64x2.add(v128.load(out + ja), f64x2.mul(ha, vi)));
        v128.store(out + jb, f64x2.add(v128.load(out + jb), f64x2.mul(hb, vi)));
      }
      if (e < end) {
        const jo = <usize>getI(nbr, e) << 4;
        const h = f64x2.splat(getF(val, e));
        acc = f64x2.add(acc, f64x2.mul(h, v128.load(v + jo)));
        v128.store(out + jo, f64x2.add(v128.load(out + jo), f64x2.mul(h, vi)));
      }
      const o = lane0(out, i);
      v128.store(o, f64x2.add(v128.load(o), f64x2.add(acc, acc2)));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const a = lane0(v, i);
      const v0 = load<f64>(a), v1 = load<f64>(a, 8);
      const first = getI(firstNeigh, i), end = first + getI(count, i);
      let s0 = 0.0, s1 = 0.0;
      for (let e = first; e < end; e++) {
        const jo = <usize>getI(nbr, e) << 4;
        const h = getF(val, e);
        s0 += h * load<f64>(v + jo);
        s1 += h * load<f64>(v + jo, 8);
        store<f64>(out + jo, load<f64>(out + jo) + h * v0);
        store<f64>(out + jo, load<f64>(out + jo, 8) + h * v1, 8);
      }
      const o = lane0(out, i);
      store<f64>(o, load<f64>(o) + s0);
      store<f64>(o, load<f64>(o, 8) + s1, 8);
    }
  }
  if (ci(ctx, C_SQ_KSPACE_IN_H)) kspaceMatvec(ctx, v, out);
}

// dot products of the two lanes, left in dotA / dotB
let dotA: f64 = 0.0, dotB: f64 = 0.0;
function dot2(ctx: usize, u: usize, v: usize): void {
  const n = ci(ctx, C_NLOCAL);
  let a = 0.0, b = 0.0;
  for (let i = 0; i < n; i++) {
    const p = lane0(u, i), q = lane0(v, i);
    a += load<f64>(p) * load<f64>(q);
    b += load<f64>(p, 8) * load<f64>(q, 8);
  }
  dotA = a; dotB = b;
}
/** Same with the preconditioner 1/J_i applied to v: sum u_i v_i / J_i. */
function dot2Pre(ctx: usize, u: usize, v: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const type = cp(ctx, C_TYPE), jt = cp(ctx, C_SQ_J);
  let a = 0.0, b = 0.0;
  for (let i = 0; i < n; i++) {
    const p = lane0(u, i), q = lane0(v, i);
    const inv = 1.0 / getF(jt, getI(type, i));
    a += load<f64>(p) * (load<f64>(q) * inv);
    b += load<f64>(p, 8) * (load<f64>(q, 8) * inv);
  }
  dotA = a; dotB = b;
}

/** The CG start: zero, the previous solution or LAMMPS' extrapolation of the history (FixQEqSlater::init_matvec). */
function qeqGuess(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL);
  let mode = ci(ctx, C_QEQ_GUESS);
  // A linear start needs two solutions (right after a cold start the older one is a zero).
  if (mode == QEQ_GUESS_LINEAR && ci(ctx, C_SQ_HIST_COUNT) < 2) mode = QEQ_GUESS_PREVIOUS;
  const xs = cp(ctx, C_SQ_X), hist = cp(ctx, C_SQ_HIST);
  for (let i = 0; i < n; i++) {
    const h = hist + (<usize>i << 6);
    const o = lane0(xs, i);
    if (mode == QEQ_GUESS_ZERO) {
      store<f64>(o, 0.0); store<f64>(o, 0.0, 8);
    } else if (mode == QEQ_GUESS_PREVIOUS) {
      store<f64>(o, load<f64>(h)); store<f64>(o, load<f64>(h, 8), 8);
    } else if (mode == QEQ_GUESS_LINEAR) {
      store<f64>(o, 2.0 * load<f64>(h) - load<f64>(h, 16));
      store<f64>(o, 2.0 * load<f64>(h, 8) - load<f64>(h, 24), 8);
    } else if (mode == QEQ_GUESS_GIVEN || mode == QEQ_GUESS_SHADOW) {
      // extended-Lagrangian: the caller has put the auxiliary (s, t) in sqX
    } else {
      // QEQ_GUESS_EXTRAPOLATE: s = 4 (s0 + s2) - (6 s1 + s3);  t = t2 + 3 (t0 - t1)
      const s0 = load<f64>(h), s1 = load<f64>(h, 16), s2 = load<f64>(h, 32), s3 = load<f64>(h, 48);
      const t0 = load<f64>(h, 8), t1 = load<f64>(h, 24), t2 = load<f64>(h, 40);
      store<f64>(o, 4.0 * (s0 + s2) - (6.0 * s1 + s3));
      store<f64>(o, t2 + 3.0 * (t0 - t1), 8);
    }
  }
}

/**
 * FixQEq::CG for both right-hand sides at once (per lane: stop when sqrt(r.J^-1 r)/|b| <= tolerance,
 * LAMMPS' test whatever the preconditioner, or after maxiter loops), then q = s - (sum s/sum t) t and
 * the history shift (FixQEq::calculate_Q). Preconditioner: LAMMPS' Jacobi 1/J_i, or symmetric
 * Gauss-Seidel over the short pairs (qeqPrecond 1). Charges go to `charge` (owned atoms).
 */
function qeqSolve(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const type = cp(ctx, C_TYPE), jt = cp(ctx, C_SQ_J);
  const xs = cp(ctx, C_SQ_X), b = cp(ctx, C_SQ_B), r = cp(ctx, C_SQ_R), d = cp(ctx, C_SQ_D), hd = cp(ctx, C_SQ_HD);
  const zv = cp(ctx, C_SQ_Z);
  const tol = cf(ctx, C_QEQ_TOLERANCE), maxIter = ci(ctx, C_QEQ_MAX_ITER);
  const sgs = ci(ctx, C_QEQ_PRECOND) == QEQ_PRECOND_SGS;
  qeqGuess(ctx);
  // Shadow-potential forces: shadowStep set the charges from the start (the auxiliary variables)
  // before the CG moves sqX, and its walk left (H - D) x in sqHd; the CG result only drives the
  // auxiliary variables.
  const shadow = ci(ctx, C_QEQ_GUESS) == QEQ_GUESS_SHADOW;
  const omega = shadow ? 1.0 : SSOR_OMEGA;
  if (shadow) matvecDiagonal(ctx, xs, hd);
  else matvec(ctx, xs, hd);
  for (let i = 0; i < n; i++) {
    const inv = 1.0 / getF(jt, getI(type, i));
    const pb = lane0(b, i), ph = lane0(hd, i), pr = lane0(r, i), pd = lane0(d, i);
    const r0 = load<f64>(pb) - load<f64>(ph), r1 = load<f64>(pb, 8) - load<f64>(ph, 8);
    store<f64>(pr, r0); store<f64>(pr, r1, 8);
    store<f64>(pd, r0 * inv); store<f64>(pd, r1 * inv, 8);
  }
  dot2(ctx, b, b);
  const bn0 = sqrt(dotA), bn1 = sqrt(dotB);
  dot2(ctx, r, d);
  let sig0 = dotA, sig1 = dotB;
  // rz: r.M^-1 r of the preconditioner in use (= sig for Jacobi)
  let rz0 = sig0, rz1 = sig1;
  if (sgs) {
    precondSgs(ctx, r, d, omega);
    dot2(ctx, r, d);
    rz0 = dotA; rz1 = dotB;
  }
  let loop = 1, loopS = 1, loopT = 1;
  let on0 = sqrt(sig0) / bn0 > tol, on1 = sqrt(sig1) / bn1 > tol;
  while (loop < maxIter && (on0 || on1)) {
    matvec(ctx, d, hd);
    dot2(ctx, d, hd);
    const a0 = on0 ? rz0 / dotA : 0.0, a1 = on1 ? rz1 / dotB : 0.0;
    for (let i = 0; i < n; i++) {
      const px = lane0(xs, i), pr = lane0(r, i), pd = lane0(d, i), ph = lane0(hd, i);
      store<f64>(px, load<f64>(px) + a0 * load<f64>(pd));
      store<f64>(px, load<f64>(px, 8) + a1 * load<f64>(pd, 8), 8);
      store<f64>(pr, load<f64>(pr) - a0 * load<f64>(ph));
      store<f64>(pr, load<f64>(pr, 8) - a1 * load<f64>(ph, 8), 8);
    }
    dot2Pre(ctx, r, r);
    const new0 = on0 ? dotA : sig0, new1 = on1 ? dotB : sig1;
    sig0 = new0; sig1 = new1;
    if (sgs) {
      precondSgs(ctx, r, zv, omega);
      dot2(ctx, r, zv);
      const z0 = on0 ? dotA : rz0, z1 = on1 ? dotB : rz1;
      const be0 = on0 ? z0 / rz0 : 0.0, be1 = on1 ? z1 / rz1 : 0.0;
      rz0 = z0; rz1 = z1;
      for (let i = 0; i < n; i++) {
        const pz = lane0(zv, i), pd = lane0(d, i);
        store<f64>(pd, load<f64>(pz) + be0 * load<f64>(pd));
        store<f64>(pd, load<f64>(pz, 8) + be1 * load<f64>(pd, 8), 8);
      }
    } else {
      const be0 = on0 ? new0 / rz0 : 0.0, be1 = on1 ? new1 / rz1 : 0.0;
      rz0 = new0; rz1 = new1;
      for (let i = 0; i < n; i++) {
        const inv = 1.0 / getF(jt, getI(type, i));
        const pr = lane0(r, i), pd = lane0(d, i);
        store<f64>(pd, load<f64>(pr) * inv + be0 * load<f64>(pd));
        store<f64>(pd, load<f64>(pr, 8) * inv + be1 * load<f64>(pd, 8), 8);
      }
    }
    loop++;
    if (on0) loopS = loop;
    if (on1) loopT = loop;
    on0 = on0 && sqrt(sig0) / bn0 > tol;
    on1 = on1 && sqrt(sig1) / bn1 > tol;
  }
  if (sqrt(sig0) / bn0 > tol || sqrt(sig1) / bn1 > tol) setI(ctx, C_QEQ_FAILED, ci(ctx, C_QEQ_FAILED) + 1);
  setI(ctx, C_QEQ_LOOPS_S, loopS);
  setI(ctx, C_QEQ_LOOPS_T, loopT);
  setI(ctx, C_QEQ_SOLVES, ci(ctx, C_QEQ_SOLVES) + 1);
  setI(ctx, C_QEQ_LOOP_SUM, ci(ctx, C_QEQ_LOOP_SUM) + loopS + loopT);
  if (!shadow) chargesFromSolution(ctx);
  shiftHistory(ctx);
}

/** The solution in sqX becomes the newest of the four (s, t) the starts extrapolate from. */
function shiftHistory(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const xs = cp(ctx, C_SQ_X), hist = cp(ctx, C_SQ_HIST);
  for (let i = 0; i < n; i++) {
    const px = lane0(xs, i);
    const h = hist + (<usize>i << 6);
    memory.copy(h + 16, h, 48);
    store<f64>(h, load<f64>(px));
    store<f64>(h, load<f64>(px, 8), 8);
  }
  setI(ctx, C_SQ_HIST_COUNT, min(4, ci(ctx, C_SQ_HIST_COUNT) + 1));
}

/** q = s - (sum s / sum t) t from the (s, t) in sqX (FixQEq::calculate_Q); mu = sum s / sum t. */
function chargesFromSolution(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const xs = cp(ctx, C_SQ_X), q = cp(ctx, C_CHARGE);
  let ss = 0.0, st = 0.0;
  for (let i = 0; i < n; i++) {
    const px = lane0(xs, i);
    ss += load<f64>(px);
    st += load<f64>(px, 8);
  }
  const u = ss / st;
  setF(ctx, C_QEQ_MU, u);
  for (let i = 0; i < n; i++) {
    const px = lane0(xs, i);
    putF(q, i, load<f64>(px) - u * load<f64>(px, 8));
  }
}

// ------------------------------------------------------------------ Coulomb energy and forces

/**
 * coul/streitz energy, forces and virial at the current charges (added to the EAM ones), over the
 * compact list of the QEq pass (positions of j read through its extended index, forces scattered to
 * owners: a small, cache-resident array). The pair energy and virial only when `tally` is set (the
 * MD loop's last step of a chunk, and single points): between outputs only the forces are needed.
 */
export function coulombPass(ctx: usize): void {
  if (ci(ctx, C_TALLY)) coulombLoop(ctx, true, false, false, false);
  else if (hasPairRSlopes()) coulombLoop(ctx, false, false, false, true);
  else coulombLoop(ctx, false, false, false, false);
  coulombSelf(ctx);
}

/** Shadow walk, QEq entry (i, j) in f64x2: b_j += A_ji, (H - D) x gets h x_i at j; returns acc + h x_j (lanes s, t). */
@inline function shadowEntry(b: usize, hx: usize, xs: usize, j: i32, aj: f64, h: f64, xvi: v128, acc: v128): v128 {
  const bj = lane0(b, j);
  store<f64>(bj, load<f64>(bj) + aj);
  const hxj = lane0(hx, j);
  v128.store(hxj, f64x2.add(v128.load(hxj), f64x2.mul(f64x2.splat(h), xvi)));
  return f64x2.add(acc, f64x2.mul(f64x2.splat(h), v128.load(lane0(xs, j))));
}

/**
 * The Coulomb pair walk. Plain (`shadow` false): over the compact list of the QEq pass, at the
 * charges the CG found. Shadow-potential step (`shadow`): the charges were set from the auxiliary
 * (s, t) before the walk, so it runs over the neighbor list itself and also does the QEq pass's work
 * and the CG's first product: b, (H - D) x into sqHd, the Gauss-Seidel rows and, when `keep` (the CG
 * goes past its first loop), the compact list. `stored` (plain walk without tally): the force slopes
 * B' come from pairR, where the QEq pass of this evaluation left them. `tally`, `shadow`, `keep` and
 * `stored` are constants at each call, so each use compiles to its own loop without the others' work.
 */
@inline function coulombLoop(ctx: usize, tally: bool, shadow: bool, keep: bool, stored: bool): void {
  const n = ci(ctx, C_NLOCAL), nt = ci(ctx, C_NTYPES);
  const type = cp(ctx, C_TYPE), q = cp(ctx, C_CHARGE);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z);
  const fx = cp(ctx, C_FX), fy = cp(ctx, C_FY), fz = cp(ctx, C_FZ);
  const firstNeigh = cp(ctx, C_FIRST_NEIGH), nbr = cp(ctx, C_SQ_NBR), owner = cp(ctx, C_GHOST_OWNER);
  // the extended index of j (its position) per entry, and the entries per atom
  const list = shadow ? cp(ctx, C_NEIGH) : cp(ctx, C_SQ_GHOST);
  const count = shadow ? cp(ctx, C_NUM_NEIGH) : cp(ctx, C_SQ_COUNT);
  const table = cp(ctx, C_SQ_TABLE_E), nint = ci(ctx, C_SQ_INTERVALS), r0 = cf(ctx, C_SQ_R0), rdr = cf(ctx, C_SQ_RDR);
  const rc = cf(ctx, C_SQ_COUL_CUTOFF), rcsq = rc * rc, fshift = cf(ctx, C_SQ_FORCE_SHIFT);
  const pairStride = <usize>nint * REC;
  // shadow: the QEq side
  const xs = cp(ctx, C_SQ_X), b = cp(ctx, C_SQ_B), hx = cp(ctx, C_SQ_HD), val = cp(ctx, C_SQ_VAL), kept = cp(ctx, C_SQ_COUNT);
  const tableQ = cp(ctx, C_SQ_TABLE_Q), chi = cp(ctx, C_SQ_CHI);
  const rq = cf(ctx, C_SQ_QEQ_CUTOFF), rqsq = shadow ? rq * rq : rcsq;
  const short = shadow && ci(ctx, C_QEQ_PRECOND) == QEQ_PRECOND_SGS;
  const sc = cf(ctx, C_SQ_SHORT_CUTOFF), scsq = short ? sc * sc : -1.0;
  const stride = ci(ctx, C_SQ_SHORT_STRIDE);
  const sNbr = cp(ctx, C_SQ_SHORT_NBR), sVal = cp(ctx, C_SQ_SHORT_VAL), sCount = cp(ctx, C_SQ_SHORT_COUNT);
  // the paired loop stops at the first entry past either cutoff; the scalar one skips past both
  const both = min(rqsq, rcsq), reach = max(rqsq, rcsq);
  // `stored` (plain walk, forces only): B' of each entry as the QEq pass left it in pairR (see qeqMatrixPairs)
  const slope = cp(ctx, C_PAIR_R);
  const tailBreak = tailBreakSq;
  let close = 0;
  let epair = 0.0;
  let vxx = 0.0, vyy = 0.0, vzz = 0.0, vyz = 0.0, vxz = 0.0, vxy = 0.0;
  if (shadow) {
    memory.fill(b, 0, <usize>n << 4);
    memory.fill(hx, 0, <usize>n << 4);
    if (short) for (let i = 0; i < n; i++) putI(sCount, i, 0);
  }
  for (let i = 0; i < n; i++) {
    const qi = getF(q, i);
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
    const offI = <usize>(getI(type, i) * nt) * pairStride;
    const row = table + offI, rowQ = tableQ + offI;
    const first = getI(firstNeigh, i), end = first + getI(count, i);
    const xi0 = shadow ? load<f64>(lane0(xs, i)) : 0.0, xi1 = shadow ? load<f64>(lane0(xs, i), 8) : 0.0;
    let w = first;
    let ai = 0.0, acc0 = 0.0, acc1 = 0.0;
    let fxi = 0.0, fyi = 0.0, fzi = 0.0;
    let e = first;
    if (ASC_FEATURE_SIMD) {
      // Two entries per iteration, one per lane, for the geometry, the square root, the grid
      // position and the force (one divide for both); the radial functions stay lane pairs per
      // entry and are regrouped by entry. Each entry's force is the scalar build's double; the
      // sums over entries run per lane (a different rounding order). Entries past rc (beyond it
      // only when the QEq cutoff is longer) end the paired loop.
      const xv = f64x2.splat(xi), yv = f64x2.splat(yi), zv = f64x2.splat(zi), qiv = f64x2.splat(qi);
      const rcv = f64x2.splat(both), r0v = f64x2.splat(r0), rdrv = f64x2.splat(rdr), fsv = f64x2.splat(fshift);
      const topv = f64x2.splat(<f64>(nint - 1));
      const xvi = shadow ? v128.load(lane0(xs, i)) : f64x2.splat(0.0);
      let acc = f64x2.splat(0.0);
      let fxv = f64x2.splat(0.0), fyv = f64x2.splat(0.0), fzv = f64x2.splat(0.0);
      for (; e + 1 < end; e += 2) {
        const ga = <usize>getI(list, e) << 3, gb = <usize>getI(list, e + 1) << 3;
        const dxv = f64x2.sub(xv, v128.load64_lane(x + gb, v128.load64_zero(x + ga), 1));
        const dyv = f64x2.sub(yv, v128.load64_lane(y + gb, v128.load64_zero(y + ga), 1));
        const dzv = f64x2.sub(zv, v128.load64_lane(z + gb, v128.load64_zero(z + ga), 1));
        const rsqv = f64x2.add(f64x2.add(f64x2.mul(dxv, dxv), f64x2.mul(dyv, dyv)), f64x2.mul(dzv, dzv));
        // (a bitmask compare: V8 lowers all_true to a longer sequence)
        if (i64x2.bitmask(f64x2.le(rsqv, rcv)) != 3) break;
        const rv = f64x2.sqrt(rsqv);
        const traw = f64x2.mul(f64x2.sub(rv, r0v), rdrv);
        // too close: the plain walk's QEq pass has counted it; the shadow walk counts it in the scalar loop
        if (shadow && i64x2.bitmask(f64x2.ge(traw, f64x2.splat(0.0))) != 3) break;
        // pmax(t, 0) is t < 0 ? 0 : t, the scalar code's clamp for every t; max differs only at
        // t = -0, which (r - r0) rdr never is (r - r0 is +0 when r == r0), and V8 lowers it to a
        // NaN- and zero-sign-safe sequence where pmax is one instruction
        const tv = f64x2.pmax(traw, f64x2.splat(0.0));
        const mv = gridLanes(tv, topv), iv = gridIndices(mv);
        const pv = f64x2.sub(tv, mv);
        let ja = 0, jb = 0;
        if (shadow) {
          const ea = getI(list, e), eb = getI(list, e + 1);
          ja = ea < n ? ea : getI(owner, ea - n);
          jb = eb < n ? eb : getI(owner, eb - n);
        } else {
          ja = getI(nbr, e);
          jb = getI(nbr, e + 1);
        }
        const offa = <usize>getI(type, ja) * pairStride + <usize>i32x4.extract_lane(iv, 0) * REC;
        const offb = <usize>getI(type, jb) * pairStride + <usize>i32x4.extract_lane(iv, 2) * REC;
        const pa = f64x2.splat(f64x2.extract_lane(pv, 0)), pb = f64x2.splat(f64x2.extract_lane(pv, 1));
        let qha = f64x2.splat(0.0), qhb = f64x2.splat(0.0);
        if (shadow) {
          // QEq: b and (H - D) x, entry a then entry b (the QEq pass's order)
          const qa = vpoly5(rowQ + offa, pa), qb = vpoly5(rowQ + offb, pb);
          // [H, B'] of each entry: the QEq table carries the energy table's B' in its second lane
          // (src/streitz/tables.ts withEnergySlope), which the force takes below
          qha = vpoly5(rowQ + offa + 96, pa); qhb = vpoly5(rowQ + offb + 96, pb);
          const ha = f64x2.extract_lane(qha, 0), hb = f64x2.extract_lane(qhb, 0);
          ai += f64x2.extract_lane(qa, 0);
          acc = shadowEntry(b, hx, xs, ja, f64x2.extract_lane(qa, 1), ha, xvi, acc);
          ai += f64x2.extract_lane(qb, 0);
          acc = shadowEntry(b, hx, xs, jb, f64x2.extract_lane(qb, 1), hb, xvi, acc);
          if (keep) {
            putI(nbr, w, ja); putF(val, w, ha);
            putI(nbr, w + 1, jb); putF(val, w + 1, hb);
            w += 2;
          }
          if (f64x2.extract_lane(rsqv, 0) < scsq && ja != i) addShortPair(sNbr, sVal, sCount, stride, i, ja, ha);
          if (f64x2.extract_lane(rsqv, 1) < scsq && jb != i) addShortPair(sNbr, sVal, sCount, stride, i, jb, hb);
        }
        const reca = row + offa, recb = row + offb;
        const daa = vpoly4(reca + 192, pa), dab = vpoly4(recb + 192, pb);
        const qjv = v128.load64_lane(q + (<usize>jb << 3), v128.load64_zero(q + (<usize>ja << 3)), 1);
        const qqv = f64x2.mul(qiv, qjv);
        let dbv: v128;
        if (tally) {
          const bba = vpoly5(reca + 96, pa), bbb = vpoly5(recb + 96, pb);
          const aa = vpoly5(reca, pa), ab = vpoly5(recb, pb);
          epair += qi * f64x2.extract_lane(aa, 0) + f64x2.extract_lane(qjv, 0) * f64x2.extract_lane(aa, 1) + f64x2.extract_lane(qqv, 0) * f64x2.extract_lane(bba, 0);
          epair += qi * f64x2.extract_lane(ab, 0) + f64x2.extract_lane(qjv, 1) * f64x2.extract_lane(ab, 1) + f64x2.extract_lane(qqv, 1) * f64x2.extract_lane(bbb, 0);
          dbv = i64x2.shuffle(bba, bbb, 1, 3);
        } else if (stored) {
          // the same doubles as slopePair: lane 1 of the QEq pass's [H, B'] quintic at the same p
          dbv = v128.load(slope + (<usize>e << 3));
        } else if (shadow) {
          // forces only, shadow walk: B' of both entries from the QEq quintics' second lanes (the
          // same operations on the same coefficients as slopePair: their d_5 is 0, and 0 * p + d_4
          // is d_4 for p >= 0), so the same doubles without another evaluation
          dbv = i64x2.shuffle(qha, qhb, 1, 3);
        } else {
          // forces only: B' of both entries in one quartic, lanes gathered from the two records
          dbv = slopePair(reca + 104, recb + 104, pv);
        }
        const dai = i64x2.shuffle(daa, dab, 0, 2), daj = i64x2.shuffle(daa, dab, 1, 3);
        const dev = f64x2.add(f64x2.add(f64x2.mul(qiv, dai), f64x2.mul(qjv, daj)), f64x2.mul(qqv, f64x2.add(dbv, fsv)));
        const fpair = f64x2.div(f64x2.neg(dev), rv);
        const gx = f64x2.mul(dxv, fpair), gy = f64x2.mul(dyv, fpair), gz = f64x2.mul(dzv, fpair);
        fxv = f64x2.add(fxv, gx); fyv = f64x2.add(fyv, gy); fzv = f64x2.add(fzv, gz);
        const oa = <usize>ja << 3, ob = <usize>jb << 3;
        store<f64>(fx + oa, load<f64>(fx + oa) - f64x2.extract_lane(gx, 0));
        store<f64>(fy + oa, load<f64>(fy + oa) - f64x2.extract_lane(gy, 0));
        store<f64>(fz + oa, load<f64>(fz + oa) - f64x2.extract_lane(gz, 0));
        store<f64>(fx + ob, load<f64>(fx + ob) - f64x2.extract_lane(gx, 1));
        store<f64>(fy + ob, load<f64>(fy + ob) - f64x2.extract_lane(gy, 1));
        store<f64>(fz + ob, load<f64>(fz + ob) - f64x2.extract_lane(gz, 1));
        if (tally) {
          const wxx = f64x2.mul(dxv, gx), wyy = f64x2.mul(dyv, gy), wzz = f64x2.mul(dzv, gz);
          const wyz = f64x2.mul(dyv, gz), wxz = f64x2.mul(dxv, gz), wxy = f64x2.mul(dxv, gy);
          vxx += f64x2.extract_lane(wxx, 0) + f64x2.extract_lane(wxx, 1);
          vyy += f64x2.extract_lane(wyy, 0) + f64x2.extract_lane(wyy, 1);
          vzz += f64x2.extract_lane(wzz, 0) + f64x2.extract_lane(wzz, 1);
          vyz += f64x2.extract_lane(wyz, 0) + f64x2.extract_lane(wyz, 1);
          vxz += f64x2.extract_lane(wxz, 0) + f64x2.extract_lane(wxz, 1);
          vxy += f64x2.extract_lane(wxy, 0) + f64x2.extract_lane(wxy, 1);
        }
      }
      fxi = f64x2.extract_lane(fxv, 0) + f64x2.extract_lane(fxv, 1);
      fyi = f64x2.extract_lane(fyv, 0) + f64x2.extract_lane(fyv, 1);
      fzi = f64x2.extract_lane(fzv, 0) + f64x2.extract_lane(fzv, 1);
      acc0 = f64x2.extract_lane(acc, 0);
      acc1 = f64x2.extract_lane(acc, 1);
    }
    for (; e < end; e++) {
      const jg = getI(list, e);
      const dx = xi - getF(x, jg), dy = yi - getF(y, jg), dz = zi - getF(z, jg);
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq > reach) {
        if (shadow && rsq > tailBreak) break;
        continue;
      }
      let j = 0;
      if (shadow) j = jg < n ? jg : getI(owner, jg - n);
      else j = getI(nbr, e);
      const r = sqrt(rsq);
      let t = (r - r0) * rdr;
      if (t < 0.0) { // flagged by the QEq pass (plain) or here (shadow)
        t = 0.0;
        if (shadow) close++;
      }
      let m = <i32>t;
      if (m > nint - 1) m = nint - 1;
      const p = t - <f64>m;
      const off = <usize>getI(type, j) * pairStride + <usize>m * REC;
      if (shadow && rsq <= rqsq) {
        let h = 0.0;
        const bj = lane0(b, j);
        if (ASC_FEATURE_SIMD) {
          const pv = f64x2.splat(p);
          const a = vpoly5(rowQ + off, pv);
          h = f64x2.extract_lane(vpoly5(rowQ + off + 96, pv), 0);
          ai += f64x2.extract_lane(a, 0);
          store<f64>(bj, load<f64>(bj) + f64x2.extract_lane(a, 1));
        } else {
          h = poly5(rowQ + off + 96, p);
          ai += poly5(rowQ + off, p);
          store<f64>(bj, load<f64>(bj) + poly5(rowQ + off + 8, p));
        }
        const xj = lane0(xs, j), hxj = lane0(hx, j);
        acc0 += h * load<f64>(xj);
        acc1 += h * load<f64>(xj, 8);
        store<f64>(hxj, load<f64>(hxj) + h * xi0);
        store<f64>(hxj, load<f64>(hxj, 8) + h * xi1, 8);
        if (keep) { putI(nbr, w, j); putF(val, w, h); w++; }
        if (rsq < scsq && j != i) addShortPair(sNbr, sVal, sCount, stride, i, j, h);
      }
      if (rsq > rcsq) continue;
      const rec = row + off;
      const qj = getF(q, j), qq = qi * qj;
      let de = 0.0;
      if (ASC_FEATURE_SIMD) {
        const pv = f64x2.splat(p);
        const bb = vpoly5(rec + 96, pv), da = vpoly4(rec + 192, pv);
        if (tally) {
          const a = vpoly5(rec, pv);
          epair += qi * f64x2.extract_lane(a, 0) + qj * f64x2.extract_lane(a, 1) + qq * f64x2.extract_lane(bb, 0);
        }
        de = qi * f64x2.extract_lane(da, 0) + qj * f64x2.extract_lane(da, 1) + qq * (f64x2.extract_lane(bb, 1) + fshift);
      } else {
        if (tally) epair += qi * poly5(rec, p) + qj * poly5(rec + 8, p) + qq * poly5(rec + 96, p);
        de = qi * poly4(rec + 192, p) + qj * poly4(rec + 200, p) + qq * (poly5(rec + 104, p) + fshift);
      }
      const fpair = -de / r;
      const gx = dx * fpair, gy = dy * fpair, gz = dz * fpair;
      fxi += gx; fyi += gy; fzi += gz;
      addF(fx, j, -gx); addF(fy, j, -gy); addF(fz, j, -gz);
      if (tally) {
        vxx += dx * gx; vyy += dy * gy; vzz += dz * gz;
        vyz += dy * gz; vxz += dx * gz; vxy += dx * gy;
      }
    }
    addF(fx, i, fxi); addF(fy, i, fyi); addF(fz, i, fzi);
    if (shadow) {
      const bi = lane0(b, i);
      store<f64>(bi, load<f64>(bi) + ai);
      const hxi = lane0(hx, i);
      store<f64>(hxi, load<f64>(hxi) + acc0);
      store<f64>(hxi, load<f64>(hxi, 8) + acc1, 8);
      if (keep) putI(kept, i, w - first);
    }
  }
  if (shadow) {
    for (let i = 0; i < n; i++) {
      const bi = lane0(b, i);
      store<f64>(bi, -(getF(chi, getI(type, i)) + load<f64>(bi)));
      store<f64>(bi, -1.0, 8);
    }
    setI(ctx, C_TOO_CLOSE, close);
  }
  setF(ctx, C_E_COUL_PAIR, epair);
  if (tally) {
    setF(ctx, C_VXX, cf(ctx, C_VXX) + vxx); setF(ctx, C_VYY, cf(ctx, C_VYY) + vyy); setF(ctx, C_VZZ, cf(ctx, C_VZZ) + vzz);
    setF(ctx, C_VYZ, cf(ctx, C_VYZ) + vyz); setF(ctx, C_VXZ, cf(ctx, C_VXZ) + vxz); setF(ctx, C_VXY, cf(ctx, C_VXY) + vxy);
  }
}

/** PairCoulStreitz::self: q (chi + q (J/2 - selfPair)), added to eCoulPair. */
function coulombSelf(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const type = cp(ctx, C_TYPE), q = cp(ctx, C_CHARGE);
  const chi = cp(ctx, C_SQ_CHI), jt = cp(ctx, C_SQ_J), selfPair = cf(ctx, C_SQ_SELF_PAIR);
  let eself = 0.0;
  for (let i = 0; i < n; i++) {
    const t = getI(type, i), qi = getF(q, i);
    eself += qi * (getF(chi, t) + qi * (0.5 * getF(jt, t) - selfPair));
  }
  setF(ctx, C_E_COUL_PAIR, cf(ctx, C_E_COUL_PAIR) + eself);
}

// ------------------------------------------------------------------ shadow-potential step (one walk)

/**
 * Extended-Lagrangian step with shadow-potential forces (qeqGuess QEQ_GUESS_SHADOW): the charges are
 * those of the auxiliary (s, t) in sqX, known before any pair is seen, so one walk over the list does
 * the work of the QEq pass, the CG's first matrix-vector product and the Coulomb pass: the right-hand
 * sides b, (H - D) x accumulated on the fly into sqHd, the Gauss-Seidel rows, the Coulomb forces
 * (energy and virial when tallied) and, only when the CG goes on past its first loop, the compact
 * list. The capped CG from x then only drives the auxiliary variables (src/streitz/engine.ts).
 */
function shadowStep(ctx: usize): void {
  chargesFromSolution(ctx);
  const tally = ci(ctx, C_TALLY) != 0, more = ci(ctx, C_QEQ_MAX_ITER) > 1;
  if (tally && more) coulombLoop(ctx, true, true, true, false);
  else if (tally) coulombLoop(ctx, true, true, false, false);
  else if (more) coulombLoop(ctx, false, true, true, false);
  else coulombLoop(ctx, false, true, false, false);
  coulombSelf(ctx);
  qeqSolve(ctx);
}

// ------------------------------------------------------------------ Ewald reciprocal space

// Phases are stored structure-of-arrays, so loops over atoms read contiguous cos and sin arrays
// (two atoms per f64x2): skPhase holds, per direction d and n = 0..nmax, cos[nlocal] then sin[nlocal]
// of n b_d.x_i; skScratch holds cos/sin of (n1 b_1 + n2 b_2).x_i, then of k.x_i, each [nlocal].
// The k-vectors come sorted by (n1, n2) (src/streitz/engine.ts), so the (n1, n2) product is reused
// across the n3 row: one complex product per k-vector and atom.

@inline function phaseRow(ph: usize, n: i32, nmax: i32, d: i32, m: i32): usize {
  return ph + (<usize>((d * (nmax + 1) + m) * 2 * n) << 3);
}

/** exp(i n b_d.x_i) for n = 0..nmax by LAMMPS' recurrence (Ewald::eik_dot_r). */
export function kspacePhases(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), nmax = ci(ctx, C_SK_NMAX);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z);
  const basis = cp(ctx, C_SK_BASIS), ph = cp(ctx, C_SK_PHASE);
  const nb = <usize>n << 3;
  for (let d = 0; d < 3; d++) {
    const bx = load<f64>(basis + (<usize>(3 * d) << 3)), by = load<f64>(basis + (<usize>(3 * d + 1) << 3)), bz = load<f64>(basis + (<usize>(3 * d + 2) << 3));
    for (let i = 0; i < n; i++) {
      const th = bx * getF(x, i) + by * getF(y, i) + bz * getF(z, i);
      const c1 = Math.cos(th), s1 = Math.sin(th);
      let c = 1.0, sn = 0.0;
      for (let m = 0; m <= nmax; m++) {
        const row = phaseRow(ph, n, nmax, d, m) + (<usize>i << 3);
        store<f64>(row, c); store<f64>(row + nb, sn);
        const cn = c * c1 - sn * s1;
        sn = sn * c1 + c * s1;
        c = cn;
      }
    }
  }
}

/** exp(i (n1 b_1 + n2 b_2).x_i) of k-vector t's (n1, n2) into skScratch rows 0 (cos), 1 (sin), unless k-vector t - 1 left it there. */
function kspacePlanePhases(ctx: usize, t: i32): void {
  const n = ci(ctx, C_NLOCAL), nmax = ci(ctx, C_SK_NMAX);
  const ph = cp(ctx, C_SK_PHASE), idx = cp(ctx, C_SK_IDX), sc = cp(ctx, C_SK_SCRATCH);
  const nb = <usize>n << 3;
  const at = idx + (<usize>t << 4);
  const n1 = load<i32>(at), n2 = load<i32>(at, 4);
  if (t != 0 && load<i32>(at - 16) == n1 && load<i32>(at - 12) == n2) return;
  const c12 = sc, s12 = sc + nb;
  const c1 = phaseRow(ph, n, nmax, 0, n1), s1 = c1 + nb;
  const c2 = phaseRow(ph, n, nmax, 1, abs(n2)), s2 = c2 + nb;
  const g2 = n2 < 0 ? -1.0 : 1.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const a = load<f64>(c1 + o), b = load<f64>(s1 + o), c = load<f64>(c2 + o), e = g2 * load<f64>(s2 + o);
    store<f64>(c12 + o, a * c - b * e);
    store<f64>(s12 + o, b * c + a * e);
  }
}

/** exp(i k.x_i) of k-vector t into skScratch rows 2 (cos) and 3 (sin); rows 0, 1 keep the (n1, n2) part. */
export function kspaceVectorPhases(ctx: usize, t: i32): void {
  const n = ci(ctx, C_NLOCAL), nmax = ci(ctx, C_SK_NMAX);
  const ph = cp(ctx, C_SK_PHASE), idx = cp(ctx, C_SK_IDX), sc = cp(ctx, C_SK_SCRATCH);
  const nb = <usize>n << 3;
  const at = idx + (<usize>t << 4);
  const n3 = load<i32>(at, 8);
  const c12 = sc, s12 = sc + nb, ce = sc + 2 * nb, se = sc + 3 * nb;
  kspacePlanePhases(ctx, t);
  const c3 = phaseRow(ph, n, nmax, 2, abs(n3)), s3 = c3 + nb;
  const g3 = n3 < 0 ? -1.0 : 1.0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const gv = f64x2.splat(g3);
    for (; i + 1 < n; i += 2) {
      const o = <usize>i << 3;
      const a = v128.load(c12 + o), b = v128.load(s12 + o), c = v128.load(c3 + o), e = f64x2.mul(gv, v128.load(s3 + o));
      v128.store(ce + o, f64x2.sub(f64x2.mul(a, c), f64x2.mul(b, e)));
      v128.store(se + o, f64x2.add(f64x2.mul(b, c), f64x2.mul(a, e)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const a = load<f64>(c12 + o), b = load<f64>(s12 + o), c = load<f64>(c3 + o), e = g3 * load<f64>(s3 + o);
    store<f64>(ce + o, a * c - b * e);
    store<f64>(se + o, b * c + a * e);
  }
}

// Ewald sums of kspacePass over the k-vectors (energy before the factor k; virial W_ab / k).
let kEsum: f64 = 0.0;
let kV0: f64 = 0.0, kV1: f64 = 0.0, kV2: f64 = 0.0, kV3: f64 = 0.0, kV4: f64 = 0.0, kV5: f64 = 0.0;

/** Adds k-vector (kx, ky, kz, ug)'s energy ug |S|^2 and virial terms for the structure factor (sr, si) to the sums. */
@inline function kspaceTerms(kx: f64, ky: f64, kz: f64, ug: f64, sr: f64, si: f64, g2inv: f64): void {
  const uk = ug * (sr * sr + si * si);
  kEsum += uk;
  const sqk = kx * kx + ky * ky + kz * kz;
  const vterm = -2.0 * (1.0 / sqk + 0.25 * g2inv);
  kV0 += uk * (1.0 + vterm * kx * kx);
  kV1 += uk * (1.0 + vterm * ky * ky);
  kV2 += uk * (1.0 + vterm * kz * kz);
  kV3 += uk * vterm * kx * ky;
  kV4 += uk * vterm * kx * kz;
  kV5 += uk * vterm * ky * kz;
}

/** Whether k-vectors t and t + 1 share (n1, n2) (the index rows of skIdx: n1, n2, n3, unused). */
@inline function samePlane(idx: usize, t: i32): bool {
  const at = idx + (<usize>t << 4);
  return load<i32>(at) == load<i32>(at, 16) && load<i32>(at, 4) == load<i32>(at, 20);
}

// ---- k-space by (n1, n2) plane (SIMD build)
//
// Per plane (n1, n2) the atoms' plane phases times the charge, q z = qa + i qb (z = exp(i k12.x),
// k12 = n1 b_1 + n2 b_2), are computed once. LAMMPS' k-vector set holds, in most planes, both
// (n1, n2, m) and its mirror (n1, n2, -m); with c + is = exp(i m b_3.x) their structure factors are
//   S(+m) = sum q z (c + is) = (C - D) + i(E + F),   S(-m) = (C + D) + i(E - F),
//   C = sum qa c, D = sum qb s, E = sum qb c, F = sum qa s,
// four running sums (four multiplications per atom) for the two k-vectors, where the two separate
// vectors took eight multiplications for the phases and four for the charges. A vector without its
// mirror takes the same loop. The forces of the whole plane then come from one pass over the atoms:
// with R + iI = 2 ug k_e S, k-vector k adds q (s_k R - c_k I) k to atom i (c_k, s_k the atom's phase),
// and k = k12 + n3 b_3, so the plane adds (qa X + qb Y) k12 + (qa X' + qb Y') b_3 with, summed over
// the plane's entries (R+-, I+- of the pair; zero for an absent mirror),
//   X  = s (R+ - R-) - c (I+ + I-),     Y  = c (R+ + R-) + s (I+ - I-),
//   X' = m [s (R+ + R-) - c (I+ - I-)], Y' = m [c (R+ - R-) + s (I+ + I-)],
// four sums per atom in registers over the plane, the force arrays read and written once per plane
// instead of once per k-vector. The sums run in a different order from the one-vector loop
// (kspacePass's fallback), so structure factors, energies and forces change in the last bits
// (measured in src/streitz/README.md).

// Per plane entry: R+ + R-, R+ - R-, I+ + I-, I+ - I-, then the same times m, then the byte offset
// of the n3 = m cosine row in the phase table (u32).
@inline const KPLANE_MAX: i32 = 512;
@inline const KREC: usize = 80;
const kPlane: usize = memory.data(KPLANE_MAX * <i32>KREC, 16);

/** Whether the entries of any plane fit kPlane (at most one per |n3| <= nmax). */
@inline function planeFits(nmax: i32): bool { return nmax + 1 <= KPLANE_MAX; }

/** q exp(i k12.x_i) of the plane of k-vector t into skScratch rows 2 (real), 3 (imaginary). */
function kspacePlaneCharges(ctx: usize, t: i32): void {
  const n = ci(ctx, C_NLOCAL), nmax = ci(ctx, C_SK_NMAX);
  const q = cp(ctx, C_CHARGE), ph = cp(ctx, C_SK_PHASE), idx = cp(ctx, C_SK_IDX), sc = cp(ctx, C_SK_SCRATCH);
  const nb = <usize>n << 3;
  const at = idx + (<usize>t << 4);
  const n1 = load<i32>(at), n2 = load<i32>(at, 4);
  const qa = sc + 2 * nb, qb = sc + 3 * nb;
  const c1 = phaseRow(ph, n, nmax, 0, n1), s1 = c1 + nb;
  const c2 = phaseRow(ph, n, nmax, 1, abs(n2)), s2 = c2 + nb;
  const g2 = n2 < 0 ? -1.0 : 1.0;
  const gv = f64x2.splat(g2);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 3;
    const a = v128.load(c1 + o), b = v128.load(s1 + o), c = v128.load(c2 + o), e = f64x2.mul(gv, v128.load(s2 + o));
    const qv = v128.load(q + o);
    v128.store(qa + o, f64x2.mul(qv, f64x2.sub(f64x2.mul(a, c), f64x2.mul(b, e))));
    v128.store(qb + o, f64x2.mul(qv, f64x2.add(f64x2.mul(b, c), f64x2.mul(a, e))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const a = load<f64>(c1 + o), b = load<f64>(s1 + o), c = load<f64>(c2 + o), e = g2 * load<f64>(s2 + o), qi = load<f64>(q + o);
    store<f64>(qa + o, qi * (a * c - b * e));
    store<f64>(qb + o, qi * (b * c + a * e));
  }
}

/**
 * Structure factors of plane entry e: k-vectors tp (n3 = m, or -1: none) and tm (n3 = -m, or -1),
 * the n3 = m row at c3; into skSums, and the entry's force coefficients into kPlane.
 */
function kspacePlaneEntry(ctx: usize, e: i32, tp: i32, tm: i32, m: i32, c3: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const sc = cp(ctx, C_SK_SCRATCH), sums = cp(ctx, C_SK_SUMS), vecs = cp(ctx, C_SK_VECS);
  const nb = <usize>n << 3;
  const qa = sc + 2 * nb, qb = sc + 3 * nb, s3 = c3 + nb;
  let vc = f64x2.splat(0.0), vd = f64x2.splat(0.0), ve = f64x2.splat(0.0), vf = f64x2.splat(0.0);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 3;
    const a = v128.load(qa + o), b = v128.load(qb + o), c = v128.load(c3 + o), s = v128.load(s3 + o);
    vc = f64x2.add(vc, f64x2.mul(a, c));
    vd = f64x2.add(vd, f64x2.mul(b, s));
    ve = f64x2.add(ve, f64x2.mul(b, c));
    vf = f64x2.add(vf, f64x2.mul(a, s));
  }
  let sC = f64x2.extract_lane(vc, 0) + f64x2.extract_lane(vc, 1), sD = f64x2.extract_lane(vd, 0) + f64x2.extract_lane(vd, 1);
  let sE = f64x2.extract_lane(ve, 0) + f64x2.extract_lane(ve, 1), sF = f64x2.extract_lane(vf, 0) + f64x2.extract_lane(vf, 1);
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const a = load<f64>(qa + o), b = load<f64>(qb + o), c = load<f64>(c3 + o), s = load<f64>(s3 + o);
    sC += a * c; sD += b * s; sE += b * c; sF += a * s;
  }
  const kc = cf(ctx, C_COULOMB_K);
  let rp = 0.0, ip = 0.0, rm = 0.0, im = 0.0;
  if (tp >= 0) {
    const at = sums + (<usize>tp << 5), sr = sC - sD, si = sE + sF;
    store<f64>(at, sr); store<f64>(at, si, 8);
    const w = 2.0 * load<f64>(vecs + (<usize>tp << 5), 24) * kc;
    rp = w * sr; ip = w * si;
  }
  if (tm >= 0) {
    const at = sums + (<usize>tm << 5), sr = sC + sD, si = sE - sF;
    store<f64>(at, sr); store<f64>(at, si, 8);
    const w = 2.0 * load<f64>(vecs + (<usize>tm << 5), 24) * kc;
    rm = w * sr; im = w * si;
  }
  const rec = kPlane + <usize>e * KREC, mf = <f64>m;
  const al = rp + rm, be = rp - rm, ga = ip + im, de = ip - im;
  store<f64>(rec, al); store<f64>(rec, be, 8); store<f64>(rec, ga, 16); store<f64>(rec, de, 24);
  store<f64>(rec, mf * al, 32); store<f64>(rec, mf * be, 40); store<f64>(rec, mf * ga, 48); store<f64>(rec, mf * de, 56);
  store<u32>(rec, <u32>c3, 64);
}

/**
 * Ewald k-space of the plane t0..t1 - 1 (one (n1, n2), sorted by n3; SIMD build): structure
 * factors (mirror pairs together), energy and virial terms in k-vector order, then the forces of
 * the whole plane in one pass over the atoms.
 */
function kspacePlane(ctx: usize, t0: i32, t1: i32, g2inv: f64): void {
  const n = ci(ctx, C_NLOCAL), nmax = ci(ctx, C_SK_NMAX);
  const fx = cp(ctx, C_FX), fy = cp(ctx, C_FY), fz = cp(ctx, C_FZ);
  const vecs = cp(ctx, C_SK_VECS), ph = cp(ctx, C_SK_PHASE), idx = cp(ctx, C_SK_IDX), sc = cp(ctx, C_SK_SCRATCH);
  const sums = cp(ctx, C_SK_SUMS), basis = cp(ctx, C_SK_BASIS);
  const nb = <usize>n << 3;
  kspacePlaneCharges(ctx, t0);
  // Entries: the two ends of the n3-sorted row meet in the middle; equal magnitudes make a pair.
  let lo = t0, hi = t1 - 1, ne = 0;
  while (lo <= hi) {
    const nlo = load<i32>(idx + (<usize>lo << 4), 8), nhi = load<i32>(idx + (<usize>hi << 4), 8);
    if (lo < hi && nlo == -nhi) {
      kspacePlaneEntry(ctx, ne++, hi, lo, nhi, phaseRow(ph, n, nmax, 2, nhi));
      lo++; hi--;
    } else if (-nlo > nhi) {
      kspacePlaneEntry(ctx, ne++, -1, lo, -nlo, phaseRow(ph, n, nmax, 2, -nlo));
      lo++;
    } else {
      kspacePlaneEntry(ctx, ne++, hi, -1, nhi, phaseRow(ph, n, nmax, 2, nhi));
      hi--;
    }
  }
  for (let t = t0; t < t1; t++) {
    const kv = vecs + (<usize>t << 5), at = sums + (<usize>t << 5);
    kspaceTerms(load<f64>(kv), load<f64>(kv, 8), load<f64>(kv, 16), load<f64>(kv, 24), load<f64>(at), load<f64>(at, 8), g2inv);
  }
  // k12 = n1 b_1 + n2 b_2, and b_3.
  const n1 = <f64>load<i32>(idx + (<usize>t0 << 4)), n2 = <f64>load<i32>(idx + (<usize>t0 << 4), 4);
  const kx = n1 * load<f64>(basis) + n2 * load<f64>(basis, 24);
  const ky = n1 * load<f64>(basis, 8) + n2 * load<f64>(basis, 32);
  const kz = n1 * load<f64>(basis, 16) + n2 * load<f64>(basis, 40);
  const bx = load<f64>(basis, 48), by = load<f64>(basis, 56), bz = load<f64>(basis, 64);
  const qa = sc + 2 * nb, qb = sc + 3 * nb;
  const end = kPlane + <usize>ne * KREC;
  const kxv = f64x2.splat(kx), kyv = f64x2.splat(ky), kzv = f64x2.splat(kz);
  const bxv = f64x2.splat(bx), byv = f64x2.splat(by), bzv = f64x2.splat(bz);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 3;
    let x = f64x2.splat(0.0), y = f64x2.splat(0.0), xm = f64x2.splat(0.0), ym = f64x2.splat(0.0);
    for (let rec = kPlane; rec < end; rec += KREC) {
      const c3 = <usize>load<u32>(rec, 64) + o;
      const c = v128.load(c3), s = v128.load(c3 + nb);
      x = f64x2.add(x, f64x2.sub(f64x2.mul(s, v128.load64_splat(rec, 8)), f64x2.mul(c, v128.load64_splat(rec, 16))));
      y = f64x2.add(y, f64x2.add(f64x2.mul(c, v128.load64_splat(rec)), f64x2.mul(s, v128.load64_splat(rec, 24))));
      xm = f64x2.add(xm, f64x2.sub(f64x2.mul(s, v128.load64_splat(rec, 32)), f64x2.mul(c, v128.load64_splat(rec, 56))));
      ym = f64x2.add(ym, f64x2.add(f64x2.mul(c, v128.load64_splat(rec, 40)), f64x2.mul(s, v128.load64_splat(rec, 48))));
    }
    const a = v128.load(qa + o), b = v128.load(qb + o);
    const sa = f64x2.add(f64x2.mul(a, x), f64x2.mul(b, y)), sb = f64x2.add(f64x2.mul(a, xm), f64x2.mul(b, ym));
    v128.store(fx + o, f64x2.add(v128.load(fx + o), f64x2.add(f64x2.mul(sa, kxv), f64x2.mul(sb, bxv))));
    v128.store(fy + o, f64x2.add(v128.load(fy + o), f64x2.add(f64x2.mul(sa, kyv), f64x2.mul(sb, byv))));
    v128.store(fz + o, f64x2.add(v128.load(fz + o), f64x2.add(f64x2.mul(sa, kzv), f64x2.mul(sb, bzv))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    let x = 0.0, y = 0.0, xm = 0.0, ym = 0.0;
    for (let rec = kPlane; rec < end; rec += KREC) {
      const c3 = <usize>load<u32>(rec, 64) + o;
      const c = load<f64>(c3), s = load<f64>(c3 + nb);
      x += s * load<f64>(rec, 8) - c * load<f64>(rec, 16);
      y += c * load<f64>(rec) + s * load<f64>(rec, 24);
      xm += s * load<f64>(rec, 32) - c * load<f64>(rec, 56);
      ym += c * load<f64>(rec, 40) + s * load<f64>(rec, 48);
    }
    const a = load<f64>(qa + o), b = load<f64>(qb + o);
    const sa = a * x + b * y, sb = a * xm + b * ym;
    store<f64>(fx + o, load<f64>(fx + o) + (sa * kx + sb * bx));
    store<f64>(fy + o, load<f64>(fy + o) + (sa * ky + sb * by));
    store<f64>(fz + o, load<f64>(fz + o) + (sa * kz + sb * bz));
  }
}

/** Ewald k-space energy (incl. self and background), forces and virial at the current charges (LAMMPS ewald). */
function kspacePass(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), nk = ci(ctx, C_SK_COUNT);
  const q = cp(ctx, C_CHARGE), fx = cp(ctx, C_FX), fy = cp(ctx, C_FY), fz = cp(ctx, C_FZ);
  const vecs = cp(ctx, C_SK_VECS), sc = cp(ctx, C_SK_SCRATCH), idx = cp(ctx, C_SK_IDX);
  const nb = <usize>n << 3;
  const ce = sc + 2 * nb, se = sc + 3 * nb;
  const kc = cf(ctx, C_COULOMB_K), g = cf(ctx, C_SK_G);
  const g2inv = 1.0 / (g * g);
  kEsum = 0.0;
  kV0 = 0.0; kV1 = 0.0; kV2 = 0.0; kV3 = 0.0; kV4 = 0.0; kV5 = 0.0;
  const nmax = ci(ctx, C_SK_NMAX);
  let t = 0;
  if (ASC_FEATURE_SIMD && planeFits(nmax)) {
    while (t < nk) {
      let t1 = t + 1;
      while (t1 < nk && samePlane(idx, t1 - 1)) t1++;
      kspacePlane(ctx, t, t1, g2inv);
      t = t1;
    }
  }
  // (the scalar build, and planes too long for kPlane: one k-vector at a time)
  for (; t < nk; t++) {
    kspaceVectorPhases(ctx, t);
    let sr = 0.0, si = 0.0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      let ar = f64x2.splat(0.0), ai = f64x2.splat(0.0);
      for (; i + 1 < n; i += 2) {
        const o = <usize>i << 3;
        const qv = v128.load(q + o);
        ar = f64x2.add(ar, f64x2.mul(qv, v128.load(ce + o)));
        ai = f64x2.add(ai, f64x2.mul(qv, v128.load(se + o)));
      }
      sr = f64x2.extract_lane(ar, 0) + f64x2.extract_lane(ar, 1);
      si = f64x2.extract_lane(ai, 0) + f64x2.extract_lane(ai, 1);
    }
    for (; i < n; i++) {
      const qi = getF(q, i), o = <usize>i << 3;
      sr += qi * load<f64>(ce + o);
      si += qi * load<f64>(se + o);
    }
    const kv = vecs + (<usize>t << 5);
    const kx = load<f64>(kv), ky = load<f64>(kv, 8), kz = load<f64>(kv, 16), ug = load<f64>(kv, 24);
    const c = 2.0 * ug * kc;
    i = 0;
    if (ASC_FEATURE_SIMD) {
      const srv = f64x2.splat(c * sr), siv = f64x2.splat(c * si);
      const kxv = f64x2.splat(kx), kyv = f64x2.splat(ky), kzv = f64x2.splat(kz);
      for (; i + 1 < n; i += 2) {
        const o = <usize>i << 3;
        const f = f64x2.mul(v128.load(q + o), f64x2.sub(f64x2.mul(v128.load(se + o), srv), f64x2.mul(v128.load(ce + o), siv)));
        v128.store(fx + o, f64x2.add(v128.load(fx + o), f64x2.mul(f, kxv)));
        v128.store(fy + o, f64x2.add(v128.load(fy + o), f64x2.mul(f, kyv)));
        v128.store(fz + o, f64x2.add(v128.load(fz + o), f64x2.mul(f, kzv)));
      }
    }
    for (; i < n; i++) {
      const o = <usize>i << 3;
      const f = getF(q, i) * (load<f64>(se + o) * (c * sr) - load<f64>(ce + o) * (c * si));
      addF(fx, i, f * kx); addF(fy, i, f * ky); addF(fz, i, f * kz);
    }
    kspaceTerms(kx, ky, kz, ug, sr, si, g2inv);
  }
  const esum = kEsum;
  const v0 = kV0, v1 = kV1, v2 = kV2, v3 = kV3, v4 = kV4, v5 = kV5;
  let qsum = 0.0, qsq = 0.0;
  for (let i = 0; i < n; i++) { const qi = getF(q, i); qsum += qi; qsq += qi * qi; }
  const vol = cf(ctx, C_SK_VOLUME);
  setF(ctx, C_E_KSPACE, kc * (esum - g * qsq / MY_PIS - 0.5 * MY_PI * qsum * qsum / (g * g * vol)));
  setF(ctx, C_VXX, cf(ctx, C_VXX) + kc * v0); setF(ctx, C_VYY, cf(ctx, C_VYY) + kc * v1); setF(ctx, C_VZZ, cf(ctx, C_VZZ) + kc * v2);
  setF(ctx, C_VXY, cf(ctx, C_VXY) + kc * v3); setF(ctx, C_VXZ, cf(ctx, C_VXZ) + kc * v4); setF(ctx, C_VYZ, cf(ctx, C_VYZ) + kc * v5);
}

/** out += (reciprocal-space Hessian) v for both lanes: 2 k sum_k ug Re(exp(-i k.x_i) S_k(v)). */
function kspaceMatvec(ctx: usize, v: usize, out: usize): void {
  const n = ci(ctx, C_NLOCAL), nk = ci(ctx, C_SK_COUNT);
  const vecs = cp(ctx, C_SK_VECS), sc = cp(ctx, C_SK_SCRATCH);
  const nb = <usize>n << 3;
  const ce = sc + 2 * nb, se = sc + 3 * nb;
  const kc = cf(ctx, C_COULOMB_K);
  for (let t = 0; t < nk; t++) {
    kspaceVectorPhases(ctx, t);
    let ar = 0.0, ai = 0.0, br = 0.0, bi = 0.0;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3, a = lane0(v, i);
      const c = load<f64>(ce + o), s = load<f64>(se + o), v0 = load<f64>(a), v1 = load<f64>(a, 8);
      ar += v0 * c; ai += v0 * s; br += v1 * c; bi += v1 * s;
    }
    const w = 2.0 * kc * load<f64>(vecs + (<usize>t << 5), 24);
    ar *= w; ai *= w; br *= w; bi *= w;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3, a = lane0(out, i);
      const c = load<f64>(ce + o), s = load<f64>(se + o);
      store<f64>(a, load<f64>(a) + (c * ar + s * ai));
      store<f64>(a, load<f64>(a, 8) + (c * br + s * bi), 8);
    }
  }
}

// ------------------------------------------------------------------ driver


/**
 * One evaluation at the current positions (list current): EAM passes (at the EAM cutoff), QEq
 * (compact list, CG), coul/streitz pairs and self terms, Ewald k-space. Energy = E_eam + E_coul.
 */
export function streitzCompute(ctx: usize): void {
  const eam = eamPasses(ctx);
  const ewald = ci(ctx, C_SQ_EWALD) != 0;
  // The phase table (3 (nmax + 1) rows of cos and sin per atom, 1.2 MB for the 2160-atom example)
  // is built right before the k-space pass reads it, so that it is still in the cache; only when
  // the reciprocal sum is part of the QEq matrix do the CG products need it earlier.
  const early = ewald && ci(ctx, C_SQ_KSPACE_IN_H) != 0;
  if (early) kspacePhases(ctx);
  tailBreakSq = tailBound(ctx);
  if (ci(ctx, C_QEQ_GUESS) == QEQ_GUESS_SHADOW) {
    shadowStep(ctx);
  } else {
    slopesWanted = true;
    qeqMatrix(ctx);
    slopesWanted = false;
    qeqSolve(ctx);
    coulombPass(ctx);
  }
  tailBreakSq = Infinity;
  setF(ctx, C_E_KSPACE, 0.0);
  if (ewald) {
    if (!early) kspacePhases(ctx);
    kspacePass(ctx);
  }
  setF(ctx, C_ENERGY, eam + cf(ctx, C_E_COUL_PAIR) + cf(ctx, C_E_KSPACE));
}

/** The EAM passes at the EAM cutoff over the front of each list segment; returns E_eam (eV). */
function eamPasses(ctx: usize): f64 {
  updateGhostPositions(ctx);
  // The EAM passes see their own cutoff and the front of each list segment (partitionEam).
  const all = load<u32>(ctx + C_NUM_NEIGH);
  store<u32>(ctx + C_NUM_NEIGH, load<u32>(ctx + C_NUM_NEIGH_EAM));
  setF(ctx, C_CUTOFF, cf(ctx, C_EAM_CUTOFF));
  densityPass(ctx);
  embeddingPass(ctx);
  forcePass(ctx);
  setF(ctx, C_CUTOFF, cf(ctx, C_LIST_CUTOFF));
  store<u32>(ctx + C_NUM_NEIGH, all);
  const eam = cf(ctx, C_ENERGY);
  setF(ctx, C_E_EAM, eam);
  return eam;
}

/**
 * The energy (eV) and virial (eV) of the last evaluation, when it ran untallied (an MD step whose
 * energies nobody was going to read): the EAM, Coulomb and k-space passes again at the same
 * positions and charges, with the tally, and no QEq. The forces come out as the same doubles (no
 * pass's forces depend on the tally) and nothing a later step reads changes: the QEq history and
 * the charges are untouched; after a shadow-potential step the walk rewrites its right-hand sides,
 * (H - D) x and Gauss-Seidel rows (each step rebuilds them from scratch) but not the compact list.
 */
export function streitzTally(ctx: usize): void {
  setI(ctx, C_TALLY, 1);
  const eam = eamPasses(ctx);
  const ewald = ci(ctx, C_SQ_EWALD) != 0;
  if (ci(ctx, C_QEQ_GUESS) == QEQ_GUESS_SHADOW) {
    tailBreakSq = tailBound(ctx);
    coulombLoop(ctx, true, true, false, false);
    tailBreakSq = Infinity;
    coulombSelf(ctx);
  } else {
    coulombPass(ctx);
  }
  setF(ctx, C_E_KSPACE, 0.0);
  if (ewald) {
    kspacePhases(ctx); // (no pass before needs it: see streitzCompute)
    kspacePass(ctx);
  }
  setF(ctx, C_ENERGY, eam + cf(ctx, C_E_COUL_PAIR) + cf(ctx, C_E_KSPACE));
}

/** Rebuild when due (LAMMPS neigh_modify every/delay/check), then evaluate. */
function refresh(ctx: usize): i32 {
  if (rebuildDue(ctx)) {
    const s = streitzRebuild(ctx);
    if (s != 0) return s;
  }
  streitzCompute(ctx);
  return 0;
}

/**
 * Up to `steps` velocity-Verlet steps with a QEq every step (forces current on entry). `stepsDone`
 * counts completed steps; a non-zero status means step stepsDone+1 stopped after its drift (grow,
 * then streitzFinishStep).
 */
export function streitzRunVerlet(ctx: usize, steps: i32): i32 {
  return verletSteps(ctx, steps, refresh);
}

/**
 * One velocity-Verlet step with its QEq, the pair energy and virial tallied only when `tally` is set
 * (the extended-Lagrangian driver steps one at a time and puts each start in sqX). Status as
 * streitzRunVerlet.
 */
export function streitzStep(ctx: usize, tally: i32): i32 {
  setI(ctx, C_STEPS_DONE, 0);
  setI(ctx, C_TALLY, tally);
  initialIntegrate(ctx);
  const s = refresh(ctx);
  if (s != 0) return s;
  finalIntegrate(ctx);
  setI(ctx, C_STEPS_DONE, 1);
  return 0;
}

/** Completes a step interrupted by a short array: rebuild, evaluate, second half kick. */
export function streitzFinishStep(ctx: usize): i32 {
  setI(ctx, C_TALLY, 1);
  const s = streitzRebuild(ctx);
  if (s != 0) return s;
  streitzCompute(ctx);
  finalIntegrate(ctx);
  setI(ctx, C_STEPS_DONE, ci(ctx, C_STEPS_DONE) + 1);
  return 0;
}
