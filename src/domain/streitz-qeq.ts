/**
 * The Streitz-Mintmire charge solve of one spatial domain (fix qeq/slater's two CG solves,
 * H s = -chi_eff and H t = -1, as lanes of one vector): the matrix-vector products are each
 * domain's half-shell pairs (assembly/domain.ts) with the values of its imports sent forward and
 * the products on them sent back (halo.ts), and every dot product is a global sum, so the CG takes
 * on all domains the steps the single engine's CG takes (Jacobi preconditioner 1/J_i, LAMMPS'
 * stopping test per lane), up to the order of floating-point sums. Then q = s - (sum s/sum t) t with
 * global sums, the charges go to the imports, and the Coulomb pass adds its forces.
 * Starts as the engine's MD default "linear": 2 x0 - x1 of the last two solutions (the previous one
 * after one solve, zero at the first). With extended-Lagrangian charges (as `StreitzEngine.qeqXl`
 * without shadow forces) each MD step's CG starts from the auxiliary (s, t) of its atoms and runs at
 * most `loops` loops; its result drives the auxiliary variables (Niklasson's step with dissipation,
 * src/xl), whose history of K + 1 (s, t) per atom travels with migrating atoms. Units: e, eV.
 */
import { CalculationFailed } from "../errors.js";
import type { StreitzEngineSettings } from "../streitz/engine.js";
import { XL_COEFFICIENTS, type XlOrder } from "../xl/coefficients.js";
import { MY_PIS, QQRD2E_METAL } from "../streitz/coulomb.js";
import type { Carried } from "./engine.js";
import type { Halo } from "./halo.js";
import type { DomainQeqReport } from "./protocol.js";
import type { StreitzSlabEngine } from "./streitz-engine.js";

/** Component pairs of the Voigt order xx yy zz yz xz xy. */
const VOIGT: [number, number][] = [[0, 0], [1, 1], [2, 2], [1, 2], [0, 2], [0, 1]];
/** Values per atom in the (s, t) history: four solutions, newest first (the engine's sqHist layout). */
const HIST = 8;

export class DomainQeq {
  private readonly e: StreitzSlabEngine;
  private readonly tol: number;
  private readonly maxIter: number;
  /** Solutions in the history (0 to 2 used; the same on every domain). */
  private histCount = 0;
  private solves = 0;
  private loopSum = 0;
  private failures = 0;
  private lastLoops = 0;

  /** Extended-Lagrangian history per owned atom: K + 1 (s, t) pairs, newest first; null until the first XL step. */
  private xlHist: Float64Array | null = null;

  constructor(
    engine: StreitzSlabEngine,
    private readonly halo: Halo,
    settings: StreitzEngineSettings,
    private readonly xl: { order: XlOrder; loops: number } | null,
    /** Ewald k-vectors (0: Wolf). */
    private readonly kcount: number,
    /** Whether this is domain 0, which adds the reciprocal energy and virial of the whole system. */
    private readonly first: boolean,
  ) {
    this.e = engine;
    this.tol = settings.qeqTolerance;
    this.maxIter = settings.qeqMaxIter;
  }

  /** Values per atom of the extended-Lagrangian history. */
  private get xlPer(): number {
    return this.xl ? 2 * (this.xl.order + 1) : 0;
  }

  /** The extended-Lagrangian history travels with migrating atoms (once it exists). */
  carried(): Carried[] {
    if (!this.xl) return [];
    const per = this.xlPer;
    return [{
      array: () => this.xlHist ?? new Float64Array(0),
      per,
      count: per,
      resize: (n: number) => {
        const h = this.xlHist;
        if (h && h.length < n * per) {
          const grown = new Float64Array(Math.ceil(n * 1.05 + 64) * per);
          grown.set(h);
          this.xlHist = grown;
        }
      },
    }];
  }

  /** Counters of the solves so far. */
  report(): DomainQeqReport {
    const q = this.e.array("charge"), n = this.e.length;
    let qMin = Infinity, qMax = -Infinity;
    for (let i = 0; i < n; i++) {
      qMin = Math.min(qMin, q[i]);
      qMax = Math.max(qMax, q[i]);
    }
    return { solves: this.solves, loopSum: this.loopSum, failures: this.failures, lastLoops: this.lastLoops, qMin, qMax };
  }

  /** Charges of the owned atoms (e), a new array. */
  charges(): Float64Array {
    return this.e.array("charge").slice(0, this.e.length);
  }

  /** Whether the last pair pass met atoms closer than the tables reach (the run must stop, as the single engine's does). */
  tooClose(): boolean {
    return this.e.tooClose() > 0;
  }

  /**
   * QEq at the current positions, then the Coulomb forces (energy and virial when `tally`).
   * `md`: an MD step (extended-Lagrangian when set up; the first forces are always solved to the
   * tolerance). Collective.
   */
  solve(tally: boolean, md = false): void {
    const e = this.e, h = this.halo, n = e.length;
    e.slab.setTally(tally); // (already set by the worker's step; the Coulomb pass reads it)
    e.qeqPairs();
    const b = e.array("sqB");
    // Pair sums on imports belong to their owners (lane 0; lane 1 is set by qeqRhs).
    h.reverse(n, [b], 2);
    e.qeqRhs();
    const xl = md && this.xl ? this.xlStart() : false;
    if (!xl) this.start();
    this.cg(xl ? this.xl!.loops : this.maxIter);
    if (xl) this.xlUpdate();
    this.chargesFromSolution();
    h.forward(n, [e.array("charge")]);
    e.coulomb();
    if (this.kcount > 0) this.kspace();
  }

  /**
   * Ewald's reciprocal part (LAMMPS ewald, as the engine's kspacePass): the structure factors and
   * sum q, sum q^2 summed over the domains, the forces of the owned atoms from them, and on domain 0
   * the energy and virial of the whole system.
   */
  private kspace(): void {
    const e = this.e, n = e.length, nk = this.kcount, q = e.array("charge");
    const sums = e.kspaceSums();
    const local = new Array<number>(2 * nk + 2);
    for (let t = 0; t < nk; t++) {
      local[2 * t] = sums[4 * t];
      local[2 * t + 1] = sums[4 * t + 1];
    }
    let qsum = 0, qsq = 0;
    for (let i = 0; i < n; i++) {
      qsum += q[i];
      qsq += q[i] * q[i];
    }
    local[2 * nk] = qsum;
    local[2 * nk + 1] = qsq;
    const total = this.halo.allreduce(local);
    for (let t = 0; t < nk; t++) {
      sums[4 * t] = total[2 * t];
      sums[4 * t + 1] = total[2 * t + 1];
    }
    e.kspaceForces();
    if (!this.first) return;
    const { g, volume } = e.kspaceScalars(), kv = e.kspaceVectors(), kc = QQRD2E_METAL;
    let esum = 0;
    const w = [0, 0, 0, 0, 0, 0];
    for (let t = 0; t < nk; t++) {
      const kx = kv[4 * t], ky = kv[4 * t + 1], kz = kv[4 * t + 2], ug = kv[4 * t + 3];
      const sr = total[2 * t], si = total[2 * t + 1];
      const uk = ug * (sr * sr + si * si);
      esum += uk;
      // W_ab = uk (delta_ab + vterm k_a k_b), Voigt order
      const vterm = -2.0 * (1.0 / (kx * kx + ky * ky + kz * kz) + 0.25 / (g * g)), k = [kx, ky, kz];
      VOIGT.forEach(([a, c], m) => (w[m] += uk * ((a === c ? 1 : 0) + vterm * k[a] * k[c])));
    }
    const Q = total[2 * nk], Q2 = total[2 * nk + 1];
    const energy = kc * (esum - (g * Q2) / MY_PIS - (0.5 * Math.PI * Q * Q) / (g * g * volume));
    e.addEnergyVirial(energy, w.map((v) => kc * v));
  }

  /** The CG start in sqX: zero, the previous solution, or 2 x0 - x1 (the engine's QEQ_GUESS_LINEAR). */
  private start(): void {
    const e = this.e, n = e.length, x = e.array("sqX"), hist = e.array("sqHist");
    for (let i = 0; i < n; i++) {
      const o = HIST * i;
      for (let l = 0; l < 2; l++) {
        x[2 * i + l] = this.histCount === 0 ? 0 : this.histCount === 1 ? hist[o + l] : 2.0 * hist[o + l] - hist[o + 2 + l];
      }
    }
  }

  /**
   * FixQEq::CG on both lanes (assembly/streitz.ts qeqSolve with the Jacobi preconditioner), each
   * dot product a global sum. Two collective steps per loop, each one barrier: the products on
   * imports go back to their owners together with the sum of d.Hd (each domain's owned products so
   * far plus those on its imports, which their owners add to theirs); then the new preconditioned
   * residual z = M^-1 r of the sent atoms goes to their copies together with the sum of r.z, and
   * each domain updates its imports' search directions d = z + beta d as their owners do (the
   * same doubles).
   */
  private cg(maxIter: number): void {
    const e = this.e, h = this.halo, n = e.length, ni = e.slab.importCount;
    const x = e.array("sqX"), b = e.array("sqB"), r = e.array("sqR"), d = e.array("sqD"), hd = e.array("sqHd"), z = e.array("sqZ");
    const inv = this.inverseHardness();
    const tol = this.tol;
    h.forward(n, [x], 2);
    e.matvec(true);
    h.reverse(n, [hd], 2);
    let bb0 = 0, bb1 = 0, rd0 = 0, rd1 = 0;
    for (let i = 0; i < n; i++) {
      const a = 2 * i, c = a + 1;
      const r0 = b[a] - hd[a], r1 = b[c] - hd[c];
      r[a] = r0;
      r[c] = r1;
      d[a] = r0 * inv[i];
      d[c] = r1 * inv[i];
      bb0 += b[a] * b[a];
      bb1 += b[c] * b[c];
      rd0 += r0 * d[a];
      rd1 += r1 * d[c];
    }
    const s0 = h.forward(n, [d], 2, [bb0, bb1, rd0, rd1]);
    const bn0 = Math.sqrt(s0[0]), bn1 = Math.sqrt(s0[1]);
    let sig0 = s0[2], sig1 = s0[3];
    let rz0 = sig0, rz1 = sig1;
    let loop = 1, loopS = 1, loopT = 1;
    let on0 = Math.sqrt(sig0) / bn0 > tol, on1 = Math.sqrt(sig1) / bn1 > tol;
    while (loop < maxIter && (on0 || on1)) {
      e.matvec(false);
      let dh0 = 0, dh1 = 0;
      for (let a = 0; a < 2 * (n + ni); a += 2) {
        dh0 += d[a] * hd[a];
        dh1 += d[a + 1] * hd[a + 1];
      }
      const dh = h.reverse(n, [hd], 2, [dh0, dh1]);
      const a0 = on0 ? rz0 / dh[0] : 0.0, a1 = on1 ? rz1 / dh[1] : 0.0;
      let rr0 = 0, rr1 = 0;
      for (let i = 0; i < n; i++) {
        const a = 2 * i, c = a + 1;
        x[a] += a0 * d[a];
        x[c] += a1 * d[c];
        r[a] -= a0 * hd[a];
        r[c] -= a1 * hd[c];
        z[a] = r[a] * inv[i];
        z[c] = r[c] * inv[i];
        // r.J^-1 r as the kernel's dot2Pre computes it
        rr0 += r[a] * z[a];
        rr1 += r[c] * z[c];
      }
      const sums = h.forward(n, [z], 2, [rr0, rr1]);
      const new0 = on0 ? sums[0] : sig0, new1 = on1 ? sums[1] : sig1;
      sig0 = new0;
      sig1 = new1;
      const be0 = on0 ? new0 / rz0 : 0.0, be1 = on1 ? new1 / rz1 : 0.0;
      rz0 = new0;
      rz1 = new1;
      // owned atoms and, from their owners' z, the imports: x of the imports is not needed
      for (let a = 0; a < 2 * (n + ni); a += 2) {
        d[a] = z[a] + be0 * d[a];
        d[a + 1] = z[a + 1] + be1 * d[a + 1];
      }
      loop++;
      if (on0) loopS = loop;
      if (on1) loopT = loop;
      on0 = on0 && Math.sqrt(sig0) / bn0 > tol;
      on1 = on1 && Math.sqrt(sig1) / bn1 > tol;
    }
    if (Math.sqrt(sig0) / bn0 > tol || Math.sqrt(sig1) / bn1 > tol) this.failures++;
    this.solves++;
    this.loopSum += loopS + loopT;
    this.lastLoops = loopS + loopT;
  }

  /**
   * The CG start of an extended-Lagrangian step: x_n of every owned atom. The first such step
   * starts the history at the last solution (in sqX: that of the forces now in place), as
   * `StreitzEngine` does.
   */
  private xlStart(): boolean {
    const e = this.e, n = e.length, x = e.array("sqX"), per = this.xlPer;
    if (!this.xlHist) {
      const h = (this.xlHist = new Float64Array(Math.ceil(n * 1.05 + 64) * per));
      for (let i = 0; i < n; i++) for (let k = 0; k < per; k += 2) {
        h[i * per + k] = x[2 * i];
        h[i * per + k + 1] = x[2 * i + 1];
      }
    }
    const h = this.xlHist;
    for (let i = 0; i < n; i++) {
      x[2 * i] = h[i * per];
      x[2 * i + 1] = h[i * per + 1];
    }
    return true;
  }

  /** x_{n+1} = 2 x_n - x_{n-1} + kappa (q_n - x_n) + alpha sum_k c_k x_{n-k} per atom and lane (XlPropagator.update), q_n the CG result in sqX. */
  private xlUpdate(): void {
    const e = this.e, n = e.length, q = e.array("sqX"), h = this.xlHist!, per = this.xlPer, K = this.xl!.order;
    const { kappa, alpha, c } = XL_COEFFICIENTS[this.xl!.order];
    for (let i = 0; i < n; i++) {
      const o = i * per;
      for (let l = 0; l < 2; l++) {
        let d = 0;
        for (let k = 0; k <= K; k++) d += c[k] * h[o + 2 * k + l];
        const x0 = h[o + l], x1 = h[o + 2 + l];
        const next = 2 * x0 - x1 + kappa * (q[2 * i + l] - x0) + alpha * d;
        // the oldest pair drops out: shift the rest one place back, then the new one first
        for (let k = K; k > 0; k--) h[o + 2 * k + l] = h[o + 2 * (k - 1) + l];
        h[o + l] = next;
      }
    }
  }

  /** 1/J_i of the owned atoms. */
  private inverseHardness(): Float64Array {
    const e = this.e, n = e.length, type = e.slab.ints("type"), J = e.hardness();
    const inv = new Float64Array(n);
    for (let i = 0; i < n; i++) inv[i] = 1.0 / J[type[i]];
    return inv;
  }

  /** q = s - (sum s / sum t) t with global sums (FixQEq::calculate_Q); the solution becomes the newest in the history. */
  private chargesFromSolution(): void {
    const e = this.e, h = this.halo, n = e.length;
    const x = e.array("sqX"), q = e.array("charge"), hist = e.array("sqHist");
    let ss = 0, st = 0;
    for (let i = 0; i < n; i++) {
      ss += x[2 * i];
      st += x[2 * i + 1];
    }
    const [S, T] = h.allreduce([ss, st]);
    if (!(T !== 0) || !Number.isFinite(S / T)) throw new CalculationFailed(`QEq: sum of t is ${T}; the charges are undefined`);
    const u = S / T;
    for (let i = 0; i < n; i++) {
      q[i] = x[2 * i] - u * x[2 * i + 1];
      const o = HIST * i;
      hist.copyWithin(o + 2, o, o + 6);
      hist[o] = x[2 * i];
      hist[o + 1] = x[2 * i + 1];
    }
    this.histCount = Math.min(2, this.histCount + 1);
  }
}
