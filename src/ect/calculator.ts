import type { Atoms } from "../atoms.js";
import { WasmCalculator } from "../calculators/cached.js";
import type { EngineOptions } from "../engine/system.js";
import { EctEngine, MAX_STATES } from "./engine.js";
import type { EctTables } from "./tables.js";

/** Results of one ECT-EAM evaluation; arrays are copies the caller owns. */
export interface EctResults {
  /** Total energy E, eV. */
  energy: number;
  /** Grand potential Omega = E - kT S (eV): forces are -dOmega/dR. */
  grandPotential: number;
  /** Electron chemical potential, eV. */
  mu: number;
  /** Forces, eV/A, N x 3. */
  forces: Float64Array;
  /** Per-atom energies (on-site, half of each pair, half of the point-charge terms), eV. */
  energies: Float64Array;
  /** Virial W_ab = sum over pairs r_a f_b, eV, 3x3. */
  virial: Float64Array;
  /** Stress -W/V (eV/A^3, Voigt xx yy zz yz xz xy); null without a periodic direction. */
  stress: Float64Array | null;
  /** Charges q_i, e. */
  charges: Float64Array;
  /** Ensemble weights, N rows of `MAX_STATES` slots (state order of the model; unused slots 0). */
  weights: Float64Array;
  /** Host densities rhobar_i. */
  hostDensities: Float64Array;
  /** Local electronegativities mu_i = dE/dN_i, eV. */
  electronegativities: Float64Array;
  /** Dipole moment sum_i q_i r_i, e*A (clusters; origin dependent for charged systems). */
  dipole: [number, number, number];
  /** Weight-solver iterations and final residual. */
  iterations: number;
  residual: number;
}

/** The properties `calculate` returns, as ASE's `implemented_properties`. */
export const ECT_PROPERTIES = [
  "energy", "grandPotential", "mu", "forces", "energies", "virial", "stress", "charges", "weights", "hostDensities",
  "electronegativities", "dipole", "iterations", "residual",
] as const;

/**
 * ASE-style calculator for ECT-EAM models (see `EamCalculator` for classic EAM). The weights of one
 * evaluation are the solver's warm start for the next of the same system; `getPotentialEnergy`,
 * `getForces` and `getStress` of unchanged atoms share one evaluation.
 */
export class EctCalculator extends WasmCalculator<EctResults, EctEngine> {
  readonly implementedProperties = ECT_PROPERTIES;

  private constructor(engine: EctEngine) {
    super({ kind: "ect", engine });
  }

  /** Creates a calculator from built tables (`buildEctTables(readEctModelFile(path))`). */
  static async create(tables: EctTables, opts: EngineOptions & { source?: string } = {}): Promise<EctCalculator> {
    return new EctCalculator(await EctEngine.create(tables, opts));
  }

  /** Evaluates a structure; the same system keeps its weights as the solver's warm start. */
  protected evaluate(atoms: Atoms, source?: string): EctResults {
    const { virial, stress } = this.runEngine(atoms, source);
    return ectResults(this.engine, virial, stress);
  }

  /** The next evaluation starts the weight solver cold (results then do not depend on earlier calls). */
  coldStart(): void {
    this.engine.coldStart();
    this.reset();
  }
}

/** The results of an engine's last evaluation (copies), with the virial and stress the caller computed. */
export function ectResults(e: EctEngine, virial: Float64Array, stress: Float64Array | null): EctResults {
  const rep = e.solverReport();
  return {
    energy: e.energy(),
    grandPotential: e.grandPotential(),
    mu: rep.mu,
    forces: e.forces(),
    energies: e.energies(),
    virial,
    stress,
    charges: e.charges(),
    weights: e.weights(),
    hostDensities: e.densities(),
    electronegativities: e.electronegativities(),
    dipole: e.dipole(),
    iterations: rep.iterations,
    residual: rep.residual,
  };
}

export { MAX_STATES };
