import type { Atoms } from "../atoms.js";
import { WasmCalculator } from "../calculators/cached.js";
import type { EamPotential } from "../potentials/types.js";
import { EamEngine, type EngineOptions } from "./engine.js";

/** Results of one evaluation; arrays are copies the caller owns. */
export interface EamResults {
  /** Total potential energy, eV. */
  energy: number;
  /** Forces, eV/A, row-major N x 3. */
  forces: Float64Array;
  /** Per-atom energies e_i = F_i(rho_i) + 1/2 sum_j phi_ij, eV. */
  energies: Float64Array;
  /** Virial W_ab = sum over pairs r_a f_b, eV, full 3x3 row-major. */
  virial: Float64Array;
  /**
   * Stress with ASE's sign convention, stress = -W/V (eV/A^3), Voigt order xx yy zz yz xz xy;
   * null when no direction is periodic or the cell has no volume (a cluster, or a slab given
   * without a vector along its open direction).
   */
  stress: Float64Array | null;
  /** Host densities rho_i (potential's density units). */
  densities: Float64Array;
  /** Atoms whose density fell beyond the embedding table (F continued linearly, as LAMMPS). */
  offTableDensities: number;
}

/** The properties `calculate` returns, as ASE's `implemented_properties`. */
export const IMPLEMENTED_PROPERTIES = ["energy", "forces", "energies", "stress", "virial", "densities", "offTableDensities"] as const;

/**
 * An ASE-style calculator for classic EAM: hand it structures, get energies, forces and stress.
 * It keeps one engine (one wasm instance) and reuses the neighbor list between calls on the same
 * system while atoms stay within half the skin of where the list was built; `getPotentialEnergy`,
 * `getForces` and `getStress` of unchanged atoms share one evaluation.
 */
export class EamCalculator extends WasmCalculator<EamResults, EamEngine> {
  readonly implementedProperties = IMPLEMENTED_PROPERTIES;
  private warned = false;
  /** Called once per calculator when densities leave the embedding table (default: console.warn). */
  onWarning: (message: string) => void = (m) => console.warn(m);

  private constructor(engine: EamEngine) {
    super({ kind: "eam", engine });
  }

  /** Creates a calculator for a tabulated potential (see `readEamPotentialFile`). */
  static async create(potential: EamPotential, opts: EngineOptions = {}): Promise<EamCalculator> {
    return new EamCalculator(await EamEngine.create(potential, opts));
  }

  /** Evaluates energy, forces, per-atom energies and stress of `atoms`. */
  protected evaluate(atoms: Atoms, source?: string): EamResults {
    const { virial, stress } = this.runEngine(atoms, source);
    const e = this.engine;
    const off = e.offTableCount();
    if (off > 0 && !this.warned) {
      this.warned = true;
      this.onWarning(
        `${off} atom(s) have a host density above rhomax of ${e.potential.source}; F was continued linearly (as LAMMPS does)`,
      );
    }
    return {
      energy: e.energy(),
      forces: e.forces(),
      energies: e.energies(),
      virial,
      stress,
      densities: e.densities(),
      offTableDensities: off,
    };
  }

}
