/**
 * Induction: each atom's ensemble carries a polarizability alpha_i = sum_M w_iM alpha_AM (A^3), and
 * the damped field of the other atoms' charges polarizes it (first order, no dipole-dipole terms):
 *   E_pol = -1/2 k sum_i alpha_i |E_i|^2,   E_i = sum_j q_j s(r_ij) (r_i - r_j) / r_ij^3,
 *   s(r) = [1 - (1 + x + x^2/2) e^-x] T(r),  x = r / (rho_A + rho_B),
 * with T the smooth cutoff of the model's polarization range. Elements with a `confinement` divide
 * the ensemble's polarizability by 1 + gamma_A n_i, n_i = sum_j exp(-(r_ij/R_A)^2) T(r_ij): an
 * anion among six cations polarizes less than beside one (in-crystal polarizabilities), which keeps
 * free-ion-like values for molecules without the crystals' polarization catastrophe. The induced dipoles mu_i = alpha_i E_i
 * (e*A) add to the dipole moment. In a centrosymmetric site (an ion in a perfect rock-salt crystal)
 * the field vanishes, in a molecule it does not: this is the classical (Rittner) difference between
 * alkali-halide molecules, clusters and crystals that spherical state densities cannot express.
 *
 * Browser-safe; no wasm.
 */
import type { EctTables, PolarizationTables } from "../table-types.js";
import { forEachListedPair, type NeighborView } from "./bond-list.js";
import { SLOTS } from "./transfer-energy.js";
import { addPairForce } from "./bonds.js";

/**
 * Candidate pairs of one neighbor-list build: the listed pairs within the polarization range plus
 * the list's skin, j's image at r_j + shift.
 */
interface Candidates {
  count: number;
  i: Int32Array;
  j: Int32Array;
  sx: Float64Array;
  sy: Float64Array;
  sz: Float64Array;
}

/** Pairs within the cutoff at the current positions, d = r_i - r_j, with s(r), s'(r) and the field per unit charge s(r) d / r^3. */
interface FieldPairs {
  count: number;
  i: Int32Array;
  j: Int32Array;
  dx: Float64Array;
  dy: Float64Array;
  dz: Float64Array;
  r: Float64Array;
  s: Float64Array;
  ds: Float64Array;
  gx: Float64Array;
  gy: Float64Array;
  gz: Float64Array;
  /** d/dr of the pair's terms in n_i and n_j (confinement; 0 when the element has none). */
  dni: Float64Array;
  dnj: Float64Array;
}

function allocateCandidates(n: number): Candidates {
  const f = () => new Float64Array(n);
  return { count: 0, i: new Int32Array(n), j: new Int32Array(n), sx: f(), sy: f(), sz: f() };
}

function allocate(n: number): FieldPairs {
  const f = () => new Float64Array(n);
  return { count: 0, i: new Int32Array(n), j: new Int32Array(n), dx: f(), dy: f(), dz: f(), r: f(), s: f(), ds: f(), gx: f(), gy: f(), gz: f(), dni: f(), dnj: f() };
}

export class Polarization {
  private candidates: Candidates = allocateCandidates(64);
  private pairs: FieldPairs = allocate(64);
  private n = 0;
  private type: Int32Array = new Int32Array(0);
  /** Neighbor-list build the pairs were gathered from (-1: none, or gather at every collect). */
  private build = -1;
  /** Fields E_i (3 per atom, e/A^2) of the last energy call. */
  readonly field: Float64Array[] = [new Float64Array(0), new Float64Array(0), new Float64Array(0)];
  private alpha = new Float64Array(0);
  /** Confinement factor c_i = 1 / (1 + gamma n_i) of the current positions (1 without confinement). */
  private confine = new Float64Array(0);
  /** Coordination n_i of the confinement. */
  private coordination = new Float64Array(0);
  /** Whether any element has a confinement. */
  private readonly confined: boolean;
  private q = new Float64Array(0);
  /** dE_pol/dq per atom (scratch of `energy`). */
  private dq = new Float64Array(0);

  constructor(
    readonly settings: PolarizationTables,
    readonly tables: EctTables,
  ) {
    this.confined = settings.confineStrength.some((g) => g > 0);
  }

  /** Forgets the gathered pairs (a new structure: the next collect gathers them from the list). */
  invalidate(): void {
    this.build = -1;
  }

  /**
   * Pairs of the current positions from the engine's neighbor list (self-images cancel and are left
   * out). With `build` (the engine's list-build counter) and `margin` (its skin, A) the pairs within
   * cutoff + margin are gathered once per build and only their geometry is refreshed at later calls
   * of the same build: every pair that can come within the cutoff before the next build is among
   * them. Why: walking the whole list (reach 11 A and more, about three times the pairs within 8 A)
   * through a callback at every MD step was an eighth of a step with the extended-Lagrangian solves.
   */
  collect(view: NeighborView, build = -1, margin = 0): void {
    const { n, type } = view;
    if (build < 0 || build !== this.build || n !== this.n) this.gather(view, margin);
    this.build = build;
    if (this.alpha.length !== n) {
      this.alpha = new Float64Array(n);
      this.confine = new Float64Array(n);
      this.coordination = new Float64Array(n);
      this.q = new Float64Array(n);
      this.dq = new Float64Array(n);
      for (let k = 0; k < 3; k++) this.field[k] = new Float64Array(n);
    }
    this.n = n;
    this.type = type;
    this.refresh(view);
  }

  /**
   * The listed pairs within cutoff + margin, in a canonical order (by i, then j, then the shift), so
   * that the sums do not depend on the order of the list's segments (the kernels re-sort them into
   * distance tiers at every step, and a restart restores that order instead of the build's).
   */
  private gather(view: NeighborView, margin: number): void {
    const { n, x, y, z, numNeigh } = view;
    const reach = this.settings.cutoff + margin, reach2 = reach * reach;
    let total = 0;
    for (let i = 0; i < n; i++) total += numNeigh[i];
    if (this.candidates.i.length < total) this.candidates = allocateCandidates(total);
    const p = this.candidates;
    let c = 0;
    forEachListedPair(view, (i, j, sx, sy, sz) => {
      const dx = x[i] - (x[j] + sx), dy = y[i] - (y[j] + sy), dz = z[i] - (z[j] + sz);
      if (dx * dx + dy * dy + dz * dz >= reach2) return;
      p.i[c] = i;
      p.j[c] = j;
      p.sx[c] = sx;
      p.sy[c] = sy;
      p.sz[c] = sz;
      c++;
    });
    p.count = c;
    // Insertion sort of each atom's run (the list visits i in ascending order; runs are short).
    const pi = p.i, pj = p.j, psx = p.sx, psy = p.sy, psz = p.sz;
    const after = (a: number, bj: number, bx: number, by: number, bz: number) =>
      pj[a] > bj || (pj[a] === bj && (psx[a] > bx || (psx[a] === bx && (psy[a] > by || (psy[a] === by && psz[a] > bz)))));
    for (let lo = 0; lo < c; ) {
      let hi = lo + 1;
      while (hi < c && pi[hi] === pi[lo]) hi++;
      for (let a = lo + 1; a < hi; a++) {
        const j = pj[a], sx = psx[a], sy = psy[a], sz = psz[a];
        let b = a - 1;
        for (; b >= lo && after(b, j, sx, sy, sz); b--) {
          pj[b + 1] = pj[b];
          psx[b + 1] = psx[b];
          psy[b + 1] = psy[b];
          psz[b + 1] = psz[b];
        }
        pj[b + 1] = j;
        psx[b + 1] = sx;
        psy[b + 1] = sy;
        psz[b + 1] = sz;
      }
      lo = hi;
    }
  }

  /** Geometry, damping and taper at the current positions of the candidates within the cutoff, in their order. */
  private refresh(view: NeighborView): void {
    const { type, x, y, z } = view;
    const { cutoff, taper: width, damping } = this.settings;
    const cand = this.candidates;
    if (this.pairs.i.length < cand.count) this.pairs = allocate(cand.i.length);
    const p = this.pairs, cut2 = cutoff * cutoff, inner = cutoff - width;
    this.coordination.fill(0);
    const ci = cand.i, cj = cand.j, csx = cand.sx, csy = cand.sy, csz = cand.sz;
    let c = 0;
    for (let m = 0; m < cand.count; m++) {
      const i = ci[m], j = cj[m];
      const dx = x[i] - (x[j] + csx[m]), dy = y[i] - (y[j] + csy[m]), dz = z[i] - (z[j] + csz[m]);
      const r2 = dx * dx + dy * dy + dz * dz;
      if (r2 >= cut2) continue;
      const r = Math.sqrt(r2);
      const rho = damping[type[i]] + damping[type[j]];
      const u = r / rho, eu = Math.exp(-u);
      const d = 1 - (1 + u + 0.5 * u * u) * eu;
      const dd = (0.5 * u * u * eu) / rho; // d/dr of the damping
      // C2 quintic smoothstep from 1 at cutoff - width to 0 at the cutoff, and its derivative.
      let t = 1, dt = 0;
      if (r > inner) {
        const v = (cutoff - r) / width;
        t = v * v * v * (10 - 15 * v + 6 * v * v);
        dt = (30 * v * v - 60 * v * v * v + 30 * v * v * v * v) * (-1 / width);
      }
      p.i[c] = i;
      p.j[c] = j;
      p.dx[c] = dx;
      p.dy[c] = dy;
      p.dz[c] = dz;
      p.r[c] = r;
      const sc = d * t;
      p.s[c] = sc;
      p.ds[c] = dd * t + d * dt;
      const g = sc / (r * r * r);
      p.gx[c] = g * dx;
      p.gy[c] = g * dy;
      p.gz[c] = g * dz;
      if (this.confined) {
        // n_i += exp(-(r/R_A)^2) T(r), and the same for j with its own radius
        const ri = r / this.settings.confineRadius[type[i]], rj = r / this.settings.confineRadius[type[j]];
        const gi = Math.exp(-ri * ri), gj = Math.exp(-rj * rj);
        this.coordination[i] += gi * t;
        this.coordination[j] += gj * t;
        p.dni[c] = gi * dt - ((2 * ri) / this.settings.confineRadius[type[i]]) * gi * t;
        p.dnj[c] = gj * dt - ((2 * rj) / this.settings.confineRadius[type[j]]) * gj * t;
      }
      c++;
    }
    p.count = c;
    for (let i = 0; i < this.n; i++) this.confine[i] = 1 / (1 + this.settings.confineStrength[type[i]] * this.coordination[i]);
  }

  /** Charges and polarizabilities from slot weights (atoms x SLOTS). */
  private atomic(w: Float64Array): void {
    const st = this.tables.states, al = this.settings.alpha;
    for (let i = 0; i < this.n; i++) {
      const t = this.type[i];
      let q = 0, a = 0;
      for (let m = 0; m < st[t].length; m++) {
        const wm = w[i * SLOTS + m];
        q += wm * st[t][m].charge;
        a += wm * al[t][m];
      }
      this.q[i] = q;
      this.alpha[i] = a * this.confine[i];
    }
  }

  /**
   * E_pol (eV) at slot weights w; adds dE_pol/dw to eps (atoms x SLOTS). Leaves the fields for
   * `forces` and `dipoles`.
   */
  energy(w: Float64Array, eps: Float64Array): number {
    this.atomic(w);
    const k = this.tables.coulombConstant, p = this.pairs;
    const [ex, ey, ez] = this.field;
    ex.fill(0);
    ey.fill(0);
    ez.fill(0);
    const pi = p.i, pj = p.j, pgx = p.gx, pgy = p.gy, pgz = p.gz, q = this.q, alpha = this.alpha;
    for (let c = 0; c < p.count; c++) {
      const i = pi[c], j = pj[c];
      const gx = pgx[c], gy = pgy[c], gz = pgz[c];
      // field at i from q_j along d; at j from q_i along -d
      const qi = q[i], qj = q[j];
      ex[i] += qj * gx; ey[i] += qj * gy; ez[i] += qj * gz;
      ex[j] -= qi * gx; ey[j] -= qi * gy; ez[j] -= qi * gz;
    }
    let e = 0;
    // dE/dq_i = -k sum_j alpha_j E_j . dE_j/dq_i, accumulated per atom
    const dq = this.dq;
    dq.fill(0);
    for (let c = 0; c < p.count; c++) {
      const i = pi[c], j = pj[c];
      const gx = pgx[c], gy = pgy[c], gz = pgz[c];
      // E_i depends on q_j through +G, E_j on q_i through -G
      dq[j] += -k * alpha[i] * (ex[i] * gx + ey[i] * gy + ez[i] * gz);
      dq[i] += k * alpha[j] * (ex[j] * gx + ey[j] * gy + ez[j] * gz);
    }
    const st = this.tables.states, al = this.settings.alpha;
    for (let i = 0; i < this.n; i++) {
      const e2 = ex[i] * ex[i] + ey[i] * ey[i] + ez[i] * ez[i];
      e += -0.5 * k * this.alpha[i] * e2;
      const t = this.type[i];
      const ci = this.confine[i];
      for (let m = 0; m < st[t].length; m++) eps[i * SLOTS + m] += -0.5 * k * al[t][m] * ci * e2 + dq[i] * st[t][m].charge;
    }
    return e;
  }

  /**
   * Adds -dE_pol/dR at fixed weights (the fields of the last `energy` call) to fx, fy, fz, the virial
   * (xx, yy, zz, yz, xz, xy) and, when given, half of each atom's energy... to `energies` (per atom).
   */
  forces(fx: Float64Array, fy: Float64Array, fz: Float64Array, virial: Float64Array, energies?: Float64Array): void {
    const k = this.tables.coulombConstant, p = this.pairs;
    const [ex, ey, ez] = this.field;
    for (let c = 0; c < p.count; c++) {
      const i = p.i[c], j = p.j[c];
      const r = p.r[c], dx = p.dx[c], dy = p.dy[c], dz = p.dz[c];
      const s = p.s[c], ds = p.ds[c];
      const a = s / (r * r * r), b = ds / (r * r * r * r) - (3 * s) / (r * r * r * r * r);
      // u = alpha_i q_j E_i - alpha_j q_i E_j; J u = a u + b d (d . u)
      const ux = this.alpha[i] * this.q[j] * ex[i] - this.alpha[j] * this.q[i] * ex[j];
      const uy = this.alpha[i] * this.q[j] * ey[i] - this.alpha[j] * this.q[i] * ey[j];
      const uz = this.alpha[i] * this.q[j] * ez[i] - this.alpha[j] * this.q[i] * ez[j];
      const du = dx * ux + dy * uy + dz * uz;
      // dE/dr_i = -k J u; the force on i is +k J u, on j the opposite
      const fxi = k * (a * ux + b * dx * du), fyi = k * (a * uy + b * dy * du), fzi = k * (a * uz + b * dz * du);
      // (d = r_i - r_j: the force on i is the pair's "q" side)
      addPairForce(j, i, dx, dy, dz, fxi, fyi, fzi, fx, fy, fz, virial);
    }
    if (this.confined) {
      // E = -1/2 k sum_i a_i c_i |E_i|^2 with c_i = 1 / (1 + gamma n_i): dE/dn_i = 1/2 k gamma c_i |E_i|^2 alpha_i
      // (alpha_i = a_i c_i), and n_i depends on r through the pair's term.
      const dEdn = this.dq; // scratch: dq is only needed inside energy()
      const gamma = this.settings.confineStrength;
      for (let i = 0; i < this.n; i++) {
        const e2 = ex[i] * ex[i] + ey[i] * ey[i] + ez[i] * ez[i];
        dEdn[i] = 0.5 * k * gamma[this.type[i]] * this.confine[i] * this.alpha[i] * e2;
      }
      for (let c = 0; c < p.count; c++) {
        const i = p.i[c], j = p.j[c];
        const dEdr = dEdn[i] * p.dni[c] + dEdn[j] * p.dnj[c];
        if (dEdr === 0) continue;
        const r = p.r[c], f = -dEdr / r; // force on i along d = r_i - r_j
        addPairForce(j, i, p.dx[c], p.dy[c], p.dz[c], f * p.dx[c], f * p.dy[c], f * p.dz[c], fx, fy, fz, virial);
      }
    }
    if (energies) {
      for (let i = 0; i < this.n; i++) energies[i] += -0.5 * k * this.alpha[i] * (ex[i] * ex[i] + ey[i] * ey[i] + ez[i] * ez[i]);
    }
  }

  /** Sum of the induced dipoles alpha_i E_i (e*A) of the last `energy` call. */
  dipole(): [number, number, number] {
    const [ex, ey, ez] = this.field;
    const d: [number, number, number] = [0, 0, 0];
    for (let i = 0; i < this.n; i++) {
      d[0] += this.alpha[i] * ex[i];
      d[1] += this.alpha[i] * ey[i];
      d[2] += this.alpha[i] * ez[i];
    }
    return d;
  }
}
