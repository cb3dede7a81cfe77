/**
 * A preconditioner for the bond-transfer minimization that knows where its stiffness lives: in each
 * atom's neutral weight.
 *
 * The bond coupling of a channel is 2 h a m with m = (w0_i w0_j)^(1/4), and w0 = 1 - sum of the
 * atom's channel amplitudes squared. Near full ionicity (w0 -> 0, rock-salt crystals) d2m/dw0^2 =
 * -3 m / (16 w0^2) diverges, and since every channel of an atom moves w0 the curvature it adds is
 * C_i u_i u_i^T with u_i = dw0_i/dx = -2 x on the atom's channels: one stiff collective direction per
 * atom, which a diagonal preconditioner cannot see. Measured on the dense Hessian of a warm 64-atom
 * rock-salt LiH state at 300 K (3,031 active channels, central differences of the gradient; the
 * study is in docs/ect-speed.md): condition number of D^-1 H 971 (models/ect-fitted.json, w0 about
 * 0.04) and 98,826 (the lithium refit candidate, w0 about 0.005); of M^-1 H with
 * M = D + sum_i C_i u_i u_i^T (C_i projected from the Hessian) 3.9 and 32.
 *
 * M^-1 by Woodbury: M^-1 r = D^-1 r - D^-1 U y with S y = U^T D^-1 r, S = diag(1/C) + U^T D^-1 U, an
 * atom-sized sparse matrix (atoms couple where they share a channel) solved approximately by a fixed
 * number of damped Jacobi steps: a fixed symmetric positive-definite linear map, so the
 * preconditioned conjugate gradients stay conjugate gradients, and one that treats every atom alike.
 * Symmetric Gauss-Seidel sweeps in atom order (tried first) converge faster per sweep but break a
 * crystal's translation symmetry: cold solves of perfect rock-salt NaCl then took 46 / 66 / 76
 * iterations at 64 / 512 / 1,728 atoms against 19 with the diagonal alone; damped Jacobi takes 19-21.
 *
 * Browser-safe; no wasm.
 */
import { NEUTRAL_FLOOR, type BondSet } from "./bonds.js";

/**
 * Damped Jacobi steps of the atom-level solve and their damping. Iterations of warm exact solves
 * (64-atom rock salt at 300 K, `ect-eam md --solver exact`, models/ect-fitted.json) with the diagonal
 * alone / 12 steps at 0.5 / 12 at 0.7 / 12 at 0.85 / 20 at 0.7 / 16 at 0.85 (the choice): LiH 122 /
 * 19 / 14 / - / - / 15, LiF 33 / 30 / 21 / 17 / 14 / 14, NaCl 30 / 22 / 14 / - / - / 15 (docs/ect-speed.md;
 * symmetric Gauss-Seidel, 6 sweeps: 14, 16, 14). The damping keeps every
 * eigenvalue of the step's map inside (-1, 1): those of diag(S)^-1 S lie in (0, 2] here.
 */
const JACOBI_STEPS = 16;
const DAMPING = 0.85;

/** The atom-level part of the preconditioner over one set of active variables; rebuilt per refresh. */
export class AtomPreconditioner {
  private atoms = 0;
  private na = 0;
  /** Per active variable: its two atoms (the second -1 for a reservoir variable), 1/D. */
  private ai = new Int32Array(0);
  private aj = new Int32Array(0);
  private dInv = new Float64Array(0);
  /** Per atom: C (the build's), 1/diag(S) (0 where C <= 0: no coarse direction), y, t, and sum_j S_ij y_j. */
  private c = new Float64Array(0);
  private sDiagInv = new Float64Array(0);
  private y = new Float64Array(0);
  private t = new Float64Array(0);
  private off = new Float64Array(0);
  /** Whether any atom has a coarse direction (otherwise apply is D^-1). */
  private any = false;
  /**
   * The off-diagonal of S per bond with an active channel: its atoms and S_ij = sum over its
   * channels of u^2 / D (both directions of a bond share the two atoms, so the Jacobi steps walk
   * bonds, not channels); `slotOfBond` maps a bond to its entry during a build (-1: none).
   */
  private pairs = 0;
  private pi = new Int32Array(0);
  private pj = new Int32Array(0);
  private ps = new Float64Array(0);
  private slotOfBond = new Int32Array(0);
  /** Per active variable u / D (the coarse space's columns over D). */
  private ud = new Float64Array(0);

  /**
   * Builds the preconditioner at x for the active variables `act` with diagonal curvature `dc`
   * (per active variable, amplitude units), after the energy was evaluated at x on `wk` (its w0).
   * (The problem and work are typed by what is read: transfer-energy.ts, which owns them, owns this.)
   */
  build(p: { bonds: BondSet }, x: Float64Array, wk: { atoms: number; w0: Float64Array }, act: Int32Array, dc: Float64Array): void {
    const b = p.bonds, nb = b.count, n = wk.atoms, na = act.length;
    this.resize(n, na);
    const c = this.c, sd = this.sDiagInv;
    neutralWeightStiffness(b, x, wk.w0, c);
    this.any = false;
    // diag(S) = 1/C + sum u^2/D over the atom's channels (summed below, then inverted)
    for (let i = 0; i < n; i++) {
      sd[i] = c[i] > 0 ? 1 / c[i] : 0;
      if (c[i] > 0) this.any = true;
    }
    const ai = this.ai, aj = this.aj, dInv = this.dInv, ud = this.ud;
    if (this.slotOfBond.length < nb) this.slotOfBond = new Int32Array(nb);
    const slotOfBond = this.slotOfBond;
    slotOfBond.fill(-1, 0, nb);
    let pairs = 0;
    for (let a = 0; a < na; a++) {
      const k = act[a];
      let i: number, j: number, kb = -1;
      if (k < 2 * nb) {
        kb = k < nb ? k : k - nb;
        i = b.i[kb];
        j = b.j[kb];
        if (slotOfBond[kb] < 0) {
          slotOfBond[kb] = pairs;
          this.pi[pairs] = i;
          this.pj[pairs] = j;
          this.ps[pairs] = 0;
          pairs++;
        }
      } else {
        i = k - 2 * nb;
        j = -1;
      }
      ai[a] = i;
      aj[a] = j;
      // u = dw0/dx = -2 x on the atom's channels
      const u = -2 * x[k];
      dInv[a] = 1 / dc[a];
      ud[a] = u * dInv[a];
      const s = u * u * dInv[a];
      sd[i] += s;
      if (j >= 0) {
        sd[j] += s;
        this.ps[slotOfBond[kb]] += s;
      }
    }
    this.pairs = pairs;
    // inverted; 0 for atoms without C
    for (let i = 0; i < n; i++) sd[i] = c[i] > 0 ? 1 / sd[i] : 0;
  }

  /** z = M^-1 r over the active variables. */
  apply(r: Float64Array, z: Float64Array): void {
    const na = this.na, n = this.atoms, dInv = this.dInv, ud = this.ud, ai = this.ai, aj = this.aj;
    for (let a = 0; a < na; a++) z[a] = r[a] * dInv[a];
    if (!this.any) return;
    const t = this.t, y = this.y, off = this.off, sd = this.sDiagInv;
    const pairs = this.pairs, pi = this.pi, pj = this.pj, ps = this.ps;
    // t = U^T D^-1 r
    t.fill(0, 0, n);
    for (let a = 0; a < na; a++) {
      const v = ud[a] * r[a];
      t[ai[a]] += v;
      if (aj[a] >= 0) t[aj[a]] += v;
    }
    // y from S y = t by damped Jacobi from 0: with S's diagonal 1/sd, one step is
    // y_i <- (1 - damping) y_i + damping sd_i (t_i - sum_j S_ij y_j) (y_i stays 0 where the atom
    // has no coarse direction: sd_i = 0).
    for (let i = 0; i < n; i++) y[i] = DAMPING * t[i] * sd[i];
    for (let step = 1; step < JACOBI_STEPS; step++) {
      off.fill(0, 0, n);
      for (let e = 0; e < pairs; e++) {
        const i = pi[e], j = pj[e], s = ps[e];
        off[i] += s * y[j];
        off[j] += s * y[i];
      }
      for (let i = 0; i < n; i++) y[i] = (1 - DAMPING) * y[i] + DAMPING * sd[i] * (t[i] - off[i]);
    }
    // z = D^-1 r - D^-1 U y
    for (let a = 0; a < na; a++) {
      const j = aj[a];
      z[a] -= ud[a] * (y[ai[a]] + (j >= 0 ? y[j] : 0));
    }
  }

  private resize(n: number, na: number): void {
    this.atoms = n;
    this.na = na;
    if (this.ai.length < na) {
      this.ai = new Int32Array(na);
      this.aj = new Int32Array(na);
      this.dInv = new Float64Array(na);
      this.ud = new Float64Array(na);
      // (at most one bond per active channel)
      this.pi = new Int32Array(na);
      this.pj = new Int32Array(na);
      this.ps = new Float64Array(na);
    }
    if (this.c.length < n) {
      this.c = new Float64Array(n);
      this.sDiagInv = new Float64Array(n);
      this.y = new Float64Array(n);
      this.t = new Float64Array(n);
      this.off = new Float64Array(n);
    }
  }
}

/**
 * Per atom, C_i = d2E_bonds/dw0_i^2 at fixed amplitudes (eV): for each live bond, the coupling's
 * 2 h (a_f + a_r) m and the diagonal (d_f a_f^2 + d_r a_r^2) m^2 differentiated twice in w0_i through
 * m = (w0_i w0_j)^(1/4): d2m/dw0^2 = -3 m / (16 w0^2), d2(m^2)/dw0^2 = -m^2 / (4 w0^2). Atoms below
 * NEUTRAL_FLOOR (m clamped there) get 0.
 */
export function neutralWeightStiffness(b: BondSet, x: Float64Array, w0: Float64Array, out: Float64Array): void {
  out.fill(0);
  const nb = b.count, live = b.live, bi = b.liveI, bj = b.liveJ, bh = b.liveH, dF = b.liveDF, dR = b.liveDR, fOn = b.liveFwd, rOn = b.liveRev;
  for (let q = 0, nl = b.liveCount; q < nl; q++) {
    const k = live[q], i = bi[q], j = bj[q];
    const f = fOn[q] ? x[k] : 0, r = rOn[q] ? x[nb + k] : 0;
    const wi = w0[i], wj = w0[j];
    if (!(wi > NEUTRAL_FLOOR && wj > NEUTRAL_FLOOR)) continue;
    const m = Math.sqrt(Math.sqrt(wi * wj)), m2 = m * m;
    const coupling = 2 * bh[q] * (f + r) * m, diagonal = (dF[q] * f * f + dR[q] * r * r) * m2;
    const cm = -(3 / 16) * coupling, cd = -0.25 * diagonal;
    out[i] += (cm + cd) / (wi * wi);
    out[j] += (cm + cd) / (wj * wj);
  }
}
