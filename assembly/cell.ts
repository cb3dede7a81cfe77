// Cell geometry and periodic images.
//
// Periodic boundaries are handled with ghost atoms, as LAMMPS does: every periodic image of an owned
// atom that lies within cutoff+skin of the cell becomes a ghost with a fixed Cartesian shift. Pair loops
// then need no minimum-image arithmetic, and cells shorter than the cutoff (several images of one atom
// interacting with another) need no special case.
import {
  C_NLOCAL, C_NGHOST, C_CAPACITY, C_X, C_Y, C_Z, C_TYPE, C_GHOST_CAPACITY, C_GHOST_OWNER, C_GHOST_SHIFT,
  C_H00, C_H01, C_H02, C_H10, C_H11, C_H12, C_H20, C_H21, C_H22,
  C_G00, C_G01, C_G02, C_G10, C_G11, C_G12, C_G20, C_G21, C_G22,
  C_PBC_A, C_PBC_B, C_PBC_C, C_MARGIN_A, C_MARGIN_B, C_MARGIN_C, C_NEED_GHOSTS, C_NIMPORT,
} from "./context";
import { ci, cf, cp, setI, getF, putF, getI, putI } from "./mem";

/** Moves owned atoms that left the cell along a periodic direction back inside (fractional [0,1)). */
export function wrapOwned(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const px = ci(ctx, C_PBC_A), py = ci(ctx, C_PBC_B), pz = ci(ctx, C_PBC_C);
  if (!(px | py | pz)) return;
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z);
  const h00 = cf(ctx, C_H00), h01 = cf(ctx, C_H01), h02 = cf(ctx, C_H02);
  const h10 = cf(ctx, C_H10), h11 = cf(ctx, C_H11), h12 = cf(ctx, C_H12);
  const h20 = cf(ctx, C_H20), h21 = cf(ctx, C_H21), h22 = cf(ctx, C_H22);
  const g00 = cf(ctx, C_G00), g01 = cf(ctx, C_G01), g02 = cf(ctx, C_G02);
  const g10 = cf(ctx, C_G10), g11 = cf(ctx, C_G11), g12 = cf(ctx, C_G12);
  const g20 = cf(ctx, C_G20), g21 = cf(ctx, C_G21), g22 = cf(ctx, C_G22);
  for (let i = 0; i < n; i++) {
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
    // Only atoms outside the cell are touched, so coordinates given inside it stay bit-exact.
    const na = px ? floor(xi * g00 + yi * g10 + zi * g20) : 0.0;
    const nb = py ? floor(xi * g01 + yi * g11 + zi * g21) : 0.0;
    const nc = pz ? floor(xi * g02 + yi * g12 + zi * g22) : 0.0;
    if (na != 0.0 || nb != 0.0 || nc != 0.0) {
      putF(x, i, xi - (na * h00 + nb * h10 + nc * h20));
      putF(y, i, yi - (na * h01 + nb * h11 + nc * h21));
      putF(z, i, zi - (na * h02 + nb * h12 + nc * h22));
    }
  }
}

/**
 * Creates the ghost atoms: every image (shift n != 0 along periodic directions) whose fractional
 * coordinates lie within the margin (cutoff+skin, in fractional units) of the cell. Ghost g sits at
 * extended index nlocal+g. Returns the number of ghosts; when it exceeds the capacity nothing past the
 * capacity is written, `needGhosts` is set and the caller must grow the arrays and call again.
 *
 * In a spatial domain the first nimport ghost slots hold imported atoms (placed by the caller, no
 * owner here); they get images like owned atoms, and the images follow them.
 */
export function makeGhosts(ctx: usize): i32 {
  const n = ci(ctx, C_NLOCAL);
  const ni = ci(ctx, C_NIMPORT);
  const cap = ci(ctx, C_GHOST_CAPACITY);
  const px = ci(ctx, C_PBC_A), py = ci(ctx, C_PBC_B), pz = ci(ctx, C_PBC_C);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z), type = cp(ctx, C_TYPE);
  const owner = cp(ctx, C_GHOST_OWNER), shift = cp(ctx, C_GHOST_SHIFT);
  const h00 = cf(ctx, C_H00), h01 = cf(ctx, C_H01), h02 = cf(ctx, C_H02);
  const h10 = cf(ctx, C_H10), h11 = cf(ctx, C_H11), h12 = cf(ctx, C_H12);
  const h20 = cf(ctx, C_H20), h21 = cf(ctx, C_H21), h22 = cf(ctx, C_H22);
  const g00 = cf(ctx, C_G00), g01 = cf(ctx, C_G01), g02 = cf(ctx, C_G02);
  const g10 = cf(ctx, C_G10), g11 = cf(ctx, C_G11), g12 = cf(ctx, C_G12);
  const g20 = cf(ctx, C_G20), g21 = cf(ctx, C_G21), g22 = cf(ctx, C_G22);
  const ma = cf(ctx, C_MARGIN_A), mb = cf(ctx, C_MARGIN_B), mc = cf(ctx, C_MARGIN_C);
  const ka = px ? <i32>ceil(ma) + 1 : 0;
  const kb = py ? <i32>ceil(mb) + 1 : 0;
  const kc = pz ? <i32>ceil(mc) + 1 : 0;
  let g = ni;
  for (let i = 0; i < n + ni; i++) {
    const xi = getF(x, i), yi = getF(y, i), zi = getF(z, i);
    const sa = xi * g00 + yi * g10 + zi * g20;
    const sb = xi * g01 + yi * g11 + zi * g21;
    const sc = xi * g02 + yi * g12 + zi * g22;
    const ti = getI(type, i);
    for (let a = -ka; a <= ka; a++) {
      const ta = sa + <f64>a;
      if (ta < -ma || ta > 1.0 + ma) continue;
      for (let b = -kb; b <= kb; b++) {
        const tb = sb + <f64>b;
        if (tb < -mb || tb > 1.0 + mb) continue;
        for (let c = -kc; c <= kc; c++) {
          if (a == 0 && b == 0 && c == 0) continue;
          const tc = sc + <f64>c;
          if (tc < -mc || tc > 1.0 + mc) continue;
          if (g < cap) {
            const fa = <f64>a, fb = <f64>b, fc = <f64>c;
            const sx = fa * h00 + fb * h10 + fc * h20;
            const sy = fa * h01 + fb * h11 + fc * h21;
            const sz = fa * h02 + fb * h12 + fc * h22;
            putI(owner, g, i);
            const s = shift + <usize>g * 24;
            store<f64>(s, sx); store<f64>(s, sy, 8); store<f64>(s, sz, 16);
            const e = n + g;
            putF(x, e, xi + sx); putF(y, e, yi + sy); putF(z, e, zi + sz);
            putI(type, e, ti);
          }
          g++;
        }
      }
    }
  }
  setI(ctx, C_NGHOST, g <= cap ? g : ni);
  setI(ctx, C_NEED_GHOSTS, g);
  return g;
}

/** Moves every ghost with its owner (positions only): x[nlocal+g] = x[owner] + shift. Imports are set by the caller. */
export function updateGhostPositions(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), ng = ci(ctx, C_NGHOST);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z);
  const owner = cp(ctx, C_GHOST_OWNER), shift = cp(ctx, C_GHOST_SHIFT);
  for (let g = ci(ctx, C_NIMPORT); g < ng; g++) {
    const o = getI(owner, g);
    const s = shift + <usize>g * 24;
    const e = n + g;
    putF(x, e, getF(x, o) + load<f64>(s));
    putF(y, e, getF(y, o) + load<f64>(s, 8));
    putF(z, e, getF(z, o) + load<f64>(s, 16));
  }
}

/**
 * Adds each ghost's accumulated value into its owner (LAMMPS' reverse communication). The owner
 * may be an imported atom, whose sum the caller sends on to the domain that owns it.
 */
export function foldGhosts(ctx: usize, arr: usize): void {
  const n = ci(ctx, C_NLOCAL), ng = ci(ctx, C_NGHOST);
  const owner = cp(ctx, C_GHOST_OWNER);
  for (let g = ci(ctx, C_NIMPORT); g < ng; g++) {
    const o = getI(owner, g);
    putF(arr, o, getF(arr, o) + getF(arr, n + g));
  }
}

/** Copies each owner's value to its ghosts (LAMMPS' forward communication). */
export function copyToGhosts(ctx: usize, arr: usize): void {
  const n = ci(ctx, C_NLOCAL), ng = ci(ctx, C_NGHOST);
  const owner = cp(ctx, C_GHOST_OWNER);
  for (let g = ci(ctx, C_NIMPORT); g < ng; g++) putF(arr, n + g, getF(arr, getI(owner, g)));
}

// capacity is read by callers that size loops over extended arrays
export function extendedCount(ctx: usize): i32 { return ci(ctx, C_NLOCAL) + ci(ctx, C_NGHOST); }
// keep C_CAPACITY referenced for clarity of the layout contract
@inline export function capacityOf(ctx: usize): i32 { return ci(ctx, C_CAPACITY); }
