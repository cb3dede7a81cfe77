/**
 * Per-step communication of one domain with its neighbors through the shared outboxes
 * (`exchange.ts`): LAMMPS' forward communication (values of the atoms this domain sends, onto their
 * copies in the domain below) and reverse communication (sums accumulated on the copies this domain
 * imports, back to their owners above), and global sums over all domains (the QEq CG's dot products).
 *
 * Each kind of message alternates between two sections of the outbox (and each sum between two
 * slots): a worker can start writing its next message of a kind while a slower partner still reads
 * the previous one, but never two ahead, because every message is followed by a barrier that the
 * partner passes only after its read. Sums are added in domain order on every worker, so all
 * workers get the same doubles and take the same branches (CG stopping tests). Browser-safe.
 */
import { Slot, type Exchange } from "./exchange.js";

/** Values per atom in a per-step section. */
export const STRIDE = 4;
/** Values per global-sum slot at least; the two slots sit at the start of every outbox. */
const SUM_SLOT = 8;

/** Atoms this domain sends to one neighbor: owned indices and the image shift of each copy (A). */
export interface SendList {
  to: number;
  count: number;
  idx: Int32Array;
  sx: Float64Array;
  sy: Float64Array;
  sz: Float64Array;
  /** Offset of this neighbor's first forward section in our outbox (the second follows it). */
  forward: number;
}

/** Imports from one neighbor: a contiguous run of import slots. */
export interface ImportRun {
  from: number;
  start: number;
  count: number;
  /** Offset of our first reverse section for this neighbor in our outbox (the second follows it). */
  reverse: number;
}

/** Outbox values taken by the two forward sections of `sends` and the two reverse sections of `runs`. */
export function sectionValues(count: number): number {
  return 2 * STRIDE * count;
}

export class Halo {
  sends: SendList[] = [];
  runs: ImportRun[] = [];
  private fwd = 0;
  private rev = 0;
  private sum = 0;
  private positionsParity = 0;

  /** Values per global-sum slot (Ewald's structure factors need 2 per k-vector). */
  readonly slot: number;
  /** Outbox values before the migrants: the two sum slots. */
  readonly head: number;

  constructor(
    private readonly ex: Exchange,
    private readonly d: number,
    private readonly p: number,
    /** The most values one global sum adds. */
    sumValues = SUM_SLOT,
  ) {
    this.slot = Math.max(SUM_SLOT, sumValues);
    this.head = 2 * this.slot;
  }

  /** Writes the positions (A) of the sent atoms, shifted by their images; read by `receivePositions` after the caller's barrier. */
  sendPositions(x: Float64Array, y: Float64Array, z: Float64Array): void {
    const par = (this.positionsParity = this.fwd);
    this.fwd ^= 1;
    const box = this.ex.box(this.d);
    for (const s of this.sends) {
      const { idx, sx, sy, sz } = s;
      for (let q = 0, o = s.forward + par * STRIDE * s.count; q < s.count; q++, o += STRIDE) {
        const i = idx[q];
        box[o] = x[i] + sx[q];
        box[o + 1] = y[i] + sy[q];
        box[o + 2] = z[i] + sz[q];
      }
    }
  }

  /** Positions of the imports (slots n ..) from the domain above. */
  receivePositions(n: number, x: Float64Array, y: Float64Array, z: Float64Array): void {
    const par = this.positionsParity;
    for (const r of this.runs) {
      const box = this.ex.box(r.from);
      const at = this.ex.get(r.from, this.d, Slot.ForwardOffset) + par * STRIDE * r.count;
      for (let q = 0, o = at, j = n + r.start; q < r.count; q++, o += STRIDE, j++) {
        x[j] = box[o];
        y[j] = box[o + 1];
        z[j] = box[o + 2];
      }
    }
  }

  /**
   * Forward communication: the values of each sent atom go to its copy (`lanes` values per atom in
   * each array, at most STRIDE in all); `n` is the number of owned atoms (imports follow them).
   * `sums`: values to sum over the domains at the same barrier (returned; [] without).
   */
  forward(n: number, arrays: Float64Array[], lanes = 1, sums: number[] = []): number[] {
    if (this.p === 1) return sums;
    const sp = this.writeSums(sums);
    const par = this.fwd;
    this.fwd ^= 1;
    const box = this.ex.box(this.d), m = arrays.length;
    for (const s of this.sends) {
      const idx = s.idx;
      for (let q = 0, o = s.forward + par * STRIDE * s.count; q < s.count; q++, o += STRIDE) {
        const i = idx[q] * lanes;
        for (let k = 0; k < m; k++) for (let l = 0; l < lanes; l++) box[o + k * lanes + l] = arrays[k][i + l];
      }
    }
    this.ex.barrier();
    for (const r of this.runs) {
      const from = this.ex.box(r.from);
      const at = this.ex.get(r.from, this.d, Slot.ForwardOffset) + par * STRIDE * r.count;
      for (let q = 0, o = at, j = (n + r.start) * lanes; q < r.count; q++, o += STRIDE, j += lanes) {
        for (let k = 0; k < m; k++) for (let l = 0; l < lanes; l++) arrays[k][j + l] = from[o + k * lanes + l];
      }
    }
    return this.readSums(sp, sums.length);
  }

  /** Reverse communication: what the imports accumulated is added into their owners (layout and `sums` as `forward`). */
  reverse(n: number, arrays: Float64Array[], lanes = 1, sums: number[] = []): number[] {
    if (this.p === 1) return sums;
    const sp = this.writeSums(sums);
    const par = this.rev;
    this.rev ^= 1;
    const box = this.ex.box(this.d), m = arrays.length;
    for (const r of this.runs) {
      for (let q = 0, o = r.reverse + par * STRIDE * r.count, j = (n + r.start) * lanes; q < r.count; q++, o += STRIDE, j += lanes) {
        for (let k = 0; k < m; k++) for (let l = 0; l < lanes; l++) box[o + k * lanes + l] = arrays[k][j + l];
      }
    }
    this.ex.barrier();
    for (const s of this.sends) {
      const from = this.ex.box(s.to), idx = s.idx;
      const at = this.ex.get(s.to, this.d, Slot.ReverseOffset) + par * STRIDE * s.count;
      for (let q = 0, o = at; q < s.count; q++, o += STRIDE) {
        const i = idx[q] * lanes;
        for (let k = 0; k < m; k++) for (let l = 0; l < lanes; l++) arrays[k][i + l] += from[o + k * lanes + l];
      }
    }
    return this.readSums(sp, sums.length);
  }

  /** Global sums of up to `slot` values over the domains (collective; the same doubles on every worker). */
  allreduce(values: number[]): number[] {
    if (this.p === 1) return values;
    const sp = this.writeSums(values);
    this.ex.barrier();
    return this.readSums(sp, values.length);
  }

  /** Writes this domain's terms into the next sum slot (none: no slot used); returns the slot. */
  private writeSums(values: number[]): number {
    if (values.length === 0) return -1;
    const par = this.sum;
    this.sum ^= 1;
    if (values.length > this.slot) throw new Error(`internal: a global sum of ${values.length} values, the slot holds ${this.slot}`);
    const box = this.ex.box(this.d), o = par * this.slot;
    for (let k = 0; k < values.length; k++) box[o + k] = values[k];
    return par;
  }

  /** The sums of slot `par` over the domains, added in domain order (after the barrier). */
  private readSums(par: number, count: number): number[] {
    const out = new Array<number>(count).fill(0);
    for (let w = 0; w < this.p; w++) {
      const b = this.ex.box(w);
      for (let k = 0; k < count; k++) out[k] += b[par * this.slot + k];
    }
    return out;
  }
}
