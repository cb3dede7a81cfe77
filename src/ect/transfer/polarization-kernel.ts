/**
 * Induction on the wasm kernels (assembly/ect-polarization.ts): the same model and the same sums as
 * `Polarization` (polarization.ts, the readable reference that this class extends), with the pair
 * loops over linear memory. The candidate pairs are gathered here once per neighbor-list build, in
 * the reference's canonical order, and copied into the kernels' buffers; the geometry, energy and
 * forces run in wasm. Why: the three pair loops (geometry with its exponentials once per step,
 * fields and their gradient at both evaluations, forces once) were about a sixth of an
 * extended-Lagrangian MD step of rock-salt NaCl in TypeScript.
 */
import type { EctTables, PolarizationTables } from "../table-types.js";
import type { NeighborView } from "./bond-list.js";
import { Polarization } from "./polarization.js";
import { SLOTS } from "./transfer-energy.js";

/** The engine's induction buffers and kernels, as `PolarizationKernel` sees them. */
export interface InductionKernels {
  /**
   * Makes room for `candidates` candidate pairs in the kernels' buffers (placed anew after every
   * other buffer when short: their contents are then lost, and {@link placements} changes).
   */
  reserve(candidates: number): void;
  /** Changes whenever the buffers were placed anew (a reserve that grew them, a new layout). */
  readonly placements: number;
  /** A buffer by name (polCand, polCandShift, polEps, polField, polAlpha, ...), as in kernel-port.ts. */
  f64(name: string): Float64Array;
  i32(name: string): Int32Array;
  /** Sets an integer context field (polCandCount). */
  set(field: "polCandCount", value: number): void;
  /** The induction energy of the last `energy` call (context field ePol), eV. */
  ePol(): number;
  /** `ectPolRefresh`, `ectPolEnergy`, `ectPolForces`. */
  refresh(): void;
  energy(): void;
  forces(): void;
}

export class PolarizationKernel extends Polarization {
  /** The placement of the kernels' buffers the candidates were copied into (-1: none). */
  private uploaded = -1;

  constructor(
    settings: PolarizationTables,
    tables: EctTables,
    private readonly kernels: InductionKernels,
  ) {
    super(settings, tables);
  }

  /** Gathers the candidates (the reference's order) and marks them for the kernels' buffers. */
  protected gather(view: NeighborView, margin: number): void {
    super.gather(view, margin);
    this.uploaded = -1;
  }

  /** The kernels' pairs within the cutoff at the current positions (the candidates copied first when needed). */
  protected refresh(_view: NeighborView): void {
    const k = this.kernels;
    if (this.uploaded !== k.placements) {
      const c = this.candidates, nc = c.count;
      k.reserve(nc);
      const ij = k.i32("polCand"), shift = k.f64("polCandShift");
      for (let m = 0; m < nc; m++) {
        ij[2 * m] = c.i[m];
        ij[2 * m + 1] = c.j[m];
        shift[3 * m] = c.sx[m];
        shift[3 * m + 1] = c.sy[m];
        shift[3 * m + 2] = c.sz[m];
      }
      k.set("polCandCount", nc);
      this.uploaded = k.placements;
    }
    k.refresh();
  }

  /**
   * E_pol (eV) at slot weights w, which must be the weights in the kernels' buffer (the mean field's
   * evaluation just before put them there); adds dE_pol/dw to eps (atoms x SLOTS).
   */
  energy(_w: Float64Array, eps: Float64Array): number {
    const k = this.kernels;
    k.energy();
    const d = k.f64("polEps"), size = this.n * SLOTS;
    for (let s = 0; s < size; s++) eps[s] += d[s];
    return k.ePol();
  }

  /**
   * Adds -dE_pol/dR at the fields of the last `energy` call to fx, fy, fz (the kernels' force
   * buffers, which these must be); the kernel adds the virial and per-atom energies to the engine's
   * own tallies when the evaluation tallies, so `virial` and `energies` are not used.
   */
  forces(_fx: Float64Array, _fy: Float64Array, _fz: Float64Array, _virial: Float64Array, _energies?: Float64Array): void {
    this.kernels.forces();
  }

  /** Sum of the induced dipoles alpha_i E_i (e*A) of the last `energy` call. */
  dipole(): [number, number, number] {
    const e = this.kernels.f64("polField"), alpha = this.kernels.f64("polAlpha");
    const d: [number, number, number] = [0, 0, 0];
    for (let i = 0; i < this.n; i++) {
      d[0] += alpha[i] * e[3 * i];
      d[1] += alpha[i] * e[3 * i + 1];
      d[2] += alpha[i] * e[3 * i + 2];
    }
    return d;
  }
}
