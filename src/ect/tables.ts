/**
 * Tabulation of an ECT-EAM model for the wasm engine: every radial function on one common grid and
 * every embedding function on one density grid, as LAMMPS-style 7-coefficient cubic records
 * (`interpolate()` of src/potentials/spline.ts), i.e. the same kind of record as classic EAM.
 *
 * Accuracy (default grids, tested): radial tables reproduce the analytic value to ~1e-8 relative
 * (in practice ~1e-10) at mid-points for r >= 0.5 A, and the derivative to ~1e-6 relative.
 *
 * Browser-safe.
 */
import { interpolate } from "../potentials/spline.js";
import type { SplineTable } from "../potentials/types.js";
import { COULOMB_K, coulombStatePair } from "./coulomb.js";
import {
  clampedBelow,
  embeddingFunction,
  pairFunction,
  rbfDensity,
  resonanceFunction,
  resonanceIsOn,
  smoothCutoff,
  tapered,
  type RadialFunction,
} from "./forms.js";
import type { EctModel } from "./model.js";
import { remainderCutoff, statePairKind } from "./model-types.js";
import type { BondTables, EctTables, ScreeningParams } from "./table-types.js";
import { screeningReach2 } from "./transfer/screening.js";

// The tables' types live in table-types.ts, which the transfer modules import without this file.
export type { BondTables, EctTables, PolarizationTables } from "./table-types.js";

/** Default radial grid spacing (A). */
export const DEFAULT_DR = 0.002;
/** Default number of embedding-grid intervals (drho = rhoMax / this). */
export const DEFAULT_NRHO_INTERVALS = 5000;
/**
 * Distance (A) below which the Coulomb remainder (singular ~1/r between point cores) is evaluated at
 * this value instead: the table stays finite; atoms never get this close.
 */
export const COULOMB_R_MIN = 0.25;
/** Reference environment of the rhoMax estimate: this many neighbours at this distance (A). */
export const RHO_MAX_NEIGHBOURS = 12;
export const RHO_MAX_DISTANCE = 1.5;
/** Safety factor on the largest such host density. */
export const RHO_MAX_FACTOR = 1.25;

/** The analytic radial functions (with taper) that `buildEctTables` tabulates. */
export interface EctFunctions {
  /** [element][state] f_AM(r). */
  density: RadialFunction[][];
  /** [element][state] F_AM(rhobar). */
  embedding: RadialFunction[][];
  /** [a][b] phi_AB(r) tapered (zero function when the model has no entry). */
  pair: RadialFunction[][];
  /** [a][m][b][mm] Coulomb remainder u(max(r, rMin)) tapered. */
  coulomb: RadialFunction[][][][];
  /** [a][b] h_AB(r) tapered, or null. */
  resonance: RadialFunction[][] | null;
}

/**
 * The model's radial and embedding functions as analytic `RadialFunction`s, exactly what the
 * tables interpolate (tests compare the two).
 */
export function ectFunctions(model: EctModel): EctFunctions {
  const c = model.cutoffs;
  const els = model.elements;
  const n = els.length;
  const densityTaper = smoothCutoff(c.density, c.taper);
  const pairTaper = smoothCutoff(c.pair, c.taper);
  const resTaper = smoothCutoff(c.resonance, c.taper);

  const density = els.map((el) => el.states.map((s) => tapered(rbfDensity(s.density), densityTaper)));
  const embedding = els.map((el) => el.states.map((s) => embeddingFunction(s.embedding)));

  const pair: RadialFunction[][] = Array.from({ length: n }, () => new Array<RadialFunction>(n));
  for (let a = 0; a < n; a++) for (let b = a; b < n; b++) pair[a][b] = pair[b][a] = ZERO_R;
  // Pairs of one configuration only ("neutral", "anion") join that state pair's Coulomb remainder
  // below; the others add to the element pair's phi.
  const statePairs = new Map<string, RadialFunction>();
  for (const p of model.pairs) {
    const f = tapered(pairFunction(p.spec), pairTaper);
    if (p.states !== "all") {
      for (const key of new Set([`${p.a}|${p.b}|${p.states}`, `${p.b}|${p.a}|${p.states}`])) statePairs.set(key, statePairs.has(key) ? sumOf(statePairs.get(key)!, f) : f);
    } else pair[p.a][p.b] = pair[p.b][p.a] = pair[p.a][p.b] === ZERO_R ? f : sumOf(pair[p.a][p.b], f);
  }

  const coulomb: RadialFunction[][][][] = els.map((ea) =>
    ea.states.map(() => els.map((eb) => new Array<RadialFunction>(eb.states.length))),
  );
  for (let a = 0; a < n; a++) {
    for (let m = 0; m < els[a].states.length; m++) {
      for (let b = a; b < n; b++) {
        for (let mm = b === a ? m : 0; mm < els[b].states.length; mm++) {
          const u = coulombStatePair(
            { Z: els[a].Z, density: els[a].states[m].density },
            { Z: els[b].Z, density: els[b].states[mm].density },
            COULOMB_K,
          ).remainder;
          let f = tapered(clampedBelow(u, COULOMB_R_MIN), smoothCutoff(remainderCutoff(c, a, b), c.taper));
          const kind = statePairKind(els[a].states[m].charge);
          const phi = kind !== null && kind === statePairKind(els[b].states[mm].charge) ? statePairs.get(`${a}|${b}|${kind}`) : undefined;
          if (phi) f = sumOf(f, phi);
          coulomb[a][m][b][mm] = coulomb[b][mm][a][m] = f;
        }
      }
    }
  }

  let resonance: RadialFunction[][] | null = null;
  // With bond transfer the couplings belong to the bonds (bondTables), not to the mean field.
  if (model.transfer === "ensemble" && model.resonance.some(resonanceIsOn)) {
    resonance = Array.from({ length: n }, () => new Array<RadialFunction>(n).fill(ZERO_R));
    for (const r of model.resonance) {
      resonance[r.a][r.b] = resonance[r.b][r.a] = tapered(resonanceFunction(r), resTaper);
    }
  }
  return { density, embedding, pair, coulomb, resonance };
}

/**
 * The bond-transfer couplings of a model: per element pair with a resonance entry that is on, the
 * transfer cutoff (the entry's `cutoff`, else cutoffs.resonance) and h(r) tapered to 0 there.
 */
export function bondTables(model: EctModel): BondTables {
  const n = model.elements.length;
  const cutoff = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const coupling = Array.from({ length: n }, () => new Array<RadialFunction>(n).fill(ZERO_R));
  const channel = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  let maxCutoff = 0;
  for (const r of model.resonance) {
    if (!resonanceIsOn(r)) continue;
    const rc = r.cutoff ?? model.cutoffs.resonance;
    cutoff[r.a][r.b] = cutoff[r.b][r.a] = rc;
    coupling[r.a][r.b] = coupling[r.b][r.a] = tapered(resonanceFunction(r), smoothCutoff(rc, model.cutoffs.taper));
    maxCutoff = Math.max(maxCutoff, rc);
    const d = r.donor === undefined ? -1 : model.elements.findIndex((e) => e.symbol === r.donor);
    channel[r.a][r.b] = d < 0 || d === r.a;
    channel[r.b][r.a] = d < 0 || d === r.b;
  }
  let screening: ScreeningParams | null = null;
  let reach = maxCutoff;
  if (model.screening) {
    const names = model.elements.map((e) => e.symbol), only = model.screening.pairs;
    const screened = names.map((a) => names.map((b) => !only || only.includes(`${a}-${b}`) || only.includes(`${b}-${a}`)));
    screening = { cmin: model.screening.cmin, cmax: model.screening.cmax, screened };
    // A screener of a bond of length r lies within sqrt(screeningReach2) r of both ends.
    const grow = Math.sqrt(screeningReach2(screening));
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (screened[a][b]) reach = Math.max(reach, cutoff[a][b] * grow);
  }
  return { cutoff, coupling, maxCutoff, channel, screening, reach };
}

/** Tabulated Coulomb remainders by (state, state, cutoffs, grid); tables are never mutated. */
const COULOMB_TABLE_CACHE = new Map<string, SplineTable>();

const ZERO_R: RadialFunction = { value: () => 0, derivative: () => 0 };

/** f + g. */
function sumOf(f: RadialFunction, g: RadialFunction): RadialFunction {
  return { value: (r) => f.value(r) + g.value(r), derivative: (r) => f.derivative(r) + g.derivative(r) };
}

/**
 * Largest host density that a close-packed environment could give: RHO_MAX_NEIGHBOURS neighbours at
 * RHO_MAX_DISTANCE, all in the state with the largest f_AM there (e/A^3), before the safety factor.
 */
export function hostDensityEstimate(fns: EctFunctions): number {
  let best = 0;
  for (const row of fns.density) for (const f of row) best = Math.max(best, RHO_MAX_NEIGHBOURS * f.value(RHO_MAX_DISTANCE));
  return best;
}

/**
 * Tabulate a model for the engine.
 *
 * - Radial grid: r_m = m*dr (default 0.002 A), nr = ceil(cutoff/dr) + 3 points, so the grid runs two
 *   spacings past the largest cutoff (every tabulated function is exactly 0 there).
 * - Embedding grid: rhoMax = (nrho-1)*drho >= 1.25 x the host density of 12 neighbours at 1.5 A in the
 *   densest state (default drho = that / 5000).
 * - The Coulomb remainder is evaluated at max(r, 0.25 A) (finite table; atoms never get that close).
 *
 * @param opts.dr   radial spacing (A)
 * @param opts.drho embedding-grid spacing (e/A^3)
 */
export function buildEctTables(model: EctModel, opts: { dr?: number; drho?: number } = {}): EctTables {
  const dr = opts.dr ?? DEFAULT_DR;
  if (!(dr > 0)) throw new RangeError(`buildEctTables: dr must be > 0, got ${dr}`);
  const c = model.cutoffs;
  const els = model.elements;
  const fns = ectFunctions(model);

  const coulombCutoff = els.map((_, a) => els.map((_, b) => remainderCutoff(c, a, b)));
  const cutoff = Math.max(c.density, c.pair, ...coulombCutoff.flat(), fns.resonance ? c.resonance : 0);
  const nr = Math.ceil(cutoff / dr - 1e-9) + 3;
  const radial = (f: RadialFunction, tableCut: number): SplineTable => {
    const v = new Float64Array(nr);
    // beyond its own cutoff every function is exactly 0 (skip the evaluation)
    const last = Math.min(nr - 1, Math.ceil(tableCut / dr));
    for (let m = 0; m <= last; m++) v[m] = f.value(m * dr);
    return interpolate(v, dr);
  };

  // [host][source] pair-specific density factors; they can only raise the estimate by their largest.
  const densityScale = els.map((host) => els.map((src) => host.densityScale?.[src.symbol] ?? 1));
  const rhoEstimate = RHO_MAX_FACTOR * hostDensityEstimate(fns) * Math.max(1, ...densityScale.flat());
  const rhoTarget = rhoEstimate > 0 ? rhoEstimate : 1.0;
  const drho = opts.drho ?? rhoTarget / DEFAULT_NRHO_INTERVALS;
  if (!(drho > 0)) throw new RangeError(`buildEctTables: drho must be > 0, got ${drho}`);
  const nrho = Math.max(5, Math.ceil(rhoTarget / drho - 1e-9) + 1);
  const rhoMax = (nrho - 1) * drho;
  const embed = (f: RadialFunction): SplineTable => {
    const v = new Float64Array(nrho);
    for (let m = 0; m < nrho; m++) v[m] = f.value(m * drho);
    return interpolate(v, drho);
  };

  const memo = new Map<RadialFunction, SplineTable>();
  const once = (f: RadialFunction, cut: number) => {
    let t = memo.get(f);
    if (!t) {
      t = radial(f, cut);
      memo.set(f, t);
    }
    return t;
  };

  const density = fns.density.map((row) => row.map((f) => once(f, c.density)));
  const embedding = fns.embedding.map((row) => row.map((f) => embed(f)));
  const pair = fns.pair.map((row) => row.map((f) => once(f, c.pair)));
  // Coulomb remainders depend only on the two states' densities, Z, the cutoffs and the grid; a fit
  // rebuilds tables for every parameter set, so they are cached across builds.
  const stateKey = (a: number, m: number) => JSON.stringify([els[a].Z, els[a].states[m].density]);
  const coulomb = fns.coulomb.map((a, ia) =>
    a.map((bRow, m) =>
      bRow.map((ms, ib) =>
        ms.map((f, mm) => {
          // A state-resolved pair function joins its state pair's remainder: it is part of the key.
          const kind = statePairKind(els[ia].states[m].charge);
          const np = kind !== null && kind === statePairKind(els[ib].states[mm].charge) ? model.pairs.filter((p) => p.states === kind && ((p.a === ia && p.b === ib) || (p.a === ib && p.b === ia))) : [];
          const rc = coulombCutoff[ia][ib];
          const key = `${stateKey(ia, m)}|${stateKey(ib, mm)}|${rc}|${c.taper}|${dr}|${nr}` + (np.length ? `|${JSON.stringify(np.map((p) => p.spec))}|${c.pair}` : "");
          let t = COULOMB_TABLE_CACHE.get(key);
          if (!t) {
            t = once(f, np.length ? Math.max(rc, c.pair) : rc);
            if (COULOMB_TABLE_CACHE.size >= 1024) COULOMB_TABLE_CACHE.delete(COULOMB_TABLE_CACHE.keys().next().value as string);
            COULOMB_TABLE_CACHE.set(key, t);
          }
          return t;
        }),
      ),
    ),
  );
  const resonance = fns.resonance ? fns.resonance.map((row) => row.map((f) => once(f, c.resonance))) : null;

  return {
    elements: els.map((e) => e.symbol),
    masses: els.map((e) => e.mass),
    Z: els.map((e) => e.Z),
    states: els.map((e) => e.states.map((s) => ({ name: s.name, electrons: s.electrons, charge: s.charge, energy: s.energy }))),
    maxStates: Math.max(...els.map((e) => e.states.length)),
    kT: model.electronicTemperature,
    totalCharge: model.totalCharge,
    nr,
    dr,
    cutoff,
    coulombCutoff,
    densityCutoff: c.density,
    pairCutoff: c.pair,
    resonanceCutoff: c.resonance,
    nrho,
    drho,
    rhoMax,
    density,
    densityScale,
    embedding,
    pair,
    coulomb,
    resonance,
    longRange: {
      kind: model.electrostatics.longRange,
      cutoff: model.electrostatics.cutoff,
      dsfAlpha: model.electrostatics.dsfAlpha,
      ewaldAccuracy: model.electrostatics.ewaldAccuracy,
    },
    coulombConstant: COULOMB_K,
    transfer: model.transfer,
    bond: model.transfer === "bond" ? bondTables(model) : null,
    polarization: model.polarization
      ? {
          cutoff: model.polarization.cutoff,
          taper: c.taper,
          damping: els.map((e) => e.dampingRadius ?? 1),
          alpha: els.map((e) => e.states.map((s) => s.polarizability)),
          confineStrength: els.map((e) => e.confinement?.strength ?? 0),
          confineRadius: els.map((e) => e.confinement?.radius ?? 1),
        }
      : null,
  };
}
