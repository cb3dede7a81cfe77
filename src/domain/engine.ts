/**
 * The engine of one spatial domain: an EAM kernel system whose extended atoms are its owned atoms,
 * then imported atoms (copies of atoms owned by neighboring domains, placed by the domain worker),
 * then periodic images of both along the directions that are not cut. The worker drives the passes
 * one by one and communicates between them (see worker.ts).
 */
import { eamTableSetup } from "../eam/engine.js";
import type { CellFrame } from "../engine/geometry.js";
import { KernelSystem, type Field } from "../engine/system.js";
import { instantiateKernels, type KernelVariant } from "../engine/wasm.js";
import type { EamPotential } from "../potentials/types.js";

/** Owned atoms as the worker holds them between rebuilds (struct of arrays, `count` used). */
export interface AtomBlock {
  count: number;
  rank: Int32Array;
  type: Int32Array;
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
}

export interface OwnedBlock extends AtomBlock {
  vx: Float64Array;
  vy: Float64Array;
  vz: Float64Array;
  invMass: Float64Array;
}

const NO_IMPORTS: AtomBlock = {
  count: 0,
  rank: new Int32Array(0),
  type: new Int32Array(0),
  x: new Float64Array(0),
  y: new Float64Array(0),
  z: new Float64Array(0),
};

export class DomainEngine extends KernelSystem {
  private imports: AtomBlock = NO_IMPORTS;
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
    this.writeImports();
  }

  /**
   * Sets the number of owned atoms, growing the arrays when needed; owned slots below the old and
   * new counts keep their data. Imports are cleared until `setImports`. Views must be fetched again.
   */
  resizeOwned(n: number, neighborsPerAtom: number): void {
    this.n = n;
    this.imports = NO_IMPORTS;
    if (n > this.ownedCapacity || n + this.ghostCapacity > this.capacity || this.capacity === 0) {
      this.ownedCapacity = Math.ceil(n * 1.05) + 64;
      this.ghostCapacity = Math.max(this.ghostCapacity, 1024);
      this.capacity = this.ownedCapacity + this.ghostCapacity;
      this.neighCapacity = Math.max(this.neighCapacity, Math.ceil(this.ownedCapacity * neighborsPerAtom) + 1024);
      this.binCapacity = Math.max(this.binCapacity, 1024);
      this.layout();
    } else {
      this.setCtx("nlocal", n);
      this.setCtx("nimport", 0);
    }
  }

  /** Replaces the owned atoms; imports are cleared until `setImports`. */
  setOwned(o: OwnedBlock, neighborsPerAtom: number): void {
    const n = o.count;
    this.resizeOwned(n, neighborsPerAtom);
    this.f64("x").set(o.x.subarray(0, n));
    this.f64("y").set(o.y.subarray(0, n));
    this.f64("z").set(o.z.subarray(0, n));
    this.f64("vx").set(o.vx.subarray(0, n));
    this.f64("vy").set(o.vy.subarray(0, n));
    this.f64("vz").set(o.vz.subarray(0, n));
    this.f64("invMass").set(o.invMass.subarray(0, n));
    (this.raw("type") as Int32Array).set(o.type.subarray(0, n));
    (this.raw("rank") as Int32Array).set(o.rank.subarray(0, n));
  }

  /** Places imported atoms after the owned ones (kept by the engine across relayouts). */
  setImports(b: AtomBlock): void {
    this.imports = b;
    if (b.count + 64 > this.ghostCapacity || this.n + this.ghostCapacity > this.capacity) {
      this.ghostCapacity = Math.ceil(b.count * 1.5) + 1024;
      this.capacity = Math.max(this.ownedCapacity, this.n) + this.ghostCapacity;
      this.layout();
    } else {
      this.writeImports();
    }
  }

  private writeImports(): void {
    const b = this.imports, n = this.n, m = b.count;
    this.f64("x").set(b.x.subarray(0, m), n);
    this.f64("y").set(b.y.subarray(0, m), n);
    this.f64("z").set(b.z.subarray(0, m), n);
    (this.raw("type") as Int32Array).set(b.type.subarray(0, m), n);
    (this.raw("rank") as Int32Array).set(b.rank.subarray(0, m), n);
    this.setCtx("nimport", m);
  }

  /** Number of imported atoms (at extended indices length .. length+importCount-1). */
  get importCount(): number {
    return this.imports.count;
  }

  /**
   * Closest listed pair, for diagnostics: owned index i, and j as the owned or imported atom behind
   * the listed partner (an image resolved to the atom it copies), with the distance in A.
   */
  closestListedPair(): { i: number; j: number; r: number } | null {
    const x = this.f64("x"), y = this.f64("y"), z = this.f64("z");
    const num = this.raw("numNeigh"), first = this.raw("firstNeigh"), neigh = this.raw("neigh");
    const owner = this.raw("ghostOwner");
    const n = this.n, src = n + this.imports.count;
    let best: { i: number; j: number; r: number } | null = null;
    for (let i = 0; i < n; i++) {
      for (let q = first[i]; q < first[i] + num[i]; q++) {
        const j = neigh[q];
        const r = Math.hypot(x[i] - x[j], y[i] - y[j], z[i] - z[j]);
        if (!best || r < best.r) best = { i, j: j < src ? j : owner[j - n], r };
      }
    }
    return best;
  }

  /** Ghosts, bins and the half list for the current owned and imported atoms (growing arrays as needed). */
  rebuildLocal(): void {
    if (this.n === 0) {
      // Nothing to list; the passes must still see the imports as the only non-owned atoms.
      this.setCtx("nghost", this.imports.count);
      return;
    }
    this.withGrowth(() => this.k.rebuild(this.ctx));
  }

  /** Buffer over all extended slots (owned, imported, ghosts) for the exchange loops. */
  array(name: "x" | "y" | "z" | "vx" | "vy" | "vz" | "fx" | "fy" | "fz" | "rho" | "fp" | "eatom" | "invMass"): Float64Array {
    return this.f64(name);
  }
  ints(name: "type" | "rank"): Int32Array {
    return this.raw(name) as Int32Array;
  }

  // Kernel steps, in the order a domain worker calls them.
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
  /** Number of periodic ghosts plus imports. */
  get nonOwned(): number {
    return this.getCtx("nghost");
  }
}
