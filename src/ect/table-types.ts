/**
 * Types of the built ECT-EAM tables (what `buildEctTables` in tables.ts returns), apart from the
 * code that builds them: the transfer modules (transfer/bond-list.ts, transfer/polarization.ts)
 * read the tables, and tables.ts needs the polarization settings' type, so keeping the types here
 * lets both import them without importing each other. Types only; browser-safe.
 */
import type { SplineTable } from "../potentials/types.js";
import type { RadialFunction } from "./forms.js";
import type { LongRangeKind, TransferKind } from "./model-types.js";

/** An ECT-EAM model tabulated for the kernels and the TypeScript solvers (see `buildEctTables`). */
export interface EctTables {
  elements: string[];
  masses: number[];
  Z: number[];
  /** [element][state]. */
  states: { name: string; electrons: number; charge: number /* Q = Z - N */; energy: number /* eV */ }[][];
  /** Max states of any element (<= MAX_STATES). */
  maxStates: number;
  /** k_B T_e, eV. */
  kT: number;
  /** e. */
  totalCharge: number;
  /** Common radial grid: r_m = m*dr, m = 0..nr-1, covers the largest cutoff. */
  nr: number;
  dr: number;
  /** Largest short-range cutoff (density, pair, Coulomb remainder, resonance), A. */
  cutoff: number;
  /** [a][b] Coulomb-remainder cutoff of each element pair (A): coulombShortRange or the pair's own. */
  coulombCutoff: number[][];
  /** Where the embedding densities f_AM end (A); kernels skip them beyond. */
  densityCutoff: number;
  /** Where the pair functions phi_AB end (A). */
  pairCutoff: number;
  /** Where the resonance couplings h_AB end (A). */
  resonanceCutoff: number;
  /** Embedding grid: rhobar_m = m*drho, m = 0..nrho-1; (nrho-1)*drho = rhoMax. */
  nrho: number;
  drho: number;
  /** Above it F is continued linearly (as EAM). */
  rhoMax: number;
  /** [element][state]: f_AM(r), embedding density incl. taper (e/A^3). */
  density: SplineTable[][];
  /** [host A][source B]: factor on the density B's states put on A's host density (EctElement.densityScale; 1 when absent). */
  densityScale: number[][];
  /** [element][state]: F_AM(rhobar) in eV. */
  embedding: SplineTable[][];
  /** [A][B] symmetric: phi_AB(r) in eV (NOT r*phi), incl. taper; pair[a][b] and pair[b][a] are the same object. */
  pair: SplineTable[][];
  /**
   * [A][M][B][M']: u(r) = U_{AM,BM'}(r) - k Q_AM Q_BM' / r, eV, incl. taper (short-ranged remainder);
   * coulomb[a][m][b][mm] and coulomb[b][mm][a][m] are the same object.
   */
  coulomb: SplineTable[][][][];
  /** [A][B]: h_AB(r) eV incl. taper, or null when the model has none (no entry with h0 != 0). */
  resonance: SplineTable[][] | null;
  longRange: { kind: LongRangeKind; cutoff: number; dsfAlpha: number; ewaldAccuracy: number };
  /** 14.399645 eV*A/e^2. */
  coulombConstant: number;
  /** How charge moves (model.transfer). */
  transfer: TransferKind;
  /** Bond transfer: the channels' couplings, per element pair (null with ensemble transfer). */
  bond: BondTables | null;
  /** Induction settings (null when the model has no polarization). */
  polarization: PolarizationTables | null;
}

/**
 * What bond transfer needs besides the mean-field tables: per element pair (a, b) the transfer
 * cutoff (0 when the pair has no resonance entry: no bond) and the tapered coupling h_ab(r). The
 * channel correlation D uses the Coulomb remainder tables (`coulomb`) and k/r.
 */
export interface BondTables {
  /** [a][b] symmetric, A; 0 = no bond between these elements. */
  cutoff: number[][];
  /** [a][b] symmetric, h(r) (eV) with the taper ending at cutoff[a][b]. */
  coupling: RadialFunction[][];
  /** Largest transfer cutoff (A). */
  maxCutoff: number;
  /** [a][b]: whether the channel a -> b (a gives an electron to b) exists. */
  channel: boolean[][];
  /** Screening of the couplings by atoms between the pair, or null (none). */
  screening: ScreeningParams | null;
  /** Range the neighbor list must cover for bonds and their screeners (A). */
  reach: number;
}

/** The screening parameters of a model (dimensionless ellipse parameters, cmin < cmax; transfer/screening.ts). */
export interface ScreeningParams {
  cmin: number;
  cmax: number;
  /** [a][b] symmetric: whether bonds between these elements are screened. */
  screened: boolean[][];
}

/** The polarization settings of a model's tables (see EctTables.polarization). */
export interface PolarizationTables {
  cutoff: number;
  taper: number;
  /** [element] damping radius rho_A (A). */
  damping: number[];
  /** [element][state] polarizability (A^3). */
  alpha: number[][];
  /** [element] confinement strength gamma_A (0: none) and radius R_A (A): alpha_i / (1 + gamma n_i), n_i = sum_j exp(-(r/R_A)^2). */
  confineStrength: number[];
  confineRadius: number[];
}
