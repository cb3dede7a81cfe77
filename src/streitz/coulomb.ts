/**
 * Streitz-Mintmire Coulomb energy, forces and virial for given charges: a direct reference of
 * LAMMPS `pair_style coul/streitz` (src/MANYBODY/pair_coul_streitz.cpp) plus, for Ewald, the
 * `kspace_style ewald` reciprocal part (see `ewald.ts`). O(N^2 x images); meant for checking
 * faster code on small cells, not for production.
 *
 * Units are LAMMPS metal: A, eV, e, eV/A; k = qqrd2e = 14.399645 eV A / e^2.
 *
 * The model, exactly as LAMMPS evaluates it (ordered pairs over the full neighbour list, i.e.
 * every (i, j + image) with j + image != i and r <= rc, images of i itself included):
 *
 *   E_pair = sum_i self_i + sum_(i,j) e_ij          (LAMMPS `ecoul`, compute pair coul/streitz)
 *
 * Wolf (`pair_style coul/streitz rc wolf alpha`):
 *   self_i = q_i (chi_i + q_i (J_i/2 - k woself)),  woself = erfc(alpha rc)/(2 rc) + alpha/sqrt(pi)
 *   e_ij   = k [ q_i Z_j (cJ - cF) + q_i q_j/2 (erfc(alpha r)/r - erfc(alpha rc)/rc + cF) ]
 *   with cJ, cF the shifted-force Slater integrals (`integrals.ts`), and the radial derivative
 *   de_ij/dr = k [ q_i Z_j (cJ' - cF') + q_i q_j/2 (-erfc(alpha r)/r^2 - 2 alpha/sqrt(pi) exp(-alpha^2 r^2)/r
 *                   - dwoself + cF') ],   dwoself = -(erfc(alpha rc)/rc^2 + 2 alpha/sqrt(pi) exp(-alpha^2 rc^2)/rc)
 *   LAMMPS quirk, reproduced: the erfc term is shifted-force in the force but only shifted-potential
 *   in the energy, so Wolf forces are not exactly -dE/dx of the Wolf energy.
 *
 * Ewald (`pair_style coul/streitz rc ewald` + `kspace_style ewald`):
 *   self_i = q_i (chi_i + q_i J_i/2)
 *   e_ij   = k [ q_i Z_j (cJ - cF) + q_i q_j/2 cF + q_i q_j/2 erfc(g r)/r ]   (unshifted integrals)
 *   E      = E_pair + E_kspace (LAMMPS `elong`: reciprocal sum - k g/sqrt(pi) sum q^2 - neutralising)
 *
 * Forces: each ordered pair adds -de_ij/dr along r_ij to i and the opposite to j; there is no dq/dx
 * term (LAMMPS assumes equilibrated charges). The q-independent core-core Z_i Z_j terms of the
 * Streitz-Mintmire paper are absent (they belong to the EAM part).
 */
import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { erfc } from "./erfc.js";
import { ewaldKspace, lammpsBox } from "./ewald.js";
import { forEachPair } from "./images.js";
import {
  slaterIntegrals,
  slaterIntegralsShifted,
  slaterPair,
  slaterShift,
  type SlaterPair,
  type SlaterShift,
} from "./integrals.js";
import { streitzElements, type StreitzElement, type StreitzParameters } from "./params.js";

/** Coulomb constant qqrd2e of LAMMPS metal units, eV A / e^2. */
export const QQRD2E_METAL = 14.399645;
/** sqrt(pi) as LAMMPS MathConst::MY_PIS. */
export const MY_PIS = 1.77245385090551602729;

/** Summation of the long-range Coulomb part. */
export type StreitzSummation = "wolf" | "ewald";

/** Settings, mirroring `pair_style coul/streitz` and `kspace_style ewald` / `kspace_modify`. */
export interface StreitzCoulombOptions {
  /** "wolf" or "ewald". */
  summation: StreitzSummation;
  /** Real-space cutoff rc, A (pair_style coul/streitz first argument). */
  cutoff: number;
  /** Wolf damping alpha, 1/A (required for Wolf; the `wolf` argument, e.g. 0.31). */
  wolfAlpha?: number;
  /** Ewald splitting g, 1/A (required for Ewald; `kspace_modify gewald`). */
  ewaldG?: number;
  /** k-vector extents (required for Ewald unless `kspace` is false; `kspace_modify kmax/ewald`). */
  ewaldKmax?: readonly [number, number, number];
  /** Ewald only: include the k-space part (default true). False gives the real-space pair part alone. */
  kspace?: boolean;
  /** Coulomb constant, eV A / e^2 (default metal 14.399645). */
  qqrd2e?: number;
}

/** Results; arrays are owned by the caller. */
export interface StreitzCoulombResults {
  /** Total Coulomb energy E_pair + E_kspace, eV (LAMMPS ecoul + elong). */
  energy: number;
  /** Pair-style energy incl. self terms, eV (LAMMPS ecoul / compute pair coul/streitz). */
  energyPair: number;
  /** Sum of the self terms (part of energyPair), eV. */
  energySelf: number;
  /** Ewald k-space energy, eV (LAMMPS elong); 0 for Wolf or when kspace is off. */
  energyKspace: number;
  /** Forces, eV/A, row-major N x 3 (pair + k-space). */
  forces: Float64Array;
  /** Virial W_ab = sum r_a f_b, eV, 3x3 row-major (pair + k-space). */
  virial: Float64Array;
  /** Forces of the k-space part alone, eV/A (zeros for Wolf). */
  forcesKspace: Float64Array;
  /** Virial of the k-space part alone, eV. */
  virialKspace: Float64Array;
  /** Ordered (i, j + image) pairs within the cutoff (LAMMPS full-list neighbours within rc). */
  pairs: number;
  /** k-vectors used (LAMMPS kcount), 0 for Wolf. */
  kcount: number;
}

function checkOptions(o: StreitzCoulombOptions): void {
  if (o.summation !== "wolf" && o.summation !== "ewald") {
    throw new InputError(`summation must be "wolf" or "ewald", got ${String(o.summation)}`);
  }
  if (!(o.cutoff > 0) || !Number.isFinite(o.cutoff)) throw new InputError(`cutoff must be > 0 A, got ${o.cutoff}`);
  if (o.summation === "wolf") {
    const a = o.wolfAlpha;
    if (a === undefined || !(a >= 0) || !Number.isFinite(a)) throw new InputError(`Wolf alpha must be >= 0 1/A, got ${a}`);
  } else {
    const g = o.ewaldG;
    if (g === undefined || !(g > 0) || !Number.isFinite(g)) throw new InputError(`Ewald g must be > 0 1/A, got ${g}`);
    if (o.kspace !== false && !o.ewaldKmax) throw new InputError("Ewald needs ewaldKmax (kx ky kz) for its k-space part");
  }
}

/**
 * Streitz-Mintmire Coulomb energy, forces and virial of `atoms` with the given charges, as LAMMPS
 * `coul/streitz` (+ `ewald`) computes them.
 *
 * @param atoms   structure (A); periodic directions need a cell with volume, and Ewald a fully
 *                periodic cell in LAMMPS restricted-triclinic form
 * @param charges charge per atom, e
 * @param params  parsed `.streitz` file; every species of `atoms` needs an entry
 * @param opts    summation and its settings
 * @throws InputError for inconsistent input (length, missing element, bad settings or cell)
 */
export function streitzCoulomb(
  atoms: Atoms,
  charges: ArrayLike<number>,
  params: StreitzParameters,
  opts: StreitzCoulombOptions,
): StreitzCoulombResults {
  checkOptions(opts);
  const n = atoms.length;
  if (charges.length !== n) throw new InputError(`charges has ${charges.length} entries, expected ${n} atoms`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(charges[i])) throw new InputError(`charge is not finite: ${charges[i]}`, { atom: i });
  }
  if (opts.summation === "ewald" && opts.kspace !== false && !(atoms.pbc[0] && atoms.pbc[1] && atoms.pbc[2])) {
    throw new InputError("Ewald needs a structure periodic in all three directions (LAMMPS refuses non-periodic boundaries)");
  }
  if (opts.summation === "ewald" && opts.kspace !== false) lammpsBox(atoms.cell); // fail before the pair loop
  const k = opts.qqrd2e ?? QQRD2E_METAL;
  const rc = opts.cutoff;
  const wolf = opts.summation === "wolf";
  const a = wolf ? (opts.wolfAlpha as number) : (opts.ewaldG as number);

  // Species -> type index; per type pair integral constants.
  const species = [...new Set(atoms.symbols)];
  const elems: StreitzElement[] = streitzElements(params, species);
  const nt = species.length;
  const type = Int32Array.from(atoms.symbols, (s) => species.indexOf(s));
  const pairs: SlaterPair[] = [];
  const shifts: SlaterShift[] = [];
  for (let ti = 0; ti < nt; ti++) {
    for (let tj = 0; tj < nt; tj++) {
      const p = slaterPair(elems[ti].zeta, elems[tj].zeta);
      pairs.push(p);
      shifts.push(slaterShift(p, rc));
    }
  }

  // Wolf constants (PairCoulStreitz::setup_params).
  let woself = 0.0;
  let dwoself = 0.0;
  const erfcrc = erfc(a * rc);
  if (wolf) {
    const ar = a * rc;
    woself = (0.5 * erfc(ar)) / rc + a / MY_PIS;
    dwoself = -(erfc(ar) / rc / rc + ((2.0 * a) / MY_PIS) * Math.exp(-ar * ar) / rc);
  }

  // Self terms (PairCoulStreitz::self).
  let energySelf = 0.0;
  for (let i = 0; i < n; i++) {
    const p = elems[type[i]];
    const qi = charges[i];
    energySelf += wolf ? qi * (p.chi + qi * (0.5 * p.J - k * woself)) : qi * (p.chi + qi * (0.5 * p.J));
  }

  const x = atoms.positions;
  const cell = atoms.cell;
  const forces = new Float64Array(3 * n);
  const v = new Float64Array(9);
  const c = new Float64Array(4);
  let energyPairs = 0.0;
  const twoAOverPis = (2.0 * a) / MY_PIS;

  const npairs = forEachPair(atoms, rc, (i, j, dx, dy, dz, rsq) => {
    const ti = type[i];
    const tj = type[j];
    const qi = charges[i];
    const qj = charges[j];
    const zj = elems[tj].Z;
    const r = Math.sqrt(rsq);
    let etmp: number;
    let ftmp: number;
    if (wolf) {
      slaterIntegralsShifted(pairs[ti * nt + tj], shifts[ti * nt + tj], r, c);
      const erfcr = erfc(a * r);
      const derfcr = Math.exp(-a * a * r * r);
      const etmp1 = erfcr / r - erfcrc / rc;
      const etmp2 = qi * zj * (c[0] - c[2]);
      const etmp3 = qi * qj * 0.5 * (etmp1 + c[2]);
      const ftmp1 = -erfcr / r / r - (twoAOverPis * derfcr) / r - dwoself;
      const ftmp2 = qi * zj * (c[1] - c[3]);
      const ftmp3 = qi * qj * 0.5 * (ftmp1 + c[3]);
      etmp = k * (etmp2 + etmp3);
      ftmp = k * (ftmp2 + ftmp3);
    } else {
      slaterIntegrals(pairs[ti * nt + tj], r, c);
      const erfcr = erfc(a * r);
      const derfcr = Math.exp(-a * a * r * r);
      const etmp3 = k * (qi * zj * (c[0] - c[2]) + qi * qj * 0.5 * c[2]);
      const etmp4 = (k * 0.5 * qi * qj) / r;
      const ftmp3 = k * (qi * zj * (c[1] - c[3]) + qi * qj * 0.5 * c[3]);
      const ftmp4 = etmp4 * (erfcr + (2.0 / MY_PIS) * a * r * derfcr);
      etmp = erfcr * etmp4 + etmp3;
      ftmp = ftmp3 - ftmp4 / r;
    }
    energyPairs += etmp;
    // F_i += delr fpair, F_j -= delr fpair; virial (fdotr) delr (x) delr fpair
    const fpair = -ftmp / r;
    const fx = dx * fpair;
    const fy = dy * fpair;
    const fz = dz * fpair;
    forces[3 * i] += fx;
    forces[3 * i + 1] += fy;
    forces[3 * i + 2] += fz;
    forces[3 * j] -= fx;
    forces[3 * j + 1] -= fy;
    forces[3 * j + 2] -= fz;
    v[0] += dx * fx;
    v[1] += dx * fy;
    v[2] += dx * fz;
    v[4] += dy * fy;
    v[5] += dy * fz;
    v[8] += dz * fz;
  });
  v[3] = v[1];
  v[6] = v[2];
  v[7] = v[5];

  let energyKspace = 0.0;
  let kcount = 0;
  const forcesKspace = new Float64Array(3 * n);
  const virialKspace = new Float64Array(9);
  if (!wolf && opts.kspace !== false) {
    const ks = ewaldKspace(x, charges, cell, { g: a, kmax: opts.ewaldKmax as [number, number, number], qqrd2e: k });
    energyKspace = ks.energy;
    kcount = ks.kcount;
    forcesKspace.set(ks.forces);
    virialKspace.set(ks.virial);
    for (let m = 0; m < 3 * n; m++) forces[m] += ks.forces[m];
    for (let m = 0; m < 9; m++) v[m] += ks.virial[m];
  }

  const energyPair = energySelf + energyPairs;
  return {
    energy: energyPair + energyKspace,
    energyPair,
    energySelf,
    energyKspace,
    forces,
    virial: v,
    forcesKspace,
    virialKspace,
    pairs: npairs,
    kcount,
  };
}
