/**
 * Shared memory between domain workers: one control block of Int32 words (barrier, abort flag,
 * rebuild flags, message headers) and, per worker, one outbox of Float64 values that only its owner
 * writes and every other worker reads after a barrier. Outboxes are growable SharedArrayBuffers
 * (their owner grows them at a neighbor rebuild; readers renew their views when the length changed).
 *
 * Barriers use Atomics (a short spin, then Atomics.wait), so a step costs a few barrier crossings
 * and no message through the main thread. Browser-safe: needs SharedArrayBuffer, i.e. a
 * cross-origin-isolated page in browsers.
 */

/** The shared buffers of one run, posted to every worker. */
export interface SharedBlocks {
  control: SharedArrayBuffer;
  outboxes: SharedArrayBuffer[];
}

const COUNT = 0;
const GEN = 1;
const ABORT = 2;
const HEADER = 4;
/** Words per (writer, other) pair in the header table. */
const PAIR_WORDS = 4;

/** Header fields, per (writer w, other domain o). */
export const Slot = {
  /** Offset (f64) in w's outbox of the import records w sends to o at a rebuild. */
  ImportOffset: 0,
  /** Number of those records. */
  ImportCount: 1,
  /** Offset in w's outbox of the forward section (values w sends for o's copies of w's atoms). */
  ForwardOffset: 2,
  /** Offset in w's outbox of the reverse section (values of w's copies of o's atoms, for o). */
  ReverseOffset: 3,
} as const;
export type Slot = (typeof Slot)[keyof typeof Slot];

/** Thrown in a worker whose barrier found the run aborted by another worker or the main thread. */
export class DomainAborted extends Error {
  constructor(by: number) {
    super(by > 0 ? `stopped because domain worker ${by - 1} failed` : "stopped by the main thread");
    this.name = "DomainAborted";
  }
}

/** Bytes of the control block for P domains. */
function controlWords(p: number): number {
  return HEADER + 2 * p + p * p * PAIR_WORDS;
}

/**
 * Allocates the control block and P outboxes of `initialBytes`, growable to `maxBytes` where the
 * platform has growable SharedArrayBuffers (otherwise allocated at `maxBytes` at once).
 */
export function createSharedBlocks(p: number, initialBytes: number, maxBytes: number): SharedBlocks {
  if (typeof SharedArrayBuffer === "undefined") {
    throw new Error(
      "spatial domains need SharedArrayBuffer; in a browser, serve the page cross-origin isolated " +
        "(Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)",
    );
  }
  const growable = typeof (SharedArrayBuffer.prototype as { grow?: unknown }).grow === "function";
  const Sab = SharedArrayBuffer as unknown as new (bytes: number, opts?: { maxByteLength: number }) => SharedArrayBuffer;
  const max = align8(maxBytes), initial = Math.min(align8(initialBytes), max);
  const box = () => (growable ? new Sab(initial, { maxByteLength: max }) : new Sab(max));
  return {
    control: new SharedArrayBuffer(4 * controlWords(p)),
    outboxes: Array.from({ length: p }, box),
  };
}

function fixedView(b: SharedArrayBuffer): Float64Array {
  return new Float64Array(b, 0, b.byteLength / 8);
}

function align8(v: number): number {
  return Math.ceil(v / 8) * 8;
}

/** Marks the run aborted from the main thread (a worker died) and wakes every waiting worker. */
export function abortFromMain(control: SharedArrayBuffer): void {
  const c = new Int32Array(control);
  Atomics.compareExchange(c, ABORT, 0, -1);
  Atomics.notify(c, GEN);
}

/** One worker's side of the shared memory. */
export class Exchange {
  private readonly c: Int32Array;
  private readonly buffers: SharedArrayBuffer[];
  private readonly views: Float64Array[];
  private readonly mine: SharedArrayBuffer;

  constructor(
    blocks: SharedBlocks,
    /** This worker's domain index. */
    readonly d: number,
    /** Number of domains. */
    readonly p: number,
  ) {
    this.c = new Int32Array(blocks.control);
    this.buffers = blocks.outboxes;
    this.views = blocks.outboxes.map(fixedView);
    this.mine = blocks.outboxes[d];
  }

  /** Waits until every worker has arrived; throws DomainAborted when the run was aborted. */
  barrier(): void {
    const c = this.c;
    const gen = Atomics.load(c, GEN);
    if (Atomics.add(c, COUNT, 1) === this.p - 1) {
      Atomics.store(c, COUNT, 0);
      Atomics.add(c, GEN, 1);
      Atomics.notify(c, GEN);
    } else {
      let spins = 0;
      while (Atomics.load(c, GEN) === gen) {
        if (Atomics.load(c, ABORT) !== 0) break;
        // A short spin catches partners that arrive within microseconds; then sleep.
        if (spins++ < 4000) continue;
        Atomics.wait(c, GEN, gen, 50);
      }
    }
    const by = Atomics.load(c, ABORT);
    if (by !== 0) throw new DomainAborted(Math.max(by, 0));
  }

  /** Marks the run aborted by this worker and wakes the others. */
  abort(): void {
    Atomics.compareExchange(this.c, ABORT, 0, this.d + 1);
    Atomics.notify(this.c, GEN);
  }

  /** Whether the run was aborted (by any worker or the main thread). */
  aborted(): boolean {
    return Atomics.load(this.c, ABORT) !== 0;
  }

  /** Sets this worker's rebuild flag (read by all after the next barrier). */
  setFlag(v: number): void {
    Atomics.store(this.c, HEADER + this.d, v);
  }
  /** True when any worker's rebuild flag is set. */
  anyFlag(): boolean {
    for (let w = 0; w < this.p; w++) if (Atomics.load(this.c, HEADER + w) !== 0) return true;
    return false;
  }

  /** Sets the number of migrating-atom records in this worker's outbox. */
  setMigrants(n: number): void {
    Atomics.store(this.c, HEADER + this.p + this.d, n);
  }
  migrants(w: number): number {
    return Atomics.load(this.c, HEADER + this.p + w);
  }

  /** Writes a header field for (this worker, other). */
  set(other: number, slot: Slot, v: number): void {
    Atomics.store(this.c, HEADER + 2 * this.p + (this.d * this.p + other) * PAIR_WORDS + slot, v);
  }
  /** Reads a header field for (writer, other). */
  get(writer: number, other: number, slot: Slot): number {
    return Atomics.load(this.c, HEADER + 2 * this.p + (writer * this.p + other) * PAIR_WORDS + slot);
  }

  /**
   * Worker w's outbox (this worker's own when w == d). Views have a fixed length, renewed when the
   * buffer has grown: V8 compiles loops over length-tracking views of growable buffers to a slow path
   * (about ten times slower than fixed views).
   */
  box(w: number): Float64Array {
    let v = this.views[w];
    if (v.byteLength !== this.buffers[w].byteLength) v = this.views[w] = fixedView(this.buffers[w]);
    return v;
  }

  /** Grows this worker's outbox to hold at least `values` f64 (only at rebuilds, before writing). */
  reserve(values: number): void {
    const bytes = 8 * values;
    if (bytes <= this.mine.byteLength) return;
    const b = this.mine as SharedArrayBuffer & { grow?: (n: number) => void; maxByteLength?: number };
    if (typeof b.grow !== "function" || b.maxByteLength === undefined || bytes > b.maxByteLength) {
      throw new Error(`internal: domain outbox of ${this.mine.byteLength} bytes cannot hold ${bytes} bytes`);
    }
    b.grow(Math.min(b.maxByteLength, Math.max(bytes, Math.ceil(this.mine.byteLength * 1.5))));
  }
}
