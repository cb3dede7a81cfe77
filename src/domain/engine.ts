/**
 * The engine of one spatial domain: an EAM kernel system whose extended atoms are its owned atoms,
 * then imported atoms (copies of atoms owned by neighboring domains, placed by the domain worker),
 * then periodic images of both along the directions that are not cut (`slots.ts`). The worker drives
 * the passes one by one and communicates between them (see domain.ts). `SlabEngine` is what the
 * worker needs of any domain engine (EAM here, Streitz-Mintmire in streitz-engine.ts).
 */
import { eamTableSetup } from "../eam/engine.js";
import type { CellFrame } from "../engine/geometry.js";
import { KernelSystem, type Field } from "../engine/system.js";
import { instantiateKernels, type KernelVariant } from "../engine/wasm.js";
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

export class DomainEngine extends KernelSystem implements SlabEngine {
  private readonly slots = new ImportSlots(this as unknown as SlotHost);
  /** False for a single domain: the pair rule then uses local indices, as EamEngine does. */
  private ranked = true;

  constructor(potential: EamPotential, mod: WebAssembly.Module, variant: KernelVariant, skin: number) {
    super(instantiateKernels(mod), variant, skin, potential.elements, potential.cutoff, potential.source);
    const setup = eamTableSetup(potential);
    this.placeTables(setup.tables);
    for (const [field, v] of setup.scalars) this.setCtx(field, v);
  }

  /**
   * Sets the cell. `ghostPbc` is the periodicity used for images: the cut direction is switched off
   * when there are several domains (imports supply those neighbors); `ranked` selects the pair rule.
   */
  configure(frame: CellFrame, ghostPbc: readonly boolean[], ranked: boolean, every: number, delay: number, dt: number): void {
    this.setFrame(frame, ghostPbc);
    this.ranked = ranked;
    this.setCtx("every", every);
    this.setCtx("delay", delay);
    this.setCtx("dt", dt);
  }

  protected extraPerAtom(): [Field, number][] {
    return [["rank", 4]];
  }

  protected preservedPerAtom(): [string, number][] {
    return [...super.preservedPerAtom(), ["rank", 1]];
  }

  protected afterLayout(): void {
    if (!this.ranked) this.setCtx("rank", 0);
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
  get importCount(): number {
    return this.slots.imports.count;
  }
  closestListedPair(): { i: number; j: number; r: number } | null {
    return this.slots.closestListedPair();
  }
  carried(): Carried[] {
    return [];
  }

  /** Ghosts, bins and the half list for the current owned and imported atoms (growing arrays as needed). */
  rebuildLocal(): void {
    if (this.n === 0) {
      // Nothing to list; the passes must still see the imports as the only non-owned atoms.
      this.setCtx("nghost", this.importCount);
      return;
    }
    this.withGrowth(() => this.k.rebuild(this.ctx));
  }

  /** Buffer over all extended slots (owned, imported, ghosts) for the exchange loops. */
  array(name: SlabArray): Float64Array {
    return this.f64(name);
  }
  ints(name: "type" | "rank"): Int32Array {
    return this.raw(name) as Int32Array;
  }

  setTally(on: boolean): void {
    this.setCtx("tally", on ? 1 : 0);
  }
  initialIntegrate(): void {
    this.k.initialIntegrate(this.ctx);
  }
  finalIntegrate(): void {
    this.k.finalIntegrate(this.ctx);
  }
  needsRebuildNow(): boolean {
    return this.n > 0 && this.k.needsRebuild(this.ctx) !== 0;
  }
  density(): void {
    this.k.passDensity(this.ctx);
  }
  embedding(): void {
    this.k.passEmbedding(this.ctx);
  }
  ghostFp(): void {
    this.k.ghostFp(this.ctx);
  }
  force(): void {
    this.k.passForce(this.ctx);
  }
}
