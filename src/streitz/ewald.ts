/**
 * The reciprocal-space part of the Ewald sum as LAMMPS `kspace_style ewald` computes it
 * (src/KSPACE/ewald.cpp) with `kspace_modify gewald G kmax/ewald KX KY KZ`, for point charges in a
 * fully periodic cell in LAMMPS restricted-triclinic form (a = (lx,0,0), b = (xy,ly,0),
 * c = (xz,yz,lz)).
 *
 *   E = k [ sum_{k in K} (4 pi / V) exp(-|k|^2 / 4g^2) / |k|^2 |S(k)|^2
 *           - g/sqrt(pi) sum_i q_i^2 - pi/(2 g^2 V) (sum_i q_i)^2 ],   S(k) = sum_i q_i exp(i k.x_i)
 *
 * K is LAMMPS' half set of k-vectors (one of each +-k pair, hence 4 pi instead of 2 pi):
 * - k = 2 pi h^-T (n1, n2, n3) with |k|^2 <= 1.00001 max_d (2 pi kmax_d / L_d)^2, L = (lx, ly, lz);
 * - orthogonal box (no tilt): (m,0,0), (0,m,0), (0,0,m) for m = 1..max(kmax), then (n1,+-n2,0),
 *   (0,n2,+-n3), (n1,0,+-n3), (n1,+-n2,+-n3) with 1 <= n_d <= kmax_d (`Ewald::coeffs`);
 * - tilted box: n1 = 1..kx with |n2| <= ky, |n3| <= kz; n1 = 0, n2 = 1..ky, |n3| <= kz; and
 *   (0,0,m) for m = 1..max(kmax) (`Ewald::coeffs_triclinic`).
 * LAMMPS decides "tilted" from the data file (a tilt line); here it is any non-zero tilt factor.
 * The two sets differ only in axis vectors beyond kmax_d, which carry exp(-|k|^2/4g^2) < 1e-30 for
 * sensible settings.
 *
 * The phases exp(i n k_d.x) are built by LAMMPS' recurrence from n = 1, and the structure factors
 * and forces with its products, so the result agrees with LAMMPS to rounding.
 */
import { InputError } from "../errors.js";

const MY_PI = 3.14159265358979323846;
const MY_PI2 = 1.57079632679489661923; // pi/2
const MY_PIS = 1.77245385090551602729; // sqrt(pi)

/** Settings of the k-space sum. */
export interface EwaldKspaceOptions {
  /** Ewald splitting parameter g (LAMMPS g_ewald), 1/A. */
  g: number;
  /** Largest index per reciprocal direction (LAMMPS kmax/ewald kx ky kz). */
  kmax: readonly [number, number, number];
  /** Coulomb constant k = qqrd2e, eV A / e^2. */
  qqrd2e: number;
}

/** Result of the k-space sum (all arrays are owned by the caller). */
export interface EwaldKspaceResults {
  /** LAMMPS `elong`: reciprocal sum plus self and neutralising terms, eV. */
  energy: number;
  /** The reciprocal sum alone, eV. */
  energyReciprocal: number;
  /** Forces, eV/A, row-major N x 3. */
  forces: Float64Array;
  /** Virial W_ab, eV, 3x3 row-major (symmetric). */
  virial: Float64Array;
  /** Number of k-vectors in the half set (LAMMPS kcount). */
  kcount: number;
}

/**
 * The LAMMPS box (xprd, yprd, zprd and tilt factors xy, xz, yz, all A) of cell rows a, b, c.
 * @throws InputError unless the cell is in restricted-triclinic form with a positive diagonal
 */
export function lammpsBox(cell: ArrayLike<number>) {
  const [ax, ay, az, bx, by, bz, cx, cy, cz] = Array.from(cell);
  if (ay !== 0 || az !== 0 || bz !== 0) {
    throw new InputError(
      "the Ewald k-space reference needs a LAMMPS restricted-triclinic cell: a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz)",
    );
  }
  if (!(ax > 0 && by > 0 && cz > 0)) throw new InputError(`cell diagonal must be > 0, got ${ax} ${by} ${cz}`);
  return { xprd: ax, yprd: by, zprd: cz, xy: bx, xz: cx, yz: cy };
}

/** LAMMPS' half set of k-vectors for a cell and kmax (Ewald::coeffs / coeffs_triclinic). */
export interface EwaldKSet {
  /** Per vector: n1 n2 n3 (integers), kx ky kz (1/A), |k|^2 (1/A^2); 7 numbers each. */
  kv: number[];
  kcount: number;
  /** Largest |n_d| over the set. */
  nmax: number;
  /** Reciprocal basis b_d (1/A, 2 pi h^-T e_d): the phase of atom x along d is b_d . x. */
  basis: [number, number, number][];
  /** Cell volume, A^3. */
  volume: number;
  triclinic: boolean;
}

/**
 * The k-vector set LAMMPS `ewald` uses for a restricted-triclinic cell (rows a, b, c in A) and
 * extents kmax (the cut |k|^2 <= 1.00001 max_d (2 pi kmax_d / L_d)^2 does not depend on g).
 *
 * @throws InputError for a cell not in restricted-triclinic form or kmax not positive integers
 */
export function ewaldKVectors(cell: ArrayLike<number>, kmaxes: readonly [number, number, number]): EwaldKSet {
  const [kxmax, kymax, kzmax] = kmaxes;
  for (const k of kmaxes) {
    if (!Number.isInteger(k) || k < 1) throw new InputError(`Ewald kmax must be positive integers, got ${kmaxes.join(" ")}`);
  }
  const box = lammpsBox(cell);
  const { xprd, yprd, zprd, xy, xz, yz } = box;
  const triclinic = xy !== 0 || xz !== 0 || yz !== 0;
  const kmax = Math.max(kxmax, kymax, kzmax);
  const volume = xprd * yprd * zprd;

  // Domain::set_global_box: h = (xprd, yprd, zprd, yz, xz, xy), h_inv of the upper-triangular h.
  const h = [xprd, yprd, zprd, yz, xz, xy];
  const hinv = [
    1.0 / h[0],
    1.0 / h[1],
    1.0 / h[2],
    -h[3] / (h[1] * h[2]),
    (h[3] * h[5] - h[1] * h[4]) / (h[0] * h[1] * h[2]),
    -h[5] / (h[0] * h[1]),
  ];
  // Domain::x2lamdaT: h_inv^T v.
  const x2lamdaT = (v0: number, v1: number, v2: number): [number, number, number] => [
    hinv[0] * v0,
    hinv[5] * v0 + hinv[1] * v1,
    hinv[4] * v0 + hinv[3] * v1 + hinv[2] * v2,
  ];

  const unitk = [(2.0 * MY_PI) / xprd, (2.0 * MY_PI) / yprd, (2.0 * MY_PI) / zprd];
  const gsqxmx = unitk[0] * unitk[0] * kxmax * kxmax;
  const gsqymx = unitk[1] * unitk[1] * kymax * kymax;
  const gsqzmx = unitk[2] * unitk[2] * kzmax * kzmax;
  const gsqmx = Math.max(gsqxmx, gsqymx, gsqzmx) * 1.00001;

  // ---- the k-vector set (Ewald::coeffs / coeffs_triclinic)
  const kv: number[] = []; // n1 n2 n3 kx ky kz sqk per vector
  const add = (k: number, l: number, m: number, kx: number, ky: number, kz: number, sqk: number) => {
    kv.push(k, l, m, kx, ky, kz, sqk);
  };
  if (!triclinic) {
    const u = unitk;
    for (let m = 1; m <= kmax; m++) {
      let sqk = m * u[0] * (m * u[0]);
      if (sqk <= gsqmx) add(m, 0, 0, u[0] * m, 0, 0, sqk);
      sqk = m * u[1] * (m * u[1]);
      if (sqk <= gsqmx) add(0, m, 0, 0, u[1] * m, 0, sqk);
      sqk = m * u[2] * (m * u[2]);
      if (sqk <= gsqmx) add(0, 0, m, 0, 0, u[2] * m, sqk);
    }
    for (let k = 1; k <= kxmax; k++) {
      for (let l = 1; l <= kymax; l++) {
        const sqk = u[0] * k * (u[0] * k) + u[1] * l * (u[1] * l);
        if (sqk <= gsqmx) {
          add(k, l, 0, u[0] * k, u[1] * l, 0, sqk);
          add(k, -l, 0, u[0] * k, -u[1] * l, 0, sqk);
        }
      }
    }
    for (let l = 1; l <= kymax; l++) {
      for (let m = 1; m <= kzmax; m++) {
        const sqk = u[1] * l * (u[1] * l) + u[2] * m * (u[2] * m);
        if (sqk <= gsqmx) {
          add(0, l, m, 0, u[1] * l, u[2] * m, sqk);
          add(0, l, -m, 0, u[1] * l, -u[2] * m, sqk);
        }
      }
    }
    for (let k = 1; k <= kxmax; k++) {
      for (let m = 1; m <= kzmax; m++) {
        const sqk = u[0] * k * (u[0] * k) + u[2] * m * (u[2] * m);
        if (sqk <= gsqmx) {
          add(k, 0, m, u[0] * k, 0, u[2] * m, sqk);
          add(k, 0, -m, u[0] * k, 0, -u[2] * m, sqk);
        }
      }
    }
    for (let k = 1; k <= kxmax; k++) {
      for (let l = 1; l <= kymax; l++) {
        for (let m = 1; m <= kzmax; m++) {
          const sqk = u[0] * k * (u[0] * k) + u[1] * l * (u[1] * l) + u[2] * m * (u[2] * m);
          if (sqk <= gsqmx) {
            add(k, l, m, u[0] * k, u[1] * l, u[2] * m, sqk);
            add(k, -l, m, u[0] * k, -u[1] * l, u[2] * m, sqk);
            add(k, l, -m, u[0] * k, u[1] * l, -u[2] * m, sqk);
            add(k, -l, -m, u[0] * k, -u[1] * l, -u[2] * m, sqk);
          }
        }
      }
    }
  } else {
    const tri = (k: number, l: number, m: number) => {
      const [a, b, c] = x2lamdaT(2.0 * MY_PI * k, 2.0 * MY_PI * l, 2.0 * MY_PI * m);
      const sqk = a * a + b * b + c * c;
      if (sqk <= gsqmx) add(k, l, m, a, b, c, sqk);
    };
    for (let k = 1; k <= kxmax; k++) {
      for (let l = -kymax; l <= kymax; l++) {
        for (let m = -kzmax; m <= kzmax; m++) tri(k, l, m);
      }
    }
    for (let l = 1; l <= kymax; l++) {
      for (let m = -kzmax; m <= kzmax; m++) tri(0, l, m);
    }
    for (let m = 1; m <= kmax; m++) tri(0, 0, m);
  }
  const kcount = kv.length / 7;
  let nmax = 0;
  for (let t = 0; t < kcount; t++) {
    nmax = Math.max(nmax, Math.abs(kv[7 * t]), Math.abs(kv[7 * t + 1]), Math.abs(kv[7 * t + 2]));
  }
  const basis: [number, number, number][] = [0, 1, 2].map((d) => {
    if (!triclinic) {
      const u: [number, number, number] = [0, 0, 0];
      u[d] = unitk[d];
      return u;
    }
    const v = [0, 0, 0];
    v[d] = 2.0 * MY_PI;
    return x2lamdaT(v[0], v[1], v[2]);
  });
  return { kv, kcount, nmax, basis, volume, triclinic };
}

/**
 * The LAMMPS `ewald` k-space energy, forces and virial of point charges q (e) at Cartesian
 * positions (A, row-major N x 3) in a periodic cell (rows a, b, c in A, restricted triclinic).
 *
 * @throws InputError for a cell not in restricted-triclinic form, g <= 0 or kmax not positive integers
 */
export function ewaldKspace(
  positions: ArrayLike<number>,
  charges: ArrayLike<number>,
  cell: ArrayLike<number>,
  opts: EwaldKspaceOptions,
): EwaldKspaceResults {
  const n = charges.length;
  if (positions.length !== 3 * n) throw new InputError(`positions has ${positions.length} numbers, expected 3 x ${n}`);
  const g = opts.g;
  if (!(g > 0) || !Number.isFinite(g)) throw new InputError(`Ewald g must be > 0 1/A, got ${g}`);
  const { kv, kcount, nmax, basis, volume, triclinic } = ewaldKVectors(cell, opts.kmax);

  // ---- phases exp(i n theta_d) per atom and direction, n = -nmax..nmax (Ewald::eik_dot_r*)
  const width = 2 * nmax + 1;
  // cs[(d * width + (m + nmax)) * n + i]
  const cs = new Float64Array(3 * width * n);
  const sn = new Float64Array(3 * width * n);
  const idx = (d: number, m: number, i: number) => (d * width + (m + nmax)) * n + i;
  for (let d = 0; d < 3; d++) {
    const u = basis[d];
    for (let i = 0; i < n; i++) {
      const th = triclinic
        ? u[0] * positions[3 * i] + u[1] * positions[3 * i + 1] + u[2] * positions[3 * i + 2]
        : u[d] * positions[3 * i + d];
      cs[idx(d, 0, i)] = 1.0;
      sn[idx(d, 0, i)] = 0.0;
      if (nmax < 1) continue;
      const c1 = Math.cos(th);
      const s1 = Math.sin(th);
      cs[idx(d, 1, i)] = c1;
      sn[idx(d, 1, i)] = s1;
      cs[idx(d, -1, i)] = c1;
      sn[idx(d, -1, i)] = -s1;
      for (let m = 2; m <= nmax; m++) {
        const cm = cs[idx(d, m - 1, i)] * c1 - sn[idx(d, m - 1, i)] * s1;
        const sm = sn[idx(d, m - 1, i)] * c1 + cs[idx(d, m - 1, i)] * s1;
        cs[idx(d, m, i)] = cm;
        sn[idx(d, m, i)] = sm;
        cs[idx(d, -m, i)] = cm;
        sn[idx(d, -m, i)] = -sm;
      }
    }
  }

  // ---- structure factors, energy, forces, virial (Ewald::compute)
  const g2inv = 1.0 / (g * g);
  const preu = (4.0 * MY_PI) / volume;
  const qscale = opts.qqrd2e;
  const ek = new Float64Array(3 * n);
  const virial6 = new Float64Array(6);
  let esum = 0.0;
  for (let t = 0; t < kcount; t++) {
    const k = kv[7 * t];
    const l = kv[7 * t + 1];
    const m = kv[7 * t + 2];
    const kx = kv[7 * t + 3];
    const ky = kv[7 * t + 4];
    const kz = kv[7 * t + 5];
    const sqk = kv[7 * t + 6];
    const ug = (preu * Math.exp(-0.25 * sqk * g2inv)) / sqk;
    let sr = 0.0;
    let si = 0.0;
    for (let i = 0; i < n; i++) {
      const clpm = cs[idx(1, l, i)] * cs[idx(2, m, i)] - sn[idx(1, l, i)] * sn[idx(2, m, i)];
      const slpm = sn[idx(1, l, i)] * cs[idx(2, m, i)] + cs[idx(1, l, i)] * sn[idx(2, m, i)];
      sr += charges[i] * (cs[idx(0, k, i)] * clpm - sn[idx(0, k, i)] * slpm);
      si += charges[i] * (sn[idx(0, k, i)] * clpm + cs[idx(0, k, i)] * slpm);
    }
    const eg0 = 2.0 * kx * ug;
    const eg1 = 2.0 * ky * ug;
    const eg2 = 2.0 * kz * ug;
    for (let i = 0; i < n; i++) {
      const cypz = cs[idx(1, l, i)] * cs[idx(2, m, i)] - sn[idx(1, l, i)] * sn[idx(2, m, i)];
      const sypz = sn[idx(1, l, i)] * cs[idx(2, m, i)] + cs[idx(1, l, i)] * sn[idx(2, m, i)];
      const exprl = cs[idx(0, k, i)] * cypz - sn[idx(0, k, i)] * sypz;
      const expim = sn[idx(0, k, i)] * cypz + cs[idx(0, k, i)] * sypz;
      const partial = expim * sr - exprl * si;
      ek[3 * i] += partial * eg0;
      ek[3 * i + 1] += partial * eg1;
      ek[3 * i + 2] += partial * eg2;
    }
    const s2 = sr * sr + si * si;
    esum += ug * s2;
    const vterm = -2.0 * (1.0 / sqk + 0.25 * g2inv);
    const uk = ug * s2;
    virial6[0] += uk * (1.0 + vterm * kx * kx);
    virial6[1] += uk * (1.0 + vterm * ky * ky);
    virial6[2] += uk * (1.0 + vterm * kz * kz);
    virial6[3] += uk * vterm * kx * ky;
    virial6[4] += uk * vterm * kx * kz;
    virial6[5] += uk * vterm * ky * kz;
  }

  let qsum = 0.0;
  let qsqsum = 0.0;
  for (let i = 0; i < n; i++) {
    qsum += charges[i];
    qsqsum += charges[i] * charges[i];
  }
  const forces = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < 3; d++) forces[3 * i + d] = qscale * charges[i] * ek[3 * i + d];
  }
  const energyReciprocal = qscale * esum;
  const energy = qscale * (esum - (g * qsqsum) / MY_PIS - (MY_PI2 * qsum * qsum) / (g * g * volume));
  const [vxx, vyy, vzz, vxy, vxz, vyz] = Array.from(virial6, (v) => v * qscale);
  const virial = Float64Array.of(vxx, vxy, vxz, vxy, vyy, vyz, vxz, vyz, vzz);
  return { energy, energyReciprocal, forces, virial, kcount };
}
