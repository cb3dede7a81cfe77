/**
 * ECT-EAM in the fixed-charge limit as an `eam/alloy` potential.
 *
 * With the ensemble weights w_iM frozen, the ECT-EAM energy (docs/ect-eam.md)
 *   E = sum_i sum_M w_iM (E_AM + F_AM(rhobar_i)) + sum_{i<j} [phi_AB + sum_MM' w_iM w_jM' u_AM,BM' + res_ij](r_ij)
 *     + E_long(q)
 * is an EAM energy once every atom with the same element and weight vector is one atom type T:
 *   density of T:    rho_T(r)   = sum_M w_TM f_AM(r)
 *   embedding of T:  F_T(rho)   = sum_M w_TM (E_AM + F_AM(rho))            (+ constant self energies)
 *   pair T-T':       phi_TT'(r) = phi_AB + sum_MM' w_TM w_T'M' u_AM,BM' + 2 h_AB [g(x1) + g(x2)]
 *                                  (+ k q_T q_T' g_dsf(r) or erfc(a r)/r when folded in)
 * The sums are taken over the grid values of the engine's own tables (same dr, drho, nr, nrho), and
 * LAMMPS' interpolate() is linear in the grid values, so its density and embedding splines equal the
 * weighted sums of ours; pair tables become r*phi as setfl stores them.
 *
 * Browser-safe.
 */
import { InputError } from "../errors.js";
import type { Atoms } from "../atoms.js";
import { atomicNumber } from "../elements.js";
import { dsfKernel, dsfSelfCoefficient, erfc, ewaldParameters } from "../ect/longrange.js";
import type { EctTables } from "../ect/tables.js";
import { resonanceRoot } from "../ect/resonance-form.js";
import { formatSetfl, tableValues, type SetflData } from "./setfl.js";

/** State slots per atom in weight arrays (as the engine returns them). */
const SLOTS = 4;
/** The engine skips states below this weight where they only multiply a table value (assembly/ect.ts WMIN). */
const WMIN = 1e-17;
/** Smallest r (A) at which the engine evaluates its long-range kernels (src/ect/engine.ts). */
const LR_R_MIN = 0.25;

/**
 * How the point-charge long range reaches LAMMPS.
 * - `dsf`: the model's damped shifted force sum, folded into the eam/alloy pair tables (at frozen
 *   charges k q_T q_T' g(r) is a pair function of the types) and its self energy into F_T. Exact.
 * - `coul-dsf`: LAMMPS' `coul/dsf` with the charges in the data file (its erfc is a 5-term
 *   polynomial fit, good to ~1e-7 relative; its self energy is corrected through F_T).
 * - `ewald`: real space erfc(a r)/r folded into the tables; reciprocal space, self energy and
 *   background by LAMMPS `kspace_style ewald` with the model's a (LAMMPS picks its own k vectors).
 * - `cut`: LAMMPS `coul/cut` (bare k q q / r) with a cutoff beyond the largest distance: the direct
 *   sum of clusters, exact.
 */
export type LongRangeExport = "dsf" | "coul-dsf" | "ewald" | "cut";

/** The long-range option that reproduces a model's own (`direct` -> `cut`). */
export function defaultLongRange(kind: EctTables["longRange"]["kind"]): LongRangeExport {
  return kind === "direct" ? "cut" : kind;
}

/** Options of {@link freezeEct}. */
export interface FreezeOptions {
  /** Long range in LAMMPS (default: the model's own, see {@link defaultLongRange}). */
  longRange?: LongRangeExport;
  /** Atoms of one element whose weights differ by at most this (each slot) share a type (default 1e-9). */
  tolerance?: number;
  /** Refuse more atom types than this (default 24): the setfl file grows as types^2. */
  maxTypes?: number;
  /**
   * Freeze a bond-transfer or polarizable model anyway, with the ensemble's mean-field resonance in
   * place of the bond terms and without induction: not the model's energy (`exact` is false and a
   * note says so). For speed baselines (bench/ect.ts: the frozen-charge EAM of the same crystal).
   */
  approximate?: boolean;
}

/** One LAMMPS atom type of the frozen system. */
export interface FrozenType {
  /** Name in the setfl file and pair_coeff: the element symbol, `Symbol_2`, `Symbol_3`, ... */
  label: string;
  element: string;
  /** Element index in the model. */
  elementIndex: number;
  mass: number;
  /** Weights of the model's states (the first atom of the class), length = the element's states. */
  weights: number[];
  /** q_T = sum_M w_TM Q_AM, e. */
  charge: number;
  /** Number of atoms of this type. */
  count: number;
}

/** A frozen ECT-EAM system, ready to be written for LAMMPS. */
export interface FrozenEct {
  types: FrozenType[];
  /** 0-based type of each atom. */
  typeOfAtom: Int32Array;
  /** Charge of each atom as exported (its type's), e. */
  charges: Float64Array;
  /** Largest |w_iM - w_TM| over atoms and their type (the merge error of the clustering). */
  maxWeightDeviation: number;
  /** Grid values of the eam/alloy file. */
  setfl: SetflData;
  longRange: LongRangeExport;
  /** Whether the long range has an exact LAMMPS counterpart (see {@link LongRangeExport}). */
  exact: boolean;
  /** LAMMPS lines: pair_style, pair_coeff (for a given file name) and any kspace lines. */
  pairStyle: string;
  pairCoeffs(fileName: string): string[];
  kspace: string[];
  /** Ewald splitting (1/A) and this package's reciprocal cutoff kmax (1/A), for `ewald`. */
  ewald?: { alpha: number; kmax: number };
  /** atom_style the data file needs. */
  atomStyle: "atomic" | "charge";
  /** Electronic entropy sum_i S_i = -sum w ln w of the frozen weights (constant while they are frozen). */
  entropy: number;
  /** k_B T_e of the model, eV: Omega = E - kT * entropy. */
  kT: number;
  /** Notes for the README (what is not reproduced exactly). */
  notes: string[];
}

/** Element-symbol-sorted labels: the first class of an element is its symbol, the next `Symbol_2`, ... */
function labelFor(symbol: string, k: number): string {
  return k === 0 ? symbol : `${symbol}_${k + 1}`;
}

/**
 * Freezes converged weights into atom types and eam/alloy tables.
 *
 * @param tables  the model's tables (as the engine that converged the weights used)
 * @param atoms   the structure (species name the model's elements; masses amu)
 * @param weights converged weights, N rows of 4 slots (EctResults.weights)
 * @throws InputError when species are not in the model, weights are malformed, the long-range option
 *         does not fit the cell, or more types than `maxTypes` are needed
 */
export function freezeEct(tables: EctTables, atoms: Atoms, weights: ArrayLike<number>, opts: FreezeOptions = {}): FrozenEct {
  const n = atoms.length;
  const tol = opts.tolerance ?? 1e-9;
  const maxTypes = opts.maxTypes ?? 24;
  const longRange = opts.longRange ?? defaultLongRange(tables.longRange.kind);
  // The fixed-charge limit is an eam/alloy potential only for the ensemble form without induction:
  // bond transfer's energy sits in per-bond amplitudes (with three-body screening) and induction in
  // the atoms' fields, neither a function of one pair distance. Until 2026-12-07 the export wrote
  // them anyway, with the ensemble's resonance in their place, and called the result exact: for
  // rock-salt LiF with the shipped model LAMMPS gave -34.315 eV against this package's -35.354.
  const unlike = tables.transfer === "bond" || tables.polarization !== null;
  if (tables.transfer === "bond" && !opts.approximate) {
    throw new InputError("export-lammps: a bond-transfer model (\"transfer\": \"bond\", as models/ect-fitted.json) has per-bond energies and screening that eam/alloy tables cannot hold; the frozen-charge export covers ensemble-transfer models without polarization");
  }
  if (tables.polarization && !opts.approximate) {
    throw new InputError("export-lammps: a model with \"polarization\" has induction energies of the atoms' fields that eam/alloy tables cannot hold; the frozen-charge export covers ensemble-transfer models without polarization");
  }
  if (!(tol >= 0)) throw new InputError(`the type tolerance must be >= 0, got ${tol}`);
  if (weights.length !== n * SLOTS) throw new InputError(`weights has ${weights.length} numbers, expected ${n} atoms x ${SLOTS} slots`);
  const periodic = atoms.pbc.some((p) => p);
  if (longRange === "ewald" && !atoms.pbc.every((p) => p)) throw new InputError("--long-range ewald needs a cell periodic in all three directions");
  if (longRange === "cut" && periodic) {
    throw new InputError("--long-range cut (bare Coulomb over all pairs) is for clusters; a periodic cell needs dsf, coul-dsf or ewald");
  }

  // ---- classes
  const types: FrozenType[] = [];
  const typeOfAtom = new Int32Array(n);
  const perElement = new Map<string, number>();
  let maxDev = 0;
  for (let i = 0; i < n; i++) {
    const el = tables.elements.indexOf(atoms.symbols[i]);
    if (el < 0) throw new InputError(`species '${atoms.symbols[i]}' is not in the model (elements: ${tables.elements.join(", ")})`, { atom: i });
    const ns = tables.states[el].length;
    const w = Array.from({ length: ns }, (_, m) => weights[i * SLOTS + m]);
    if (w.some((x) => !Number.isFinite(x) || x < 0)) throw new InputError(`atom ${i} has weights [${w.join(", ")}]; expected numbers >= 0`, { atom: i });
    const mass = atoms.masses[i];
    let t = types.findIndex((c) => c.elementIndex === el && c.mass === mass && c.weights.every((x, m) => Math.abs(x - w[m]) <= tol));
    if (t < 0) {
      const sym = tables.elements[el];
      const k = perElement.get(sym) ?? 0;
      perElement.set(sym, k + 1);
      const charge = w.reduce((s, x, m) => s + x * tables.states[el][m].charge, 0);
      t = types.push({ label: labelFor(sym, k), element: sym, elementIndex: el, mass, weights: w, charge, count: 0 }) - 1;
      if (types.length > maxTypes) {
        throw new InputError(
          `more than ${maxTypes} distinct (element, weights) classes within tolerance ${tol}: the frozen system needs one LAMMPS atom type per class ` +
            `(raise --max-types, or --type-tolerance to merge nearly equal weights at the cost of exactness)`,
        );
      }
    }
    types[t].count++;
    typeOfAtom[i] = t;
    for (let m = 0; m < ns; m++) maxDev = Math.max(maxDev, Math.abs(w[m] - types[t].weights[m]));
  }
  const charges = Float64Array.from(typeOfAtom, (t) => types[t].charge);

  // ---- grids: the engine's, reaching the folded long range
  const lr = tables.longRange;
  const dr = tables.dr;
  const foldedCut = longRange === "dsf" || longRange === "ewald" ? lr.cutoff : 0;
  // The short-range reach of this structure's elements: a model's longer remainder cutoffs of other
  // element pairs (its hydride's) do not apply here.
  const present = [...new Set(types.map((c) => c.elementIndex))];
  let remainder = 0;
  for (const a of present) for (const b of present) remainder = Math.max(remainder, tables.coulombCutoff[a][b]);
  // A setfl file has one density per type: pair-specific densities (EctElement.densityScale) between
  // this structure's elements would need eam/fs, which the export does not write.
  for (const a of present) for (const b of present) {
    if (tables.densityScale[a][b] !== 1) throw new InputError(`frozen export: the model scales the density ${tables.elements[b]} puts on ${tables.elements[a]} (elements.${tables.elements[a]}.densityScale), which eam/alloy cannot express`);
  }
  const inner = Math.max(tables.densityCutoff, tables.pairCutoff, tables.resonance ? tables.resonanceCutoff : 0);
  const cutoff = Math.max(inner, remainder, foldedCut);
  const nr = Math.max(tables.nr, Math.ceil(cutoff / dr - 1e-9) + 3);
  const pad = (v: Float64Array) => {
    const out = new Float64Array(nr);
    out.set(v.subarray(0, Math.min(v.length, nr)));
    return out;
  };
  const k = tables.coulombConstant;

  // Per-type constants added to F: folded self energies (DSF: -k c q^2), or the difference between
  // LAMMPS coul/dsf's self energy -(e_shift/2 + a/sqrt(pi)) k q^2 and the model's.
  let selfCoef = 0;
  if (longRange === "dsf") selfCoef = dsfSelfCoefficient(lr.dsfAlpha, lr.cutoff);
  if (longRange === "coul-dsf") {
    const { alpha, cutoff: rc } = { alpha: lr.dsfAlpha, cutoff: lr.cutoff };
    const fShift = -(erfc(alpha * rc) / (rc * rc) + ((2 / Math.sqrt(Math.PI)) * alpha * Math.exp(-alpha * alpha * rc * rc)) / rc);
    const eShift = erfc(alpha * rc) / rc - fShift * rc;
    const lammpsSelf = eShift / 2 + alpha / Math.sqrt(Math.PI);
    selfCoef = dsfSelfCoefficient(alpha, rc) - lammpsSelf;
  }

  const density = types.map((c) => {
    const v = new Float64Array(nr);
    c.weights.forEach((w, m) => {
      if (w < WMIN) return;
      const f = pad(tableValues(tables.density[c.elementIndex][m]));
      for (let p = 0; p < nr; p++) v[p] += w * f[p];
    });
    return v;
  });
  const embedding = types.map((c) => {
    const v = new Float64Array(tables.nrho);
    c.weights.forEach((w, m) => {
      const e = tables.states[c.elementIndex][m].energy;
      const f = tableValues(tables.embedding[c.elementIndex][m]);
      for (let p = 0; p < tables.nrho; p++) v[p] += w * (e + f[p]);
    });
    const self = -k * selfCoef * c.charge * c.charge;
    if (self !== 0) for (let p = 0; p < tables.nrho; p++) v[p] += self;
    return v;
  });

  // Long-range kernel folded into the pair tables, per unit k q q (1/A), on the grid.
  let lrKernel: Float64Array | null = null;
  if (longRange === "dsf") {
    lrKernel = Float64Array.from({ length: nr }, (_, m) => dsfKernel(Math.max(m * dr, LR_R_MIN), lr.dsfAlpha, lr.cutoff));
  } else if (longRange === "ewald") {
    const { alpha } = ewaldParameters(lr.cutoff, lr.ewaldAccuracy);
    lrKernel = Float64Array.from({ length: nr }, (_, m) => {
      const r = Math.max(m * dr, LR_R_MIN);
      return r < lr.cutoff ? erfc(alpha * r) / r : 0;
    });
  }

  const rphi: Float64Array[][] = types.map(() => []);
  for (let a = 0; a < types.length; a++) {
    for (let b = 0; b <= a; b++) {
      const A = types[a], B = types[b];
      const v = pad(tableValues(tables.pair[A.elementIndex][B.elementIndex]));
      A.weights.forEach((wa, m) =>
        B.weights.forEach((wb, mm) => {
          if (wa < WMIN && wb < WMIN) return;
          const u = pad(tableValues(tables.coulomb[A.elementIndex][m][B.elementIndex][mm]));
          const ww = wa * wb;
          for (let p = 0; p < nr; p++) v[p] += ww * u[p];
        }),
      );
      const res = resonanceFactor(tables, A, B);
      if (res !== 0) {
        const h = pad(tableValues(tables.resonance![A.elementIndex][B.elementIndex]));
        for (let p = 0; p < nr; p++) v[p] += res * h[p];
      }
      if (lrKernel) {
        const qq = k * A.charge * B.charge;
        for (let p = 0; p < nr; p++) v[p] += qq * lrKernel[p];
      }
      for (let p = 0; p < nr; p++) v[p] *= p * dr;
      rphi[a][b] = v;
    }
  }

  const setfl: SetflData = {
    style: "eam/alloy",
    comments: [
      `ECT-EAM in the fixed-charge limit (frozen ensemble weights), written by ect-eam export-lammps`,
      `types: ${types.map((t) => `${t.label} q=${t.charge.toPrecision(8)}`).join(", ")}`,
      `long range: ${longRange}${lrKernel ? " (folded into r*phi)" : ""}; see README.txt`,
    ],
    nrho: tables.nrho,
    drho: tables.drho,
    nr,
    dr,
    cutoff,
    elements: types.map((t) => ({
      name: t.label,
      Z: atomicNumber(t.element) ?? 0,
      mass: t.mass,
      a: 0,
      lattice: "none",
      embedding: embedding[types.indexOf(t)],
      density: [density[types.indexOf(t)]],
    })),
    rphi,
  };

  // ---- LAMMPS pair styles
  const labels = types.map((t) => t.label).join(" ");
  const notes: string[] = [];
  let pairStyle: string;
  let pairCoeffs: (f: string) => string[];
  let kspace: string[] = [];
  // Always atom_style charge: with dsf and ewald folded in, the charges are informational (and
  // ewald's kspace needs them), coul/dsf and coul/cut use them.
  const atomStyle = "charge" as const;
  // ewald agrees only to the accuracy of the two Ewald sums (exact for practical purposes at 1e-12)
  const exact = (longRange === "dsf" || longRange === "cut") && !unlike;
  if (unlike) notes.push("approximate: the model's bond terms and induction are not in the tables (the ensemble's mean-field resonance stands in for the bond terms); this is not the model's energy");
  const modelKind = defaultLongRange(lr.kind);
  if (longRange !== modelKind && !(longRange === "coul-dsf" && modelKind === "dsf")) {
    notes.push(`the model's long range is ${lr.kind}; exporting it as ${longRange} does not reproduce this package's energies`);
  }
  switch (longRange) {
    case "dsf":
      pairStyle = "eam/alloy";
      pairCoeffs = (f) => [`* * ${f} ${labels}`];
      notes.push(`DSF point charges (alpha ${lr.dsfAlpha} 1/A, cutoff ${lr.cutoff} A) are folded into the r*phi tables, their self energy into F: exact at frozen charges; the data file's charges are informational`);
      break;
    case "coul-dsf":
      pairStyle = `hybrid/overlay eam/alloy coul/dsf ${lr.dsfAlpha} ${lr.cutoff}`;
      pairCoeffs = (f) => [`* * eam/alloy ${f} ${labels}`, `* * coul/dsf`];
      notes.push("LAMMPS coul/dsf evaluates erfc by a 5-term polynomial (Abramowitz-Stegun 7.1.26, ~1e-7 relative): energies differ from this package's at the 1e-6 eV/atom level; its self energy is replaced by the model's through F");
      break;
    case "ewald": {
      const { alpha } = ewaldParameters(lr.cutoff, lr.ewaldAccuracy);
      // coul/long is there for kspace (which needs its cutoff) and weighted 0: the real-space sum is in the tables.
      pairStyle = `hybrid/scaled 1.0 eam/alloy 0.0 coul/long ${lr.cutoff}`;
      pairCoeffs = (f) => [`* * eam/alloy ${f} ${labels}`, `* * coul/long`];
      kspace = [`kspace_style    ewald ${lr.ewaldAccuracy}`, `kspace_modify   gewald ${alpha}`];
      notes.push(
        `Ewald: real space erfc(a r)/r (a = ${alpha} 1/A, cutoff ${lr.cutoff} A) is folded into the tables; LAMMPS' kspace ewald adds ` +
          `reciprocal space, self energy and background with its own k vectors (a box |n_i| <= kmax_i, this package a sphere ` +
          `|k| <= ${(2 * alpha * Math.sqrt(-Math.log(lr.ewaldAccuracy))).toPrecision(6)} 1/A): both converge to the same sum, so they agree to the ` +
          `accuracy of the Ewald sums (1e-12 eV/atom for NaCl at ewaldAccuracy 1e-12; ~1.5e-7 eV/atom at 1e-8)`,
      );
      break;
    }
    case "cut": {
      const p = atoms.positions;
      let dmax = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) dmax = Math.max(dmax, Math.hypot(p[3 * i] - p[3 * j], p[3 * i + 1] - p[3 * j + 1], p[3 * i + 2] - p[3 * j + 2]));
      const rc = Math.ceil(2 * dmax + 10);
      pairStyle = `hybrid/overlay eam/alloy coul/cut ${rc}`;
      pairCoeffs = (f) => [`* * eam/alloy ${f} ${labels}`, `* * coul/cut`];
      notes.push(`bare Coulomb k q q / r via coul/cut with cutoff ${rc} A (twice the cluster's largest distance plus 10 A, so the cluster may expand): exact while no pair is farther apart`);
      break;
    }
  }

  let entropy = 0;
  for (let i = 0; i < n; i++) for (const w of types[typeOfAtom[i]].weights) if (w > 0) entropy -= w * Math.log(w);
  if (maxDev > 0) notes.push(`atoms were merged into types with weights up to ${maxDev.toExponential(2)} apart (tolerance ${tol})`);

  return {
    types,
    typeOfAtom,
    charges,
    maxWeightDeviation: maxDev,
    setfl,
    longRange,
    exact,
    pairStyle,
    pairCoeffs,
    kspace,
    atomStyle,
    entropy,
    kT: tables.kT,
    notes,
    ...(longRange === "ewald" ? { ewald: ewaldParameters(lr.cutoff, lr.ewaldAccuracy) } : {}),
  };
}

/**
 * Resonance coupling of a type pair at frozen weights, per unit h(r): 2 [g(A+, B-, A0, B0) +
 * g(B+, A-, B0, A0)] with the kernels' clamped fourth root (src/ect/resonance-form.ts); 0 without
 * resonance or without the roles.
 */
function resonanceFactor(tables: EctTables, A: FrozenType, B: FrozenType): number {
  if (!tables.resonance) return 0;
  const role = (t: FrozenType, q: number) => {
    const m = tables.states[t.elementIndex].findIndex((s) => s.charge === q);
    return m < 0 ? undefined : t.weights[m];
  };
  const [ca, na, aa, cb, nb, ab] = [role(A, 1), role(A, 0), role(A, -1), role(B, 1), role(B, 0), role(B, -1)];
  if ([ca, na, aa, cb, nb, ab].some((x) => x === undefined)) return 0;
  return 2 * (resonanceRoot(ca!, ab!, na!, nb!) + resonanceRoot(cb!, aa!, nb!, na!));
}

/** The eam/alloy file of a frozen system. */
export function writeFrozenSetfl(f: FrozenEct): string {
  return formatSetfl(f.setfl);
}
