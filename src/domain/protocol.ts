/**
 * What the main thread (`md.ts`) and the domain workers (`worker.ts`) exchange through comlink:
 * setup, per-chunk partial sums and the final gather. Per-step data never goes this way; it goes
 * through the shared outboxes (`exchange.ts`). Browser-safe.
 */
import type { KernelVariant } from "../engine/wasm.js";
import type { StreitzEngineSettings } from "../streitz/engine.js";
import type { ThermostatSpec } from "../dynamics/thermostats.js";
import type { XlOrder } from "../xl/coefficients.js";
import type { EamPotentialSpec, SerializedError } from "../workers/protocol.js";
import type { Decomposition } from "./decompose.js";
import type { SharedBlocks } from "./exchange.js";

/** The atoms a worker starts with: global ids and per-atom data, transferred. */
export interface InitialAtoms {
  /** Index of each atom in the caller's structure. */
  gid: Int32Array;
  /** Type index (the potential's element order). */
  type: Int32Array;
  /** A, N x 3. */
  positions: Float64Array;
  /** A/fs, N x 3. */
  velocities: Float64Array;
  /** amu. */
  masses: Float64Array;
}

/**
 * A Streitz-Mintmire model for the domain workers: the eam/alloy file and the .streitz parameter
 * file (texts, parsed once per worker) and the engine settings (Wolf, or Ewald in lammps mode; the QEq CG runs with
 * the Jacobi preconditioner, see docs/domain-decomposition.md).
 */
export interface DomainStreitzSpec {
  kind: "streitz";
  eam: { text: string; fileName: string };
  streitz: { text: string; fileName: string };
  settings: StreitzEngineSettings;
  /** Extended-Lagrangian charges in MD (null: every step solved to the tolerance). */
  xl: { order: XlOrder; loops: number } | null;
  /** Ewald (settings.summation "ewald"): splitting g (1/A) and k-vector extents; null for Wolf. */
  ewald: { g: number; kmax: [number, number, number] } | null;
}

/** Charge-solve counters of one domain (identical on every domain: the CG decisions are global). */
export interface DomainQeqReport {
  /** Solves so far, CG loops (s + t) summed over them, solves that stopped at the loop limit. */
  solves: number;
  loopSum: number;
  failures: number;
  /** CG loops (s + t) of the last solve. */
  lastLoops: number;
  /** Smallest and largest charge of the domain's atoms now, e (+-Infinity without atoms). */
  qMin: number;
  qMax: number;
}

export interface DomainSetup {
  module: WebAssembly.Module;
  variant: KernelVariant;
  potential: EamPotentialSpec | DomainStreitzSpec;
  blocks: SharedBlocks;
  /** This worker's domain. */
  index: number;
  decomposition: Decomposition;
  /** Cell rows (A) and periodicity, as given by the caller. */
  cell: Float64Array;
  pbc: [boolean, boolean, boolean];
  /** Time step, fs; neighbor skin, A; neighbor check interval and delay, steps. */
  dt: number;
  skin: number;
  every: number;
  delay: number;
  /** Thermostat (the same on every domain) and the atoms of the whole system. */
  thermostat: ThermostatSpec;
  totalAtoms: number;
  /** Half-list entries to reserve per owned atom. */
  neighborsPerAtom: number;
  atoms: InitialAtoms;
}

/** One domain's share of the global sums after a chunk of steps. */
export interface DomainPartial {
  /** Potential energy of the domain (embedding of its atoms + pairs it computed), eV. */
  energy: number;
  /** Kinetic energy of its atoms, eV. */
  kinetic: number;
  /** Virial of the pairs it computed (eV), 3x3 row-major; tallied on the chunk's last step. */
  virial: Float64Array;
  /** Owned atoms now. */
  atoms: number;
  /** Neighbor builds, builds on the first step the delay allowed, atoms that arrived from other domains. */
  builds: number;
  dangerous: number;
  arrivals: number;
  /** Owned atoms whose host density is beyond the embedding table. */
  offTable: number;
  /** Copies of other domains' atoms held at the last build. */
  imports: number;
  /** The domain's share of the thermostat energy (eV; the shares sum to it). */
  thermostat: number;
  /** Streitz-Mintmire: the charge solves (null for EAM). */
  qeq: DomainQeqReport | null;
}

/** A domain's atoms with their global ids (arrays transferred). */
export interface DomainGathered {
  gid: Int32Array;
  positions: Float64Array;
  velocities: Float64Array;
  forces: Float64Array;
  /** Per-atom energies, eV (tallied on the last step of the last chunk; EAM part only for Streitz-Mintmire). */
  energies: Float64Array;
  /** Charges, e (Streitz-Mintmire; null for EAM). */
  charges: Float64Array | null;
}

export type Reply<T> = { status: "ok"; value: T } | { status: "error"; error: SerializedError; aborted: boolean };

/** The functions a domain worker exposes. start, run and gather are collective: call them on every worker at once. */
export interface DomainWorkerApi {
  init(setup: DomainSetup): Promise<Reply<null>>;
  /** Distributes the atoms, builds lists and computes the first forces. */
  start(): Reply<DomainPartial>;
  /** Runs velocity-Verlet steps. */
  run(steps: number): Reply<DomainPartial>;
  gather(): Reply<DomainGathered>;
}
