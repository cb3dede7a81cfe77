/**
 * Pair lists as flat arrays (bond sets, polarization pairs, carried bond states): one entry per pair
 * in each array, the first `count` in use.
 *
 * Browser-safe; no wasm; types only.
 */

/** `count` pairs of owned atoms i and j. */
export interface IndexPairs {
  /** Number of pairs in use. */
  count: number;
  /** Owned atom indices of the two ends. */
  i: Int32Array;
  j: Int32Array;
}

/** Pairs with the periodic shift of j's image (A): r_j(image) = r_j + shift. */
export interface ShiftedPairs extends IndexPairs {
  sx: Float64Array;
  sy: Float64Array;
  sz: Float64Array;
}

/** Pairs with a displacement between the ends (A; its sign is the user's). */
export interface DisplacedPairs extends IndexPairs {
  dx: Float64Array;
  dy: Float64Array;
  dz: Float64Array;
}
