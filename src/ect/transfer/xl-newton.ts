/**
 * One extended-Lagrangian step of bond transfer without a minimization: from the auxiliary
 * amplitudes n (src/xl) a truncated Newton step d solving H d = -g(n) by `rank` iterations of
 * conjugate gradients preconditioned with the diagonal curvature, each Hessian-vector product a
 * forward difference of the gradient. The answer x = n + d is what the step reports (its energy, the
 * forces at it) and what the propagator is pulled towards.
 *
 * Why: the auxiliary amplitudes already sit within O(dt^2) of the ground state, so what a step needs
 * is the response of the ground state to the new positions, not a search. A fixed number of
 * conjugate-gradient products makes the map n -> x smooth (no line search, no stopping test), which
 * keeps the dynamics time-reversible up to the dissipation (Niklasson's Krylov-kernel XL-BOMD,
 * J. Chem. Phys. 152, 104103 (2020), applied to the amplitudes instead of a density).
 *
 * Two kinds of products:
 * - `exact` (method "newton"): the gradient difference with the mean field evaluated again at the
 *   probe, one kernel evaluation per product: rank + 2 evaluations per step.
 * - `frozen` (method "frozen"): the mean field linearized at n, E_MF(w(n)) + eps(n) . (w - w(n)), so
 *   a product differences only the bond terms and the chain rule through the weights w(x) with eps
 *   held (no kernel pass and no induction: about a tenth of an evaluation), 2 evaluations per step. The curvature it leaves
 *   out is the mean field's coupling between atoms (Coulomb and embedding through the weights); the
 *   extended-Lagrangian integration absorbs it like the missing part of a kernel in Niklasson's
 *   scheme (the step is the linear response of the auxiliary amplitudes, the propagator converges the
 *   rest over steps). This is the mean-field analogue of the shadow potentials of A. M. N. Niklasson,
 *   J. Chem. Phys. 147, 054103 (2017), where one diagonalization with the Coulomb potential of the
 *   auxiliary charges frozen replaces the self-consistent solve.
 *
 * Browser-safe; no wasm.
 */
import { diagonalCurvature, SLOTS, transferEnergy, weightsFromVariables, type FrozenCgKernel, type MeanFieldSystem, type TransferProblem, type TransferWork } from "./transfer-energy.js";
import { activeVariables, type TransferPreconditioner, type TransferSolveResult } from "./transfer-solver.js";
import { liveBondSet } from "./bonds.js";

/** Largest amplitude change of a difference probe: small against amplitudes of ~0.1-1, large against rounding. */
const PROBE = 1e-5;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let k = 0; k < v.length; k++) m = Math.max(m, Math.abs(v[k]));
  return m;
}

/**
 * The mean field linearized at the weights and eps of the last evaluation on `wk`: eps(w) = eps0
 * (held in wk.eps, which the transfer energy hands back here, so holding it is leaving it alone).
 * Its energy, E0 + eps0 . (w - w0), is not formed: the products use gradients only, and the weights'
 * slot rows are not needed either (`readsWeights` false).
 */
function frozenMeanField(wk: TransferWork, atoms: number): MeanFieldSystem {
  const eps0 = wk.eps;
  return {
    atoms,
    readsWeights: false,
    energy: (_w, eps) => {
      if (eps !== eps0) eps.set(eps0);
      return 0;
    },
  };
}

/**
 * The shadow mean field of the one-evaluation step: the mean field linearized at the auxiliary
 * weights w0 (rows, atoms x SLOTS) with energy e0 and eps0 (held in wk.eps),
 * E(w) = e0 + eps0 . (w - w0). Its linear part per atom (eV) goes to `linear`.
 */
function shadowMeanField(wk: TransferWork, atoms: number, e0: number, w0: Float64Array, linear: Float64Array): MeanFieldSystem {
  const eps0 = wk.eps;
  return {
    atoms,
    energy: (w, eps) => {
      if (eps !== eps0) eps.set(eps0);
      let sum = 0;
      for (let i = 0; i < atoms; i++) {
        let s = 0;
        for (let k = i * SLOTS, end = k + SLOTS; k < end; k++) s += eps0[k] * (w[k] - w0[k]);
        linear[i] = s;
        sum += s;
      }
      return e0 + sum;
    },
  };
}

/** Products of a truncated Newton step and what the step reports: see {@link newtonXlStep}. */
export type XlProducts = "exact" | "frozen" | "shadow";

/**
 * Replaces x (feasible, neutral system) by x + d with d from `rank` preconditioned CG iterations on
 * the Newton equations at x, with `exact` or `frozen` Hessian-vector products (see above). On return
 * the mean field was last evaluated at the returned x, with forces. Reports the kernel evaluations
 * spent, the energy at the answer (eV), its largest gradient component over the diagonal curvature
 * (amplitude units) and the Newton decrement 1/2 g D^-1 g per atom (eV) of the trust test.
 */
export function newtonXlStep(p: TransferProblem, mf: MeanFieldSystem, x: Float64Array, rank: number, wk: TransferWork, products: XlProducts = "exact", preconditioner: TransferPreconditioner = "atoms"): TransferSolveResult {
  if (p.charge !== 0) return newtonStep(p, mf, x, rank, wk, products, null, preconditioner);
  // On the live bonds packed (`liveBondSet`): the same sums in the same order over contiguous
  // variables; the answer is put back at the live bonds (the other channels stay 0).
  const b = p.bonds, nb = b.count, nl = b.liveCount, n = mf.atoms, live = b.live;
  const xp = wk.scratch(24, 2 * nl + n);
  for (let q = 0; q < nl; q++) {
    xp[q] = x[live[q]];
    xp[nl + q] = x[nb + live[q]];
  }
  for (let i = 0; i < n; i++) xp[2 * nl + i] = x[2 * nb + i];
  const result = newtonStep({ ...p, bonds: liveBondSet(b) }, mf, xp, rank, wk, products, p.cg ?? null, preconditioner);
  for (let q = 0; q < nl; q++) {
    x[live[q]] = xp[q];
    x[nb + live[q]] = xp[nl + q];
  }
  return result;
}

/**
 * {@link newtonXlStep} on the problem as given; `cg`: the wasm form of the frozen products' CG
 * iterations (for the packed live bonds of a neutral problem only), null for the loop below.
 */
function newtonStep(p: TransferProblem, mf: MeanFieldSystem, x: Float64Array, rank: number, wk: TransferWork, products: XlProducts, cg: FrozenCgKernel | null, preconditioner: TransferPreconditioner): TransferSolveResult {
  const nv = x.length, n = mf.atoms;
  const act = activeVariables(p, n), na = act.length;
  const g = wk.scratch(1, nv), probe = wk.scratch(0, nv), diag = wk.scratch(3, nv);
  let evaluations = 1;
  const shadow = products === "shadow";
  // The shadow step's only evaluation, at the auxiliary amplitudes, is also its force pass.
  let eMF0 = 0;
  const first: MeanFieldSystem = shadow ? { atoms: n, energy: (w, eps) => (eMF0 = mf.energy(w, eps, true)) } : mf;
  // (the gradients here are read at the active variables only)
  transferEnergy(p, first, x, g, wk, false, false, true);
  diagonalCurvature(p, x, wk, diag);
  const frozen = products !== "exact";
  // The weights of the auxiliary amplitudes, where the shadow mean field is linearized.
  const w0 = shadow ? wk.scratch(11, n * SLOTS) : null;
  if (w0) w0.set(wk.w.subarray(0, n * SLOTS));
  const hvSystem = frozen ? frozenMeanField(wk, n) : mf;
  const g0 = wk.scratch(4, na), D = wk.scratch(5, na), r = wk.scratch(6, na), z = wk.scratch(7, na);
  const dir = wk.scratch(8, na), Hd = wk.scratch(9, na), step = wk.scratch(10, na);
  for (let a = 0; a < na; a++) {
    g0[a] = g[act[a]];
    D[a] = diag[act[a]];
    r[a] = -g0[a];
    z[a] = r[a] / D[a];
    dir[a] = z[a];
    step[a] = 0;
  }
  // The atom preconditioner (atom-preconditioner.ts) or the diagonal curvature alone, which the
  // wasm loop does.
  const pre = preconditioner === "atoms" ? wk.atomPreconditioner() : null;
  if (pre) {
    pre.build(p, x, wk, act, D);
    pre.apply(r, z);
    dir.set(z);
  }
  // H v by a forward difference of the gradient along v (one evaluation).
  const hv = (v: Float64Array, out: Float64Array): void => {
    const h = PROBE / Math.max(maxAbs(v), 1e-300);
    // Only the active entries change: in a screened crystal they are a few percent of the listed channels.
    for (let a = 0; a < na; a++) {
      const k = act[a];
      probe[k] = x[k] + h * v[a];
    }
    if (!frozen) evaluations++;
    transferEnergy(p, hvSystem, probe, g, wk, false, false, true);
    for (let a = 0; a < na; a++) out[a] = (g[act[a]] - g0[a]) / h;
  };
  // The energy reads the active entries of its variables only: the probe's other entries are never
  // read, and copying all of x (25 times the active ones in a screened crystal) is left out.
  for (let a = 0; a < na; a++) probe[act[a]] = x[act[a]];
  let rz = dot(r, z);
  // The same iterations in wasm (assembly/ect-frozen-cg.ts), bit for bit.
  if (frozen && cg && !pre) {
    cg.frozenCg(p, x, act, g0, D, wk.eps, rank, step);
    rz = 0;
  }
  for (let it = 0; it < rank && rz > 0; it++) {
    hv(dir, Hd);
    const curv = dot(dir, Hd);
    if (!(curv > 0)) break;
    const alpha = rz / curv;
    for (let a = 0; a < na; a++) {
      step[a] += alpha * dir[a];
      r[a] -= alpha * Hd[a];
    }
    if (pre) pre.apply(r, z);
    else for (let a = 0; a < na; a++) z[a] = r[a] / D[a];
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let a = 0; a < na; a++) dir[a] = z[a] + beta * dir[a];
  }
  // The Newton step, halved until every neutral weight stays >= 0.
  let scale = 1;
  for (let t = 0; t < 30; t++) {
    for (let a = 0; a < na; a++) {
      const k = act[a];
      probe[k] = x[k] + scale * step[a];
    }
    if (weightsFromVariables(p, probe, wk) >= 0) break;
    scale *= 0.5;
  }
  for (let a = 0; a < na; a++) x[act[a]] = probe[act[a]];
  if (shadow) return shadowAnswer(p, x, g, g0, D, act, wk, eMF0, w0!, rank);
  evaluations++;
  const energy = transferEnergy(p, mf, x, g, wk, true, true, true);
  // The residual in Newton-step units, over the curvature of the start (it moved by O(d) only).
  let gmax = 0, decrement = 0;
  for (let a = 0; a < na; a++) {
    const ga = g[act[a]];
    gmax = Math.max(gmax, Math.abs(ga) / D[a]);
    decrement += (ga * ga) / D[a];
  }
  return { converged: false, iterations: rank, evaluations, energy, gradient: gmax, decrement: (0.5 * decrement) / n };
}

/**
 * What a shadow step reports at its answer x, without a kernel pass: the shadow energy
 * E_MF(w(n)) + eps(n) . (w(x) - w(n)) + E_bonds(x) (eV; `eMF0` and the weight rows `w0` of the
 * evaluation at n, eps(n) still in wk.eps), its per-atom linear part in `TransferSolveResult.linear`,
 * and the trust measures (largest scaled component, Newton decrement per atom) of the true gradient
 * at n, `g0` over the diagonal curvature `D` (the start's: the answer's true gradient is not known).
 */
function shadowAnswer(p: TransferProblem, x: Float64Array, g: Float64Array, g0: Float64Array, D: Float64Array, act: Int32Array, wk: TransferWork, eMF0: number, w0: Float64Array, rank: number): TransferSolveResult {
  const n = wk.atoms, na = act.length;
  const linear = wk.scratch(12, n);
  const energy = transferEnergy(p, shadowMeanField(wk, n, eMF0, w0, linear), x, g, wk, false, false, true);
  let gmax = 0, decrement = 0;
  for (let a = 0; a < na; a++) {
    gmax = Math.max(gmax, Math.abs(g0[a]) / D[a]);
    decrement += (g0[a] * g0[a]) / D[a];
  }
  return { converged: false, iterations: rank, evaluations: 1, energy, gradient: gmax, decrement: (0.5 * decrement) / n, linear };
}
