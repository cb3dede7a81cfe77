/**
 * The bond-transfer energy as a function of the latent variables: channel amplitudes and, for a
 * charged system, reservoir amplitudes. The mean-field part (state energies, embedding, pair terms,
 * Coulomb remainders, point charges) comes from a `MeanFieldSystem` (the wasm kernels in the engine,
 * anything with the same contract in tests); the bond terms from bonds.ts.
 *
 * Variables, in one vector x of length 2 * bonds + atoms:
 *   x[b]          amplitude of channel i_b -> j_b (p = x^2: one electron moved from i_b to j_b)
 *   x[nb + b]     amplitude of channel j_b -> i_b
 *   x[2 nb + i]   reservoir amplitude of atom i (r_i = x^2): electrons removed from atom i when the
 *                 total charge Q > 0 (w_i+ grows), added when Q < 0 (w_i- grows); sum_i r_i = |Q|.
 * A neutral system has no reservoir (r = 0): every electron that moves, moves through a bond, so a
 * fragment with no bond to the rest keeps its own charge exactly.
 *
 * Browser-safe; no wasm.
 */
import { AtomPreconditioner } from "./atom-preconditioner.js";
import { bondEnergy, WEAK_CHANNEL_COST, type BondSet, type StateRoles } from "./bonds.js";

/** Weight slots per atom in the kernels' weight rows. */
export const SLOTS = 4;

/** The mean-field energy: E(w) and eps = dE/dw for weights w (atoms x SLOTS, state order of each element). */
export interface MeanFieldSystem {
  readonly atoms: number;
  /**
   * `forces`: this evaluation is the last of a solve, at the kept variables, so the system may
   * compute its forces along with it (the engine then needs no further evaluation).
   */
  energy(w: Float64Array, eps: Float64Array, forces?: boolean): number;
  /**
   * False when the energy reads nothing of `w` (a mean field frozen at earlier weights): the transfer
   * energy then leaves the weights' slot rows unwritten. Absent: true.
   */
  readonly readsWeights?: boolean;
}

/** Everything the transfer energy needs besides the mean field. */
export interface TransferProblem {
  bonds: BondSet;
  roles: StateRoles;
  /** Total charge (e); its sign says whether the reservoir removes (Q > 0) or adds (Q < 0) electrons. */
  charge: number;
  /**
   * The wasm form of the frozen-product CG iterations of an extended-Lagrangian step (bond-kernel.ts),
   * used by `newtonXlStep` (xl-newton.ts) for neutral problems; absent: the TypeScript reference there.
   */
  cg?: FrozenCgKernel;
}

/** The CG iterations of a frozen-product Newton step on the packed live bonds (xl-newton.ts, `newtonStep`). */
export interface FrozenCgKernel {
  /**
   * `rank` preconditioned CG iterations on H d = -g0 at amplitudes x (packed: 2 per live bond, then
   * the atoms'), H v a forward difference of the gradient with eps (eV per unit weight, atoms x SLOTS)
   * held; `act` the active variables, `g0` their gradient (eV), `D` their diagonal curvature (eV).
   * The step (per active variable) into `step`.
   */
  frozenCg(p: TransferProblem, x: Float64Array, act: Int32Array, g0: Float64Array, D: Float64Array, eps: Float64Array, rank: number, step: Float64Array): void;
}

/** Scratch arrays for one problem size. */
export class TransferWork {
  readonly w: Float64Array;
  readonly eps: Float64Array;
  readonly wPlus: Float64Array;
  readonly wMinus: Float64Array;
  readonly w0: Float64Array;
  readonly g0: Float64Array;
  readonly gf: Float64Array;
  readonly gr: Float64Array;
  /** dE/dw+ and dE/dw- of each atom (w0 eliminated). */
  readonly dPlus: Float64Array;
  readonly dMinus: Float64Array;
  constructor(readonly atoms: number, readonly bondCount: number) {
    this.w = new Float64Array(atoms * SLOTS);
    this.eps = new Float64Array(atoms * SLOTS);
    this.wPlus = new Float64Array(atoms);
    this.wMinus = new Float64Array(atoms);
    this.w0 = new Float64Array(atoms);
    this.g0 = new Float64Array(atoms);
    this.gf = new Float64Array(bondCount);
    this.gr = new Float64Array(bondCount);
    this.dPlus = new Float64Array(atoms);
    this.dMinus = new Float64Array(atoms);
  }

  private readonly buffers: Float64Array[] = [];
  private atomPre: AtomPreconditioner | null = null;
  /** The atom preconditioner's storage (atom-preconditioner.ts), made on first use. */
  atomPreconditioner(): AtomPreconditioner {
    return (this.atomPre ??= new AtomPreconditioner());
  }
  /**
   * Scratch vector number `slot` of at least `length` entries (the minimizer's; reused from call to
   * call, contents undefined).
   */
  scratch(slot: number, length: number): Float64Array {
    let v = this.buffers[slot];
    if (!v || v.length < length) v = this.buffers[slot] = new Float64Array(length);
    return v.length === length ? v : v.subarray(0, length);
  }
}

/** Number of variables of a problem with `bonds` bonds and `atoms` atoms. */
export function variableCount(bonds: number, atoms: number): number {
  return 2 * bonds + atoms;
}

/**
 * Atom weights from the variables: fills work.wPlus, wMinus, w0 and (unless `rows` is false) the slot
 * rows work.w. Returns the smallest neutral weight (negative when x is outside the feasible set).
 */
export function weightsFromVariables(p: TransferProblem, x: Float64Array, work: TransferWork, rows = true): number {
  const n = work.atoms, b = p.bonds, nb = b.count;
  const wp = work.wPlus, wm = work.wMinus;
  wp.fill(0);
  wm.fill(0);
  const bi = b.liveI, bj = b.liveJ, fwdOn = b.liveFwd, revOn = b.liveRev, live = b.live;
  // w+ and w- of the bonds' first atom are summed in locals while consecutive bonds share it (runs
  // of one i in a sorted set), in the order of the plain sums (the other end is never that atom).
  // Only live bonds carry weight (dead channels' amplitudes are ignored).
  let run = -1, wpRun = 0, wmRun = 0;
  for (let q = 0, nl = b.liveCount; q < nl; q++) {
    const k = live[q], i = bi[q], j = bj[q];
    if (i !== run) {
      if (run >= 0) {
        wp[run] = wpRun;
        wm[run] = wmRun;
      }
      run = i;
      wpRun = wp[i];
      wmRun = wm[i];
    }
    // (j === i does not occur in a bond set of distinct atoms; kept exact all the same)
    if (fwdOn[q]) {
      const xf = x[k], f = xf * xf;
      wpRun += f;
      if (j === run) wmRun += f;
      else wm[j] += f;
    }
    if (revOn[q]) {
      const xr = x[nb + k], r = xr * xr;
      if (j === run) wpRun += r;
      else wp[j] += r;
      wmRun += r;
    }
  }
  if (run >= 0) {
    wp[run] = wpRun;
    wm[run] = wmRun;
  }
  const res = 2 * nb;
  if (p.charge > 0) for (let i = 0; i < n; i++) wp[i] += x[res + i] * x[res + i];
  else if (p.charge < 0) for (let i = 0; i < n; i++) wm[i] += x[res + i] * x[res + i];
  let lowest = Infinity;
  const w = work.w, w0s = work.w0, cation = p.roles.cation, neutral = p.roles.neutral, anion = p.roles.anion;
  if (!rows) {
    for (let i = 0; i < n; i++) {
      const w0 = 1 - wp[i] - wm[i];
      w0s[i] = w0;
      if (w0 < lowest) lowest = w0;
    }
    return lowest;
  }
  w.fill(0);
  for (let i = 0; i < n; i++) {
    const w0 = 1 - wp[i] - wm[i];
    w0s[i] = w0;
    if (w0 < lowest) lowest = w0;
    const row = i * SLOTS;
    const c = cation[i], z = neutral[i], a = anion[i];
    w[row + z] = w0 > 0 ? w0 : 0;
    if (c >= 0) w[row + c] = wp[i];
    if (a >= 0) w[row + a] = wm[i];
  }
  return lowest;
}

/**
 * Energy E (eV) and its gradient dE/dx (eV per unit amplitude) at the variables x, which must be
 * feasible (every neutral weight >= 0). The reservoir part of the gradient is not projected here.
 * `weightsCurrent`: the last `weightsFromVariables` call on `work` was at this x (it is not repeated).
 * `forces`: passed to the mean field (the last evaluation of a solve, at the kept x).
 * `liveOnly`: only the entries of live bonds' channels and, for a charged system, of the reservoirs
 * are written (those of the active variables, all a solver reads); the other entries of `grad` are
 * left as they are instead of being set to 0.
 */
export function transferEnergy(
  p: TransferProblem, mf: MeanFieldSystem, x: Float64Array, grad: Float64Array, work: TransferWork,
  weightsCurrent = false, forces = false, liveOnly = false,
): number {
  if (!weightsCurrent) weightsFromVariables(p, x, work, mf.readsWeights !== false);
  const eMF = mf.energy(work.w, work.eps, forces);
  const b = p.bonds, nb = b.count, n = work.atoms;
  const af = x.subarray(0, nb), ar = x.subarray(nb, 2 * nb);
  const gf = work.gf, gr = work.gr;
  const eB = bondEnergy(b, af, ar, work.w0, work.g0, gf, gr);
  const eps = work.eps, g0 = work.g0, cation = p.roles.cation, neutral = p.roles.neutral, anion = p.roles.anion;
  // dE/dw+ and dE/dw- of each atom with w0 = 1 - w+ - w- eliminated (0 where the state is missing).
  const dPlus = work.dPlus, dMinus = work.dMinus;
  for (let i = 0; i < n; i++) {
    const row = i * SLOTS, z = eps[row + neutral[i]] + g0[i];
    const c = cation[i], a = anion[i];
    dPlus[i] = c >= 0 ? eps[row + c] - z : 0;
    dMinus[i] = a >= 0 ? eps[row + a] - z : 0;
  }
  const bi = b.liveI, bj = b.liveJ, fwdOn = b.liveFwd, revOn = b.liveRev, live = b.live;
  if (!liveOnly) grad.fill(0, 0, 2 * nb);
  for (let q = 0, nl = b.liveCount; q < nl; q++) {
    const k = live[q], i = bi[q], j = bj[q];
    grad[k] = fwdOn[q] ? 2 * x[k] * (dPlus[i] + dMinus[j]) + gf[q] : 0;
    grad[nb + k] = revOn[q] ? 2 * x[nb + k] * (dPlus[j] + dMinus[i]) + gr[q] : 0;
  }
  const res = 2 * nb;
  if (p.charge > 0) for (let i = 0; i < n; i++) grad[res + i] = 2 * x[res + i] * dPlus[i];
  else if (p.charge < 0) for (let i = 0; i < n; i++) grad[res + i] = 2 * x[res + i] * dMinus[i];
  else if (!liveOnly) for (let i = 0; i < n; i++) grad[res + i] = 0;
  return eMF + eB;
}

/**
 * A positive estimate of the diagonal of d^2E/dx^2 at the point of the last `transferEnergy` call
 * (its work arrays), for preconditioning: per channel 2 (dE/dw+ of the donor + dE/dw- of the
 * acceptor + D m^2) plus the curvature the fourth roots add through the neutral weights,
 * |h| m a (1/w_i0 + 1/w_j0); per reservoir amplitude 2 |dE/dw|. Floored at `floor` (eV).
 */
export function diagonalCurvature(p: TransferProblem, x: Float64Array, work: TransferWork, out: Float64Array, floor = 0.05): void {
  const b = p.bonds, nb = b.count, n = work.atoms;
  const w0 = work.w0, dP = work.dPlus, dM = work.dMinus;
  const bi = b.liveI, bj = b.liveJ, bh = b.liveH, dFwd = b.liveDF, dRev = b.liveDR, fwdOn = b.liveFwd, revOn = b.liveRev, live = b.live;
  out.fill(1, 0, 2 * nb);
  for (let q = 0, nl = b.liveCount; q < nl; q++) {
    const k = live[q], fOn = fwdOn[q], rOn = revOn[q];
    const i = bi[q], j = bj[q];
    const wi = Math.max(w0[i], 1e-6), wj = Math.max(w0[j], 1e-6);
    const m = Math.sqrt(Math.sqrt(wi * wj)), m2 = m * m;
    const h = Math.abs(bh[q]);
    const weak = (2 * WEAK_CHANNEL_COST) / (h + 1e-8);
    const inv = 1 / wi + 1 / wj;
    out[k] = fOn ? Math.max(floor, Math.abs(2 * (dP[i] + dM[j] + dFwd[q] * m2)) + h * m * Math.abs(x[k]) * inv + weak) : 1;
    out[nb + k] = rOn ? Math.max(floor, Math.abs(2 * (dP[j] + dM[i] + dRev[q] * m2)) + h * m * Math.abs(x[nb + k]) * inv + weak) : 1;
  }
  for (let i = 0; i < n; i++) out[2 * nb + i] = Math.max(floor, Math.abs(2 * (p.charge > 0 ? dP[i] : dM[i])));
}
