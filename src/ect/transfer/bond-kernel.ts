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
 * The same instance runs the conjugate-gradient iterations of the extended-Lagrangian step with
 * frozen products (assembly/ect-frozen-cg.ts, `frozenCg`; the reference is the loop of `newtonStep`
 * in xl-newton.ts): 8 products per step, each the weights, bond terms and gradient over the live
 * bonds, were about a sixth of a shadow step in TypeScript. Its inputs (the packed live bonds, eps,
 * the amplitudes, the active list, gradient and curvature) are copied in per step: a few hundred
 * kB at 4,096 atoms.
 *
 * The kernels run in a wasm instance of their own (the engine's module, a second instance): their
 * buffers are placed here, from its heap base, once per bond set (`attach`, at each neighbor-list
 * build; the CG buffers after them when first used or short), and the set's per-bond arrays that the
 * refresh reads and writes (ends, shifts, geometry, cached blockers, screening radii) become views of
 * them, so that nothing is copied back per step. Memory grows only when buffers are placed, which
 * re-points the views (`repoint`).
 */
import type { EctTables } from "../table-types.js";
import { coupleBond, decoupleBond, displacementFromReference, pairTablesOf, SCREEN_REFERENCE_LIMIT } from "./bond-list.js";
import { updateLiveFrom, type BondSet, type NeighborView } from "./bonds.js";
import { screeningReach2 } from "./screening.js";
import { SLOTS, type FrozenCgKernel, type TransferProblem } from "./transfer-energy.js";

/** What the kernel refresh needs of a wasm instance of the kernels. */
export interface BondRefreshExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  ectBondRefresh(hdr: number, moved: number, taking: number, hasSafe: number): void;
  ectFrozenCg(hdr: number, rank: number): void;
}

/** Header words (assembly/ect-bonds.ts, `H`). */
const H = {
  N: 0, NB: 1, NE: 2, X: 3, Y: 4, Z: 5, TYPE: 6, BI: 7, BJ: 8, SX: 9, SY: 10, SZ: 11,
  DX: 12, DY: 13, DZ: 14, R: 15, BY: 16, BSX: 17, BSY: 18, BSZ: 19, BDIST: 20, SAFE: 21, PREV: 22,
  CUT: 23, SCREENED: 24, START: 25, OWNER: 26, ASX: 27, ASY: 28, ASZ: 29, ADIST: 30,
  COUPLED: 31, COUPLED_S: 32, ZEROED: 33, N_COUPLED: 34, N_ZEROED: 35, SCREENING: 36,
} as const;
/** Byte offset of the f64 parameters in the header (C_min, C_max, reach2, margin). */
const HF = 256;
/** Header words of the frozen-CG kernel (assembly/ect-frozen-cg.ts, `H`), at byte HC of the header. */
const C = {
  N: 0, NL: 1, NA: 2, LI: 3, LJ: 4, LH: 5, LDF: 6, LDR: 7, LWEAK: 8, LFWD: 9, LREV: 10,
  EPS: 11, CAT: 12, NEU: 13, ANI: 14, X: 15, ACT: 16, G0: 17, D: 18,
  PROBE: 19, G: 20, WP: 21, WM: 22, W0: 23, GA: 24, GF: 25, GR: 26, DP: 27, DM: 28,
  R: 29, Z: 30, DIR: 31, HD: 32, STEP: 33,
} as const;
const HC = 384;
/** Bytes of both headers; the buffers follow. */
const HEADER_BYTES = 640;

type Kind = "f64" | "i32" | "u8";
const BYTES: Record<Kind, number> = { f64: 8, i32: 4, u8: 1 };

/** The bond-set fields that live in the kernel's memory while a set is attached. */
const SHARED_F64 = ["sx", "sy", "sz", "dx", "dy", "dz", "r", "blockSx", "blockSy", "blockSz", "blockDist"] as const;
const SHARED_I32 = ["i", "j", "screenedBy"] as const;

/** A buffer of a kernel: header word, element kind, element count. */
type Region = [number, Kind, number];
type View = Float64Array | Int32Array | Uint8Array;

/** Which bond-set field each shared buffer is (refresh header words). */
const FIELD_OF: Record<string, number> = { i: H.BI, j: H.BJ, sx: H.SX, sy: H.SY, sz: H.SZ, dx: H.DX, dy: H.DY, dz: H.DZ, r: H.R, screenedBy: H.BY, blockSx: H.BSX, blockSy: H.BSY, blockSz: H.BSZ, blockDist: H.BDIST };

/** The bond refresh and the frozen-product CG of bond transfer in wasm (see the file's comment). */
export class BondRefreshKernel implements FrozenCgKernel {
  /** The set whose arrays are views of this instance's memory (null: none yet). */
  private attached: BondSet | null = null;
  private views = new Map<number, View>();
  private offsets = new Int32Array(40);
  private refreshPlan: Region[] = [];
  /** First byte after the refresh buffers (the CG buffers follow). */
  private refreshEnd: number;
  private cgViews = new Map<number, View>();
  private cgOffsets = new Int32Array(40);
  private cgPlan: Region[] = [];
  /** Live bonds and atoms the CG buffers have room for (0: not placed). */
  private cgBonds = 0;
  private cgAtoms = 0;
  private n = 0;
  private hdr: number;

  constructor(
    private readonly k: BondRefreshExports,
    private readonly tables: EctTables,
  ) {
    this.hdr = align(k.heapBase(), 64);
    this.refreshEnd = this.hdr + HEADER_BYTES;
  }

  /** Places `plan` from byte `at` (offsets into `offsets`), growing the memory when short; returns the end. */
  private place(plan: Region[], at: number, offsets: Int32Array): number {
    for (const [w, kind, count] of plan) {
      at = align(at, 64);
      offsets[w] = at;
      at += Math.max(8, count * BYTES[kind]);
    }
    const mem = this.k.memory;
    if (at > mem.buffer.byteLength) mem.grow(Math.ceil((at - mem.buffer.byteLength) / 65536));
    return at;
  }

  /**
   * Views of every buffer at its offset, after a placement (a memory that grew detaches the old
   * views): the attached set's shared fields and screening radii become the new views.
   */
  private repoint(): void {
    const buf = this.k.memory.buffer;
    const viewOf = ([w, kind, count]: Region, offsets: Int32Array): View =>
      kind === "f64" ? new Float64Array(buf, offsets[w], count) : kind === "i32" ? new Int32Array(buf, offsets[w], count) : new Uint8Array(buf, offsets[w], count);
    this.views.clear();
    for (const r of this.refreshPlan) this.views.set(r[0], viewOf(r, this.offsets));
    this.cgViews.clear();
    for (const r of this.cgPlan) this.cgViews.set(r[0], viewOf(r, this.cgOffsets));
    const b = this.attached;
    if (b) {
      for (const key of [...SHARED_F64, ...SHARED_I32]) (b as unknown as Record<string, unknown>)[key] = this.views.get(FIELD_OF[key]);
      if (b.screenRef) b.screenRef.safe = this.f64(H.SAFE);
    }
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
    this.attached = null;
    this.refreshPlan = plan;
    this.refreshEnd = this.place(plan, this.hdr + HEADER_BYTES, this.offsets);
    // (the CG buffers are placed again after these at their next use)
    this.cgBonds = this.cgAtoms = 0;
    this.cgPlan = [];
    this.repoint();
    const mem = this.k.memory;
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
    for (const key of [...SHARED_F64, ...SHARED_I32]) {
      const v = this.views.get(FIELD_OF[key])! as Float64Array;
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

  /**
   * The CG iterations of `newtonStep` (xl-newton.ts) with frozen products on the packed live bonds
   * of a neutral problem `p` (`liveBondSet`): amplitudes `x` (2 per live bond, then the atoms'),
   * active variables `act`, their gradient `g0` (eV) and diagonal curvature `D` (eV), eps (eV per unit
   * weight, atoms x SLOTS) held; the step per active variable into `step`.
   */
  frozenCg(p: TransferProblem, x: Float64Array, act: Int32Array, g0: Float64Array, D: Float64Array, eps: Float64Array, rank: number, step: Float64Array): void {
    const b = p.bonds, nl = b.count, na = act.length, n = p.roles.neutral.length;
    if (nl > this.cgBonds || n !== this.cgAtoms) this.placeCg(Math.ceil(1.25 * nl) + 64, n);
    const v = this.cgViews, f64 = (w: number) => v.get(w) as Float64Array, i32 = (w: number) => v.get(w) as Int32Array;
    i32(C.LI).set(b.i.subarray(0, nl));
    i32(C.LJ).set(b.j.subarray(0, nl));
    f64(C.LH).set(b.h.subarray(0, nl));
    f64(C.LDF).set(b.dFwd.subarray(0, nl));
    f64(C.LDR).set(b.dRev.subarray(0, nl));
    f64(C.LWEAK).set(b.weak.subarray(0, nl));
    (v.get(C.LFWD) as Uint8Array).set(b.fwdOn.subarray(0, nl));
    (v.get(C.LREV) as Uint8Array).set(b.revOn.subarray(0, nl));
    f64(C.EPS).set(eps.subarray(0, n * SLOTS));
    i32(C.CAT).set(p.roles.cation);
    i32(C.NEU).set(p.roles.neutral);
    i32(C.ANI).set(p.roles.anion);
    f64(C.X).set(x.subarray(0, 2 * nl));
    i32(C.ACT).set(act);
    f64(C.G0).set(g0.subarray(0, na));
    f64(C.D).set(D.subarray(0, na));
    const header = new Int32Array(this.k.memory.buffer, this.hdr + HC, 64);
    header[C.N] = n;
    header[C.NL] = nl;
    header[C.NA] = na;
    this.k.ectFrozenCg(this.hdr + HC, rank);
    step.set(f64(C.STEP).subarray(0, na));
  }

  /** Places the CG buffers after the refresh buffers for `bonds` live bonds and `atoms` atoms. */
  private placeCg(bonds: number, atoms: number): void {
    const v = 2 * bonds;
    this.cgPlan = [
      [C.LI, "i32", bonds], [C.LJ, "i32", bonds], [C.LH, "f64", bonds], [C.LDF, "f64", bonds], [C.LDR, "f64", bonds], [C.LWEAK, "f64", bonds],
      [C.LFWD, "u8", bonds], [C.LREV, "u8", bonds],
      [C.EPS, "f64", atoms * SLOTS], [C.CAT, "i32", atoms], [C.NEU, "i32", atoms], [C.ANI, "i32", atoms],
      [C.X, "f64", v], [C.ACT, "i32", v], [C.G0, "f64", v], [C.D, "f64", v], [C.PROBE, "f64", v], [C.G, "f64", v],
      [C.WP, "f64", atoms], [C.WM, "f64", atoms], [C.W0, "f64", atoms], [C.GA, "f64", atoms], [C.GF, "f64", bonds], [C.GR, "f64", bonds],
      [C.DP, "f64", atoms], [C.DM, "f64", atoms],
      [C.R, "f64", v], [C.Z, "f64", v], [C.DIR, "f64", v], [C.HD, "f64", v], [C.STEP, "f64", v],
    ];
    this.place(this.cgPlan, this.refreshEnd, this.cgOffsets);
    this.repoint();
    const header = new Int32Array(this.k.memory.buffer, this.hdr + HC, 64);
    for (const [w] of this.cgPlan) header[w] = this.cgOffsets[w];
    this.cgBonds = bonds;
    this.cgAtoms = atoms;
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
