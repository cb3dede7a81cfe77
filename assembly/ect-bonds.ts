// Bond-transfer bond refresh on linear memory: the kernel form of the geometry and screening check of
// `refreshBonds` (src/ect/transfer/bond-list.ts, the readable reference kept beside it, with
// `screeningFactor` and `blockedRadius` of src/ect/transfer/screening.ts): the same formulas in the
// same order, so that both give the same bits (test/ect-wasm-bonds.test.ts compares them over MD).
// Per listed bond, at every MD step: r_ij = r_j + shift - r_i and |r_ij|; the screening factor S
// (MEAM's ellipse test) unless the bond's cached blocker provably still blocks it; a blocking
// radius when a screening reference is taken. The couplings and channel correlations of the few
// bonds left with S != 0 (3 of 82 per atom in rock-salt NaCl) stay in TypeScript, which reads the
// lists this kernel writes.
//
// Its buffers are addressed through a header of byte offsets (i32 words at `hdr`, then f64
// parameters at hdr + HF), written by src/ect/transfer/bond-kernel.ts; they live in a wasm instance
// of their own (no context fields: the engine's arena keeps its tail for the induction buffers).

/** Header words (i32): sizes, then byte offsets of the buffers. */
const enum H {
  N = 0, NB = 1, NE = 2,
  X = 3, Y = 4, Z = 5, TYPE = 6,
  BI = 7, BJ = 8, SX = 9, SY = 10, SZ = 11,
  DX = 12, DY = 13, DZ = 14, R = 15,
  BY = 16, BSX = 17, BSY = 18, BSZ = 19, BDIST = 20, SAFE = 21, PREV = 22,
  CUT = 23, SCREENED = 24,
  START = 25, OWNER = 26, ASX = 27, ASY = 28, ASZ = 29, ADIST = 30,
  COUPLED = 31, COUPLED_S = 32, ZEROED = 33,
  /** Outputs: how many bonds the last refresh put in each list. */
  N_COUPLED = 34, N_ZEROED = 35,
  /** 1 when the model screens its couplings (the neighborhood buffers are set). */
  SCREENING = 36,
}
/** Byte offset of the f64 parameters: C_min, C_max, reach2 (screeningReach2), neighborhood margin (A). */
const HF: usize = 256;
const enum P { CMIN = 0, CMAX = 1, REACH2 = 2, MARGIN = 3 }

@inline function word(hdr: usize, w: i32): i32 { return load<i32>(hdr + (<usize>w << 2)); }
@inline function ptr(hdr: usize, w: i32): usize { return <usize>load<u32>(hdr + (<usize>w << 2)); }
@inline function param(hdr: usize, p: i32): f64 { return load<f64>(hdr + HF + (<usize>p << 3)); }
@inline function f(base: usize, i: i32): f64 { return load<f64>(base + (<usize>i << 3)); }
@inline function setf(base: usize, i: i32, v: f64): void { store<f64>(base + (<usize>i << 3), v); }
@inline function n32(base: usize, i: i32): i32 { return load<i32>(base + (<usize>i << 2)); }
@inline function set32(base: usize, i: i32, v: i32): void { store<i32>(base + (<usize>i << 2), v); }

/**
 * Ellipse parameter C_ikj of the image of atom o at shift (sx, sy, sz) (A), `dist` from i at the
 * neighborhood's build, for the bond from i along (dx, dy, dz); Infinity when the walk skips it
 * (screening.ts, `ellipseParameter`).
 */
@inline function ellipse(
  x: usize, y: usize, z: usize, cmax: f64, o: i32, sx: f64, sy: f64, sz: f64, dist: f64,
  xi: f64, yi: f64, zi: f64, dx: f64, dy: f64, dz: f64, rij2: f64, reach: f64, last: f64,
): f64 {
  if (dist > last) return Infinity;
  const kx = f(x, o) + sx - xi, ky = f(y, o) + sy - yi, kz = f(z, o) + sz - zi;
  const rik2 = kx * kx + ky * ky + kz * kz;
  if (rik2 >= reach) return Infinity;
  const ex = kx - dx, ey = ky - dy, ez = kz - dz;
  const rjk2 = ex * ex + ey * ey + ez * ez;
  if (rjk2 >= reach || rjk2 < 1e-12 * rij2) return Infinity;
  const a = rik2 / rij2, bb = rjk2 / rij2, u = a - bb, den = 1 - u * u;
  if (den <= 0) return Infinity;
  const c = (2 * (a + bb) - u * u - 1) / den;
  return c >= cmax ? Infinity : c;
}

/** Screening factor of bond k, its cached blocker tried first (screening.ts, `screeningFactor`). */
function screeningFactor(hdr: usize, k: i32, x: usize, y: usize, z: usize): f64 {
  const cmin = param(hdr, P.CMIN), cmax = param(hdr, P.CMAX);
  const i = n32(ptr(hdr, H.BI), k);
  const dx = f(ptr(hdr, H.DX), k), dy = f(ptr(hdr, H.DY), k), dz = f(ptr(hdr, H.DZ), k);
  const rij2 = dx * dx + dy * dy + dz * dz;
  const reach = param(hdr, P.REACH2) * rij2;
  const last = Math.sqrt(reach) + param(hdr, P.MARGIN);
  const xi = f(x, i), yi = f(y, i), zi = f(z, i);
  const span = cmax - cmin;
  const by = ptr(hdr, H.BY), bsx = ptr(hdr, H.BSX), bsy = ptr(hdr, H.BSY), bsz = ptr(hdr, H.BSZ), bdist = ptr(hdr, H.BDIST);
  const seen = n32(by, k);
  if (seen >= 0) {
    const c = ellipse(x, y, z, cmax, seen, f(bsx, k), f(bsy, k), f(bsz, k), f(bdist, k), xi, yi, zi, dx, dy, dz, rij2, reach, last);
    if ((c - cmin) / span <= 0) return 0;
  }
  let S = 1.0;
  const dist = ptr(hdr, H.ADIST), owner = ptr(hdr, H.OWNER), asx = ptr(hdr, H.ASX), asy = ptr(hdr, H.ASY), asz = ptr(hdr, H.ASZ);
  const start = ptr(hdr, H.START);
  for (let q = n32(start, i), end = n32(start, i + 1); q < end; q++) {
    const dq = f(dist, q);
    if (dq > last) break;
    const o = n32(owner, q);
    const c = ellipse(x, y, z, cmax, o, f(asx, q), f(asy, q), f(asz, q), dq, xi, yi, zi, dx, dy, dz, rij2, reach, last);
    if (c == Infinity) continue;
    const xc = (c - cmin) / span;
    if (xc >= 1) continue;
    if (xc <= 0) {
      set32(by, k, o);
      setf(bsx, k, f(asx, q));
      setf(bsy, k, f(asy, q));
      setf(bsz, k, f(asz, q));
      setf(bdist, k, dq);
      return 0;
    }
    const u = 1 - xc, v = 1 - u * u * u * u;
    S *= v * v;
    if (S == 0) return 0;
  }
  return S;
}

/** Largest displacement (A, among SAFE_RADII) under which bond k's cached blocker still blocks it; -1 if none (screening.ts, `blockedRadius`). */
function blockedRadius(hdr: usize, k: i32, x: usize, y: usize, z: usize): f64 {
  const cmin = param(hdr, P.CMIN);
  const o = n32(ptr(hdr, H.BY), k);
  if (o < 0 || !(cmin >= 1)) return -1;
  const i = n32(ptr(hdr, H.BI), k), j = n32(ptr(hdr, H.BJ), k);
  const dx = f(x, j) + f(ptr(hdr, H.SX), k) - f(x, i), dy = f(y, j) + f(ptr(hdr, H.SY), k) - f(y, i), dz = f(z, j) + f(ptr(hdr, H.SZ), k) - f(z, i);
  const vx = f(x, o) + f(ptr(hdr, H.BSX), k) - f(x, i) - 0.5 * dx;
  const vy = f(y, o) + f(ptr(hdr, H.BSY), k) - f(y, i) - 0.5 * dy;
  const vz = f(z, o) + f(ptr(hdr, H.BSZ), k) - f(z, i) - 0.5 * dz;
  const d = Math.sqrt(dx * dx + dy * dy + dz * dz), v = Math.sqrt(vx * vx + vy * vy + vz * vz);
  const vd = Math.abs(vx * dx + vy * dy + vz * dz);
  const beta = 1 - 1 / cmin;
  for (let m = 0; m < 8; m++) {
    const delta = safeRadius(m);
    const dLow = d - 2 * delta, vHigh = v + 2 * delta;
    if (!(dLow > 0)) continue;
    const along = (vd + 2 * delta * (v + d) + 4 * delta * delta) / dLow;
    const proj2 = Math.min(vHigh * vHigh, along * along);
    const low = dLow * dLow - (4 / cmin) * vHigh * vHigh - 4 * beta * proj2;
    if (low > 1e-6 * dLow * dLow) return delta;
  }
  return -1;
}

/** SAFE_RADII of screening.ts, largest first (A). */
@inline function safeRadius(m: i32): f64 {
  return m == 0 ? 0.5 : m == 1 ? 0.35 : m == 2 ? 0.25 : m == 3 ? 0.18 : m == 4 ? 0.12 : m == 5 ? 0.08 : m == 6 ? 0.05 : 0.03;
}

/**
 * One refresh of every bond at the current positions: geometry into dx, dy, dz, r; the screening
 * check (skipped for a bond whose radius exceeds `moved` when `taking` is 0 and `hasSafe` is 1;
 * radii taken anew when `taking` is 1); the bonds with S != 0 (ascending, S beside them) into the
 * coupled list and those that had S != 0 at the last refresh and have 0 now into the zeroed list.
 * `moved`: the largest displacement (A) of an atom from the screening reference.
 */
export function ectBondRefresh(hdr: usize, moved: f64, taking: i32, hasSafe: i32): void {
  const nb = word(hdr, H.NB), ne = word(hdr, H.NE), screening = word(hdr, H.SCREENING) != 0;
  const x = ptr(hdr, H.X), y = ptr(hdr, H.Y), z = ptr(hdr, H.Z), type = ptr(hdr, H.TYPE);
  const bi = ptr(hdr, H.BI), bj = ptr(hdr, H.BJ), bsx = ptr(hdr, H.SX), bsy = ptr(hdr, H.SY), bsz = ptr(hdr, H.SZ);
  const bdx = ptr(hdr, H.DX), bdy = ptr(hdr, H.DY), bdz = ptr(hdr, H.DZ), br = ptr(hdr, H.R);
  const safe = ptr(hdr, H.SAFE), prev = ptr(hdr, H.PREV), cutoff = ptr(hdr, H.CUT), screened = ptr(hdr, H.SCREENED);
  const coupled = ptr(hdr, H.COUPLED), coupledS = ptr(hdr, H.COUPLED_S), zeroed = ptr(hdr, H.ZEROED);
  const useSafe = hasSafe != 0, take = taking != 0;
  if (useSafe && take) for (let k = 0; k < nb; k++) setf(safe, k, -1);
  let nc = 0, nz = 0;
  for (let k = 0; k < nb; k++) {
    const i = n32(bi, k), j = n32(bj, k);
    const dx = f(x, j) + f(bsx, k) - f(x, i), dy = f(y, j) + f(bsy, k) - f(y, i), dz = f(z, j) + f(bsz, k) - f(z, i);
    const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
    setf(bdx, k, dx);
    setf(bdy, k, dy);
    setf(bdz, k, dz);
    setf(br, k, r);
    const tp = n32(type, i) * ne + n32(type, j);
    let S: f64 = r < f(cutoff, tp) ? 1 : 0;
    if (S != 0 && screening && n32(screened, tp) != 0) {
      if (useSafe && !take && f(safe, k) > moved) S = 0;
      else {
        S = screeningFactor(hdr, k, x, y, z);
        if (useSafe) setf(safe, k, take && S == 0 ? blockedRadius(hdr, k, x, y, z) : -1);
      }
    }
    const was = load<u8>(prev + <usize>k);
    if (S == 0) {
      if (was != 0) {
        set32(zeroed, nz++, k);
        store<u8>(prev + <usize>k, 0);
      }
      continue;
    }
    set32(coupled, nc, k);
    setf(coupledS, nc, S);
    nc++;
    if (was == 0) store<u8>(prev + <usize>k, 1);
  }
  set32(hdr, H.N_COUPLED, nc);
  set32(hdr, H.N_ZEROED, nz);
}
