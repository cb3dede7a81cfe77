/**
 * Plain-data form of an EAM potential after LAMMPS-exact tabulation.
 *
 * A `SplineTable` is LAMMPS' `interpolate()` output: for each of the `n` grid points one record of
 * seven coefficients [c0..c6], stored contiguously (record k at coeffs[7k .. 7k+6]). Record k is the
 * LAMMPS 1-based index k+1. With p in [0,1] the fractional position inside the interval:
 *   value      = ((c3*p + c4)*p + c5)*p + c6
 *   derivative = (c0*p + c1)*p + c2        (already divided by `delta`, i.e. d/dx, not d/dp)
 */
export interface SplineTable {
  /** Number of grid points (LAMMPS nr or nrho after any regridding). */
  n: number;
  /** Grid spacing (A for radial tables, density units for embedding tables). */
  delta: number;
  /** n*7 coefficients, one record of 7 per grid point. */
  coeffs: Float64Array;
}

export type EamStyle = "eam" | "eam/alloy" | "eam/fs";

/**
 * A parsed and tabulated EAM potential, ready to be packed into wasm tables.
 * Element indices a, b run over `elements` in file order.
 */
export interface EamPotential {
  style: EamStyle;
  /** Source file name, for messages. */
  source: string;
  /** Element symbols in file order. */
  elements: string[];
  /** Atomic masses in amu, per element. */
  masses: number[];
  /** Pair cutoff in A (LAMMPS tests r^2 < cutoff^2). */
  cutoff: number;
  /** Embedding-table grid: nrho points with spacing drho. */
  nrho: number;
  drho: number;
  /**
   * Density above which F is continued linearly in the energy. (nrho-1)*drho for setfl/fs; for
   * funcfl LAMMPS keeps the file's (nrho_file-1)*drho, one spacing past the regridded table's end.
   */
  rhomax: number;
  /** Radial-table grid: nr points with spacing dr (A). */
  nr: number;
  dr: number;
  /** frho[a]: embedding energy F(rho) in eV for an atom of element a. */
  frho: SplineTable[];
  /**
   * rhor[a][b]: density contributed at a host atom of element b by a neighbour of element a.
   * For eam and eam/alloy it does not depend on b; for eam/fs it is file block a, sub-table b.
   */
  rhor: SplineTable[][];
  /** z2r[a][b] = r*phi_ab(r) in eV*A, symmetric in a, b. */
  z2r: SplineTable[][];
  /** Free-form header comment lines of the file (provenance). */
  comments: string[];
  /**
   * The rest of each element's `Z mass a lattice` line as the file gives it (atomic number, lattice
   * constant in A, lattice name), kept so that exported files carry the same header; a and lattice
   * are 0 and "" when the file leaves them out. Absent for potentials not read from a file.
   */
  elementLines?: { Z: number; a: number; lattice: string }[];
}
