// Binned half neighbor list with a skin, over owned and ghost atoms.
//
// Which pairs appear: every pair of atoms closer than cutoff+skin appears exactly once, in the list of
// an owned atom i, with j an extended index (owned or ghost). Owned-owned pairs are kept when j > i.
// A pair with a ghost (an image of owned atom k shifted by S) is kept when k > i, or when k == i and S
// is lexicographically positive; its mirror pair (k with the image of i at -S) is then left out. The
// mirror ghost always exists, because both i and k lie inside the cell when the list is built.
//
// In a spatial domain (src/domain) the keys come from a rank array instead of local indices. Owned
// atoms rank by local index (the rule above, unchanged); imported atoms (copies of atoms owned by a
// neighboring domain) rank below every owned atom when they lie across the slab's lower face and
// above every owned atom across its upper face. So each domain computes the pairs across its upper
// face and leaves those across its lower face to the neighbor below: every pair once over all
// domains, the work split evenly, and the key test as predictable as in one engine.
import {
  C_NLOCAL, C_NGHOST, C_X, C_Y, C_Z, C_X0, C_Y0, C_Z0, C_GHOST_OWNER, C_GHOST_SHIFT,
  C_NUM_NEIGH, C_FIRST_NEIGH, C_NEIGH, C_NEIGH_CAPACITY, C_NEED_NEIGH, C_NEED_BINS,
  C_BIN_ATOMS, C_BIN_START, C_BIN_OF, C_BIN_CAPACITY, C_BINS_X, C_BINS_Y, C_BINS_Z,
  C_BIN_LO_X, C_BIN_LO_Y, C_BIN_LO_Z, C_BIN_INV, C_CUTOFF, C_SKIN, C_BUILDS, C_SINCE_BUILD, C_DELAY, C_EVERY, C_DANGEROUS,
  C_FX, C_FY, C_FZ, C_NIMPORT, C_RANK,
} from "./context";
import { ci, cf, cp, setI, setF, getF, putF, getI, putI } from "./mem";

@inline function binCoord(v: f64, lo: f64, inv: f64, nb: i32): i32 {
  let b = <i32>((v - lo) * inv);
  if (b < 0) b = 0;
  if (b >= nb) b = nb - 1;
  return b;
}

/**
 * Sorts owned and ghost atoms into cubic bins of half the neighbor distance (counting sort).
 * Returns 0, or the number of bins needed when `binCapacity` is too small (the caller grows it).
 */
export function binAtoms(ctx: usize): i32 {
  const nall = ci(ctx, C_NLOCAL) + ci(ctx, C_NGHOST);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z);
  let lx = Infinity, ly = Infinity, lz = Infinity, hx = -Infinity, hy = -Infinity, hz = -Infinity;
  for (let i = 0; i < nall; i++) {
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
    lx = min(lx, xi); hx = max(hx, xi);
    ly = min(ly, yi); hy = max(hy, yi);
    lz = min(lz, zi); hz = max(hz, zi);
  }
  const reach = cf(ctx, C_CUTOFF) + cf(ctx, C_SKIN);
  let size = 0.5 * reach;
  // A sparse system (a few far-apart atoms) must not ask for an enormous grid: coarsen instead.
  const cap = ci(ctx, C_BIN_CAPACITY);
  let nx = 0, ny = 0, nz = 0;
  for (;;) {
    nx = <i32>((hx - lx) / size) + 1;
    ny = <i32>((hy - ly) / size) + 1;
    nz = <i32>((hz - lz) / size) + 1;
    const total = <f64>nx * <f64>ny * <f64>nz;
    if (total <= <f64>max(8 * nall + 64, 4096)) break;
    size *= 1.5;
  }
  const nbins = nx * ny * nz;
  setI(ctx, C_NEED_BINS, nbins);
  if (nbins + 1 > cap) return nbins + 1;
  setI(ctx, C_BINS_X, nx); setI(ctx, C_BINS_Y, ny); setI(ctx, C_BINS_Z, nz);
  setF(ctx, C_BIN_LO_X, lx); setF(ctx, C_BIN_LO_Y, ly); setF(ctx, C_BIN_LO_Z, lz);
  const inv = 1.0 / size;
  setF(ctx, C_BIN_INV, inv);
  const start = cp(ctx, C_BIN_START), atoms = cp(ctx, C_BIN_ATOMS), binOf = cp(ctx, C_BIN_OF);
  memory.fill(start, 0, <usize>(nbins + 1) << 2);
  for (let i = 0; i < nall; i++) {
    const b = (binCoord(getF(z, i), lz, inv, nz) * ny + binCoord(getF(y, i), ly, inv, ny)) * nx +
      binCoord(getF(x, i), lx, inv, nx);
    putI(binOf, i, b);
    putI(start, b + 1, getI(start, b + 1) + 1);
  }
  for (let b = 0; b < nbins; b++) putI(start, b + 1, getI(start, b + 1) + getI(start, b));
  // Fill each bin from its end, walking atoms downwards, so every bin lists ascending indices.
  // Afterwards start[b+1] has been decremented to the first slot of bin b.
  for (let i = nall - 1; i >= 0; i--) {
    const b = getI(binOf, i);
    const slot = getI(start, b + 1) - 1;
    putI(start, b + 1, slot);
    putI(atoms, slot, i);
  }
  for (let b = 0; b < nbins; b++) putI(start, b, getI(start, b + 1));
  putI(start, nbins, nall);
  return 0;
}

/**
 * Builds the half list (see the header for which pairs appear) from the bins, and records the
 * positions of owned atoms for the displacement check. Returns 0, or the slots needed when
 * `neighCapacity` is too small (then nothing past the capacity is written).
 *
 * The scan reads bin-sorted copies of the coordinates, so each row of bins is one contiguous,
 * sequential range. The copies live in the force arrays (recomputed after every build anyway), and
 * binOf is reused for a sort key that folds the pair rule into one comparison:
 * key = 2*owner + (1 if the atom is a ghost of its owner with a lexicographically positive shift);
 * the pair (i, j) is kept when key(j) > 2*i.
 */
export function buildNeighborList(ctx: usize): i32 {
  const n = ci(ctx, C_NLOCAL), nall = n + ci(ctx, C_NGHOST);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z);
  const owner = cp(ctx, C_GHOST_OWNER), shift = cp(ctx, C_GHOST_SHIFT);
  const numNeigh = cp(ctx, C_NUM_NEIGH), firstNeigh = cp(ctx, C_FIRST_NEIGH), neigh = cp(ctx, C_NEIGH);
  const cap = ci(ctx, C_NEIGH_CAPACITY);
  const start = cp(ctx, C_BIN_START), atoms = cp(ctx, C_BIN_ATOMS);
  const xb = cp(ctx, C_FX), yb = cp(ctx, C_FY), zb = cp(ctx, C_FZ), key = cp(ctx, C_BIN_OF);
  const nx = ci(ctx, C_BINS_X), ny = ci(ctx, C_BINS_Y), nz = ci(ctx, C_BINS_Z);
  const lx = cf(ctx, C_BIN_LO_X), ly = cf(ctx, C_BIN_LO_Y), lz = cf(ctx, C_BIN_LO_Z);
  const inv = cf(ctx, C_BIN_INV);
  const reach = cf(ctx, C_CUTOFF) + cf(ctx, C_SKIN);
  const reachSq = reach * reach;
  const span = <i32>ceil(reach * inv);
  const nsrc = n + ci(ctx, C_NIMPORT), rank = cp(ctx, C_RANK);
  for (let q = 0; q < nall; q++) {
    const j = getI(atoms, q);
    putF(xb, q, getF(x, j)); putF(yb, q, getF(y, j)); putF(zb, q, getF(z, j));
    let base = j, positive = false;
    if (j >= nsrc) {
      const sp = shift + (<usize>(j - n)) * 24;
      const sx = load<f64>(sp), sy = load<f64>(sp, 8), sz = load<f64>(sp, 16);
      positive = sx > 0.0 || (sx == 0.0 && (sy > 0.0 || (sy == 0.0 && sz > 0.0)));
      base = getI(owner, j - n);
    }
    putI(key, q, ((rank ? getI(rank, base) : base) << 1) + (positive ? 1 : 0));
  }
  // The largest key of each bin, so that each row of the stencil skips the bins at its ends whose
  // candidates would all fail the key test (key <= 2 i): the kept pairs and their order are the
  // same, and lattices built in index order (most structures) give whole rows of such bins. It
  // lives in x0 (2 n i32 slots), which is written with the build's positions at the end; grids of
  // more bins than that scan every row whole.
  const nbins = nx * ny * nz;
  const bmax = cp(ctx, C_X0);
  const prune = nbins <= 2 * n;
  if (prune) {
    for (let b = 0; b < nbins; b++) {
      let m = -1;
      for (let q = getI(start, b), e = getI(start, b + 1); q < e; q++) m = max(m, getI(key, q));
      putI(bmax, b, m);
    }
  }
  let k = 0;
  for (let i = 0; i < n; i++) {
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
    const bx = binCoord(xi, lx, inv, nx), by = binCoord(yi, ly, inv, ny), bz = binCoord(zi, lz, inv, nz);
    const z0 = max(bz - span, 0), z1 = min(bz + span, nz - 1);
    const y0 = max(by - span, 0), y1 = min(by + span, ny - 1);
    const x0 = max(bx - span, 0), x1 = min(bx + span, nx - 1);
    const first = k;
    const ki = (rank ? getI(rank, i) : i) << 1;
    for (let cz = z0; cz <= z1; cz++) {
      for (let cy = y0; cy <= y1; cy++) {
        const row = (cz * ny + cy) * nx;
        let lo = x0, hi = x1;
        if (prune) {
          while (lo <= hi && getI(bmax, row + lo) <= ki) lo++;
          while (hi > lo && getI(bmax, row + hi) <= ki) hi--;
          if (lo > hi) continue;
        }
        let s = getI(start, row + lo), e = getI(start, row + hi + 1);
        if (prune) {
          while (s < e && getI(key, s) <= ki) s++;
          while (e > s && getI(key, e - 1) <= ki) e--;
        }
        if (k + (e - s) <= cap) {
          // Branch-free: about a quarter of the candidates are kept, in no predictable pattern,
          // so every candidate is written and the count advances only for kept ones.
          let q = s;
          if (ASC_FEATURE_SIMD) {
            // Two consecutive candidates per iteration (the bin-sorted copies are contiguous): the
            // same distance and key tests in two lanes, then both written in order as below.
            for (; q + 1 < e; q += 2) {
              const o = <usize>q << 3;
              const dx = f64x2.sub(f64x2.splat(xi), v128.load(xb + o));
              const dy = f64x2.sub(f64x2.splat(yi), v128.load(yb + o));
              const dz = f64x2.sub(f64x2.splat(zi), v128.load(zb + o));
              const near = f64x2.lt(f64x2.add(f64x2.add(f64x2.mul(dx, dx), f64x2.mul(dy, dy)), f64x2.mul(dz, dz)), f64x2.splat(reachSq));
              const oq = <usize>q << 2;
              const above = i64x2.extend_low_i32x4_s(i32x4.gt_s(v128.load64_zero(key + oq), i32x4.splat(ki)));
              const bits = i64x2.bitmask(v128.and(near, above));
              putI(neigh, k, load<i32>(atoms + oq));
              k += bits & 1;
              putI(neigh, k, load<i32>(atoms + oq, 4));
              k += bits >> 1;
            }
          }
          for (; q < e; q++) {
            const dx = xi - getF(xb, q), dy = yi - getF(yb, q), dz = zi - getF(zb, q);
            const keep = (dx * dx + dy * dy + dz * dz < reachSq) & (getI(key, q) > ki);
            putI(neigh, k, getI(atoms, q));
            k += <i32>keep;
          }
        } else {
          for (let q = s; q < e; q++) {
            const dx = xi - getF(xb, q), dy = yi - getF(yb, q), dz = zi - getF(zb, q);
            if (dx * dx + dy * dy + dz * dz < reachSq && getI(key, q) > ki) {
              if (k < cap) putI(neigh, k, getI(atoms, q));
              k++;
            }
          }
        }
      }
    }
    putI(firstNeigh, i, first);
    putI(numNeigh, i, k - first);
  }
  setI(ctx, C_NEED_NEIGH, k);
  if (k > cap) return k;
  const px = cp(ctx, C_X0), py = cp(ctx, C_Y0), pz = cp(ctx, C_Z0);
  memory.copy(px, x, <usize>n << 3);
  memory.copy(py, y, <usize>n << 3);
  memory.copy(pz, z, <usize>n << 3);
  setI(ctx, C_BUILDS, ci(ctx, C_BUILDS) + 1);
  setI(ctx, C_SINCE_BUILD, 0);
  return 0;
}

/**
 * Counts one more step since the last build and says whether to rebuild now, as LAMMPS'
 * neigh_modify every/delay/check yes: only on steps past `delay` that are multiples of `every`, and
 * only when an atom moved more than half the skin. A build due on the first allowed step is counted
 * as `dangerous` (it may have been due earlier).
 */
export function rebuildDue(ctx: usize): bool {
  const since = ci(ctx, C_SINCE_BUILD) + 1;
  setI(ctx, C_SINCE_BUILD, since);
  const every = max(ci(ctx, C_EVERY), 1);
  if (since < ci(ctx, C_DELAY) || since % every != 0 || !needsRebuild(ctx)) return false;
  if (since == max(ci(ctx, C_DELAY), every)) setI(ctx, C_DANGEROUS, ci(ctx, C_DANGEROUS) + 1);
  return true;
}

/** True when some owned atom has moved more than half the skin since the last build. */
export function needsRebuild(ctx: usize): bool {
  const n = ci(ctx, C_NLOCAL);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z);
  const px = cp(ctx, C_X0), py = cp(ctx, C_Y0), pz = cp(ctx, C_Z0);
  const half = 0.5 * cf(ctx, C_SKIN);
  const limit = half * half;
  for (let i = 0; i < n; i++) {
    const dx = getF(x, i) - getF(px, i), dy = getF(y, i) - getF(py, i), dz = getF(z, i) - getF(pz, i);
    if (dx * dx + dy * dy + dz * dz > limit) return true;
  }
  return false;
}

/**
 * The list slot of the closest pair of the half list (the first one in list order at the smallest
 * squared distance, at the current positions of owned atoms and ghosts), or -1 for an empty list.
 * The diagnostics' `closestPair` (src/engine/neighbor-list.ts) reads the pair from the slot; a
 * JavaScript loop over the ~1.3 million entries of 32,000 atoms ran cold at every md/eval start.
 */
export function closestPairSlot(ctx: usize): i32 {
  const n = ci(ctx, C_NLOCAL);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z);
  const numNeigh = cp(ctx, C_NUM_NEIGH), firstNeigh = cp(ctx, C_FIRST_NEIGH), neigh = cp(ctx, C_NEIGH);
  let bq = -1;
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
    const first = getI(firstNeigh, i), end = first + getI(numNeigh, i);
    for (let q = first; q < end; q++) {
      const j = getI(neigh, q);
      const dx = xi - getF(x, j), dy = yi - getF(y, j), dz = zi - getF(z, j);
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq < best || bq < 0) {
        best = rsq;
        bq = q;
      }
    }
  }
  return bq;
}
