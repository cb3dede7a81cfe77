/**
 * How a periodic cell is cut into slab domains: along one periodic cell vector (the one with the
 * widest perpendicular extent), into equal slices of the fractional coordinate along it. Every slab
 * must be wider than the neighbor reach (cutoff + skin), so that a domain never needs a periodic image
 * of its own atoms along the cut direction and only its two neighbors send it atoms.
 * Browser-safe.
 */
import type { CellFrame } from "../engine/geometry.js";

/** A slab decomposition: P domains along cell vector `axis`, domain d holding fractional [bounds[d], bounds[d+1]). */
export interface Decomposition {
  /** Cell vector cut into slabs: 0 (a), 1 (b) or 2 (c). */
  axis: 0 | 1 | 2;
  /** Number of domains (workers) used, >= 1. */
  domains: number;
  /** Fractional slab boundaries along `axis`, P+1 values from 0 to 1. */
  bounds: number[];
  /** Neighbor reach (cutoff + skin) in fractional units along `axis`, with a round-off allowance. */
  margin: number;
  /** Why fewer domains than requested are used (empty when the request was met). */
  limitedBy: string;
}

/**
 * The reach in fractional units along a direction of perpendicular width `width` (A), padded as the
 * engine pads its ghost margins so that round-off in fractional coordinates never drops a pair.
 */
export function fractionalMargin(reach: number, width: number): number {
  return (reach / width) * (1 + 1e-12) + 1e-12;
}

/**
 * Chooses the slab decomposition for `requested` domains: as many as asked when each slab is wider
 * than `reach` (A), otherwise the most that fit (down to 1, which is the whole cell in one engine).
 */
export function decompose(frame: CellFrame, pbc: readonly boolean[], requested: number, reach: number): Decomposition {
  let axis: 0 | 1 | 2 = 0;
  let width = -1;
  for (const k of [0, 1, 2] as const) {
    if (pbc[k] && frame.widths[k] > width) {
      axis = k;
      width = frame.widths[k];
    }
  }
  if (width < 0) {
    return { axis: 0, domains: 1, bounds: [0, 1], margin: 0, limitedBy: requested > 1 ? "the structure has no periodic direction to cut into slabs" : "" };
  }
  const margin = fractionalMargin(reach, width);
  // Strictly wider than the margin, with room for the round-off of fractional coordinates.
  const fit = Math.max(1, Math.floor(1 / (margin * (1 + 1e-9) + 1e-12)));
  const domains = Math.max(1, Math.min(requested, fit));
  const limitedBy =
    domains < requested
      ? `the cell is ${width.toFixed(3)} A wide along ${"abc"[axis]} and each slab must be wider than the neighbor reach (cutoff + skin = ${reach.toFixed(3)} A)`
      : "";
  const bounds = Array.from({ length: domains + 1 }, (_, d) => d / domains);
  return { axis, domains, bounds, margin, limitedBy };
}

/** Domain of fractional coordinate s in [0, 1): the last d with bounds[d] <= s (clamped to 0..P-1). */
export function domainOf(s: number, bounds: readonly number[]): number {
  const p = bounds.length - 1;
  let d = Math.min(p - 1, Math.max(0, Math.floor(s * p)));
  // floor(s*P) can be off by one at a boundary through round-off; the comparisons decide.
  while (d > 0 && s < bounds[d]) d--;
  while (d < p - 1 && s >= bounds[d + 1]) d++;
  return d;
}

/** Fractional coordinate along `axis` of Cartesian (x, y, z) with the inverse cell g (s = r . g). */
export function fractional(x: number, y: number, z: number, g: ArrayLike<number>, axis: number): number {
  return x * g[axis] + y * g[3 + axis] + z * g[6 + axis];
}
