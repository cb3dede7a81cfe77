/**
 * One MD run over several workers by spatial domain decomposition (as LAMMPS does with MPI): the
 * cell is cut into slabs, each worker owns the atoms in its slab and steps them with copies of its
 * neighbors' atoms near the slab faces. Workers exchange those copies' positions, densities, F'(rho)
 * and forces through shared memory with Atomics barriers; the main thread only starts chunks of steps
 * and sums a few numbers per chunk. Energies, forces and the virial equal the single-engine results
 * up to summation order (round-off). See docs/domain-decomposition.md.
 */
import { transfer } from "comlink";
import type { Atoms } from "../atoms.js";
import type { DynamicsHooks } from "../dynamics/driver.js";
import { hookInterval, isDue, nextStop } from "../dynamics/schedule.js";
import { engineThermo, type DynamicsThermo } from "../dynamics/thermo.js";
import { checkThermostat, type ThermostatSpec } from "../dynamics/thermostats.js";
import { cellFrame } from "../engine/geometry.js";
import { stressFromVirial } from "../engine/system.js";
import { loadKernelModule, type KernelVariant } from "../engine/wasm.js";
import { CalculationFailed, InputError } from "../errors.js";
import { parseEamPotential } from "../potentials/eam-parse.js";
import { reviveError, type EamPotentialSpec } from "../workers/protocol.js";
import { defaultWorkerCount, threadSpawner, type Thread } from "../workers/threads.js";
import { decompose, domainOf, fractional, type Decomposition } from "./decompose.js";
import { abortFromMain, createSharedBlocks, type SharedBlocks } from "./exchange.js";
import type { DomainPartial, DomainStreitzSpec, DomainWorkerApi, InitialAtoms, Reply } from "./protocol.js";
import { resolveStreitz, type DomainStreitzPotential } from "./streitz-options.js";

export type { DomainStreitzPotential } from "./streitz-options.js";

/** Options of `createDomainMd`. */
export interface DomainMdOptions {
  /**
   * The EAM potential (file text and name), or a Streitz-Mintmire model (eam/alloy and .streitz
   * texts; Wolf, or Ewald in lammps mode); parsed once per worker.
   */
  potential: EamPotentialSpec | DomainStreitzPotential;
  /** The structure; its velocities (A/fs) are used when present, else zero. Copied, never modified. */
  atoms: Atoms;
  /** Time step, fs. */
  dt: number;
  /**
   * Domains (one worker each), >= 1. Default: the available cores. Fewer are used when the cell is
   * too thin for that many slabs wider than cutoff + skin (see `DomainMd.limitedBy`).
   */
  workers?: number;
  /** Neighbor skin, A (default 1.0). */
  skin?: number;
  /** Check the neighbor lists every this many steps (default 1) ... */
  neighborEvery?: number;
  /** ... once this many steps have passed since the last build (default 0). */
  neighborDelay?: number;
  /**
   * Thermostat (default none: NVE): Nose-Hoover chain or Langevin (BAOAB), as `MolecularDynamics`'
   * (src/dynamics/thermostats.ts). Langevin's noise here is keyed on atom and step, so the
   * trajectory is the same on any number of workers (see docs/domain-decomposition.md).
   */
  thermostat?: ThermostatSpec;
  /** Kernel build: "simd" (default) or "scalar". */
  variant?: KernelVariant;
  /** The domain worker script (default: `domain-worker.js` next to this bundle). */
  workerUrl?: string | URL;
  /** A compiled kernel module to post to the workers instead of `loadKernelModule(variant)`. */
  module?: WebAssembly.Module;
  /** Receives warnings (fewer domains than asked, densities beyond the embedding table). Default: console.warn. */
  onWarning?: (message: string) => void;
}

/** The whole system at the current step, atoms in the caller's order. */
export interface DomainState {
  step: number;
  /** Potential and kinetic energy, eV. */
  energy: number;
  kinetic: number;
  /** Virial W_ab = sum over pairs r_a f_b (eV), 3x3 row-major, tallied on the last step of the last run. */
  virial: Float64Array;
  /** -W/V (eV/A^3), Voigt xx yy zz yz xz xy, ASE sign; null without a periodic direction. */
  stress: Float64Array | null;
  /** Positions (A, wrapped into the cell at neighbor builds), velocities (A/fs), forces (eV/A): N x 3. */
  positions: Float64Array;
  velocities: Float64Array;
  forces: Float64Array;
  /** Per-atom energies, eV (tallied with the virial; the EAM part only for Streitz-Mintmire). */
  energies: Float64Array;
  /** Charges, e (Streitz-Mintmire; null for EAM). */
  charges: Float64Array | null;
}

/**
 * Callbacks of `DomainMd.run`, as the driver's (`DynamicsHooks`, with the same schedule,
 * src/dynamics/schedule.ts): thermo rows every `thermoEvery` steps counted from the session's step 0
 * and at the end (the first row at the start), progress every `progressEvery` steps of the run.
 */
export interface DomainRunHooks extends Pick<DynamicsHooks, "thermoEvery" | "onThermo" | "progressEvery"> {
  /**
   * Called in the calling thread every `progressEvery` steps (default: about 1 % of the run) and at
   * the end, with the thermo row at that step.
   */
  onProgress?: (done: number, total: number, thermo: DynamicsThermo) => void;
}

/** Counters summed over the domains. */
export interface DomainStats {
  /** Neighbor builds (all domains build together), and those on the first step the delay allowed. */
  builds: number;
  dangerous: number;
  /** Atoms that moved from one domain to another at builds. */
  migrations: number;
  /** Copies of other domains' atoms held at the last build, summed over the domains. */
  imports: number;
  /** Owned atoms per domain. */
  atoms: number[];
  /**
   * Streitz-Mintmire: charge solves, CG loops (s + t) summed over them and of the last solve, solves
   * stopped at the loop limit, and the smallest and largest charge now (e).
   */
  qeq: { solves: number; loopSum: number; failures: number; lastLoops: number; qMin: number; qMax: number } | null;
}

/** A running domain-decomposed MD session. Not usable after an error (its workers are stopped). */
export interface DomainMd {
  /** Domains (workers) in use, and the cell vector they cut (0 a, 1 b, 2 c). */
  readonly domains: number;
  readonly axis: 0 | 1 | 2;
  /** Why fewer domains than requested are used; "" when the request was met. */
  readonly limitedBy: string;
  readonly length: number;
  /** Steps done since creation. */
  readonly step: number;
  /** Simulated time since creation, fs (as `MolecularDynamics.time`). */
  readonly time: number;
  /**
   * Thermo row at the current step (potential and kinetic energy, temperature, pressure, conserved
   * energy; for Streitz-Mintmire the charge range and CG loops), as the driver's rows.
   */
  thermo(): DynamicsThermo;
  /**
   * Energy the thermostat holds (eV: Nose-Hoover chain energy, Langevin energy given to the bath;
   * 0 for NVE): potential + kinetic + this is conserved.
   */
  thermostatEnergy(): number;
  /** Runs velocity-Verlet steps (with the thermostat, if any); resolves with the thermo row at the end. */
  run(steps: number, hooks?: DomainRunHooks): Promise<DynamicsThermo>;
  /** Gathers positions, velocities, forces and per-atom energies from the workers. */
  state(): Promise<DomainState>;
  stats(): DomainStats;
  /** Terminates the workers. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the workers, distributes the atoms, builds neighbor lists and computes the first forces.
 * @throws InputError for a bad structure or options; the parser's error for a bad potential; Error
 * when the worker script cannot be found (run `npm run build`) or SharedArrayBuffer is unavailable
 */
export async function createDomainMd(opts: DomainMdOptions): Promise<DomainMd> {
  const { atoms, potential: spec } = opts;
  if (!spec || !((spec.kind === "eam" && typeof spec.text === "string") || spec.kind === "streitz")) {
    throw new InputError(`potential must be {kind: "eam", text, fileName} or {kind: "streitz", eam, streitz}: domain decomposition runs EAM and Streitz-Mintmire`);
  }
  const requested = opts.workers ?? (await defaultWorkerCount());
  if (!Number.isInteger(requested) || requested < 1) throw new InputError(`workers must be a positive integer, got ${requested}`);
  if (!(opts.dt > 0) || !Number.isFinite(opts.dt)) throw new InputError(`time step must be > 0 fs, got ${opts.dt}`);
  const skin = opts.skin ?? 1.0;
  if (!(skin >= 0) || !Number.isFinite(skin)) throw new InputError(`skin must be a finite distance >= 0 A, got ${skin}`);
  const every = opts.neighborEvery ?? 1, delay = opts.neighborDelay ?? 0;
  if (!Number.isInteger(every) || every < 1) throw new InputError(`neighborEvery must be a positive integer, got ${every}`);
  if (!Number.isInteger(delay) || delay < 0) throw new InputError(`neighborDelay must be an integer >= 0, got ${delay}`);
  const variant = opts.variant ?? "simd";
  const warn = opts.onWarning ?? ((m: string) => console.warn(m));
  const thermostat = checkThermostat(opts.thermostat ?? { kind: "none" });

  let pot, cutoff: number, workerSpec: EamPotentialSpec | DomainStreitzSpec;
  if (spec.kind === "streitz") {
    const r = resolveStreitz(spec, atoms.symbols, atoms.pbc);
    ({ eam: pot, cutoff, spec: workerSpec } = r);
  } else {
    pot = parseEamPotential(spec.text, { fileName: spec.fileName, style: spec.style });
    cutoff = pot.cutoff;
    workerSpec = { kind: "eam", text: spec.text, fileName: spec.fileName, style: spec.style };
  }
  const n = atoms.length;
  if (n === 0) throw new InputError("structure: no atoms");
  if (n >= 2 ** 30 - 2) throw new InputError(`structure: ${n} atoms; domain decomposition handles fewer than 2^30 - 2`);
  const types = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = pot.elements.indexOf(atoms.symbols[i]);
    if (t < 0) throw new InputError(`species '${atoms.symbols[i]}' is not in ${pot.source} (elements: ${pot.elements.join(", ")})`, { atom: i });
    types[i] = t;
    if (!(atoms.masses[i] > 0)) throw new InputError(`structure: atom ${i} has mass ${atoms.masses[i]} amu, expected > 0`, { atom: i });
  }
  checkFinite(atoms.positions, "position");
  const velocities = atoms.velocities ? Float64Array.from(atoms.velocities) : new Float64Array(3 * n);
  checkFinite(velocities, "velocity");
  const frame = cellFrame(atoms.cell, atoms.pbc);
  const dec = decompose(frame, atoms.pbc, requested, cutoff + skin);
  if (dec.limitedBy) warn(`domain decomposition: using ${dec.domains} of ${requested} workers: ${dec.limitedBy}`);
  const module = opts.module ?? (await loadKernelModule(variant));

  const parts = partition(atoms, types, velocities, frame.g, dec);
  // Outboxes start at about what the slab faces need and grow (up to a bound no run can exceed).
  const faceAtoms = Math.ceil(2.6 * n * dec.margin) + 256;
  const blocks = createSharedBlocks(dec.domains, 8 * (16 * faceAtoms + 4096), 8 * (40 * n + 4096));
  const volume = frame.volume > 0 ? frame.volume : 0;
  const density = volume > 0 ? n / volume : 0.1;
  const reach = cutoff + skin;
  const neighborsPerAtom = Math.max(32, 0.5 * (4 / 3) * Math.PI * reach ** 3 * Math.min(density, 0.2) * 1.3);

  const spawn = await threadSpawner<DomainWorkerApi>("domain-worker.js", opts.workerUrl);
  const session = new Session(dec, blocks, atoms, n, opts.dt, warn, pot.source);
  try {
    await session.spawn(spawn);
    await session.collective((t, d) =>
      t.remote.init(
        transfer(
          {
            module,
            variant,
            potential: workerSpec,
            blocks,
            index: d,
            decomposition: dec,
            cell: Float64Array.from(atoms.cell),
            pbc: [atoms.pbc[0], atoms.pbc[1], atoms.pbc[2]],
            dt: opts.dt,
            skin,
            every,
            delay,
            neighborsPerAtom,
            thermostat,
            totalAtoms: n,
            atoms: parts[d],
          },
          [parts[d].gid.buffer, parts[d].type.buffer, parts[d].positions.buffer, parts[d].velocities.buffer, parts[d].masses.buffer] as ArrayBuffer[],
        ),
      ),
    );
    session.absorb(await session.collective((t) => t.remote.start()));
  } catch (e) {
    await session.close();
    throw e;
  }
  return session;
}

/** Splits the atoms by the slab their wrapped fractional coordinate falls in (workers re-check at their first build). */
function partition(atoms: Atoms, types: Int32Array, velocities: Float64Array, g: ArrayLike<number>, dec: Decomposition): InitialAtoms[] {
  const n = atoms.length, p = dec.domains, pos = atoms.positions, mass = atoms.masses;
  const of = new Int32Array(n);
  const counts = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) {
    let s = fractional(pos[3 * i], pos[3 * i + 1], pos[3 * i + 2], g, dec.axis);
    s -= Math.floor(s);
    of[i] = p > 1 ? domainOf(s, dec.bounds) : 0;
    counts[of[i]]++;
  }
  const parts = counts.map((c) => ({
    gid: new Int32Array(c),
    type: new Int32Array(c),
    positions: new Float64Array(3 * c),
    velocities: new Float64Array(3 * c),
    masses: new Float64Array(c),
  }));
  const fill = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) {
    const part = parts[of[i]], k = fill[of[i]]++;
    part.gid[k] = i;
    part.type[k] = types[i];
    part.masses[k] = mass[i];
    for (let c = 0; c < 3; c++) {
      part.positions[3 * k + c] = pos[3 * i + c];
      part.velocities[3 * k + c] = velocities[3 * i + c];
    }
  }
  return parts;
}

function checkFinite(a: ArrayLike<number>, what: string): void {
  for (let k = 0; k < a.length; k++) {
    if (!Number.isFinite(a[k])) {
      const atom = Math.floor(k / 3);
      throw new InputError(`structure: atom ${atom} has a non-finite ${what} component ${"xyz"[k % 3]} = ${a[k]}`, { atom });
    }
  }
}

class Session implements DomainMd {
  readonly domains: number;
  readonly axis: 0 | 1 | 2;
  readonly limitedBy: string;
  step = 0;
  private threads: Thread<DomainWorkerApi>[] = [];
  private partials: DomainPartial[] = [];
  private failure: Error | undefined;
  private closed = false;
  private warnedOffTable = false;
  private busy = false;

  constructor(
    dec: Decomposition,
    private readonly blocks: SharedBlocks,
    private readonly template: Atoms,
    readonly length: number,
    private readonly dt: number,
    private readonly warn: (m: string) => void,
    private readonly source: string,
  ) {
    this.domains = dec.domains;
    this.axis = dec.axis;
    this.limitedBy = dec.limitedBy;
  }

  async spawn(spawn: () => Promise<Thread<DomainWorkerApi>>): Promise<void> {
    const started = await Promise.allSettled(Array.from({ length: this.domains }, () => spawn()));
    for (const s of started) if (s.status === "fulfilled") this.threads.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    // A thread that dies leaves its partners waiting at a barrier: wake them with the abort flag.
    for (const t of this.threads) t.stopped.catch(() => abortFromMain(this.blocks.control));
  }

  /**
   * Calls every worker at once and waits for all. On failure the session is finished and the most
   * telling error is thrown: a worker's own error first, then a thread's death, then the echo of
   * an abort in the others.
   */
  async collective<T>(call: (t: Thread<DomainWorkerApi>, d: number) => Promise<Reply<T>>): Promise<T[]> {
    if (this.failure) throw new Error(`this domain MD session stopped after an error: ${this.failure.message}`);
    if (this.closed) throw new Error("this domain MD session is closed");
    const settled = await Promise.allSettled(this.threads.map((t, d) => Promise.race([call(t, d), t.stopped])));
    let own: Error | undefined, death: Error | undefined, echo: Error | undefined;
    const out: T[] = [];
    for (const s of settled) {
      if (s.status === "rejected") death ??= s.reason instanceof Error ? s.reason : new Error(String(s.reason));
      else if (s.value.status === "error") {
        const e = reviveError(s.value.error);
        if (s.value.aborted) echo ??= e;
        else own ??= e;
      } else out.push(s.value.value);
    }
    const err = own ?? death ?? echo;
    if (err) {
      this.failure = err;
      await this.terminate();
      throw err;
    }
    return out;
  }

  absorb(partials: DomainPartial[]): void {
    this.partials = partials;
    const off = partials.reduce((s, p) => s + p.offTable, 0);
    if (off > 0 && !this.warnedOffTable) {
      this.warnedOffTable = true;
      this.warn(`${off} atom(s) have a host density above rhomax of ${this.source}; F was continued linearly (as LAMMPS does)`);
    }
  }

  get time(): number {
    return this.step * this.dt;
  }

  /** The row of the whole system from the domains' sums (the same computation as VelocityVerlet's). */
  thermo(): DynamicsThermo {
    const q = this.partials[0]?.qeq ? this.stats().qeq : null;
    return engineThermo(
      {
        step: this.step, time: this.time, n: this.length,
        potential: this.sum((p) => p.energy), kinetic: this.sum((p) => p.kinetic), virial: this.virial(), cell: this.template,
      },
      {
        reservoir: this.thermostatEnergy(),
        charges: q ? { min: q.qMin, max: q.qMax } : null,
        // as the single engine's rows: the mean of the two CG solves' loops (StreitzResults.qeqIterations)
        solverIterations: q ? Math.trunc(q.lastLoops / 2) : null,
      },
    );
  }

  private sum(f: (p: DomainPartial) => number): number {
    return this.partials.reduce((s, p) => s + f(p), 0);
  }

  thermostatEnergy(): number {
    return this.sum((p) => p.thermostat);
  }

  private virial(): Float64Array {
    const w = new Float64Array(9);
    for (const p of this.partials) for (let k = 0; k < 9; k++) w[k] += p.virial[k];
    return w;
  }

  stats(): DomainStats {
    return {
      builds: this.partials[0]?.builds ?? 0,
      dangerous: this.partials[0]?.dangerous ?? 0,
      migrations: this.sum((p) => p.arrivals),
      imports: this.sum((p) => p.imports),
      atoms: this.partials.map((p) => p.atoms),
      qeq: this.partials[0]?.qeq
        ? {
            ...this.partials[0].qeq,
            qMin: Math.min(...this.partials.map((p) => p.qeq!.qMin)),
            qMax: Math.max(...this.partials.map((p) => p.qeq!.qMax)),
          }
        : null,
    };
  }

  /**
   * The driver's run loop (`MolecularDynamics.run`) over the workers: chunks of steps in the
   * workers up to the next hook (schedule.ts), then the hooks with the row from the domains' sums.
   */
  async run(steps: number, hooks: DomainRunHooks = {}): Promise<DynamicsThermo> {
    if (!Number.isInteger(steps) || steps < 0) throw new InputError(`steps must be a non-negative integer, got ${steps}`);
    const thermoEvery = hookInterval(hooks.thermoEvery, "thermo interval");
    const given = hookInterval(hooks.progressEvery, "progress interval");
    // Without progress or thermo hooks the whole run is one chunk (no stops, no main-thread work).
    const progressEvery = given || (hooks.onProgress ? Math.max(1, Math.floor(steps / 100)) : 0);
    this.enter();
    try {
      const start = this.step, end = start + steps;
      hooks.onThermo?.(this.thermo());
      while (this.step < end) {
        const next = nextStop(this.step, start, end, progressEvery, [hooks.onThermo ? thermoEvery : 0]);
        this.absorb(await this.collective((t) => t.remote.run(next - this.step)));
        this.step = next;
        const last = next === end, row = this.thermo();
        if (hooks.onProgress && (isDue(next - start, progressEvery) || last)) hooks.onProgress(next - start, steps, row);
        if (isDue(next, thermoEvery) || last) hooks.onThermo?.(row);
      }
      return this.thermo();
    } finally {
      this.busy = false;
    }
  }

  async state(): Promise<DomainState> {
    this.enter();
    try {
      const parts = await this.collective((t) => t.remote.gather());
      const n = this.length;
      const positions = new Float64Array(3 * n), velocities = new Float64Array(3 * n), forces = new Float64Array(3 * n);
      const energies = new Float64Array(n);
      const charges = parts[0]?.charges ? new Float64Array(n) : null;
      let seen = 0;
      for (const p of parts) {
        for (let k = 0; k < p.gid.length; k++) {
          const i = p.gid[k];
          energies[i] = p.energies[k];
          if (charges && p.charges) charges[i] = p.charges[k];
          for (let c = 0; c < 3; c++) {
            positions[3 * i + c] = p.positions[3 * k + c];
            velocities[3 * i + c] = p.velocities[3 * k + c];
            forces[3 * i + c] = p.forces[3 * k + c];
          }
        }
        seen += p.gid.length;
      }
      if (seen !== n) throw new CalculationFailed(`internal: the domains hold ${seen} atoms, expected ${n}`);
      const th = this.thermo();
      const virial = this.virial();
      return {
        step: this.step,
        energy: th.potential,
        kinetic: th.kinetic,
        virial,
        stress: stressFromVirial(virial, this.template),
        positions,
        velocities,
        forces,
        energies,
        charges,
      };
    } finally {
      this.busy = false;
    }
  }

  /** One collective call at a time: the workers step in lockstep. */
  private enter(): void {
    if (this.busy) throw new Error("a run or state() of this domain MD session is still in progress; await it first");
    this.busy = true;
  }

  private async terminate(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate().catch(() => {})));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.terminate();
  }
}
