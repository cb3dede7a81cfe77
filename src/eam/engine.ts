import type { EamPotential } from "../potentials/types.js";
import { KernelSystem, type Field } from "../engine/system.js";
import { packTables } from "./tables.js";
import { instantiateKernels, loadKernelModule, type KernelExports, type KernelVariant } from "../engine/wasm.js";

export { MVV2E, FTM, BOLTZMANN, type PerAtomBuffer, type EngineOptions } from "../engine/system.js";
import type { EngineOptions } from "../engine/system.js";

/**
 * Classic EAM (LAMMPS eam, eam/alloy, eam/fs) on a KernelSystem: LAMMPS-exact tables, the density,
 * embedding and force passes, and velocity-Verlet MD run inside wasm.
 */
export class EamEngine extends KernelSystem {
  readonly potential: EamPotential;

  private constructor(potential: EamPotential, k: KernelExports, variant: KernelVariant, skin: number) {
    super(k, variant, skin, potential.elements, potential.cutoff, potential.source);
    this.potential = potential;
    const setup = eamTableSetup(potential);
    this.placeTables(setup.tables);
    for (const [field, v] of setup.scalars) this.setCtx(field, v);
  }

  /** Creates an engine for a tabulated potential. */
  static async create(potential: EamPotential, opts: EngineOptions = {}): Promise<EamEngine> {
    const variant = opts.variant ?? "simd";
    const mod = opts.module ?? (await loadKernelModule(variant));
    return EamEngine.fromModule(potential, mod, variant, opts.skin);
  }

  /** Synchronous creation from an already compiled kernel module. */
  static fromModule(potential: EamPotential, mod: WebAssembly.Module, variant: KernelVariant = "simd", skin = 1.0): EamEngine {
    return new EamEngine(potential, instantiateKernels(mod), variant, skin);
  }

  /** Forces, energies and virial at the current positions (rebuilding the list when needed). */
  compute(): void {
    this.requireAtoms();
    if (!this.listValid || this.k.needsRebuild(this.ctx)) this.rebuild();
    this.setCtx("tally", 1);
    this.k.computeForces(this.ctx);
    this.forcesValid = true;
    this.tallied = true;
    this.checkResult();
  }

  /**
   * Runs `steps` velocity-Verlet NVE steps of `dt` fs. The list is rebuilt when an atom has moved
   * more than half the skin, checked every `every` steps once `delay` steps have passed since the
   * last build (LAMMPS neigh_modify semantics). With `tally: false` the last step skips the per-atom
   * energies and the virial (the total energy is always summed); `energies()` and `virial()` then
   * compute them on first use, at the cost of one more force evaluation. The trajectory is the same.
   */
  runVerlet(steps: number, dt: number, opts: { every?: number; delay?: number; tally?: boolean } = {}): void {
    this.setVerletSettings(steps, dt, opts);
    if (!this.forcesValid) this.compute();
    const tally = opts.tally ?? true;
    this.runVerletChunks(
      steps,
      (left) => {
        this.setCtx("tally", tally ? 1 : 0);
        return this.k.runVerlet(this.ctx, left);
      },
      () => this.k.finishStep(this.ctx),
    );
    if (steps > 0) this.tallied = tally;
  }

  /** The total energy (eV), summed by every evaluation, tallied or not. */
  override energy(): number {
    return this.getCtx("energy");
  }

  /**
   * Per-atom energies and virial after untallied steps: the three passes again at the same positions
   * with the tally. The density pass finds each list's in-cutoff front already in place (its
   * partition moves nothing at unchanged positions), so the forces are the same doubles.
   */
  protected override tallyNow(): void {
    this.setCtx("tally", 1);
    this.k.computeForces(this.ctx);
  }

}

/**
 * What an EAM engine puts into wasm memory besides atoms: the packed tables (density, force,
 * embedding records) and the grid scalars of the context. Shared by `EamEngine` and the spatial
 * domains of src/domain.
 */
export function eamTableSetup(potential: EamPotential): { tables: { field: Field; data: Float64Array }[]; scalars: [Field, number][] } {
  const t = packTables(potential);
  return {
    tables: [
      { field: "densityTable", data: t.density },
      { field: "forceTable", data: t.force },
      { field: "embedTable", data: t.embed },
    ],
    scalars: [
      ["nr", t.nr],
      ["rdr", 1.0 / potential.dr],
      ["nrho", t.nrho],
      ["rdrho", 1.0 / potential.drho],
      ["rhomax", potential.rhomax],
    ],
  };
}
