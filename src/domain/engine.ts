/**
 * The engine of one spatial domain: an EAM kernel system whose extended atoms are its owned atoms,
 * then imported atoms (copies of atoms owned by neighboring domains, placed by the domain worker),
 * then periodic images of both along the directions that are not cut (`slots.ts`). The worker drives
 * the passes one by one and communicates between them (see domain.ts). `SlabEngine` is what the
 * worker needs of any domain engine; `Slab` is it for both models (EAM here, Streitz-Mintmire in
 * streitz-engine.ts), which differ only in their passes and in what migrates with an atom.
 */
import { eamTableSetup } from "../eam/engine.js";
import type { CellFrame } from "../engine/geometry.js";
import { KernelSystem, type Field } from "../engine/system.js";
import { instantiateKernels, type KernelExports, type KernelVariant } from "../engine/wasm.js";
import type { EamPotential } from "../potentials/types.js";
import { ImportSlots, type AtomBlock, type OwnedBlock, type SlotHost } from "./slots.js";

export type { AtomBlock, OwnedBlock } from "./slots.js";

/** Per-atom buffers the worker reads and writes directly (extended slots: owned, imports, ghosts). */
export type SlabArray = "x" | "y" | "z" | "vx" | "vy" | "vz" | "fx" | "fy" | "fz" | "rho" | "fp" | "eatom" | "invMass";

/** What a domain worker needs of its engine; the kernel steps in the order the worker calls them. */
export interface SlabEngine {
  readonly length: number;
  /** Imported atoms (at extended indices length .. length+importCount-1). */
  readonly importCount: number;
  configure(frame: CellFrame, ghostPbc: readonly boolean[], ranked: boolean, every: number, delay: number, dt: number): void;
  setOwned(o: OwnedBlock, neighborsPerAtom: number): void;
  resizeOwned(n: number, neighborsPerAtom: number): void;
  setImports(b: AtomBlock): void;
  rebuildLocal(): void;
  array(name: SlabArray): Float64Array;
  ints(name: "type" | "rank"): Int32Array;
  setTally(on: boolean): void;
  initialIntegrate(): void;
  finalIntegrate(): void;
  needsRebuildNow(): boolean;
  density(): void;
  embedding(): void;
  ghostFp(): void;
  force(): void;
  energy(): number;
  kineticEnergy(): number;
  virial(): Float64Array;
  offTableCount(): number;
  closestListedPair(): { i: number; j: number; r: number } | null;
  /** Owned per-atom data that travels with a migrating atom besides position, velocity, type and mass. */
  carried(): Carried[];
}

/**
 * Per-atom data of owned atoms that moves with them between domains: `count` leading values of
 * `per` per atom in `array()` (fetched again after the engine's arrays grow); `resize` makes room
 * for n atoms keeping the first ones (data outside the engine's buffers).
 */
export interface Carried {
  array(): Float64Array;
  per: number;
  count: number;
  resize?(n: number): void;
}

/** The kernel passes in which the models differ (EAM: assembly/eam.ts; Streitz-Mintmire: assembly/domain.ts). */
export interface SlabPasses {
  density(): void;
  embedding(): void;
  force(): void;
  /** Owned per-atom data that migrates with an atom (default none). */
  carried?(): Carried[];
}

/**
 * The KernelSystem members the slab code reads and calls besides the slots'. They are protected in
 * KernelSystem; each engine passes itself through `unknown` (as for `ImportSlots`), so that this
 * code serves both engine families, which extend different KernelSystem subclasses.
 */
type SlabHost = SlotHost &
  Pick<KernelSystem, "length" | "rebuild" | "energy" | "kineticEnergy" | "virial" | "offTableCount"> & {
    k: KernelExports;
    ctx: number;
    setFrame(frame: CellFrame, pbc: readonly boolean[]): void;
  };

/**
 * One domain's engine as the worker drives it (`SlabEngine`), for either model: the owned and
 * imported slots, the cell and pair rule, the integration and rebuild kernels every engine has, and
 * the model's own passes. Each domain engine holds one (`slab`) and calls `afterLayout` from its
 * layout hook.
 */
export class Slab implements SlabEngine {
  private readonly host: SlabHost;
  private readonly slots: ImportSlots;
  /** False for a single domain: the pair rule then uses local indices, as the single engine does. */
  private ranked = true;

  constructor(engine: KernelSystem, private readonly passes: SlabPasses) {
    this.host = engine as unknown as SlabHost;
    this.slots = new ImportSlots(this.host);
  }

  get length(): number {
    return this.host.length;
  }
  get importCount(): number {
    return this.slots.imports.count;
  }

  /**
   * Sets the cell. `ghostPbc` is the periodicity used for images: the cut direction is switched off
   * when there are several domains (imports supply those neighbors); `ranked` selects the pair rule.
   * `every`/`delay` are the neighbor checks (steps), `dt` the time step (fs).
   */
  configure(frame: CellFrame, ghostPbc: readonly boolean[], ranked: boolean, every: number, delay: number, dt: number): void {
    const h = this.host;
    h.setFrame(frame, ghostPbc);
    this.ranked = ranked;
    h.setCtx("every", every);
    h.setCtx("delay", delay);
    h.setCtx("dt", dt);
  }

  /** The engine's layout hook: the pair rule's ranks and the imports go back into the new buffers. */
  afterLayout(): void {
    if (!this.ranked) this.host.setCtx("rank", 0);
    this.slots.write();
  }

  resizeOwned(n: number, neighborsPerAtom: number): void {
    this.slots.resizeOwned(n, neighborsPerAtom);
  }
  setOwned(o: OwnedBlock, neighborsPerAtom: number): void {
    this.slots.setOwned(o, neighborsPerAtom);
  }
  setImports(b: AtomBlock): void {
    this.slots.setImports(b);
  }
  closestListedPair(): { i: number; j: number; r: number } | null {
    return this.slots.closestListedPair();
  }
  carried(): Carried[] {
    return this.passes.carried?.() ?? [];
  }

  /** Ghosts, bins and the half list for the current owned and imported atoms (growing arrays as needed). */
  rebuildLocal(): void {
    if (this.host.n === 0) {
      // Nothing to list; the passes must still see the imports as the only non-owned atoms.
      this.host.setCtx("nghost", this.importCount);
      return;
    }
    this.host.rebuild();
  }

  /** Buffer over all extended slots (owned, imported, ghosts) for the exchange loops. */
  array(name: SlabArray): Float64Array {
    return this.host.f64(name);
  }
  ints(name: "type" | "rank"): Int32Array {
    return this.host.raw(name) as Int32Array;
  }

  setTally(on: boolean): void {
    this.host.setCtx("tally", on ? 1 : 0);
  }
  initialIntegrate(): void {
    this.host.k.initialIntegrate(this.host.ctx);
  }
  finalIntegrate(): void {
    this.host.k.finalIntegrate(this.host.ctx);
  }
  needsRebuildNow(): boolean {
    return this.host.n > 0 && this.host.k.needsRebuild(this.host.ctx) !== 0;
  }
  density(): void {
    this.passes.density();
  }
  embedding(): void {
    this.passes.embedding();
  }
  ghostFp(): void {
    this.host.k.ghostFp(this.host.ctx);
  }
  force(): void {
    this.passes.force();
  }
  energy(): number {
    return this.host.energy();
  }
  kineticEnergy(): number {
    return this.host.kineticEnergy();
  }
  virial(): Float64Array {
    return this.host.virial();
  }
  offTableCount(): number {
    return this.host.offTableCount();
  }
}

/** The EAM engine of one domain: the tables of a single EamEngine, the domain's slots and ranks. */
export class DomainEngine extends KernelSystem {
  readonly slab: Slab = new Slab(this, {
    density: () => this.k.passDensity(this.ctx),
    embedding: () => this.k.passEmbedding(this.ctx),
    force: () => this.k.passForce(this.ctx),
  });

  constructor(potential: EamPotential, mod: WebAssembly.Module, variant: KernelVariant, skin: number) {
    super(instantiateKernels(mod), variant, skin, potential.elements, potential.cutoff, potential.source);
    const setup = eamTableSetup(potential);
    this.placeTables(setup.tables);
    for (const [field, v] of setup.scalars) this.setCtx(field, v);
  }

  protected extraPerAtom(): [Field, number][] {
    return [["rank", 4]];
  }

  protected preservedPerAtom(): [string, number][] {
    return [...super.preservedPerAtom(), ["rank", 1]];
  }

  protected afterLayout(): void {
    this.slab.afterLayout();
  }
}
