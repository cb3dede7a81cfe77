// The conjugate-gradient iterations of an extended-Lagrangian step with frozen products on linear
// memory: the kernel form of the CG loop of `newtonStep` (src/ect/transfer/xl-newton.ts, the readable
// reference kept beside it) with its Hessian-vector products, each a forward difference of the
// gradient of the bond terms and the weights with eps held (`weightsFromVariables` with rows off,
// `bondEnergy` and the gradient of `transferEnergy` in transfer-energy.ts and bonds.ts), over the
// live bonds packed (`liveBondSet`: bond q is live bond q) of a neutral system. The same formulas
// in the same order, so both give the same bits (test/ect-wasm-bonds.test.ts).
//
// Buffers through a header of byte offsets (i32 words at `hdr`), written by
// src/ect/transfer/bond-kernel.ts in the bond kernels' own wasm instance.

const enum H {
  N = 0, NL = 1, NA = 2,
  LI = 3, LJ = 4, LH = 5, LDF = 6, LDR = 7, LWEAK = 8, LFWD = 9, LREV = 10,
  EPS = 11, CAT = 12, NEU = 13, ANI = 14,
  X = 15, ACT = 16, G0 = 17, D = 18,
  PROBE = 19, G = 20, WP = 21, WM = 22, W0 = 23, GA = 24, GF = 25, GR = 26, DP = 27, DM = 28,
  R = 29, Z = 30, DIR = 31, HD = 32, STEP = 33,
}

/** Largest amplitude change of a difference probe (xl-newton.ts, PROBE). */
const PROBE: f64 = 1e-5;
/** bonds.ts, NEUTRAL_FLOOR. */
const NEUTRAL_FLOOR: f64 = 1e-14;
/** Weight slots per atom (transfer-energy.ts, SLOTS). */
const SLOTS: i32 = 4;

@inline function ptr(hdr: usize, w: i32): usize { return <usize>load<u32>(hdr + (<usize>w << 2)); }
@inline function f(base: usize, i: i32): f64 { return load<f64>(base + (<usize>i << 3)); }
@inline function setf(base: usize, i: i32, v: f64): void { store<f64>(base + (<usize>i << 3), v); }
@inline function n32(base: usize, i: i32): i32 { return load<i32>(base + (<usize>i << 2)); }
@inline function on(base: usize, i: i32): bool { return load<u8>(base + <usize>i) != 0; }

function dot(a: usize, b: usize, na: i32): f64 {
  let s = 0.0;
  for (let k = 0; k < na; k++) s += f(a, k) * f(b, k);
  return s;
}

/**
 * Neutral weights w0 = 1 - w+ - w- of the amplitudes at `x` (weightsFromVariables without the slot
 * rows, neutral system), into the W0 buffer.
 */
function neutralWeights(hdr: usize, x: usize): void {
  const n = load<i32>(hdr + (<usize>H.N << 2)), nl = load<i32>(hdr + (<usize>H.NL << 2));
  const wp = ptr(hdr, H.WP), wm = ptr(hdr, H.WM), w0 = ptr(hdr, H.W0);
  const bi = ptr(hdr, H.LI), bj = ptr(hdr, H.LJ), fwd = ptr(hdr, H.LFWD), rev = ptr(hdr, H.LREV);
  memory.fill(wp, 0, <usize>n << 3);
  memory.fill(wm, 0, <usize>n << 3);
  let run = -1, wpRun = 0.0, wmRun = 0.0;
  for (let q = 0; q < nl; q++) {
    const i = n32(bi, q), j = n32(bj, q);
    if (i != run) {
      if (run >= 0) {
        setf(wp, run, wpRun);
        setf(wm, run, wmRun);
      }
      run = i;
      wpRun = f(wp, i);
      wmRun = f(wm, i);
    }
    if (on(fwd, q)) {
      const xf = f(x, q), v = xf * xf;
      wpRun += v;
      if (j == run) wmRun += v;
      else setf(wm, j, f(wm, j) + v);
    }
    if (on(rev, q)) {
      const xr = f(x, nl + q), v = xr * xr;
      if (j == run) wpRun += v;
      else setf(wp, j, f(wp, j) + v);
      wmRun += v;
    }
  }
  if (run >= 0) {
    setf(wp, run, wpRun);
    setf(wm, run, wmRun);
  }
  for (let i = 0; i < n; i++) setf(w0, i, 1 - f(wp, i) - f(wm, i));
}

/**
 * The gradient of the frozen energy at `x` (amplitudes, 2 per live bond) into the G buffer at the
 * live channels: bondEnergy's explicit parts and its dE/dw0 per atom, then transferEnergy's chain
 * rule through w+ and w- with eps held.
 */
function frozenGradient(hdr: usize, x: usize): void {
  const n = load<i32>(hdr + (<usize>H.N << 2)), nl = load<i32>(hdr + (<usize>H.NL << 2));
  neutralWeights(hdr, x);
  const w0 = ptr(hdr, H.W0), ga = ptr(hdr, H.GA), gf = ptr(hdr, H.GF), gr = ptr(hdr, H.GR);
  const bi = ptr(hdr, H.LI), bj = ptr(hdr, H.LJ), bh = ptr(hdr, H.LH), dF = ptr(hdr, H.LDF), dR = ptr(hdr, H.LDR);
  const bweak = ptr(hdr, H.LWEAK), fwd = ptr(hdr, H.LFWD), rev = ptr(hdr, H.LREV);
  memory.fill(ga, 0, <usize>n << 3);
  let run = -1, gRun = 0.0;
  for (let q = 0; q < nl; q++) {
    const i = n32(bi, q), j = n32(bj, q);
    if (i != run) {
      if (run >= 0) setf(ga, run, gRun);
      run = i;
      gRun = f(ga, i);
    }
    const w0i = f(w0, i), w0j = f(w0, j);
    const wi = w0i > NEUTRAL_FLOOR ? w0i : NEUTRAL_FLOOR;
    const wj = w0j > NEUTRAL_FLOOR ? w0j : NEUTRAL_FLOOR;
    const m = Math.sqrt(Math.sqrt(wi * wj));
    const m2 = m * m;
    const fOn = on(fwd, q), rOn = on(rev, q);
    const fa = fOn ? f(x, q) : 0.0, rv = rOn ? f(x, nl + q) : 0.0;
    const h = f(bh, q), df = f(dF, q), dr = f(dR, q), weak = f(bweak, q);
    setf(gf, q, fOn ? 2 * h * m + 2 * df * fa * m2 + 2 * weak * fa : 0.0);
    setf(gr, q, rOn ? 2 * h * m + 2 * dr * rv * m2 + 2 * weak * rv : 0.0);
    const dEdm = 2 * h * (fa + rv) + 2 * (df * fa * fa + dr * rv * rv) * m;
    if (w0i > NEUTRAL_FLOOR) gRun += (dEdm * m) / (4 * wi);
    if (w0j > NEUTRAL_FLOOR) {
      if (j == run) gRun += (dEdm * m) / (4 * wj);
      else setf(ga, j, f(ga, j) + (dEdm * m) / (4 * wj));
    }
  }
  if (run >= 0) setf(ga, run, gRun);
  const eps = ptr(hdr, H.EPS), cat = ptr(hdr, H.CAT), neu = ptr(hdr, H.NEU), ani = ptr(hdr, H.ANI);
  const dP = ptr(hdr, H.DP), dM = ptr(hdr, H.DM);
  for (let i = 0; i < n; i++) {
    const row = i * SLOTS, z = f(eps, row + n32(neu, i)) + f(ga, i);
    const c = n32(cat, i), a = n32(ani, i);
    setf(dP, i, c >= 0 ? f(eps, row + c) - z : 0.0);
    setf(dM, i, a >= 0 ? f(eps, row + a) - z : 0.0);
  }
  const g = ptr(hdr, H.G);
  for (let q = 0; q < nl; q++) {
    const i = n32(bi, q), j = n32(bj, q);
    setf(g, q, on(fwd, q) ? 2 * f(x, q) * (f(dP, i) + f(dM, j)) + f(gf, q) : 0.0);
    setf(g, nl + q, on(rev, q) ? 2 * f(x, nl + q) * (f(dP, j) + f(dM, i)) + f(gr, q) : 0.0);
  }
}

/**
 * `rank` preconditioned CG iterations on H d = -g0 at the amplitudes X (active variables ACT, their
 * gradient G0 and diagonal curvature D), each product H v a forward difference of the frozen
 * gradient; the step d (per active variable) into STEP.
 */
export function ectFrozenCg(hdr: usize, rank: i32): void {
  const na = load<i32>(hdr + (<usize>H.NA << 2));
  const x = ptr(hdr, H.X), act = ptr(hdr, H.ACT), g0 = ptr(hdr, H.G0), D = ptr(hdr, H.D);
  const probe = ptr(hdr, H.PROBE), g = ptr(hdr, H.G);
  const r = ptr(hdr, H.R), z = ptr(hdr, H.Z), dir = ptr(hdr, H.DIR), Hd = ptr(hdr, H.HD), step = ptr(hdr, H.STEP);
  for (let a = 0; a < na; a++) {
    setf(r, a, -f(g0, a));
    setf(z, a, f(r, a) / f(D, a));
    setf(dir, a, f(z, a));
    setf(step, a, 0);
  }
  for (let a = 0; a < na; a++) {
    const k = n32(act, a);
    setf(probe, k, f(x, k));
  }
  let rz = dot(r, z, na);
  for (let it = 0; it < rank && rz > 0; it++) {
    // H dir by a forward difference of the gradient along dir.
    let big = 0.0;
    for (let a = 0; a < na; a++) big = Math.max(big, Math.abs(f(dir, a)));
    const h = PROBE / Math.max(big, 1e-300);
    for (let a = 0; a < na; a++) {
      const k = n32(act, a);
      setf(probe, k, f(x, k) + h * f(dir, a));
    }
    frozenGradient(hdr, probe);
    for (let a = 0; a < na; a++) setf(Hd, a, (f(g, n32(act, a)) - f(g0, a)) / h);
    const curv = dot(dir, Hd, na);
    if (!(curv > 0)) break;
    const alpha = rz / curv;
    for (let a = 0; a < na; a++) {
      setf(step, a, f(step, a) + alpha * f(dir, a));
      setf(r, a, f(r, a) - alpha * f(Hd, a));
      setf(z, a, f(r, a) / f(D, a));
    }
    const rzNew = dot(r, z, na);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let a = 0; a < na; a++) setf(dir, a, f(z, a) + beta * f(dir, a));
  }
}
