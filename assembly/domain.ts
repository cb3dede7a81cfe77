// Spatial-domain hooks of the Streitz-Mintmire kernels (src/domain/streitz-engine.ts): the passes of
// streitzCompute one by one, so that a domain worker can communicate between them. A domain holds
// imported atoms (copies of a neighboring domain's atoms) in the first nimport ghost slots; every sum
// the pair passes leave on an import (densities, pair sums A_ij of the right-hand side, matrix-vector
// products, forces) is sent back to its owner by the worker, and every value an import needs
// (F'(rho), CG vectors, charges) is sent to it. The QEq CG itself runs in TypeScript, which needs
// global dot products across the domains. Units: A, eV, e.
import {
  C_NLOCAL, C_NIMPORT, C_NUM_NEIGH, C_NUM_NEIGH_EAM, C_CUTOFF, C_EAM_CUTOFF, C_LIST_CUTOFF, C_ENERGY,
  C_E_EAM, C_E_COUL_PAIR, C_SQ_B, C_SQ_X, C_SQ_D, C_SQ_HD, C_GHOST_OWNER,
  C_SK_COUNT, C_SK_SCRATCH, C_SK_SUMS, C_SK_VECS, C_CHARGE, C_COULOMB_K, C_FX, C_FY, C_FZ,
} from "./context";
import { ci, cf, cp, setF, putI } from "./mem";
import { updateGhostPositions } from "./cell";
import { densityPass, embeddingPass, forcePass } from "./eam";
import { qeqMatrixPairs, qeqRhs, matvec, coulombPass, kspacePhases, kspaceVectorPhases } from "./streitz";

/** The EAM passes see their own cutoff and the front of each list segment (as in streitzCompute); returns the full counts' address. */
@inline function eamFront(ctx: usize): u32 {
  const all = load<u32>(ctx + C_NUM_NEIGH);
  store<u32>(ctx + C_NUM_NEIGH, load<u32>(ctx + C_NUM_NEIGH_EAM));
  setF(ctx, C_CUTOFF, cf(ctx, C_EAM_CUTOFF));
  return all;
}
@inline function fullList(ctx: usize, all: u32): void {
  setF(ctx, C_CUTOFF, cf(ctx, C_LIST_CUTOFF));
  store<u32>(ctx + C_NUM_NEIGH, all);
}

/** Ghost positions, then the EAM density pass of the Streitz model (densities on imports stay for their owners). */
export function streitzDomainDensity(ctx: usize): void {
  updateGhostPositions(ctx);
  const all = eamFront(ctx);
  densityPass(ctx);
  fullList(ctx, all);
}

/** The EAM embedding pass of the Streitz model. */
export function streitzDomainEmbedding(ctx: usize): void {
  const all = eamFront(ctx);
  embeddingPass(ctx);
  fullList(ctx, all);
}

/** The EAM force pass of the Streitz model (zeroes the forces first); its energy goes to eEam. */
export function streitzDomainForce(ctx: usize): void {
  const all = eamFront(ctx);
  forcePass(ctx);
  fullList(ctx, all);
  setF(ctx, C_E_EAM, cf(ctx, C_ENERGY));
}

/**
 * The QEq pair pass: compact list (j as its owner index, an import as its own slot) and the pair
 * sums of the right-hand side in lane 0 of sqB, on owned atoms and imports. Imports own themselves
 * here (ghostOwner of their slots), so their periodic images fold into them.
 */
export function streitzDomainQeqPairs(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), ni = ci(ctx, C_NIMPORT);
  const owner = cp(ctx, C_GHOST_OWNER), b = cp(ctx, C_SQ_B);
  for (let g = 0; g < ni; g++) putI(owner, g, n + g);
  memory.fill(b + (<usize>n << 4), 0, <usize>ni << 4);
  qeqMatrixPairs(ctx);
}

/** b = (-(chi + sum A), -1) of the owned atoms, once the imports' sums have been added in. */
export function streitzDomainQeqRhs(ctx: usize): void {
  qeqRhs(ctx);
}

/** sqHd = H v (both lanes), v = sqX (`fromX`) or sqD; products on imports are left for their owners. */
export function streitzDomainMatvec(ctx: usize, fromX: i32): void {
  const n = ci(ctx, C_NLOCAL), ni = ci(ctx, C_NIMPORT);
  const hd = cp(ctx, C_SQ_HD);
  memory.fill(hd + (<usize>n << 4), 0, <usize>ni << 4);
  matvec(ctx, fromX ? cp(ctx, C_SQ_X) : cp(ctx, C_SQ_D), hd);
}

/** coul/streitz forces (and energy and virial when tallied) at the charges of owned atoms and imports; energy = eEam + eCoulPair. */
export function streitzDomainCoulomb(ctx: usize): void {
  coulombPass(ctx);
  setF(ctx, C_ENERGY, cf(ctx, C_E_EAM) + cf(ctx, C_E_COUL_PAIR));
}

/**
 * Ewald: this domain's part of the structure factors, S(k) = sum over its owned atoms of
 * q exp(i k.r), into skSums (per k-vector: real, imaginary, two unused); the worker sums them over
 * the domains and writes the totals back before streitzDomainKspaceForces.
 */
export function streitzDomainKspaceSums(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), nk = ci(ctx, C_SK_COUNT);
  const q = cp(ctx, C_CHARGE), sc = cp(ctx, C_SK_SCRATCH), sums = cp(ctx, C_SK_SUMS);
  const nb = <usize>n << 3;
  const ce = sc + 2 * nb, se = sc + 3 * nb;
  kspacePhases(ctx);
  for (let t = 0; t < nk; t++) {
    kspaceVectorPhases(ctx, t);
    let sr = 0.0, si = 0.0;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3, qi = load<f64>(q + o);
      sr += qi * load<f64>(ce + o);
      si += qi * load<f64>(se + o);
    }
    const at = sums + (<usize>t << 5);
    store<f64>(at, sr);
    store<f64>(at, si, 8);
  }
}

/** Ewald forces (eV/A) on the owned atoms from the structure factors of the whole system in skSums (LAMMPS ewald). */
export function streitzDomainKspaceForces(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), nk = ci(ctx, C_SK_COUNT);
  const q = cp(ctx, C_CHARGE), fx = cp(ctx, C_FX), fy = cp(ctx, C_FY), fz = cp(ctx, C_FZ);
  const vecs = cp(ctx, C_SK_VECS), sc = cp(ctx, C_SK_SCRATCH), sums = cp(ctx, C_SK_SUMS);
  const nb = <usize>n << 3;
  const ce = sc + 2 * nb, se = sc + 3 * nb;
  const kc = cf(ctx, C_COULOMB_K);
  for (let t = 0; t < nk; t++) {
    kspaceVectorPhases(ctx, t);
    const at = sums + (<usize>t << 5), kv = vecs + (<usize>t << 5);
    const kx = load<f64>(kv), ky = load<f64>(kv, 8), kz = load<f64>(kv, 16), ug = load<f64>(kv, 24);
    const c = 2.0 * ug * kc, csr = c * load<f64>(at), csi = c * load<f64>(at, 8);
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 3;
      const f = load<f64>(q + o) * (load<f64>(se + o) * csr - load<f64>(ce + o) * csi);
      store<f64>(fx + o, load<f64>(fx + o) + f * kx);
      store<f64>(fy + o, load<f64>(fy + o) + f * ky);
      store<f64>(fz + o, load<f64>(fz + o) + f * kz);
    }
  }
}
