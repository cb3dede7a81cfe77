/**
 * The owned and imported slots of a spatial domain's engine, shared by the EAM (`engine.ts`) and the
 * Streitz-Mintmire (`streitz-engine.ts`) domain engines, which extend different KernelSystem
 * subclasses: owned atoms first, then imports (copies of a neighboring domain's atoms, placed by the
 * worker), then the periodic ghosts of both along the directions that are not cut.
 */
import type { Field } from "../engine/system.js";

/** Atoms as the worker holds them between rebuilds (struct of arrays, `count` used). */
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

export const NO_IMPORTS: AtomBlock = {
  count: 0,
  rank: new Int32Array(0),
  type: new Int32Array(0),
  x: new Float64Array(0),
  y: new Float64Array(0),
  z: new Float64Array(0),
};

/**
 * The KernelSystem members the slot code reads and sets. They are protected in KernelSystem; each
 * domain engine passes itself through `unknown` (protected is a compile-time rule only), which keeps
 * this code in one place for both engine families instead of a copy in each.
 */
export interface SlotHost {
  n: number;
  ownedCapacity: number;
  ghostCapacity: number;
  capacity: number;
  neighCapacity: number;
  binCapacity: number;
  layout(): void;
  setCtx(f: Field, v: number): void;
  f64(name: string): Float64Array;
  raw(name: string): Float64Array | Int32Array;
}

/** Imports of one domain engine and the slot bookkeeping around them. */
export class ImportSlots {
  imports: AtomBlock = NO_IMPORTS;

  constructor(private readonly host: SlotHost) {}

  /**
   * Sets the number of owned atoms, growing the arrays when needed; owned slots below the old and
   * new counts keep their data. Imports are cleared until `setImports`. Views must be fetched again.
   */
  resizeOwned(n: number, neighborsPerAtom: number): void {
    const h = this.host;
    h.n = n;
    this.imports = NO_IMPORTS;
    if (n > h.ownedCapacity || n + h.ghostCapacity > h.capacity || h.capacity === 0) {
      h.ownedCapacity = Math.ceil(n * 1.05) + 64;
      h.ghostCapacity = Math.max(h.ghostCapacity, 1024);
      h.capacity = h.ownedCapacity + h.ghostCapacity;
      h.neighCapacity = Math.max(h.neighCapacity, Math.ceil(h.ownedCapacity * neighborsPerAtom) + 1024);
      h.binCapacity = Math.max(h.binCapacity, 1024);
      h.layout();
    } else {
      h.setCtx("nlocal", n);
      h.setCtx("nimport", 0);
    }
  }

  /** Replaces the owned atoms; imports are cleared until `setImports`. */
  setOwned(o: OwnedBlock, neighborsPerAtom: number): void {
    const h = this.host, n = o.count;
    this.resizeOwned(n, neighborsPerAtom);
    for (const k of ["x", "y", "z", "vx", "vy", "vz", "invMass"] as const) h.f64(k).set(o[k].subarray(0, n));
    (h.raw("type") as Int32Array).set(o.type.subarray(0, n));
    (h.raw("rank") as Int32Array).set(o.rank.subarray(0, n));
  }

  /** Places imported atoms after the owned ones (kept across relayouts). */
  setImports(b: AtomBlock): void {
    const h = this.host;
    this.imports = b;
    if (b.count + 64 > h.ghostCapacity || h.n + h.ghostCapacity > h.capacity) {
      h.ghostCapacity = Math.ceil(b.count * 1.5) + 1024;
      h.capacity = Math.max(h.ownedCapacity, h.n) + h.ghostCapacity;
      h.layout();
    } else {
      this.write();
    }
  }

  /** Writes the imports into their slots (after every layout). */
  write(): void {
    const h = this.host, b = this.imports, n = h.n, m = b.count;
    h.f64("x").set(b.x.subarray(0, m), n);
    h.f64("y").set(b.y.subarray(0, m), n);
    h.f64("z").set(b.z.subarray(0, m), n);
    (h.raw("type") as Int32Array).set(b.type.subarray(0, m), n);
    (h.raw("rank") as Int32Array).set(b.rank.subarray(0, m), n);
    h.setCtx("nimport", m);
  }

  /**
   * Closest listed pair, for diagnostics: owned index i, and j as the owned or imported atom behind
   * the listed partner (an image resolved to the atom it copies), with the distance in A.
   */
  closestListedPair(): { i: number; j: number; r: number } | null {
    const h = this.host;
    const x = h.f64("x"), y = h.f64("y"), z = h.f64("z");
    const num = h.raw("numNeigh"), first = h.raw("firstNeigh"), neigh = h.raw("neigh");
    const owner = h.raw("ghostOwner");
    const n = h.n, src = n + this.imports.count;
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
}
