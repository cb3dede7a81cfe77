// EAM passes over the half list: density, embedding, force (with per-atom energy and virial).
// E = sum_i F_i(rho_i) + sum_{i<j} phi_ij(r_ij), rho_i = sum_j rho_{t_j -> t_i}(r_ij).
import {
  C_NLOCAL, C_NGHOST, C_NTYPES, C_X, C_Y, C_Z, C_FX, C_FY, C_FZ, C_TYPE, C_RHO, C_FP, C_EATOM,
  C_NUM_NEIGH, C_FIRST_NEIGH, C_NEIGH, C_NUM_PAIRS, C_DENSITY_TABLE, C_FORCE_TABLE, C_EMBED_TABLE, C_NR, C_RDR, C_NRHO, C_RDRHO, C_RHOMAX,
  C_CUTOFF, C_ENERGY, C_VXX, C_VYY, C_VZZ, C_VYZ, C_VXZ, C_VXY, C_OFF_TABLE, C_TALLY, C_PAIR_R,
} from "./context";
import { ci, cf, cp, setI, setF, getF, putF, addF, getI, putI } from "./mem";
import { DENSITY_RECORD, FORCE_RECORD, EMBED_RECORD } from "./tables";
import { foldGhosts, copyToGhosts } from "./cell";

/**
 * Grid intervals of two distances at once from t = r/dr + 1 (lanes 0, 1): m = min(int(t), nr - 1),
 * as a double in each lane. t is finite and >= 1 here (in-cutoff pairs), so floor is the scalar
 * code's truncation; floor and pmin are one instruction each, where V8 lowers the saturating
 * float-to-int conversion to a sequence (and V8's scalar float-to-int costs more than the rest of a
 * pair's geometry).
 */
@inline function gridLanes(tv: v128, nr: i32): v128 {
  return f64x2.pmin(f64x2.floor(tv), f64x2.splat(<f64>(nr - 1)));
}
/**
 * The integer of `mv` (whole numbers below 2^31) in i32x4 lanes 0 and 2: added to 2^52 a whole
 * number is the low word of the sum's bits.
 */
@inline function gridIndices(mv: v128): v128 {
  return f64x2.add(mv, f64x2.splat(4503599627370496.0));
}
/**
 * Fractions p = min(t - m, 1) of the two lanes, as the scalar code computes them. pmin (1 < x ? 1 : x)
 * is that same choice for every x, NaN and -0 included, and one instruction where wasm's min (with
 * its NaN and signed-zero rules) is a sequence of them.
 */
@inline function gridFractions(tv: v128, mv: v128): v128 {
  return f64x2.pmin(f64x2.sub(tv, mv), f64x2.splat(1.0));
}

/**
 * Whether pairR holds the Coulomb force slopes B' of the compact QEq list (written by the Streitz
 * QEq pass for its Coulomb pass, assembly/streitz.ts); the density pass, which writes its distances
 * there, clears it, so a Coulomb pass never reads a slot another pass has rewritten.
 */
let pairRSlopes: bool = false;
export function setPairRSlopes(v: bool): void { pairRSlopes = v; }
export function hasPairRSlopes(): bool { return pairRSlopes; }

/**
 * Density pass: rho of owned and ghost atoms from every in-cutoff pair (ghost parts are folded
 * into owners afterwards). It also moves each atom's in-cutoff neighbors to the front of its list
 * segment and counts them, so the force pass skips the skin shell (about half the list) without
 * needing a second list, and stores each in-cutoff pair's distance r at the pair's new place
 * (pairR), which the force pass reads instead of taking the square root again (the same double:
 * the same operations on the same positions).
 */
export function densityPass(ctx: usize): void {
  // A one-element potential has one table row for every pair: a copy of the loop without type lookups.
  if (ci(ctx, C_NTYPES) == 1) densityLoop(ctx, true);
  else densityLoop(ctx, false);
}

@inline function densityLoop(ctx: usize, single: bool): void {
  const n = ci(ctx, C_NLOCAL), nall = n + ci(ctx, C_NGHOST), nt = ci(ctx, C_NTYPES);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z), type = cp(ctx, C_TYPE), rho = cp(ctx, C_RHO);
  const numNeigh = cp(ctx, C_NUM_NEIGH), firstNeigh = cp(ctx, C_FIRST_NEIGH), neigh = cp(ctx, C_NEIGH);
  const numPairs = cp(ctx, C_NUM_PAIRS), pairR = cp(ctx, C_PAIR_R);
  const table = cp(ctx, C_DENSITY_TABLE);
  const nr = ci(ctx, C_NR), rdr = cf(ctx, C_RDR);
  const cut = cf(ctx, C_CUTOFF), cutsq = cut * cut;
  const typeStride = <usize>nr * DENSITY_RECORD;
  pairRSlopes = false;
  memory.fill(rho, 0, <usize>nall << 3);
  for (let i = 0; i < n; i++) {
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
    // one record before the row: grid interval m (from 1) is at row + m * DENSITY_RECORD
    const row = table + <usize>(getI(type, i) * nt) * typeStride - DENSITY_RECORD;
    const jb = neigh + (<usize>getI(firstNeigh, i) << 2);
    const rslot = pairR + (<usize>getI(firstNeigh, i) << 3);
    const jn = getI(numNeigh, i);
    let w = 0;
    let rhoi = 0.0;
    let q = 0;
    if (ASC_FEATURE_SIMD) {
      // Two neighbors per iteration. The front of the list holds last step's in-cutoff neighbors,
      // so "both inside" and "both outside" are the predictable cases; mixed pairs take the scalar
      // path. Sums are added in list order, so results equal the scalar build's bit for bit.
      const xv = f64x2.splat(xi), yv = f64x2.splat(yi), zv = f64x2.splat(zi);
      for (; q + 1 < jn; q += 2) {
        const qa = jb + (<usize>q << 2);
        const ja = load<i32>(qa), jbb = load<i32>(qa, 4);
        const oa = <usize>ja << 3, ob = <usize>jbb << 3;
        const dxv = f64x2.sub(xv, v128.load64_lane(x + ob, v128.load64_zero(x + oa), 1));
        const dyv = f64x2.sub(yv, v128.load64_lane(y + ob, v128.load64_zero(y + oa), 1));
        const dzv = f64x2.sub(zv, v128.load64_lane(z + ob, v128.load64_zero(z + oa), 1));
        const rsqv = f64x2.add(f64x2.add(f64x2.mul(dxv, dxv), f64x2.mul(dyv, dyv)), f64x2.mul(dzv, dzv));
        // (one movmsk for both tests: all_true and any_true are longer sequences in V8)
        const inside = i64x2.bitmask(f64x2.lt(rsqv, f64x2.splat(cutsq)));
        if (inside == 0) continue;
        if (inside == 3) {
          const rv = f64x2.sqrt(rsqv);
          const tv = f64x2.add(f64x2.mul(rv, f64x2.splat(rdr)), f64x2.splat(1.0));
          const mv = gridLanes(tv, nr), iv = gridIndices(mv);
          const ma = i32x4.extract_lane(iv, 0), mb = i32x4.extract_lane(iv, 2);
          const pv = gridFractions(tv, mv);
          const pa = f64x2.extract_lane(pv, 0), pb = f64x2.extract_lane(pv, 1);
          const ra = (single ? row : row + <usize>getI(type, ja) * typeStride) + <usize>ma * DENSITY_RECORD;
          const rb = (single ? row : row + <usize>getI(type, jbb) * typeStride) + <usize>mb * DENSITY_RECORD;
          const pva = f64x2.splat(pa), pvb = f64x2.splat(pb);
          let ca = f64x2.add(f64x2.mul(v128.load(ra), pva), v128.load(ra, 16));
          let cb = f64x2.add(f64x2.mul(v128.load(rb), pvb), v128.load(rb, 16));
          ca = f64x2.add(f64x2.mul(ca, pva), v128.load(ra, 32));
          cb = f64x2.add(f64x2.mul(cb, pvb), v128.load(rb, 32));
          ca = f64x2.add(f64x2.mul(ca, pva), v128.load(ra, 48));
          cb = f64x2.add(f64x2.mul(cb, pvb), v128.load(rb, 48));
          rhoi += f64x2.extract_lane(ca, 0);
          rhoi += f64x2.extract_lane(cb, 0);
          store<f64>(rho + oa, load<f64>(rho + oa) + f64x2.extract_lane(ca, 1));
          store<f64>(rho + ob, load<f64>(rho + ob) + f64x2.extract_lane(cb, 1));
          // both land at slots w and w + 1 (below)
          v128.store(rslot + (<usize>w << 3), rv);
          if (w != q) {
            const wp = jb + (<usize>w << 2);
            store<i32>(qa, load<i32>(wp));
            store<i32>(wp, ja);
          }
          w++;
          if (w != q + 1) {
            const wp = jb + (<usize>w << 2);
            store<i32>(qa, load<i32>(wp), 4);
            store<i32>(wp, jbb);
          }
          w++;
          continue;
        }
        // Mixed: one inside. Leave it to the scalar loop below by stepping back one.
        break;
      }
    }
    for (; q < jn; q++) {
      const j = load<i32>(jb + (<usize>q << 2));
      const dx = xi - getF(x, j), dy = yi - getF(y, j), dz = zi - getF(z, j);
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq < cutsq) {
        const r = sqrt(rsq);
        let p = r * rdr + 1.0;
        let m = <i32>p;
        if (m > nr - 1) m = nr - 1;
        p -= <f64>m;
        if (p > 1.0) p = 1.0;
        const rec = (single ? row : row + <usize>getI(type, j) * typeStride) + <usize>m * DENSITY_RECORD;
        if (ASC_FEATURE_SIMD) {
          const pv = f64x2.splat(p);
          let acc = v128.load(rec);
          acc = f64x2.add(f64x2.mul(acc, pv), v128.load(rec, 16));
          acc = f64x2.add(f64x2.mul(acc, pv), v128.load(rec, 32));
          acc = f64x2.add(f64x2.mul(acc, pv), v128.load(rec, 48));
          rhoi += f64x2.extract_lane(acc, 0);
          addF(rho, j, f64x2.extract_lane(acc, 1));
        } else {
          rhoi += ((load<f64>(rec) * p + load<f64>(rec, 16)) * p + load<f64>(rec, 32)) * p + load<f64>(rec, 48);
          addF(rho, j, ((load<f64>(rec, 8) * p + load<f64>(rec, 24)) * p + load<f64>(rec, 40)) * p + load<f64>(rec, 56));
        }
        store<f64>(rslot + (<usize>w << 3), r);
        if (w != q) {
          const wp = jb + (<usize>w << 2);
          store<i32>(jb + (<usize>q << 2), load<i32>(wp));
          store<i32>(wp, j);
        }
        w++;
      }
    }
    addF(rho, i, rhoi);
    putI(numPairs, i, w);
  }
  foldGhosts(ctx, rho);
}

/**
 * Embedding pass: F(rho_i) and F'(rho_i) of owned atoms (LAMMPS' index clamp; F is continued
 * linearly above rhomax for the energy, the derivative is the clamped one). Per-atom energies start
 * at F_i. Counts atoms above rhomax in `offTable`; copies F' to ghosts for the force pass.
 */
export function embeddingPass(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), nall = n + ci(ctx, C_NGHOST);
  const type = cp(ctx, C_TYPE), rho = cp(ctx, C_RHO), fp = cp(ctx, C_FP), eatom = cp(ctx, C_EATOM);
  const table = cp(ctx, C_EMBED_TABLE);
  const nrho = ci(ctx, C_NRHO), rdrho = cf(ctx, C_RDRHO), rhomax = cf(ctx, C_RHOMAX);
  const typeStride = <usize>nrho * EMBED_RECORD;
  memory.fill(eatom + (<usize>n << 3), 0, <usize>(nall - n) << 3);
  let energy = 0.0;
  let off = 0;
  for (let i = 0; i < n; i++) {
    const r = getF(rho, i);
    let p = r * rdrho + 1.0;
    let m = <i32>p;
    if (m > nrho - 1) m = nrho - 1;
    if (m < 1) m = 1;
    p -= <f64>m;
    if (p > 1.0) p = 1.0;
    const c = table + <usize>getI(type, i) * typeStride + <usize>(m - 1) * EMBED_RECORD;
    const d = (load<f64>(c) * p + load<f64>(c, 8)) * p + load<f64>(c, 16);
    let phi = ((load<f64>(c, 24) * p + load<f64>(c, 32)) * p + load<f64>(c, 40)) * p + load<f64>(c, 48);
    if (r > rhomax) {
      phi += d * (r - rhomax);
      off++;
    }
    putF(fp, i, d);
    putF(eatom, i, phi);
    energy += phi;
  }
  copyToGhosts(ctx, fp);
  setF(ctx, C_ENERGY, energy);
  setI(ctx, C_OFF_TABLE, off);
}

/**
 * Force pass over the in-cutoff front of each list (see densityPass): forces (eV/A) and the pair
 * energy added to the total; with `tally` set also per-atom energies (pair energy split half and
 * half) and the virial W_ab = sum_pairs d_a d_b fpair (eV) with d = x_i - x_j. Ghost forces and
 * energies are folded into their owners at the end.
 */
export function forcePass(ctx: usize): void {
  // Copies of the loop with the flags as constants, so MD steps pay nothing for tallies and a
  // one-element potential nothing for type lookups (its table row is the same for every pair).
  if (ci(ctx, C_TALLY)) forceLoop(ctx, true, false);
  else if (ci(ctx, C_NTYPES) == 1) forceLoop(ctx, false, true);
  else forceLoop(ctx, false, false);
}

@inline function forceLoop(ctx: usize, tally: bool, single: bool): void {
  const n = ci(ctx, C_NLOCAL), nall = n + ci(ctx, C_NGHOST), nt = ci(ctx, C_NTYPES);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z), type = cp(ctx, C_TYPE);
  const fx = cp(ctx, C_FX), fy = cp(ctx, C_FY), fz = cp(ctx, C_FZ);
  const fp = cp(ctx, C_FP), eatom = cp(ctx, C_EATOM);
  const numPairs = cp(ctx, C_NUM_PAIRS), firstNeigh = cp(ctx, C_FIRST_NEIGH), neigh = cp(ctx, C_NEIGH), pairR = cp(ctx, C_PAIR_R);
  const table = cp(ctx, C_FORCE_TABLE);
  const nr = ci(ctx, C_NR), rdr = cf(ctx, C_RDR);
  const typeStride = <usize>nr * FORCE_RECORD;
  const bytes = <usize>nall << 3;
  memory.fill(fx, 0, bytes); memory.fill(fy, 0, bytes); memory.fill(fz, 0, bytes);
  let epair = 0.0;
  let vxx = 0.0, vyy = 0.0, vzz = 0.0, vyz = 0.0, vxz = 0.0, vxy = 0.0;
  for (let i = 0; i < n; i++) {
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
    const fpi = getF(fp, i);
    // one record before the row: grid interval m (from 1) is at row + m * FORCE_RECORD
    const row = table + <usize>(getI(type, i) * nt) * typeStride - FORCE_RECORD;
    const jb = neigh + (<usize>getI(firstNeigh, i) << 2);
    const rslot = pairR + (<usize>getI(firstNeigh, i) << 3);
    const cnt = getI(numPairs, i);
    let fxi = 0.0, fyi = 0.0, fzi = 0.0, ei = 0.0;
    let q = 0;
    if (ASC_FEATURE_SIMD) {
      // Two pairs per iteration, one per lane: the long dependent chain of a pair (sqrt, table,
      // divide, scatter) runs for both at once. Every lane does the scalar code's operations in the
      // same order, so each pair's force is the same double as in the scalar build.
      const xv = f64x2.splat(xi), yv = f64x2.splat(yi), zv = f64x2.splat(zi);
      const fpiv = f64x2.splat(fpi);
      let fxv = f64x2.splat(0.0), fyv = f64x2.splat(0.0), fzv = f64x2.splat(0.0), eiv = f64x2.splat(0.0);
      for (; q + 1 < cnt; q += 2) {
        const qa = jb + (<usize>q << 2);
        const ja = load<i32>(qa), jbb = load<i32>(qa, 4);
        const oa = <usize>ja << 3, ob = <usize>jbb << 3;
        const dxv = f64x2.sub(xv, v128.load64_lane(x + ob, v128.load64_zero(x + oa), 1));
        const dyv = f64x2.sub(yv, v128.load64_lane(y + ob, v128.load64_zero(y + oa), 1));
        const dzv = f64x2.sub(zv, v128.load64_lane(z + ob, v128.load64_zero(z + oa), 1));
        const rv = v128.load(rslot + (<usize>q << 3)); // the density pass's r of both pairs
        const tv = f64x2.add(f64x2.mul(rv, f64x2.splat(rdr)), f64x2.splat(1.0));
        const mv = gridLanes(tv, nr), iv = gridIndices(mv);
        const ma = i32x4.extract_lane(iv, 0), mb = i32x4.extract_lane(iv, 2);
        const pv = gridFractions(tv, mv);
        const pa = f64x2.extract_lane(pv, 0), pb = f64x2.extract_lane(pv, 1);
        const ra = (single ? row : row + <usize>getI(type, ja) * typeStride) + <usize>ma * FORCE_RECORD;
        const rb = (single ? row : row + <usize>getI(type, jbb) * typeStride) + <usize>mb * FORCE_RECORD;
        const pva = f64x2.splat(pa), pvb = f64x2.splat(pb);
        let da = f64x2.add(f64x2.mul(v128.load(ra), pva), v128.load(ra, 16));
        let db = f64x2.add(f64x2.mul(v128.load(rb), pvb), v128.load(rb, 16));
        da = f64x2.add(f64x2.mul(da, pva), v128.load(ra, 32));
        db = f64x2.add(f64x2.mul(db, pvb), v128.load(rb, 32));
        let ea = f64x2.add(f64x2.mul(v128.load(ra, 64), pva), v128.load(ra, 80));
        let eb = f64x2.add(f64x2.mul(v128.load(rb, 64), pvb), v128.load(rb, 80));
        ea = f64x2.add(f64x2.mul(ea, pva), v128.load(ra, 96));
        eb = f64x2.add(f64x2.mul(eb, pvb), v128.load(rb, 96));
        ea = f64x2.add(f64x2.mul(ea, pva), v128.load(ra, 112));
        eb = f64x2.add(f64x2.mul(eb, pvb), v128.load(rb, 112));
        // lanes now hold pairs: (pair a, pair b)
        const rhojp = i64x2.shuffle(da, db, 0, 2), rhoip = i64x2.shuffle(da, db, 1, 3);
        const z2 = i64x2.shuffle(ea, eb, 0, 2), z2p = i64x2.shuffle(ea, eb, 1, 3);
        const recip = f64x2.div(f64x2.splat(1.0), rv);
        const phi = f64x2.mul(z2, recip);
        const phip = f64x2.sub(f64x2.mul(z2p, recip), f64x2.mul(phi, recip));
        const fpj = v128.load64_lane(fp + ob, v128.load64_zero(fp + oa), 1);
        const psip = f64x2.add(f64x2.add(f64x2.mul(fpiv, rhojp), f64x2.mul(fpj, rhoip)), phip);
        const fpair = f64x2.mul(f64x2.neg(psip), recip);
        const gx = f64x2.mul(dxv, fpair), gy = f64x2.mul(dyv, fpair), gz = f64x2.mul(dzv, fpair);
        fxv = f64x2.add(fxv, gx); fyv = f64x2.add(fyv, gy); fzv = f64x2.add(fzv, gz);
        store<f64>(fx + oa, load<f64>(fx + oa) - f64x2.extract_lane(gx, 0));
        store<f64>(fx + ob, load<f64>(fx + ob) - f64x2.extract_lane(gx, 1));
        store<f64>(fy + oa, load<f64>(fy + oa) - f64x2.extract_lane(gy, 0));
        store<f64>(fy + ob, load<f64>(fy + ob) - f64x2.extract_lane(gy, 1));
        store<f64>(fz + oa, load<f64>(fz + oa) - f64x2.extract_lane(gz, 0));
        store<f64>(fz + ob, load<f64>(fz + ob) - f64x2.extract_lane(gz, 1));
        epair += f64x2.extract_lane(phi, 0) + f64x2.extract_lane(phi, 1);
        if (tally) {
          const half = f64x2.mul(f64x2.splat(0.5), phi);
          eiv = f64x2.add(eiv, half);
          store<f64>(eatom + oa, load<f64>(eatom + oa) + f64x2.extract_lane(half, 0));
          store<f64>(eatom + ob, load<f64>(eatom + ob) + f64x2.extract_lane(half, 1));
          const wxx = f64x2.mul(f64x2.mul(dxv, dxv), fpair), wyy = f64x2.mul(f64x2.mul(dyv, dyv), fpair);
          const wzz = f64x2.mul(f64x2.mul(dzv, dzv), fpair), wyz = f64x2.mul(f64x2.mul(dyv, dzv), fpair);
          const wxz = f64x2.mul(f64x2.mul(dxv, dzv), fpair), wxy = f64x2.mul(f64x2.mul(dxv, dyv), fpair);
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
      ei = f64x2.extract_lane(eiv, 0) + f64x2.extract_lane(eiv, 1);
    }
    for (; q < cnt; q++) {
      const j = load<i32>(jb + (<usize>q << 2));
      const dx = xi - getF(x, j), dy = yi - getF(y, j), dz = zi - getF(z, j);
      const r = load<f64>(rslot + (<usize>q << 3));
      let p = r * rdr + 1.0;
      let m = <i32>p;
      if (m > nr - 1) m = nr - 1;
      p -= <f64>m;
      if (p > 1.0) p = 1.0;
      const rec = (single ? row : row + <usize>getI(type, j) * typeStride) + <usize>m * FORCE_RECORD;
      const rhojp = (load<f64>(rec) * p + load<f64>(rec, 16)) * p + load<f64>(rec, 32);
      const rhoip = (load<f64>(rec, 8) * p + load<f64>(rec, 24)) * p + load<f64>(rec, 40);
      const z2 = ((load<f64>(rec, 64) * p + load<f64>(rec, 80)) * p + load<f64>(rec, 96)) * p + load<f64>(rec, 112);
      const z2p = (load<f64>(rec, 88) * p + load<f64>(rec, 104)) * p + load<f64>(rec, 120);
      // z2 = r*phi, z2p = (r*phi)' = r*phi' + phi
      const recip = 1.0 / r;
      const phi = z2 * recip;
      const phip = z2p * recip - phi * recip;
      // r_ij appears in both embedding terms, so both F'(rho_i) and F'(rho_j) enter.
      const psip = fpi * rhojp + getF(fp, j) * rhoip + phip;
      const fpair = -psip * recip;
      fxi += dx * fpair; fyi += dy * fpair; fzi += dz * fpair;
      addF(fx, j, -dx * fpair); addF(fy, j, -dy * fpair); addF(fz, j, -dz * fpair);
      epair += phi;
      if (tally) {
        const half = 0.5 * phi;
        ei += half;
        addF(eatom, j, half);
        vxx += dx * dx * fpair; vyy += dy * dy * fpair; vzz += dz * dz * fpair;
        vyz += dy * dz * fpair; vxz += dx * dz * fpair; vxy += dx * dy * fpair;
      }
    }
    addF(fx, i, fxi); addF(fy, i, fyi); addF(fz, i, fzi);
    if (tally) addF(eatom, i, ei);
  }
  foldGhosts(ctx, fx); foldGhosts(ctx, fy); foldGhosts(ctx, fz);
  if (tally) foldGhosts(ctx, eatom);
  setF(ctx, C_ENERGY, cf(ctx, C_ENERGY) + epair);
  setF(ctx, C_VXX, vxx); setF(ctx, C_VYY, vyy); setF(ctx, C_VZZ, vzz);
  setF(ctx, C_VYZ, vyz); setF(ctx, C_VXZ, vxz); setF(ctx, C_VXY, vxy);
}
