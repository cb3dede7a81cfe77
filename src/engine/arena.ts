/**
 * The memory arena of one wasm instance: the context block shared with the kernels, the tables
 * placed once after it, and the named buffers laid out after the tables, with cached typed-array
 * views of them. It knows addresses, sizes and element types, nothing about atoms or potentials:
 * `KernelSystem` (`system.ts`) decides what the buffers are and how large, the arena places them.
 */
import { CTX, CTX_BYTES, CTX_KIND } from "./context.js";
import { BUFFER_ELEMENT } from "./bindings.generated.js";
import { interleave3 } from "../math/interleave.js";

/** A field of the context block (a pointer, size, scalar or result shared with the kernels). */
export type Field = keyof typeof CTX;

const PAGE = 65536;

/** True for buffers of 32-bit integers (the description's element type); every other buffer holds float64. */
function isIntBuffer(name: string): boolean {
  return (BUFFER_ELEMENT as Record<string, string>)[name] === "i32";
}

interface Region {
  name: string;
  offset: number;
  bytes: number;
}

/** `v` rounded up to a multiple of `a`. */
export function align(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}

export class WasmArena {
  /** Byte address of the context block (the kernels' first argument). */
  readonly ctx: number;
  /** Byte address where the buffers start: the end of the context block and the placed tables. */
  tablesEnd: number;
  private regions = new Map<string, Region>();
  private cache = new Map<string, Float64Array | Int32Array>();
  /** Names of the buffers placed by {@link placeTail} (after the laid-out ones). */
  private tail: string[] = [];

  /**
   * @param memory   the instance's memory, looked up at each use (it is replaced when the engine
   *                 is disposed, so that later use throws)
   * @param heapBase first free byte of the instance (`heapBase()` of the kernels)
   */
  constructor(private readonly memory: () => WebAssembly.Memory, heapBase: number) {
    this.ctx = align(heapBase, 64);
    this.tablesEnd = align(this.ctx + CTX_BYTES, 64);
  }

  /** The instance's linear memory. */
  get mem(): WebAssembly.Memory {
    return this.memory();
  }

  /** Writes one context field (float64 or int32, as the field is declared). */
  setCtx(f: Field, v: number): void {
    const dv = new DataView(this.mem.buffer);
    const at = this.ctx + CTX[f];
    if (CTX_KIND[f] === "f") dv.setFloat64(at, v, true);
    else dv.setInt32(at, v, true);
  }

  /** Reads one context field. */
  getCtx(f: Field): number {
    const dv = new DataView(this.mem.buffer);
    const at = this.ctx + CTX[f];
    return CTX_KIND[f] === "f" ? dv.getFloat64(at, true) : dv.getInt32(at, true);
  }

  private ensureBytes(end: number): void {
    const have = this.mem.buffer.byteLength;
    if (end > have) {
      this.mem.grow(Math.ceil((end - have) / PAGE));
      this.cache.clear();
    }
  }

  /** True once a buffer (or table) of this name has a place. */
  has(name: string): boolean {
    return this.regions.has(name);
  }

  /**
   * Copies tables into wasm memory right after the context block (once, before any atoms) and
   * stores each one's address in its context field.
   */
  placeTables(tables: { field: Field; data: Float64Array | Int32Array }[]): void {
    if (this.regions.has("x")) throw new Error("internal: tables must be placed before atoms are loaded");
    let at = this.tablesEnd;
    for (const { field, data } of tables) {
      this.ensureBytes(at + data.byteLength);
      const view = data instanceof Float64Array ? new Float64Array(this.mem.buffer, at, data.length) : new Int32Array(this.mem.buffer, at, data.length);
      view.set(data as never);
      this.setCtx(field, at);
      this.regions.set(field, { name: field, offset: at, bytes: data.byteLength });
      at = align(at + data.byteLength, 64);
    }
    this.tablesEnd = at;
  }

  /**
   * Places the buffers `spec` ([field, bytes]) one after another after the tables, each 64-byte
   * aligned, stores their addresses in their context fields and zeroes them all (views fetched
   * before are stale afterwards).
   */
  layout(spec: [Field, number][]): void {
    this.dropTail();
    let at = this.tablesEnd;
    for (const [name, bytes] of spec) {
      this.regions.set(name, { name, offset: at, bytes });
      this.setCtx(name, at);
      at = align(at + Math.max(bytes, 8), 64);
    }
    this.ensureBytes(at);
    // Fresh buffers start at zero (a grown layout lands on the old one's data; the ECT solver mixes
    // whole state rows, including slots an element does not use).
    new Uint8Array(this.mem.buffer, this.tablesEnd, at - this.tablesEnd).fill(0);
    this.cache.clear();
  }

  /**
   * Places the buffers `spec` ([field, bytes]) after every other buffer, replacing the tail placed
   * before, without moving or clearing anything else: buffers that grow during a solve (the
   * induction pairs) get room without a new layout, which would lose the neighbor list. Their
   * contents start undefined, and the next {@link layout} drops them (place them again after it).
   */
  placeTail(spec: [Field, number][]): void {
    this.dropTail();
    let at = align(this.memoryUse().used, 64);
    for (const [name, bytes] of spec) {
      this.regions.set(name, { name, offset: at, bytes });
      this.setCtx(name, at);
      this.tail.push(name);
      this.cache.delete(name);
      at = align(at + Math.max(bytes, 8), 64);
    }
    this.ensureBytes(at);
  }

  private dropTail(): void {
    for (const name of this.tail) {
      this.regions.delete(name);
      this.cache.delete(name);
    }
    this.tail = [];
  }

  /** Bytes of wasm linear memory in use (tables and buffers), and the total reserved. */
  memoryUse(): { used: number; reserved: number } {
    let used = 0;
    for (const r of this.regions.values()) used = Math.max(used, r.offset + r.bytes);
    return { used, reserved: this.mem.buffer.byteLength };
  }

  /** The whole region of a buffer as a typed array (cached until memory grows or is laid out again). */
  raw(name: string): Float64Array | Int32Array {
    let v = this.cache.get(name);
    if (!v || v.buffer !== this.mem.buffer) {
      const r = this.regions.get(name);
      if (!r) throw new Error(`no buffer named '${name}'`);
      const isInt = isIntBuffer(name);
      v = isInt ? new Int32Array(this.mem.buffer, r.offset, r.bytes / 4) : new Float64Array(this.mem.buffer, r.offset, r.bytes / 8);
      this.cache.set(name, v);
    }
    return v;
  }

  /** The first `n` entries of three float64 buffers (x, y, z components) as a new row-major n x 3 array. */
  interleave(x: string, y: string, z: string, n: number): Float64Array {
    return interleave3(this.raw(x), this.raw(y), this.raw(z), n);
  }

  /** Forgets the cached views (the memory is being let go). */
  clearViews(): void {
    this.cache.clear();
  }
}
