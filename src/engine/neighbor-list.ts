/**
 * A handle on the half neighbor list that the kernels build in an arena (`numNeigh`, `firstNeigh`,
 * `neigh`, `ghostOwner`, the build origin `x0`/`y0`/`z0`): reading and restoring its order for
 * restarts, the closest pair for diagnostics, and the sizing rules of its buffers. The kernels
 * (`assembly/neighbors.ts`) build the list; `KernelSystem` decides when and holds the capacities.
 */
import { InputError } from "../errors.js";
import type { WasmArena } from "./arena.js";
import { STATUS_BINS, STATUS_GHOSTS, STATUS_NEIGH, STATUS_OK } from "./bindings.generated.js";
import type { CellFrame } from "./geometry.js";

/** What a kernel status says is short, by its STATUS_* code (scripts/wasm-interface.mjs). */
export const KERNEL_STATUS: Record<number, string> = {
  [STATUS_OK]: "ok",
  [STATUS_GHOSTS]: "ghost arrays",
  [STATUS_BINS]: "bin arrays",
  [STATUS_NEIGH]: "neighbor list",
};

/**
 * Ghost and bin slots a first build will ask for, estimated with the growth's 20 % slack from the
 * cell at uniform density (each periodic direction adds 2 reach / width of the atoms as images) and
 * the bounding box of the positions widened by the ghosts' reach. Sizing the first layout from them
 * spares the first build two rounds of "arrays short", each a partial build and a new layout (~10 ms
 * at 32,000 atoms); a low estimate only means the growth happens as before.
 */
export function estimateGhostsAndBins(p: ArrayLike<number>, frame: CellFrame, pbc: readonly boolean[], reach: number): { ghosts: number; bins: number } {
  const n = p.length / 3;
  let images = 1;
  for (let k = 0; k < 3; k++) if (pbc[k] && frame.widths[k] > 0) images *= 1 + (2 * reach) / frame.widths[k];
  const ghosts = Math.ceil(n * (images - 1) * 1.2) + 64;
  if (!Number.isFinite(ghosts)) return { ghosts: 0, bins: 0 };
  // Bounds in scalars, the three directions unrolled (this loop runs cold at every start-up).
  let lx = Infinity, ly = Infinity, lz = Infinity, hx = -Infinity, hy = -Infinity, hz = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
    if (x < lx) lx = x;
    if (x > hx) hx = x;
    if (y < ly) ly = y;
    if (y > hy) hy = y;
    if (z < lz) lz = z;
    if (z > hz) hz = z;
  }
  const lo = [lx, ly, lz], hi = [hx, hy, hz];
  // Ghosts reach past the cell by reach/width of each periodic cell vector (fractional margin).
  let bins = 1;
  for (let d = 0; d < 3; d++) {
    let pad = 0;
    for (let r = 0; r < 3; r++) if (pbc[r]) pad += (reach / frame.widths[r]) * Math.abs(frame.h[3 * r + d]);
    bins *= Math.floor((hi[d] - lo[d] + 2 * pad) / (0.5 * reach)) + 2;
  }
  // the kernel coarsens grids beyond 8 bins per atom (binAtoms): never ask for more
  bins = Math.min(bins, Math.max(8 * (n + ghosts) + 64, 4096));
  return { ghosts, bins: Number.isFinite(bins) ? Math.ceil(bins * 1.2) + 64 : 0 };
}

/** Half-list entries to reserve: a uniform-density estimate with 20 % slack, at least 32 per atom. */
export function estimateNeighbors(n: number, frame: CellFrame, reach: number): number {
  const sphere = (4 / 3) * Math.PI * reach ** 3;
  const density = frame.volume > 0 && Number.isFinite(frame.widths[2]) ? n / frame.volume : 0.1;
  const perAtom = Math.max(32, 0.5 * sphere * Math.min(density, 0.2) * 1.2);
  return Math.ceil(n * perAtom) + 1024;
}

export class NeighborList {
  constructor(private readonly arena: WasmArena) {}

  /** The list's buffers: entry counts and segment starts per owned atom, the entries. */
  private views(): { num: Int32Array; first: Int32Array; neigh: Int32Array } {
    const a = this.arena;
    return { num: a.raw("numNeigh") as Int32Array, first: a.raw("firstNeigh") as Int32Array, neigh: a.raw("neigh") as Int32Array };
  }

  /** Entries in the segments of the first `n` owned atoms. */
  private entries(num: Int32Array, n: number): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += num[i];
    return total;
  }

  /** The `n` owned atoms' list segments, concatenated in their current order. */
  order(n: number): Int32Array {
    const { num, first, neigh } = this.views();
    const out = new Int32Array(this.entries(num, n));
    for (let i = 0, at = 0; i < n; i++) {
      out.set(neigh.subarray(first[i], first[i] + num[i]), at);
      at += num[i];
    }
    return out;
  }

  /**
   * Puts back an order from {@link order} into a list just rebuilt at the same positions and cell
   * (same neighbors, per segment, in another order). Throws when the neighbors differ.
   */
  restoreOrder(n: number, order: ArrayLike<number>): void {
    const { num, first, neigh } = this.views();
    const total = this.entries(num, n);
    if (order.length !== total) {
      throw new InputError(`saved neighbor list has ${order.length} entries, the rebuilt one ${total}: the restart belongs to another potential, skin or state`);
    }
    for (let i = 0, at = 0; i < n; i++) {
      const seg = neigh.subarray(first[i], first[i] + num[i]);
      const saved = Int32Array.from({ length: num[i] }, (_, k) => order[at + k]);
      const a = seg.slice().sort(), b = saved.slice().sort();
      for (let k = 0; k < a.length; k++) {
        if (a[k] !== b[k]) throw new InputError(`saved neighbor list of atom ${i} differs from the rebuilt one: the restart belongs to another potential, skin or state`, { atom: i });
      }
      seg.set(saved);
      at += num[i];
    }
  }

  /** Where the list was last built: the `n` owned positions (A, n x 3) as that build wrapped them. */
  origin(n: number): Float64Array {
    return this.arena.interleave("x0", "y0", "z0", n);
  }

  /**
   * Closest pair in the list of `n` owned atoms (owned indices; distance in A), for diagnostics, from
   * the list slot the kernel found (`closestPairSlot`: the first slot in list order at the smallest
   * squared distance; -1 for an empty list). The squared distance is formed again here from the same
   * positions in the same order of operations, so r is the kernel's to the bit.
   */
  closestPair(n: number, slot: number): { i: number; j: number; r: number } | null {
    if (slot < 0) return null;
    const a = this.arena;
    const x = a.raw("x"), y = a.raw("y"), z = a.raw("z");
    const { num, first, neigh } = this.views();
    const owner = a.raw("ghostOwner");
    // The segments follow the owned atoms in order: bisect for the one holding the slot, then
    // check it (a linear scan in case some layout ever breaks the order).
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (first[mid] <= slot) lo = mid;
      else hi = mid - 1;
    }
    let i = lo;
    const holds = (k: number) => first[k] <= slot && slot < first[k] + num[k];
    if (!holds(i)) {
      i = -1;
      for (let k = 0; k < n && i < 0; k++) if (holds(k)) i = k;
      if (i < 0) return null;
    }
    const j = neigh[slot];
    const dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
    const rsq = dx * dx + dy * dy + dz * dz;
    return { i, j: j < n ? j : owner[j - n], r: Math.sqrt(rsq) };
  }
}
