// Table record layouts. Every radial function is a LAMMPS-style cubic table with one record per grid
// point; records are interleaved per ordered type pair so that one load sequence serves both
// directions of a pair (the density i gets from j and the density j gets from i) as the two lanes of
// an f64x2. Coefficients follow LAMMPS' `interpolate()`: value = ((c3 p + c4) p + c5) p + c6,
// derivative = (c0 p + c1) p + c2 (already d/dr).
//
// Density record, 8 f64 (64 bytes), lanes (A, B) with A = rho at i due to j, B = rho at j due to i:
//   [c3A c3B] [c4A c4B] [c5A c5B] [c6A c6B]
// Force record, 16 f64 (128 bytes):
//   [c0A c0B] [c1A c1B] [c2A c2B] [pad pad] [z3 0] [z4 z0] [z5 z1] [z6 z2]
//   where z is r*phi(r); the zero makes the derivative a cubic with a zero leading term, which
//   evaluates to exactly the same double as LAMMPS' quadratic (0*p + c0 == c0).
// Embedding record, 8 f64: [c0 c1 c2 c3 c4 c5 c6 pad] per type and grid point.

// The sizes (bytes here, f64 words in TypeScript) come from scripts/wasm-interface.mjs via context.ts.
export { DENSITY_RECORD, FORCE_RECORD, EMBED_RECORD } from "./context";
