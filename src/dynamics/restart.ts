/**
 * Restart files: JSON whose number arrays are base64 Float64 (Int32 for the neighbor-list order;
 * little-endian), so that every double (positions, velocities, forces, chain variables, solver
 * weights) comes back bit for bit. Scalars
 * are JSON numbers, which JavaScript writes and reads back exactly; -0, NaN and infinities, which
 * JSON cannot hold, are written as {"$num": "-0"} and the like. Browser safe (no Buffer).
 */
import { InputError } from "../errors.js";
import type { BarostatSpec } from "./barostat.js";
import type { ListState, SolverState } from "./engine-access.js";
import type { EngineLoopState } from "./engine-loop.js";
import type { ThermostatSpec, ThermostatState } from "./thermostats.js";

/** Identifies the format in the file. */
export const RESTART_FORMAT = "ect-eam-md-restart";
/** Current version; readers refuse newer ones. */
export const RESTART_VERSION = 1;

/** Everything a run needs to continue exactly where it stopped. Units: A, A/fs, amu, fs, eV. */
export interface RestartData {
  format: typeof RESTART_FORMAT;
  version: number;
  /** Steps done and simulated time (fs) at the moment of writing. */
  step: number;
  time: number;
  /** Time step, fs. */
  dt: number;
  symbols: string[];
  pbc: [boolean, boolean, boolean];
  /** Cell rows a, b, c (A), 9 numbers. */
  cell: Float64Array;
  positions: Float64Array;
  velocities: Float64Array;
  masses: Float64Array;
  /**
   * The last evaluation (energy eV, forces eV/A, virial eV, ...): the next step's first half kick
   * uses these forces, so resuming needs no evaluation (which could differ in the last bit).
   */
  results: Record<string, unknown>;
  thermostat: ThermostatSpec;
  thermostatState: ThermostatState;
  barostat: BarostatSpec;
  /** Where the engine's neighbor list was built (null without a wasm engine). */
  list: ListState | null;
  /** ECT-EAM weight-solver or Streitz QEq warm start (null for EAM). */
  solver: SolverState | null;
  /** Runs inside a wasm MD loop (NVE): the engine's loop state (absent otherwise). */
  engine?: EngineLoopState | null;
  /** Free text: the potential or model the run used (not checked, for people). */
  calculator?: string;
}

/** Writes a restart as JSON text. */
export function formatRestart(data: RestartData): string {
  return JSON.stringify(data, (_key, value) => encodeValue(value), 1) + "\n";
}

/** Reads a restart written by {@link formatRestart}; `fileName` is for messages. */
export function parseRestart(text: string, fileName = "restart"): RestartData {
  let raw: unknown;
  try {
    raw = JSON.parse(text, (_key, value) => decodeValue(value, fileName));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${fileName}: not a JSON restart file (${(err as Error).message})`);
  }
  const d = raw as Partial<RestartData>;
  if (typeof d !== "object" || d === null || d.format !== RESTART_FORMAT) {
    throw new InputError(`${fileName}: not an ect-eam MD restart file (format should be "${RESTART_FORMAT}")`);
  }
  if (typeof d.version !== "number" || d.version > RESTART_VERSION) {
    throw new InputError(`${fileName}: restart version ${String(d.version)} is newer than this program reads (${RESTART_VERSION})`);
  }
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new InputError(`${fileName}: ${what}`);
  };
  need(Number.isInteger(d.step) && d.step! >= 0, "step must be an integer >= 0");
  need(Number.isFinite(d.time), "time must be a number of fs");
  need(typeof d.dt === "number" && d.dt > 0 && Number.isFinite(d.dt), "dt must be > 0 fs");
  need(Array.isArray(d.symbols) && d.symbols.length > 0 && d.symbols.every((s) => typeof s === "string"), "symbols must list the atoms' elements");
  const n = d.symbols!.length;
  need(Array.isArray(d.pbc) && d.pbc.length === 3 && d.pbc.every((p) => typeof p === "boolean"), "pbc must be three booleans");
  need(d.cell instanceof Float64Array && d.cell.length === 9, "cell must be 9 numbers");
  for (const key of ["positions", "velocities"] as const) {
    need(d[key] instanceof Float64Array && d[key]!.length === 3 * n, `${key} must hold 3 x ${n} numbers`);
  }
  need(d.masses instanceof Float64Array && d.masses.length === n, `masses must hold ${n} numbers`);
  need(typeof d.results === "object" && d.results !== null, "results (the last evaluation) are missing");
  const forces = (d.results as Record<string, unknown>).forces;
  need(forces instanceof Float64Array && forces.length === 3 * n, `results.forces must hold 3 x ${n} numbers`);
  need(typeof d.thermostat === "object" && d.thermostat !== null && typeof d.thermostat.kind === "string", "thermostat is missing");
  need(typeof d.thermostatState === "object" && d.thermostatState !== null, "thermostatState is missing");
  need(typeof d.barostat === "object" && d.barostat !== null && typeof d.barostat.kind === "string", "barostat is missing");
  if (d.list) {
    need(d.list.positions instanceof Float64Array && d.list.positions.length === 3 * n && d.list.cell instanceof Float64Array, "list must hold positions and cell");
    need(d.list.order === null || d.list.order === undefined || d.list.order instanceof Int32Array, "list.order must be an Int32 array");
    d.list.order = d.list.order ?? null;
  }
  if (d.solver) need(d.solver.weights instanceof Float64Array && Number.isFinite(d.solver.mu), "solver must hold weights and mu");
  if (d.engine) {
    need(Number.isInteger(d.engine.stepsSinceBuild) && d.engine.stepsSinceBuild >= 0, "engine.stepsSinceBuild must be an integer >= 0");
    const ew = d.engine.ewald;
    if (d.engine.xl !== undefined) need(d.engine.xl instanceof Float64Array, "engine.xl must be a Float64 array");
    if (ew) need(Number.isFinite(ew.g) && ew.g > 0 && Array.isArray(ew.kmax) && ew.kmax.length === 3 && ew.kmax.every((k) => Number.isInteger(k) && k >= 1), "engine.ewald must hold g > 0 and three kmax integers");
  }
  return { ...d, list: d.list ?? null, solver: d.solver ?? null, engine: d.engine ?? null } as RestartData;
}

function encodeValue(value: unknown): unknown {
  if (value instanceof Float64Array) return { $f64: float64ToBase64(value) };
  if (value instanceof Int32Array) return { $i32: bytesToBase64(int32Bytes(value)) };
  if (typeof value === "number" && (Object.is(value, -0) || !Number.isFinite(value))) return { $num: Object.is(value, -0) ? "-0" : String(value) };
  return value;
}

function decodeValue(value: unknown, fileName: string): unknown {
  if (typeof value !== "object" || value === null) return value;
  const o = value as Record<string, unknown>;
  if (typeof o.$f64 === "string") return base64ToFloat64(o.$f64, fileName);
  if (typeof o.$i32 === "string") return bytesToInt32(base64ToBytes(o.$i32, 4, fileName));
  if (typeof o.$num === "string") {
    const v = o.$num === "-0" ? -0 : Number(o.$num);
    if (Number.isNaN(v) && o.$num !== "NaN") throw new InputError(`${fileName}: bad special number '${o.$num}'`);
    return v;
  }
  return value;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = new Uint8Array(128);
for (let i = 0; i < 64; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Base64 of the little-endian bytes of a Float64Array. */
export function float64ToBase64(a: Float64Array): string {
  const bytes = new Uint8Array(a.length * 8);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) dv.setFloat64(8 * i, a[i], true);
  return bytesToBase64(bytes);
}

/** Inverse of {@link float64ToBase64}. */
export function base64ToFloat64(s: string, fileName = "restart"): Float64Array {
  const bytes = base64ToBytes(s, 8, fileName);
  const dv = new DataView(bytes.buffer);
  const out = new Float64Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat64(8 * i, true);
  return out;
}

function int32Bytes(a: Int32Array): Uint8Array {
  const bytes = new Uint8Array(a.length * 4);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) dv.setInt32(4 * i, a[i], true);
  return bytes;
}

function bytesToInt32(bytes: Uint8Array): Int32Array {
  const dv = new DataView(bytes.buffer);
  const out = new Int32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = dv.getInt32(4 * i, true);
  return out;
}

function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i], b1 = i + 1 < bytes.length ? bytes[i + 1] : 0, b2 = i + 2 < bytes.length ? bytes[i + 2] : 0;
    parts.push(
      B64[b0 >> 2] + B64[((b0 & 3) << 4) | (b1 >> 4)] +
        (i + 1 < bytes.length ? B64[((b1 & 15) << 2) | (b2 >> 6)] : "=") +
        (i + 2 < bytes.length ? B64[b2 & 63] : "="),
    );
  }
  return parts.join("");
}

/** Decodes base64 whose byte count must be a multiple of `unit`. */
function base64ToBytes(s: string, unit: number, fileName: string): Uint8Array {
  const clean = s.replace(/=+$/, "");
  const nbytes = Math.floor((clean.length * 3) / 4);
  if (nbytes % unit !== 0 || !/^[A-Za-z0-9+/]*$/.test(clean)) throw new InputError(`${fileName}: bad base64 array (length ${s.length})`);
  const bytes = new Uint8Array(nbytes);
  const sextet = (i: number) => (i < clean.length ? B64_INDEX[clean.charCodeAt(i)] : 0);
  for (let i = 0, k = 0; k < nbytes; i += 4) {
    const w = (sextet(i) << 18) | (sextet(i + 1) << 12) | (sextet(i + 2) << 6) | sextet(i + 3);
    bytes[k++] = (w >> 16) & 255;
    if (k < nbytes) bytes[k++] = (w >> 8) & 255;
    if (k < nbytes) bytes[k++] = w & 255;
  }
  return bytes;
}
