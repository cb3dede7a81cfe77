/**
 * A pool of workers for batch evaluation: many structures, one potential, spread over threads.
 * Node runs the workers as worker_threads (through comlink's Node adapter), browsers as module Web
 * Workers; the worker code (`worker.ts`, bundled to `worker.js` next to this bundle) is the same.
 *
 * The pool compiles the wasm kernels once and posts the compiled module to every worker; each worker
 * parses and tabulates a potential once (cached by a hash of its text) and evaluates frames from a
 * cold start, so every result equals `calculate(frame)` of a freshly created single-threaded
 * calculator bit for bit, whichever worker ran it and in whatever order. Frames travel as typed
 * arrays (copied once, then transferred), small ones several to a message; results come back the
 * same way.
 */
import { transfer } from "comlink";
import type { Atoms } from "../atoms.js";
import type { EamResults } from "../eam/calculator.js";
import { loadKernelModule, type KernelVariant } from "../engine/wasm.js";
import type { EctResults } from "../ect/calculator.js";
import { CalculationFailed, InputError } from "../errors.js";
import {
  encodeFrames,
  potentialKey,
  reviveError,
  type BatchResult,
  type EamPotentialSpec,
  type EctPotentialSpec,
  type EvaluateReply,
  type LoadReply,
  type PotentialSpec,
  type WorkerApi,
} from "./protocol.js";
import { defaultWorkerCount, threadSpawner, type Spawner as SpawnerOf, type Thread as ThreadOf } from "./threads.js";

type Thread = ThreadOf<WorkerApi>;
type Spawner = SpawnerOf<WorkerApi>;

export type { BatchResult, EamPotentialSpec, EctPotentialSpec, PotentialSpec } from "./protocol.js";

/** Options of `createWorkerPool`. */
export interface WorkerPoolOptions {
  /**
   * Number of workers (threads), >= 1. Default: `os.availableParallelism()` in Node,
   * `navigator.hardwareConcurrency` in browsers (4 when neither is known).
   */
  workers?: number;
  /** Kernel build: "simd" (default) or "scalar", as `EngineOptions.variant`. */
  variant?: KernelVariant;
  /**
   * The worker script. Default: `worker.js` next to this bundle (`dist/worker.js` in Node,
   * `dist/browser/worker.js` in browsers; from source, `dist/worker.js` of a built checkout).
   * Give it when a bundler or server moves the file.
   */
  workerUrl?: string | URL;
  /** A compiled kernel module to post to the workers instead of `loadKernelModule(variant)`. */
  module?: WebAssembly.Module;
  /**
   * Receives warnings that a single-threaded calculator would print: ECT model warnings (once per
   * model and pool) and, once per `evaluate` call, frames with host densities beyond an EAM
   * embedding table. Default: `console.warn`.
   */
  onWarning?: (message: string) => void;
}

/** Called after each frame finishes (succeeded or failed): `done` of `total` frames. */
export type ProgressCallback = (done: number, total: number) => void;

/**
 * Workers that evaluate batches of structures. Several `evaluate` calls may run at once; they share
 * the workers. Errors from a frame (an unknown species, atoms on top of each other) never stop the
 * pool. In Node the worker threads keep the process alive until `close()`.
 */
export interface WorkerPool {
  /** Number of workers. */
  readonly size: number;

  /**
   * Evaluates every structure: energy (eV), forces (eV/A), per-atom energies (eV), virial (eV),
   * stress (eV/A^3, null without a periodic direction), and for ECT-EAM also charges (e), ensemble
   * weights, grand potential Omega (eV) and mu (eV); see `EamResults` / `EctResults`. Results come in
   * input order and equal `(await Calculator.create(...)).calculate(frame)` of a fresh calculator,
   * bit for bit (each frame is a cold start: no neighbor list or ECT weights carried over from
   * another frame).
   *
   * Fails fast: the first failing frame stops dispatching, the frames already running finish, and
   * the promise rejects with the error of the lowest-numbered failing frame: the same class and
   * message as single-threaded, with the frame index added (`InputError.frame`, "frame 3, atom 5:
   * ..."; other classes get a "frame 3: " prefix and a `frame` property). A potential that cannot be
   * read rejects with the parser's own error (no frame). Use `evaluateSettled` to keep the other frames.
   *
   * @param potential the potential file's text and name (parsed once per worker, then cached)
   * @param frames structures; their arrays are copied, never transferred away from the caller
   * @param onProgress called in the calling thread after each frame
   */
  evaluate(potential: EamPotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<EamResults[]>;
  evaluate(potential: EctPotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<EctResults[]>;
  evaluate(potential: PotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<BatchResult[]>;

  /**
   * As `evaluate`, but every frame is evaluated and reported as `Promise.allSettled` does: a failed
   * frame is `{status: "rejected", reason}` with the error `evaluate` would throw for it. It still
   * rejects as a whole when the potential cannot be read or the pool is closed.
   */
  evaluateSettled(potential: EamPotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<PromiseSettledResult<EamResults>[]>;
  evaluateSettled(potential: EctPotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<PromiseSettledResult<EctResults>[]>;
  evaluateSettled(potential: PotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<PromiseSettledResult<BatchResult>[]>;

  /** Terminates the workers; calls still running reject. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a pool of workers (each with its own wasm instances) and waits until all are ready.
 * @throws Error when the worker script cannot be found (run `npm run build`) or a worker fails to start
 */
export async function createWorkerPool(opts: WorkerPoolOptions = {}): Promise<WorkerPool> {
  const size = opts.workers ?? (await defaultWorkerCount());
  if (!Number.isInteger(size) || size < 1) throw new InputError(`workers must be a positive integer, got ${size}`);
  const variant = opts.variant ?? "simd";
  if (variant !== "simd" && variant !== "scalar") throw new InputError(`variant must be "simd" or "scalar", got "${String(variant)}"`);
  const module = opts.module ?? (await loadKernelModule(variant));
  const spawner = await threadSpawner<WorkerApi>("worker.js", opts.workerUrl);
  const pool = new Pool(size, variant, module, spawner, opts.onWarning ?? ((m) => console.warn(m)));
  await pool.start();
  return pool;
}

// ------------------------------------------------------------------------------------------------
// The pool
// ------------------------------------------------------------------------------------------------

/** Messages each worker has queued at once: one running, one waiting, so no worker idles between them. */
const IN_FLIGHT_PER_WORKER = 2;
/** Frames go several to a message while the message holds at most this many atoms... */
const CHUNK_ATOMS = 2048;
/** ...and each worker gets at least this many messages of a batch. */
const CHUNKS_PER_WORKER = 4;

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** An error that ends a whole call (the potential cannot be read, the pool was closed). */
class Fatal {
  constructor(readonly error: Error) {}
}

class Slot {
  /** Potentials this worker has loaded (or is loading), by key. */
  readonly loaded = new Map<string, Promise<void>>();
  alive = true;

  constructor(readonly thread: Thread) {
    // Registered before any call's race, so `alive` is false by the time a call sees the rejection.
    thread.stopped.catch(() => (this.alive = false));
  }

  /** A call that rejects when the thread stops. */
  call<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.thread.stopped]);
  }
}

class Pool implements WorkerPool {
  private slots: Promise<Slot>[] = [];
  /** Workers started for one frame each (see evaluateAlone). */
  private readonly extra = new Set<Promise<Slot>>();
  private closed = false;
  private readonly warnedKeys = new Set<string>();

  constructor(
    readonly size: number,
    private readonly variant: KernelVariant,
    private readonly module: WebAssembly.Module,
    private readonly spawn: Spawner,
    private readonly warn: (message: string) => void,
  ) {}

  async start(): Promise<void> {
    this.slots = Array.from({ length: this.size }, () => this.newSlot());
    const started = await Promise.allSettled(this.slots);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) {
      await this.close();
      throw (failed as PromiseRejectedResult).reason;
    }
  }

  private async newSlot(): Promise<Slot> {
    const slot = new Slot(await this.spawn());
    try {
      await slot.call(slot.thread.remote.init(this.module, this.variant));
    } catch (e) {
      await slot.thread.terminate().catch(() => {});
      throw e;
    }
    return slot;
  }

  /** The slot's worker, replaced by a fresh one if it stopped. */
  private async slotAt(s: number): Promise<Slot> {
    for (;;) {
      const p = this.slots[s];
      let slot: Slot;
      try {
        slot = await p;
      } catch (e) {
        throw new Fatal(e instanceof Error ? e : new Error(String(e)));
      }
      if (this.closed) throw new Fatal(new Error("the worker pool is closed"));
      if (slot.alive) return slot;
      // Compare and replace with no await in between, so concurrent callers start one worker only.
      if (this.slots[s] === p) this.slots[s] = this.newSlot();
    }
  }

  private async ensureLoaded(slot: Slot, key: string, spec: PotentialSpec): Promise<void> {
    let p = slot.loaded.get(key);
    if (!p) {
      p = slot.call<LoadReply>(slot.thread.remote.load(key, spec)).then((reply) => {
        if (reply.status === "error") throw new Fatal(reviveError(reply.error));
        for (const w of reply.warnings) {
          if (this.warnedKeys.has(`${key}\u0000${w}`)) continue;
          this.warnedKeys.add(`${key}\u0000${w}`);
          this.warn(w);
        }
      });
      slot.loaded.set(key, p);
      p.catch(() => slot.loaded.delete(key));
      // Forget the oldest keys: the worker keeps a few potentials only and says "missing" for others.
      for (const old of slot.loaded.keys()) {
        if (slot.loaded.size <= 16) break;
        slot.loaded.delete(old);
      }
    }
    await p;
  }

  /**
   * A chunk of frames on one worker, as settled results; frame errors come back with the frame index.
   * Rejects when the worker stops (the pool then reruns the chunk's frames one by one).
   */
  private async evaluateOn(slot: Slot, key: string, spec: PotentialSpec, frames: readonly Atoms[], indices: readonly number[]): Promise<PromiseSettledResult<BatchResult>[]> {
    // A worker drops its least recently used potential when it holds too many: load it again then.
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.ensureLoaded(slot, key, spec);
      const msg = encodeFrames(indices.map((i) => frames[i]));
      const reply = await slot.call<EvaluateReply>(slot.thread.remote.evaluate(key, transfer(msg.frames, msg.transfer)));
      if (reply.status === "missing") {
        slot.loaded.delete(key);
        continue;
      }
      return reply.frames.map((r, k) =>
        r.status === "ok" ? { status: "fulfilled", value: r.result } : { status: "rejected", reason: reviveError(r.error, indices[k]) },
      );
    }
    throw new Fatal(new Error("internal: a worker kept dropping the potential (too many potentials in use at once)"));
  }

  /** One frame on a worker of its own (after a worker stopped): a crash now is that frame's. */
  private async evaluateAlone(key: string, spec: PotentialSpec, frames: readonly Atoms[], index: number): Promise<PromiseSettledResult<BatchResult>> {
    const started = this.newSlot();
    this.extra.add(started);
    try {
      let slot: Slot;
      try {
        slot = await started;
      } catch (e) {
        throw new Fatal(asError(e));
      }
      const stoppedBecause = (e: unknown): string => {
        if (e instanceof Fatal) throw e;
        if (this.closed) throw new Fatal(new Error("the worker pool was closed during the call"));
        if (slot.alive) throw new Fatal(asError(e));
        return asError(e).message;
      };
      try {
        await this.ensureLoaded(slot, key, spec);
      } catch (e) {
        throw new Fatal(new CalculationFailed(`a worker stopped while reading ${spec.fileName} (${stoppedBecause(e)})`));
      }
      try {
        const [outcome] = await this.evaluateOn(slot, key, spec, frames, [index]);
        return outcome;
      } catch (e) {
        return { status: "rejected", reason: new CalculationFailed(`frame ${index}: the worker evaluating it stopped (${stoppedBecause(e)})`) };
      }
    } finally {
      this.extra.delete(started);
      await started.then((s) => s.thread.terminate()).catch(() => {});
    }
  }

  private async run(spec: PotentialSpec, frames: readonly Atoms[], onProgress: ProgressCallback | undefined, failFast: boolean): Promise<PromiseSettledResult<BatchResult>[]> {
    if (this.closed) throw new Error("the worker pool is closed");
    checkSpec(spec);
    checkFrames(frames);
    const key = await potentialKey(spec);
    const total = frames.length;
    const results: PromiseSettledResult<BatchResult>[] = new Array(total);
    let next = 0;
    let done = 0;
    let stop = false;
    let fatal: Error | undefined;
    // Small frames travel several to a message (a message costs ~0.1 ms), but each worker still gets
    // several messages so that the last ones finish together.
    const maxChunk = Math.max(1, Math.floor(total / (this.size * CHUNKS_PER_WORKER)));
    const take = (): number[] | undefined => {
      if (stop || next >= total) return undefined;
      const chunk = [next];
      let atoms = frames[next++].length;
      while (next < total && chunk.length < maxChunk && atoms + frames[next].length <= CHUNK_ATOMS) {
        atoms += frames[next].length;
        chunk.push(next++);
      }
      return chunk;
    };

    const loop = async (s: number): Promise<void> => {
      for (let chunk = take(); chunk; chunk = take()) {
        let outcomes: PromiseSettledResult<BatchResult>[];
        try {
          const slot = await this.slotAt(s);
          try {
            outcomes = await this.evaluateOn(slot, key, spec, frames, chunk);
          } catch (e) {
            if (e instanceof Fatal) throw e;
            if (this.closed) throw new Fatal(new Error("the worker pool was closed during the call"));
            if (slot.alive) throw new Fatal(asError(e));
            // The thread itself stopped (out of memory, a crash) while running this chunk or one
            // queued before it: run each frame again alone, where a crash is that frame's own.
            outcomes = [];
            for (const i of chunk) outcomes.push(await this.evaluateAlone(key, spec, frames, i));
          }
        } catch (e) {
          fatal ??= e instanceof Fatal ? e.error : asError(e);
          stop = true;
          return;
        }
        chunk.forEach((i, k) => {
          results[i] = outcomes[k];
          if (outcomes[k].status === "rejected" && failFast) stop = true;
        });
        for (let k = 0; k < chunk.length && !fatal; k++) {
          done++;
          if (!onProgress) continue;
          try {
            onProgress(done, total);
          } catch (e) {
            fatal ??= asError(e);
            stop = true;
          }
        }
      }
    };
    const loops: Promise<void>[] = [];
    for (let k = 0; k < IN_FLIGHT_PER_WORKER; k++) for (let s = 0; s < this.size; s++) loops.push(loop(s));
    await Promise.all(loops);
    if (fatal) throw fatal;
    this.warnOffTable(spec, results);
    return results;
  }

  private warnOffTable(spec: PotentialSpec, results: PromiseSettledResult<BatchResult>[]): void {
    if (spec.kind !== "eam") return;
    const off: number[] = [];
    results.forEach((r, i) => {
      if (r?.status === "fulfilled" && (r.value as EamResults).offTableDensities > 0) off.push(i);
    });
    if (off.length === 0) return;
    this.warn(
      `${off.length} frame(s) (first: frame ${off[0]}) have atoms with a host density above rhomax of ${spec.fileName}; ` +
        `F was continued linearly (as LAMMPS does)`,
    );
  }

  evaluate(potential: EamPotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<EamResults[]>;
  evaluate(potential: EctPotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<EctResults[]>;
  evaluate(potential: PotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<BatchResult[]>;
  async evaluate(potential: PotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<BatchResult[]> {
    const settled = await this.run(potential, frames, onProgress, true);
    // Frames are dispatched in order and the running ones finish, so the lowest failing index is known.
    const failed = settled.find((r) => r?.status === "rejected") as PromiseRejectedResult | undefined;
    if (failed) throw failed.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<BatchResult>).value);
  }

  evaluateSettled(potential: EamPotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<PromiseSettledResult<EamResults>[]>;
  evaluateSettled(potential: EctPotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<PromiseSettledResult<EctResults>[]>;
  evaluateSettled(potential: PotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<PromiseSettledResult<BatchResult>[]>;
  evaluateSettled(potential: PotentialSpec, frames: readonly Atoms[], onProgress?: ProgressCallback): Promise<PromiseSettledResult<BatchResult>[]> {
    return this.run(potential, frames, onProgress, false);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      [...this.slots, ...this.extra].map(async (p) => {
        const slot = await p.catch(() => undefined);
        await slot?.thread.terminate();
      }),
    );
  }
}

function checkSpec(spec: PotentialSpec): void {
  if (!spec || (spec.kind !== "eam" && spec.kind !== "ect")) {
    throw new InputError(`potential.kind must be "eam" or "ect", got ${JSON.stringify((spec as { kind?: unknown } | undefined)?.kind)}`);
  }
  if (typeof spec.text !== "string") throw new InputError(`potential.text must be the file's text (a string)`);
  if (typeof spec.fileName !== "string") throw new InputError(`potential.fileName must be a string`);
}

function checkFrames(frames: readonly Atoms[]): void {
  if (!Array.isArray(frames)) throw new InputError("frames must be an array of Atoms");
  frames.forEach((f, i) => {
    const n = Array.isArray(f?.symbols) ? f.symbols.length : -1;
    if (n < 0 || f.positions?.length !== 3 * n || f.cell?.length !== 9 || f.masses?.length !== n || !Array.isArray(f.pbc)) {
      throw new InputError("not an Atoms object (symbols, positions N x 3, cell 3 x 3, pbc, masses)", { frame: i });
    }
  });
}
