/**
 * Types of a validated ECT-EAM model (what `parseEctModel` returns) and the kernels' state limit.
 * No logic, and no import but the kernels' state limit (generated, itself importing nothing): the
 * radial forms (`forms.ts`), the Coulomb integrals (`coulomb.ts`), the parser (`model-parse.ts`) and
 * the physics checks (`model-warnings.ts`) all depend on these types, and keeping them apart lets
 * those modules import them without importing each other.
 * Units: lengths in A, energies in eV, charges in e, masses in amu.
 */


/** Radial basis function families of the state densities. */
export type RbfType = "slater" | "gaussian";

/**
 * One term of a state density: `electrons` times a normalized s-function,
 * Slater (zeta^3/pi) exp(-2 zeta r) (exponent = zeta, 1/A) or Gaussian (alpha/pi)^(3/2) exp(-alpha r^2)
 * (exponent = alpha, 1/A^2).
 */
export interface DensityTerm {
  type: RbfType;
  exponent: number;
  electrons: number;
}

/** Embedding function F_AM(rhobar) (eV); every form has F(0) = 0. */
export type EmbeddingSpec =
  | { form: "zero" }
  | { form: "baskes"; a: number; rho0: number }
  | { form: "sqrt"; a: number }
  | { form: "spline"; points: [number, number][] };

/** Pair function phi_AB(r) (eV, before the taper). */
export type PairSpec =
  | { form: "zero" }
  | { form: "born-mayer"; A: number; rho: number; A2?: number; rho2?: number }
  | { form: "morse"; D: number; alpha: number; r0: number };

/**
 * Resonance coupling h_AB(r) (eV, before the taper), one of:
 * - "exponential": h = -h0 exp(-kappa r), h0 in eV and kappa in 1/A (fitted per pair);
 * - "olson-smith-bauer": the ionic-covalent coupling of R. E. Olson, F. T. Smith and E. Bauer,
 *   Appl. Opt. 10, 1848 (1971), from the donor's ionization energy I and the acceptor's electron
 *   affinity A alone (both eV, read from the elements' state energies by the parser):
 *   h = -scale sqrt(I A) 1.044 R* exp(-0.857 R*) with R* = r (sqrt(2 I) + sqrt(2 A)) / 2 in atomic
 *   units. It needs no fitted parameter, which is what lets element pairs without reference data
 *   (Na-F, Li-Cl, Na-H) have a coupling; the fitted exponential couplings of Li-F and Li-H follow
 *   it within 3 and 8 % near their bond lengths (docs/ect-eam.md).
 */
export type ResonanceSpec =
  | { form: "exponential"; h0: number; kappa: number }
  | { form: "olson-smith-bauer"; scale: number; ionization: number; affinity: number };

/**
 * How charge moves between atoms (docs/ect-eam.md):
 * - "bond": through bonds only. Each pair of atoms within the transfer cutoff of its resonance entry
 *   has two channels (i -> j, j -> i) with their own ionic weights; the atoms' state weights follow
 *   from them. Separated fragments keep their charge; no global chemical potential; no entropy.
 * - "ensemble": the first form of the specification: per-atom weights at one chemical potential and an
 *   electronic temperature, mean-field resonance (kept for the starter model and comparisons).
 */
export type TransferKind = "ensemble" | "bond";

/** One isolated-atom state M of an element A. */
export interface EctState {
  name: string;
  /** Valence electron count N_AM (integer >= 0). */
  electrons: number;
  /** State charge Q_AM = Z_A - N_AM (e). */
  charge: number;
  /** E_AM in eV relative to the neutral ground state (IP for A+, 0 for A0, -EA for A-). */
  energy: number;
  /**
   * Energy to remove one electron from this state (eV), when given in the file (used only for the
   * asymptotic-decay warning; otherwise taken from the library's N-1 state).
   */
  ionizationEnergy?: number;
  density: DensityTerm[];
  embedding: EmbeddingSpec;
  /**
   * "free-ion" (default): the density's tail should decay like the isolated state's,
   * exp(-2 sqrt(2 I) r), and the loader warns when it does not. "compressed": the tail was made more
   * compact on purpose (an anion in condensed phases; see docs/ect-eam.md), no warning.
   */
  asymptoticDecay?: "free-ion" | "compressed";
  /** Dipole polarizability of the state (A^3); used when the model has `polarization`. Default 0. */
  polarizability: number;
  comment?: string;
}

export interface EctElement {
  symbol: string;
  /** Valence core charge Z_A (e) = electrons of the neutral state. */
  Z: number;
  /** amu. */
  mass: number;
  states: EctState[];
  /** Damping radius rho_A of the charge-dipole interaction (A), used with `polarization`. */
  dampingRadius?: number;
  /**
   * Confinement of the polarizability by the neighbours (used with `polarization`): the atom's
   * polarizability is divided by 1 + strength * n_i, n_i = sum_j exp(-(r_ij / radius)^2) (tapered at
   * the polarization cutoff), so an anion between six cations polarizes less than the same anion
   * beside one (the in-crystal polarizabilities of Fowler and Madden). Absent: no confinement.
   */
  confinement?: { strength: number; radius: number };
  /**
   * Pair-specific host densities (as in Finnis-Sinclair EAM): the density that the states of each
   * listed element put on this element's host density is multiplied by the factor (> 0); unlisted
   * elements count fully, and a listed element that the model does not have is ignored (so a model
   * cut down to fewer elements stays valid). Only the embedding reads it: Coulomb remainders use the
   * states' own densities. Absent: every factor 1.
   */
  densityScale?: Record<string, number>;
  comment?: string;
}

/** Induction (docs/ect-eam.md): the range of the damped field that polarizes the state ensembles. */
export interface EctPolarization {
  /** A; the field is tapered to 0 over cutoffs.taper ending here. */
  cutoff: number;
}

/**
 * Screening of the bond couplings by the atoms between a pair (bond transfer only), MEAM's ellipse
 * form: an atom k with ellipse parameter C <= cmin blocks the pair, C >= cmax does nothing
 * (src/ect/transfer/screening.ts).
 */
export interface EctScreening {
  cmin: number;
  cmax: number;
  /** The resonance pairs ("A-B") that are screened; all when absent. */
  pairs?: string[];
}

/** The Coulomb-remainder cutoff (A) of element pair (a, b), element indices with a <= b. */
export interface EctPairCutoff {
  a: number;
  b: number;
  cutoff: number;
}

/** The Coulomb-remainder cutoff (A) between elements a and b: the pair's own when given, else the common one. */
export function remainderCutoff(c: EctCutoffs, a: number, b: number): number {
  const lo = Math.min(a, b), hi = Math.max(a, b);
  return c.coulombShortRangePairs?.find((p) => p.a === lo && p.b === hi)?.cutoff ?? c.coulombShortRange;
}

/** Cutoffs in A; each radial function goes smoothly to zero over `taper` ending at its cutoff. */
export interface EctCutoffs {
  density: number;
  pair: number;
  coulombShortRange: number;
  /**
   * Longer Coulomb-remainder cutoffs of some element pairs (each >= coulombShortRange): diffuse anion
   * densities (the hydride's) need a reach that the other pairs would pay for in every structure.
   */
  coulombShortRangePairs?: EctPairCutoff[];
  /** Cutoff of the resonance coupling h_AB (defaults to `pair`). */
  resonance: number;
  taper: number;
}

export type LongRangeKind = "direct" | "dsf" | "ewald";

export interface EctElectrostatics {
  longRange: LongRangeKind;
  /** Real-space cutoff of the long-range point-charge part for "dsf" and "ewald" (A). */
  cutoff: number;
  /** Damping parameter of the damped shifted force sum (1/A). */
  dsfAlpha: number;
  /** Relative accuracy target of the Ewald sum. */
  ewaldAccuracy: number;
}

/** An unordered element pair with its function; a <= b are indices into `EctModel.elements`. */
export interface EctPair {
  key: string;
  a: number;
  b: number;
  spec: PairSpec;
  /**
   * Which configurations the pair energy belongs to: "all" (phi(r) whatever the states) or
   * "neutral" (w_i0 w_j0 phi(r): the covalent configuration of two neutral atoms only, so that,
   * for example, the H2 bond does not bind two H- ions; tabulated with the neutral-neutral Coulomb
   * remainder), or "anion" (w_i- w_j- phi(r): the overlap repulsion of two anions, which the
   * neutral-only H-H bond leaves out; tabulated with the anion-anion remainder).
   */
  states: "all" | "neutral" | "anion";
  comment?: string;
}

export type EctResonance = ResonanceSpec & EctResonanceKeys;

/** Where an element pair's coupling applies (the part of a resonance entry beside its form). */
export interface EctResonanceKeys {
  key: string;
  a: number;
  b: number;
  /** Transfer cutoff of this pair (A), bond transfer only (default cutoffs.resonance). */
  cutoff?: number;
  /**
   * Bond transfer: the element that gives the electron when only one direction of transfer is
   * modelled (its ionic configuration A+ B-); both channels when absent.
   */
  donor?: string;
  comment?: string;
}

/** A validated ECT-EAM model (defaults filled in). */
export interface EctModel {
  /** Where the model came from (file name or a label), for messages. */
  source: string;
  name: string;
  description: string;
  /** k_B T_e in eV (ensemble transfer; 0 and unused with bond transfer). */
  electronicTemperature: number;
  /** How charge moves between atoms. */
  transfer: TransferKind;
  /** Induction by the damped field of the charges (bond transfer only), or null. */
  polarization: EctPolarization | null;
  /** Screening of the couplings (bond transfer only), or null: every pair within its cutoff couples. */
  screening: EctScreening | null;
  cutoffs: EctCutoffs;
  electrostatics: EctElectrostatics;
  /** Total charge of the system (e). */
  totalCharge: number;
  /** Elements in file order. */
  elements: EctElement[];
  /** Pairs given in the file; pairs not listed have phi = 0. */
  pairs: EctPair[];
  /** Resonance couplings given in the file; pairs not listed have h = 0. */
  resonance: EctResonance[];
  /** Physical constraints that the parameters violate (not errors), each prefixed by its field path. */
  warnings: string[];
}

// Most states an element may have: the wasm kernels' state slots per atom (scripts/wasm-interface.mjs).
export { MAX_STATES } from "../engine/bindings.generated.js";

/** The state-resolved pair kind (EctPair.states) a state of charge `q` (e) belongs to; cations none. */
export function statePairKind(q: number): "neutral" | "anion" | null {
  return q === 0 ? "neutral" : q < 0 ? "anion" : null;
}
