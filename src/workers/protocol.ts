/**
 * What the worker pool (`pool.ts`) and its worker entry (`worker.ts`) exchange: the potential
 * description, frames packed as transferable typed arrays, replies, and errors taken apart and put
 * back together so they reach the caller as the classes of `../errors.ts`.
 *
 * Browser-safe: no Node imports.
 */
import { Atoms } from "../atoms.js";
import type { EamResults } from "../eam/calculator.js";
import type { KernelVariant } from "../engine/wasm.js";
import type { EctResults } from "../ect/calculator.js";
import { CalculationFailed, InputError, ModelError, describeLocation, type InputLocation } from "../errors.js";

// ------------------------------------------------------------------------------------------------
// Public types
// ------------------------------------------------------------------------------------------------

/**
 * A classic EAM potential given as the text of a LAMMPS potential file (funcfl `.eam`, setfl
 * `.eam.alloy`, Finnis-Sinclair `.eam.fs`): each worker runs `parseEamPotential(text, {fileName, style})`.
 */
export interface EamPotentialSpec {
  kind: "eam";
  /** The whole file as text (energies in eV, distances in A, as LAMMPS metal units). */
  text: string;
  /** File name: quoted in messages, and it tells the style when `style` is absent. */
  fileName: string;
  /** pair_style; default from the file name's suffix (see `styleFromFileName`). */
  style?: "eam" | "eam/alloy" | "eam/fs";
}

/**
 * An ECT-EAM model given as the JSON text of a model file: each worker runs
 * `buildEctTables(parseEctModelText(text, fileName))` and `EctCalculator.create(tables, {source: fileName})`.
 */
export interface EctPotentialSpec {
  kind: "ect";
  /** The model file's JSON text. */
  text: string;
  /** File name or label, quoted in messages. */
  fileName: string;
}

/** The potential a batch is evaluated with. */
export type PotentialSpec = EamPotentialSpec | EctPotentialSpec;

/**
 * Results of one frame: `EamResults` for an EAM potential (energy eV, forces eV/A, per-atom energies
 * eV, virial eV, stress eV/A^3, densities), `EctResults` for an ECT-EAM model (additionally charges e,
 * ensemble weights, grand potential Omega eV, mu eV, host densities, electronegativities eV, dipole e*A).
 */
export type BatchResult = EamResults | EctResults;

// ------------------------------------------------------------------------------------------------
// Messages
// ------------------------------------------------------------------------------------------------

/** A structure as posted to a worker: the typed arrays travel as transferables. */
export interface FrameMessage {
  /** Distinct species, in order of first appearance. */
  species: string[];
  /** Per atom: index into `species`. */
  types: Int32Array;
  /** Cartesian positions, A, N x 3. */
  positions: Float64Array;
  /** Cell rows, A, 3 x 3. */
  cell: Float64Array;
  pbc: [boolean, boolean, boolean];
  /** Masses, amu. */
  masses: Float64Array;
}

/** An error taken apart for postMessage (class name, message, and the location fields of our errors). */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  file?: string;
  line?: number;
  atom?: number;
  frame?: number;
  field?: string;
}

export type LoadReply = { status: "ok"; warnings: string[] } | { status: "error"; error: SerializedError };
/** The outcome of one frame. */
export type FrameReply = { status: "ok"; result: BatchResult } | { status: "error"; error: SerializedError };
/** Outcomes of a chunk of frames, in order; "missing" when the potential is not (or no longer) cached. */
export type EvaluateReply = { status: "done"; frames: FrameReply[] } | { status: "missing" };

/** The functions a worker exposes through comlink. */
export interface WorkerApi {
  /** Takes the compiled kernel module (compiled once by the pool) and the kernel build. */
  init(module: WebAssembly.Module, variant: KernelVariant): void;
  /** Parses the potential and builds its calculator unless it is cached under `key`. */
  load(key: string, spec: PotentialSpec): Promise<LoadReply>;
  /** Evaluates a chunk of frames, one after another, with the potential cached under `key`. */
  evaluate(key: string, frames: FrameMessage[]): EvaluateReply;
}

// ------------------------------------------------------------------------------------------------
// Frames
// ------------------------------------------------------------------------------------------------

/** Packs structures into fresh typed arrays (the caller's arrays stay untouched) and lists their buffers. */
export function encodeFrames(frames: readonly Atoms[]): { frames: FrameMessage[]; transfer: ArrayBuffer[] } {
  const out: FrameMessage[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const atoms of frames) {
    const e = encodeFrame(atoms);
    out.push(e.frame);
    transfer.push(...e.transfer);
  }
  return { frames: out, transfer };
}

/** Packs a structure into fresh typed arrays (the caller's arrays stay untouched) and lists their buffers. */
export function encodeFrame(atoms: Atoms): { frame: FrameMessage; transfer: ArrayBuffer[] } {
  const n = atoms.symbols.length;
  const species: string[] = [];
  const index = new Map<string, number>();
  const types = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = atoms.symbols[i];
    let t = index.get(s);
    if (t === undefined) {
      t = species.length;
      species.push(s);
      index.set(s, t);
    }
    types[i] = t;
  }
  const frame: FrameMessage = {
    species,
    types,
    positions: new Float64Array(atoms.positions),
    cell: new Float64Array(atoms.cell),
    pbc: [atoms.pbc[0], atoms.pbc[1], atoms.pbc[2]],
    masses: new Float64Array(atoms.masses),
  };
  const transfer = [frame.types.buffer, frame.positions.buffer, frame.cell.buffer, frame.masses.buffer] as ArrayBuffer[];
  return { frame, transfer };
}

/** The structure a frame message describes. */
export function decodeFrame(f: FrameMessage): Atoms {
  const symbols = Array.from(f.types, (t) => f.species[t]);
  return new Atoms({ symbols, positions: f.positions, cell: f.cell, pbc: f.pbc, masses: f.masses });
}

/**
 * Buffers of the typed arrays among the objects' values that can be moved rather than copied: each
 * array must own its whole buffer (never a view into wasm memory or a buffer shared with another).
 */
export function transferables(...objs: object[]): ArrayBuffer[] {
  const seen = new Set<ArrayBufferLike>();
  const dup = new Set<ArrayBufferLike>();
  const views: ArrayBufferView[] = [];
  for (const obj of objs) {
    for (const v of Object.values(obj)) {
      if (ArrayBuffer.isView(v)) {
        views.push(v);
        if (seen.has(v.buffer)) dup.add(v.buffer);
        seen.add(v.buffer);
      }
    }
  }
  const out: ArrayBuffer[] = [];
  for (const v of views) {
    const b = v.buffer;
    if (!(b instanceof ArrayBuffer) || dup.has(b) || v.byteOffset !== 0 || v.byteLength !== b.byteLength) continue;
    out.push(b);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Errors
// ------------------------------------------------------------------------------------------------

/** Takes an error apart for postMessage. */
export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: "Error", message: String(e) };
  const s: SerializedError = { name: e.name, message: e.message, stack: e.stack };
  const r = e as unknown as Record<string, unknown>;
  for (const k of ["file", "field"] as const) if (typeof r[k] === "string") s[k] = r[k] as string;
  for (const k of ["line", "atom", "frame"] as const) if (typeof r[k] === "number") s[k] = r[k] as number;
  return s;
}

function stripPrefix(message: string, prefix: string): string {
  return prefix && message.startsWith(`${prefix}: `) ? message.slice(prefix.length + 2) : message;
}

/**
 * Puts an error from a worker back together as the same class (`InputError`, `ModelError`,
 * `CalculationFailed`, or a built-in error class) with the same message. With `frame`, the frame
 * index is added: to an `InputError` as its `frame` location (so the message reads
 * "frame 3, atom 5: ..." exactly as `new InputError(msg, {atom: 5, frame: 3})`), to the others as a
 * "frame 3: " prefix and a `frame` property. The worker's stack is kept below the caller's.
 */
export function reviveError(s: SerializedError, frame?: number): Error {
  let err: Error;
  switch (s.name) {
    case "InputError": {
      const loc: InputLocation = { file: s.file, line: s.line, atom: s.atom, frame: s.frame };
      const raw = stripPrefix(s.message, describeLocation(loc));
      err = new InputError(raw, { ...loc, frame: frame ?? s.frame });
      break;
    }
    case "ModelError": {
      const raw = s.field !== undefined ? stripPrefix(s.message, s.field) : s.message;
      err = new ModelError(raw, s.field);
      break;
    }
    case "CalculationFailed":
      err = new CalculationFailed(s.message);
      break;
    default: {
      const builtin: Record<string, ErrorConstructor | undefined> = {
        TypeError,
        RangeError,
        SyntaxError,
        ReferenceError,
        CompileError: WebAssembly.CompileError as ErrorConstructor,
        LinkError: WebAssembly.LinkError as ErrorConstructor,
        RuntimeError: WebAssembly.RuntimeError as ErrorConstructor,
      };
      err = new (builtin[s.name] ?? Error)(s.message);
      if (err.name !== s.name) err.name = s.name;
    }
  }
  if (frame !== undefined && !(err instanceof InputError)) {
    err.message = `frame ${frame}: ${err.message}`;
    Object.defineProperty(err, "frame", { value: frame, enumerable: true });
  }
  if (s.stack) {
    const header = `${err.name}: ${err.message}`;
    const local = (err.stack ?? header).split("\n").slice(1).join("\n");
    const remote = s.stack.split("\n").slice(1).join("\n");
    err.stack = `${header}\n${remote}\n    --- posted from the worker pool ---\n${local}`;
  }
  return err;
}

// ------------------------------------------------------------------------------------------------
// Cache keys
// ------------------------------------------------------------------------------------------------

/**
 * The key a potential is cached under in the workers: SHA-256 (Web Crypto) of its kind, style,
 * file name and text; where Web Crypto is missing (a non-secure browser context), two 53-bit string
 * hashes and the length.
 */
export async function potentialKey(spec: PotentialSpec): Promise<string> {
  const style = spec.kind === "eam" ? (spec.style ?? "") : "";
  const text = `${spec.kind}\u0000${style}\u0000${spec.fileName}\u0000${spec.text}`;
  const subtle = globalThis.crypto?.subtle;
  if (subtle) {
    const digest = new Uint8Array(await subtle.digest("SHA-256", new TextEncoder().encode(text)));
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return `${hash53(text, 1).toString(16)}-${hash53(text, 0x9e3779b9).toString(16)}-${text.length}`;
}

/** cyrb53 (public domain): a fast 53-bit string hash. */
function hash53(s: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
