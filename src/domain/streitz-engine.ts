/**
 * The engine of one Streitz-Mintmire spatial domain: a StreitzEngine (tables, buffers, settings)
 * whose extended atoms are its owned atoms, its imports and the ghosts of both (`slots.ts`), driven
 * pass by pass through the domain kernels (assembly/domain.ts) so that the worker can communicate
 * between them. What the worker does with any domain engine is `Slab` (engine.ts); this file adds
 * the model's passes and the charge solve's kernels (the solve itself is `streitz-qeq.ts`).
 * Units: A, eV, e, fs.
 */
import type { Field } from "../engine/system.js";
import { instantiateKernels, type KernelVariant } from "../engine/wasm.js";
import { QEQ_PRECOND_JACOBI, type StreitzDomainKernelExports } from "../engine/bindings.generated.js";
import { parseEamPotential } from "../potentials/eam-parse.js";
import { StreitzEngine, type StreitzEngineSettings } from "../streitz/engine.js";
import { parseStreitz } from "../streitz/params.js";
import { Slab } from "./engine.js";
import type { DomainStreitzSpec } from "./protocol.js";

/** Builds a domain's Streitz-Mintmire engine from the files' texts (parsed in the worker). */
export function createStreitzSlabEngine(spec: DomainStreitzSpec, mod: WebAssembly.Module, variant: KernelVariant, skin: number): StreitzSlabEngine {
  const eam = parseEamPotential(spec.eam.text, { fileName: spec.eam.fileName, style: "eam/alloy" });
  const params = parseStreitz(spec.streitz.text, spec.streitz.fileName);
  return new StreitzSlabEngine(eam, params, spec.settings, mod, variant, skin);
}

/**
 * A StreitzEngine laid out for a domain (ranks, imports, Ewald phases by owned capacity), with the
 * worker's view of it (`slab`) and the charge-solve passes `DomainQeq` drives.
 */
export class StreitzSlabEngine extends StreitzEngine {
  readonly slab: Slab = new Slab(this, {
    density: () => this.kd.streitzDomainDensity(this.ctx),
    embedding: () => this.kd.streitzDomainEmbedding(this.ctx),
    force: () => this.kd.streitzDomainForce(this.ctx),
    // The last two (s, t) solutions travel with an atom: the linear CG start reads them.
    carried: () => [{ array: () => this.f64("sqHist"), per: 8, count: 4 }],
  });

  constructor(
    eam: ReturnType<typeof parseEamPotential>,
    params: ReturnType<typeof parseStreitz>,
    settings: StreitzEngineSettings,
    mod: WebAssembly.Module,
    variant: KernelVariant,
    skin: number,
  ) {
    super(eam, params, settings, instantiateKernels(mod), variant, skin);
    // The CG runs in the worker with global dot products; the Gauss-Seidel rows would reach imports.
    this.setCtx("qeqPrecond", QEQ_PRECOND_JACOBI);
  }

  private get kd(): StreitzDomainKernelExports {
    return this.k as StreitzDomainKernelExports;
  }

  protected extraPerAtom(): [Field, number][] {
    return [...super.extraPerAtom(), ["rank", 4]];
  }
  /** The Ewald phases are per owned atom, whose number changes at every migration: sized by the owned capacity. */
  protected extraRegions(): [Field, number][] {
    // the engine sizes skPhase for its n atoms: ask for one, then scale
    const n = this.n, owned = Math.max(n, this.ownedCapacity, 1);
    this.n = Math.max(n, 1);
    const regions = super.extraRegions();
    this.n = n;
    return regions.map(([f, bytes]): [Field, number] => [f, f === "skPhase" ? (bytes / Math.max(n, 1)) * owned : bytes]);
  }
  /** A domain may own no atoms (an empty slab): the Ewald setup must not refuse it. */
  protected requireAtoms(): void {}
  protected preservedPerAtom(): [string, number][] {
    return [...super.preservedPerAtom(), ["rank", 1]];
  }
  protected afterLayout(): void {
    super.afterLayout();
    this.slab.afterLayout();
  }

  /** The charge solve's buffers over the extended slots (charges e; CG vectors e and eV). */
  array(name: "charge" | "sqX" | "sqB" | "sqR" | "sqD" | "sqHd" | "sqZ" | "sqHist"): Float64Array {
    return this.f64(name);
  }
  /** Per-type hardness J (eV/e^2), for the Jacobi preconditioner 1/J_i. */
  hardness(): Float64Array {
    return this.f64("sqJ");
  }
  /** Atoms closer than the tables reach, counted by the last QEq pair pass. */
  tooClose(): number {
    return this.getCtx("tooClose");
  }

  qeqPairs(): void {
    this.kd.streitzDomainQeqPairs(this.ctx);
  }
  qeqRhs(): void {
    this.kd.streitzDomainQeqRhs(this.ctx);
  }
  /** sqHd = H sqX (`fromX`) or H sqD. */
  matvec(fromX: boolean): void {
    this.kd.streitzDomainMatvec(this.ctx, fromX ? 1 : 0);
  }
  coulomb(): void {
    this.kd.streitzDomainCoulomb(this.ctx);
  }
  /** Ewald: this domain's structure factors into skSums (4 values per k-vector: Re, Im, -, -). */
  kspaceSums(): Float64Array {
    this.kd.streitzDomainKspaceSums(this.ctx);
    return this.f64("skSums");
  }
  /** Ewald forces of the owned atoms from the whole system's structure factors, written to skSums by the caller. */
  kspaceForces(): void {
    this.kd.streitzDomainKspaceForces(this.ctx);
  }
  /** Ewald splitting g (1/A) and cell volume (A^3). */
  kspaceScalars(): { g: number; volume: number } {
    return { g: this.getCtx("skG"), volume: this.getCtx("skVolume") };
  }
  /** k-vectors: kx, ky, kz (1/A) and the prefactor ug (1/A) per k (the engine's skVecs). */
  kspaceVectors(): Float64Array {
    return this.f64("skVecs");
  }
  /** Adds an energy (eV) and a virial (eV, Voigt xx yy zz yz xz xy) to the domain's totals (the reciprocal part on domain 0). */
  addEnergyVirial(energy: number, w: readonly number[]): void {
    this.setCtx("energy", this.getCtx("energy") + energy);
    this.setCtx("eKspace", energy);
    (["vxx", "vyy", "vzz", "vyz", "vxz", "vxy"] as const).forEach((f, k) => this.setCtx(f, this.getCtx(f) + w[k]));
  }
}
