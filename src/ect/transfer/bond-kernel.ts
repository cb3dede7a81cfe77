/**
 * The bond refresh of bond transfer on a wasm kernel (assembly/ect-bonds.ts, `ectBondRefresh`): the
 * geometry and screening check of every listed bond at every MD step, which `refreshBonds`
 * (bond-list.ts, the readable reference) does in TypeScript, with the same results bit for bit
 * (test/ect-wasm-bonds.test.ts). Why: rock-salt NaCl lists 82 bonds per atom (the 11 A Na-Cl
 * transfer cutoff plus the skin) of which about 3 are coupled after screening; their refresh, the
 * screening check and the pass of `updateLive` over them were a quarter of a shadow MD step at
 * 4,096 atoms (V8 profile, 2026-12-07). The few coupled bonds' couplings and correlations (spline
 * tables of the model) stay in TypeScript (`coupleBond`), and the live list is updated from the
 * kernel's list of coupled bonds (`updateLiveFrom`) instead of a pass over every bond.
 *
 * The kernel runs in a wasm instance of its own (the engine's module, a second instance): its
 * buffers are placed here, from its heap base, once per bond set (`attach`, at each neighbor-list
 * build), and the set's per-bond arrays that the kernel reads and writes (ends, shifts, geometry,
 * cached blockers, screening radii) become views of them, so that nothing is copied back per step.
 * Memory grows only in `attach`, which re-points the views.
 */
import type { EctTables } from "../table-types.js";
import { coupleBond, decoupleBond, displacementFromReference, pairTablesOf, SCREEN_REFERENCE_LIMIT } from "./bond-list.js";
import { updateLiveFrom, type BondSet, type NeighborView } from "./bonds.js";
import { screeningReach2 } from "./screening.js";

/** What the kernel refresh needs of a wasm instance of the kernels. */
export interface BondRefreshExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  ectBondRefresh(hdr: number, moved: number, taking: number, hasSafe: number): void;
}

/** Header words (assembly/ect-bonds.ts, `H`). */
const H = {
  N: 0, NB: 1, NE: 2, X: 3, Y: 4, Z: 5, TYPE: 6, BI: 7, BJ: 8, SX: 9, SY: 10, SZ: 11,
  DX: 12, DY: 13, DZ: 14, R: 15, BY: 16, BSX: 17, BSY: 18, BSZ: 19, BDIST: 20, SAFE: 21, PREV: 22,
  CUT: 23, SCREENED: 24, START: 25, OWNER: 26, ASX: 27, ASY: 28, ASZ: 29, ADIST: 30,
  COUPLED: 31, COUPLED_S: 32, ZEROED: 33, N_COUPLED: 34, N_ZEROED: 35, SCREENING: 36,
} as const;
/** Byte offset of the f64 parameters in the header (C_min, C_max, reach2, margin) and the header's size. */
const HF = 256;
const HEADER_BYTES = 320;

type Kind = "f64" | "i32" | "u8";
const BYTES: Record<Kind, number> = { f64: 8, i32: 4, u8: 1 };

/** The bond-set fields that live in the kernel's memory while a set is attached. */
const SHARED_F64 = ["sx", "sy", "sz", "dx", "dy", "dz", "r", "blockSx", "blockSy", "blockSz", "blockDist"] as const;
const SHARED_I32 = ["i", "j", "screenedBy"] as const;

export class BondRefreshKernel {
  /** The set whose arrays are views of this instance's memory (null: none yet). */
  private attached: BondSet | null = null;
  private views = new Map<number, Float64Array | Int32Array | Uint8Array>();
  private offsets = new Int32Array(40);
  private n = 0;
  private hdr: number;

  constructor(
    private readonly k: BondRefreshExports,
    private readonly tables: EctTables,
  ) {
    this.hdr = align(k.heapBase(), 64);
  }

  /** True when `b` is the set the kernel holds (a refresh of it can run here). */
  holds(b: BondSet, view: NeighborView): boolean {
    return this.attached === b && this.n === view.n;
  }

  /**
   * Places the buffers for bond set `b` (as `collectBonds` and `sortBonds` left it, refreshed at the
   * current positions) and the atoms of `view`, copies the set's data in and makes the shared
   * fields of `b` (ends, shifts, geometry, cached blockers, screening radii) views of them.
   */
  attach(b: BondSet, view: NeighborView): void {
    const bt = this.tables.bond!, screening = bt.screening, around = b.around;
    const n = view.n, cap = b.i.length, nb = b.count, ne = this.tables.states.length;
    const rows = around ? around.start[n] : 0;
    // The sources first as plain arrays: they may be views of the buffers about to be placed.
    const copy = <T extends Float64Array | Int32Array>(a: T): T => (a.buffer === this.k.memory.buffer ? (a.slice(0, nb) as T) : a);
    const src = new Map<string, Float64Array | Int32Array>();
    for (const key of [...SHARED_F64, ...SHARED_I32]) src.set(key, copy(b[key]));
    const ref = b.screenRef;
    const safeSrc = ref && ref.x.length === n && ref.safe.length >= nb ? copy(ref.safe) : null;
    const plan: [number, Kind, number][] = [
      [H.X, "f64", n], [H.Y, "f64", n], [H.Z, "f64", n], [H.TYPE, "i32", n],
      [H.BI, "i32", cap], [H.BJ, "i32", cap], [H.SX, "f64", cap], [H.SY, "f64", cap], [H.SZ, "f64", cap],
      [H.DX, "f64", cap], [H.DY, "f64", cap], [H.DZ, "f64", cap], [H.R, "f64", cap],
      [H.BY, "i32", cap], [H.BSX, "f64", cap], [H.BSY, "f64", cap], [H.BSZ, "f64", cap], [H.BDIST, "f64", cap],
      [H.SAFE, "f64", cap], [H.PREV, "u8", cap], [H.CUT, "f64", ne * ne], [H.SCREENED, "i32", ne * ne],
      [H.START, "i32", n + 1], [H.OWNER, "i32", rows], [H.ASX, "f64", rows], [H.ASY, "f64", rows], [H.ASZ, "f64", rows], [H.ADIST, "f64", rows],
      [H.COUPLED, "i32", cap], [H.COUPLED_S, "f64", cap], [H.ZEROED, "i32", cap],
    ];
    let at = this.hdr + HEADER_BYTES;
    for (const [w, kind, count] of plan) {
      at = align(at, 64);
      this.offsets[w] = at;
      at += Math.max(8, count * BYTES[kind]);
    }
    const mem = this.k.memory;
    if (at > mem.buffer.byteLength) mem.grow(Math.ceil((at - mem.buffer.byteLength) / 65536));
    this.views.clear();
    for (const [w, kind, count] of plan) {
      const buf = mem.buffer, o = this.offsets[w];
      this.views.set(w, kind === "f64" ? new Float64Array(buf, o, count) : kind === "i32" ? new Int32Array(buf, o, count) : new Uint8Array(buf, o, count));
    }
    const header = new Int32Array(mem.buffer, this.hdr, HF / 4);
    for (const [w] of plan) header[w] = this.offsets[w];
    header[H.N] = n;
    header[H.NB] = nb;
    header[H.NE] = ne;
    header[H.SCREENING] = screening && around ? 1 : 0;
    new Float64Array(mem.buffer, this.hdr + HF, 4).set([screening?.cmin ?? 0, screening?.cmax ?? 0, screening ? screeningReach2(screening) : 0, around?.margin ?? 0]);
    this.i32(H.TYPE).set(view.type.subarray(0, n));
    const pairs = pairTablesOf(this.tables);
    this.f64(H.CUT).set(pairs.cutoff);
    this.i32(H.SCREENED).set(pairs.screened);
    if (around) {
      this.i32(H.START).set(around.start.subarray(0, n + 1));
      this.i32(H.OWNER).set(around.owner.subarray(0, rows));
      this.f64(H.ASX).set(around.sx.subarray(0, rows));
      this.f64(H.ASY).set(around.sy.subarray(0, rows));
      this.f64(H.ASZ).set(around.sz.subarray(0, rows));
      this.f64(H.ADIST).set(around.dist.subarray(0, rows));
    }
    // The set's fields become the kernel's buffers (same contents).
    const word: Record<string, number> = { i: H.BI, j: H.BJ, sx: H.SX, sy: H.SY, sz: H.SZ, dx: H.DX, dy: H.DY, dz: H.DZ, r: H.R, screenedBy: H.BY, blockSx: H.BSX, blockSy: H.BSY, blockSz: H.BSZ, blockDist: H.BDIST };
    for (const key of [...SHARED_F64, ...SHARED_I32]) {
      const v = this.views.get(word[key])! as Float64Array;
      v.set(src.get(key)!.subarray(0, nb) as Float64Array);
      (b as unknown as Record<string, unknown>)[key] = v;
    }
    // Which bonds had S != 0 (or a coupling) at the last refresh: the kernel zeroes them when blocked.
    const prev = this.u8(H.PREV);
    for (let k = 0; k < nb; k++) prev[k] = b.screen[k] !== 0 || b.h[k] !== 0 || b.dh[k] !== 0 ? 1 : 0;
    const safe = this.f64(H.SAFE);
    if (ref && safeSrc) {
      safe.set(safeSrc.subarray(0, nb));
      b.screenRef = { x: ref.x, y: ref.y, z: ref.z, safe };
    } else b.screenRef = null;
    this.attached = b;
    this.n = n;
  }

  /**
   * `refreshBonds` of the attached set at the positions of `view`: the same geometry, screening
   * factors, couplings, correlations, blockers, screening reference and live list.
   */
  refresh(b: BondSet, view: NeighborView): void {
    const n = view.n, bt = this.tables.bond!;
    this.f64(H.X).set(view.x.subarray(0, n));
    this.f64(H.Y).set(view.y.subarray(0, n));
    this.f64(H.Z).set(view.z.subarray(0, n));
    const screening = bt.screening !== null && b.around !== null;
    // The screening reference as in refreshBonds: taken now when there is none or an atom went too far.
    const moved = screening ? displacementFromReference(b, view) : Infinity;
    const taking = screening && moved > SCREEN_REFERENCE_LIMIT;
    if (taking) {
      const old = b.screenRef;
      const keep = old && old.x.length === n;
      const ref = { x: keep ? old.x : new Float64Array(n), y: keep ? old.y : new Float64Array(n), z: keep ? old.z : new Float64Array(n), safe: this.f64(H.SAFE) };
      ref.x.set(view.x.subarray(0, n));
      ref.y.set(view.y.subarray(0, n));
      ref.z.set(view.z.subarray(0, n));
      b.screenRef = ref;
    }
    this.k.ectBondRefresh(this.hdr, moved, taking ? 1 : 0, screening ? 1 : 0);
    const header = new Int32Array(this.k.memory.buffer, this.hdr, HF / 4);
    const nc = header[H.N_COUPLED], nz = header[H.N_ZEROED];
    const zeroed = this.i32(H.ZEROED), coupled = this.i32(H.COUPLED), S = this.f64(H.COUPLED_S), type = view.type;
    for (let q = 0; q < nz; q++) decoupleBond(b, zeroed[q]);
    for (let q = 0; q < nc; q++) {
      const k = coupled[q];
      coupleBond(this.tables, b, k, S[q], type[b.i[k]], type[b.j[k]], b.around !== null);
    }
    updateLiveFrom(b, coupled, nc);
  }

  private f64(w: number): Float64Array {
    return this.views.get(w) as Float64Array;
  }
  private i32(w: number): Int32Array {
    return this.views.get(w) as Int32Array;
  }
  private u8(w: number): Uint8Array {
    return this.views.get(w) as Uint8Array;
  }
}

function align(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}
