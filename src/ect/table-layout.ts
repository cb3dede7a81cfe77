/**
 * Table layout of the ECT-EAM kernels: how built `EctTables` (src/ect/tables.ts) become the record
 * arrays, address directories and context settings that assembly/ect.ts reads, which pair blocks a
 * structure's element types need, and what each point-charge sum sets. Plain TypeScript without
 * wasm, so that the layout can be read and checked on its own; `EctEngine` copies the result into
 * linear memory.
 */
import { InputError } from "../errors.js";
import type { Field } from "../engine/system.js";
import { interpolate } from "../potentials/spline.js";
import type { SplineTable } from "../potentials/types.js";
import { dsfKernel, dsfSelfCoefficient, erfc, ewaldParameters } from "./longrange.js";
import { packCoulombBlocks, packInnerBlocks, type PairBlocks } from "./pair-blocks.js";
import type { LongRangeKind } from "./model-types.js";
import type { EctTables } from "./tables.js";
import {
  ECT_RECORD as RECORD, LR_KIND_DIRECT, LR_KIND_DSF, LR_KIND_EWALD, MAX_STATES, ROLE_ANION, ROLE_CATION, ROLE_NEUTRAL, ROLE_SLOTS,
} from "../engine/bindings.generated.js";

// State slots per atom in the kernels and doubles per table record (c0..c6 and a pad), from
// scripts/wasm-interface.mjs.
export { MAX_STATES };

// The point-charge sums the kernels know: the model's long-range kinds.
export type { LongRangeKind };

/** The kernels' code (context field lrKind) of each point-charge sum. */
const LR_KIND_CODE: Record<LongRangeKind, number> = { direct: LR_KIND_DIRECT, dsf: LR_KIND_DSF, ewald: LR_KIND_EWALD };

/** How the pair blocks are tabulated: grid points of the Coulomb and inner blocks, the folded kernel. */
export interface BlockSpec {
  /** Points of the radial grid (the Coulomb blocks keep those within the structure's remainder reach). */
  gridPoints: number;
  innerPoints: number;
  /** Cutoff of the inner functions: densities, pairs, resonance (A). */
  innerCutoff: number;
  /** The tabulated point-charge kernel (times k and the state charges) folded into the Coulomb blocks. */
  fold?: { kernel: SplineTable; k: number; charges: number[][] };
}

/** The pair blocks of one structure's element types (src/ect/pair-blocks.ts). */
export interface EctPairBlocks {
  coul: PairBlocks;
  inner: PairBlocks;
  /**
   * The structure's short-range cutoff (A): the inner functions' and the longest Coulomb remainder
   * among its element pairs (the kernels' `shortCutoff`).
   */
  shortCutoff: number;
  /** The longest Coulomb-remainder cutoff among its element pairs (A): the kernels' `remainderCutoff`. */
  remainderCutoff: number;
}

/** Everything `layoutEctTables` decided: the tables to place, their addresses and the context settings. */
export interface EctTableLayout {
  /** Tables in placement order (records first, so that the directories can hold their addresses). */
  tables: { field: Field; data: Float64Array | Int32Array }[];
  /** Address the embedding records must land at (the directories assume it). */
  embedBase: number;
  /** Address of the tabulated long-range kernel (0 for direct models). */
  lrTableAddress: number;
  blockSpec: BlockSpec;
  /** Context settings of the grids and cutoffs (the point-charge sum is set by `longRangeSettings`). */
  settings: [Field, number][];
}

/**
 * Packs every radial function of `t` into one record array on one radial grid reaching `reach` (A),
 * the embedding functions into another, and the directories that address them, for tables placed
 * from address `base` on. Throws InputError when the model has more states than the kernels' slots.
 */
export function layoutEctTables(t: EctTables, reach: number, base: number): EctTableLayout {
  const nt = t.elements.length;
  if (t.maxStates > MAX_STATES) throw new InputError(`the kernels support ${MAX_STATES} states per element, the model has ${t.maxStates}`);
  // One radial grid for everything: the model's, extended with zero records out to the long-range cutoff.
  const nr = Math.max(t.nr, Math.ceil(reach / t.dr) + 2);
  const radial: SplineTable[] = [];
  const add = (s: SplineTable) => radial.push(s);
  const dirEmbed = new Int32Array(nt * MAX_STATES).fill(-1);
  const dirRes = new Int32Array(nt * nt).fill(-1);
  const roles = new Int32Array(nt * ROLE_SLOTS).fill(-1);
  const radialIndex = new Map<SplineTable, number>();
  const indexOf = (s: SplineTable) => {
    let k = radialIndex.get(s);
    if (k === undefined) {
      k = radial.length;
      add(s);
      radialIndex.set(s, k);
    }
    return k;
  };
  for (let a = 0; a < nt; a++) {
    for (const [role, charge] of [[ROLE_CATION, 1], [ROLE_NEUTRAL, 0], [ROLE_ANION, -1]] as const) roles[a * ROLE_SLOTS + role] = t.states[a].findIndex((st) => st.charge === charge);
    for (let b = 0; b < nt; b++) {
      if (t.resonance) dirRes[a * nt + b] = indexOf(t.resonance[a][b]);
    }
  }
  const lr = t.longRange;
  let lrIndex = -1;
  const rMin = 0.25; // A: keeps 1/r finite on the grid; atoms never get this close
  if (lr.kind === "dsf") {
    const g = new Float64Array(nr);
    for (let m = 0; m < nr; m++) g[m] = dsfKernel(Math.max(m * t.dr, rMin), lr.dsfAlpha, lr.cutoff);
    lrIndex = indexOf(interpolate(g, t.dr));
  } else if (lr.kind === "ewald") {
    const { alpha } = ewaldParameters(lr.cutoff, lr.ewaldAccuracy);
    const g = new Float64Array(nr);
    for (let m = 0; m < nr; m++) {
      const r = Math.max(m * t.dr, rMin);
      g[m] = r < lr.cutoff ? erfc(alpha * r) / r : 0;
    }
    lrIndex = indexOf(interpolate(g, t.dr));
  }
  // Coulomb remainders: one block per ordered type pair, out to the remainder cutoff (m <= cutoff/dr + 1).
  // Inside the remainder cutoff the tabulated point-charge kernel joins the remainders (when it
  // reaches that far), so the pair pass evaluates one record there instead of two. The pair blocks
  // themselves are built for the elements of each structure (pairBlocksFor).
  // The kernel is tabulated (zero beyond its cutoff) out to the grid's end, so it folds into blocks
  // of any reach: inside the remainder tier the pair pass reads only the block.
  const fold = lrIndex >= 0 ? { kernel: radial[lrIndex], k: t.coulombConstant, charges: t.states.map((st) => st.map((x) => x.charge)) } : undefined;
  const innerCutoff = Math.max(t.densityCutoff, t.pairCutoff, t.resonance ? t.resonanceCutoff : 0);
  const blockSpec: BlockSpec = { gridPoints: nr, innerPoints: Math.min(nr, Math.ceil(innerCutoff / t.dr) + 3), innerCutoff, fold };
  const records = new Float64Array(radial.length * nr * RECORD);
  radial.forEach((s, k) => {
    if (Math.abs(s.delta - t.dr) > 1e-15 * t.dr) throw new Error(`internal: radial table ${k} has spacing ${s.delta}, expected ${t.dr}`);
    for (let m = 0; m < Math.min(s.n, nr); m++) {
      for (let c = 0; c < 7; c++) records[(k * nr + m) * RECORD + c] = s.coeffs[7 * m + c];
    }
    // Beyond the function's own grid it is zero (every short-range function is tapered to 0).
  });
  const embed: SplineTable[] = [];
  for (let a = 0; a < nt; a++) t.states[a].forEach((_, m) => (dirEmbed[a * MAX_STATES + m] = embed.push(t.embedding[a][m]) - 1));
  const embedRecords = new Float64Array(embed.length * t.nrho * RECORD);
  embed.forEach((s, k) => {
    if (s.n !== t.nrho) throw new Error(`internal: embedding table ${k} has ${s.n} points, expected ${t.nrho}`);
    for (let m = 0; m < s.n; m++) for (let c = 0; c < 7; c++) embedRecords[(k * t.nrho + m) * RECORD + c] = s.coeffs[7 * m + c];
  });
  const stateE = new Float64Array(nt * MAX_STATES);
  const stateN = new Float64Array(nt * MAX_STATES);
  const stateQ = new Float64Array(nt * MAX_STATES);
  const nStates = new Int32Array(nt);
  for (let a = 0; a < nt; a++) {
    nStates[a] = t.states[a].length;
    t.states[a].forEach((s, m) => {
      stateE[a * MAX_STATES + m] = s.energy;
      stateN[a * MAX_STATES + m] = s.electrons;
      stateQ[a * MAX_STATES + m] = s.charge;
    });
  }
  // Records go first so their addresses are known when the directories are written.
  const embedBase = align64(base + records.byteLength);
  const toAddress = (d: Int32Array, at: number, stride: number) => d.map((k) => (k < 0 ? 0 : at + k * stride));
  const radialBytes = nr * RECORD * 8;
  const embedBytes = t.nrho * RECORD * 8;
  return {
    tables: [
      { field: "densityTable", data: records },
      { field: "embedTable", data: embedRecords },
      { field: "dirEmbed", data: toAddress(dirEmbed, embedBase, embedBytes) },
      { field: "stateE", data: stateE },
      { field: "stateN", data: stateN },
      { field: "stateQ", data: stateQ },
      { field: "nStates", data: nStates },
      { field: "roles", data: roles },
      { field: "dirRes", data: toAddress(dirRes, base, radialBytes) },
    ],
    embedBase,
    lrTableAddress: lrIndex < 0 ? 0 : base + lrIndex * radialBytes,
    blockSpec,
    settings: [
      ["resCutoff", t.resonance ? t.resonanceCutoff : 0],
      ["nr", nr],
      ["rdr", 1 / t.dr],
      ["nrho", t.nrho],
      ["rdrho", 1 / t.drho],
      ["rhomax", t.rhoMax],
      ["shortCutoff", t.cutoff],
      ["remainderCutoff", Math.max(...t.coulombCutoff.flat())],
      ["densityCutoff", t.densityCutoff],
      ["pairCutoff", t.pairCutoff],
      ["innerCutoff", innerCutoff],
      ["ewaldAlpha", ewaldParameters(lr.cutoff, lr.ewaldAccuracy).alpha],
      ["coulombK", t.coulombConstant],
      ["kT", t.kT],
    ],
  };
}

/**
 * Context settings of the point-charge sum `kind` for long-range settings `lr` (the model's), with
 * the tabulated kernel at `lrTable` (its folding into the pair blocks per `folded`).
 */
export function longRangeSettings(kind: LongRangeKind, lr: EctTables["longRange"], folded: boolean, lrTable: number): [Field, number][] {
  const on = kind !== "direct";
  const ewaldAlpha = ewaldParameters(lr.cutoff, lr.ewaldAccuracy).alpha;
  return [
    ["lrKind", LR_KIND_CODE[kind]],
    ["lrCutoff", on ? lr.cutoff : 0],
    ["lrFolded", on && folded ? 1 : 0],
    ["lrTable", on ? lrTable : 0],
    ["selfCoef", kind === "dsf" ? dsfSelfCoefficient(lr.dsfAlpha, lr.cutoff) : kind === "ewald" ? ewaldAlpha / Math.sqrt(Math.PI) : 0],
  ];
}

/** Type indices (sorted) of the `symbols` that are among `elements`; species not in the model are left out. */
export function typesPresent(elements: readonly string[], symbols: readonly string[]): number[] {
  const present = new Set<number>();
  for (const sym of symbols) {
    const t = elements.indexOf(sym);
    if (t >= 0) present.add(t);
  }
  return [...present].sort((a, b) => a - b);
}

/**
 * The Coulomb and inner pair blocks of element types `types`, with the long-range kernel folded in
 * when `fold`. The Coulomb blocks reach the longest remainder cutoff among these types' pairs, so a
 * structure without the elements that need a long one (a model's hydride) does not pay for it.
 */
export function pairBlocksFor(t: EctTables, spec: BlockSpec, types: number[], fold: boolean): EctPairBlocks {
  // Everything in the blocks follows from the tables and this key (the folded kernel from the tables'
  // long-range settings on gridPoints points), so engines that share a tables object share them; the
  // engine only copies them into its memory.
  const key = `${types.join(",")}|${fold && spec.fold ? 1 : 0}|${spec.gridPoints}|${spec.innerPoints}`;
  let cache = blockCache.get(t);
  if (!cache) blockCache.set(t, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) return hit;
  const blocks = buildPairBlocks(t, spec, types, fold);
  cache.set(key, blocks);
  return blocks;
}

/** Pair blocks already built, per tables object (src/ect/pair-blocks.ts; read-only once built). */
const blockCache = new WeakMap<EctTables, Map<string, EctPairBlocks>>();

function buildPairBlocks(t: EctTables, spec: BlockSpec, types: number[], fold: boolean): EctPairBlocks {
  let reach = 0;
  for (const a of types) for (const b of types) reach = Math.max(reach, t.coulombCutoff[a][b]);
  // The pair pass reads the Coulomb blocks out to shortCutoff (zero beyond each pair's own cutoff).
  const shortCutoff = Math.max(spec.innerCutoff, reach);
  return {
    coul: packCoulombBlocks(t.coulomb, Math.min(spec.gridPoints, Math.ceil(shortCutoff / t.dr) + 3), types, fold ? spec.fold : undefined),
    inner: packInnerBlocks(t.pair, t.resonance, t.density, spec.innerPoints, types, t.densityScale),
    shortCutoff,
    remainderCutoff: reach,
  };
}

function align64(v: number): number {
  return Math.ceil(v / 64) * 64;
}
