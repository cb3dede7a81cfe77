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
import type { DisplacedPairs, ShiftedPairs } from "./pair-arrays.js";
import { SLOTS } from "./transfer-energy.js";

/**
 * Candidate pairs of one neighbor-list build: the listed pairs within the polarization range plus
 * the list's skin, j's image at r_j + shift.
 */
export type Candidates = ShiftedPairs;

/** Pairs within the cutoff at the current positions, d = r_i - r_j, with s(r), s'(r) and the field per unit charge s(r) d / r^3. */
interface FieldPairs extends DisplacedPairs {
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
  protected candidates: Candidates = allocateCandidates(64);
  private pairs: FieldPairs = allocate(64);
  protected n = 0;
  protected type: Int32Array = new Int32Array(0);
  /** Neighbor-list build the pairs were gathered from (-1: none, or gather at every collect). */
  protected build = -1;
  /** Fields E_i (3 per atom, e/A^2) of the last energy call. */
  readonly field: Float64Array[] = [new Float64Array(0), new Float64Array(0), new Float64Array(0)];
  protected alpha = new Float64Array(0);
  /** Confinement factor c_i = 1 / (1 + gamma n_i) of the current positions (1 without confinement). */
  protected confine = new Float64Array(0);
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
    const ne = tables.states.length;
    this.slots = { count: new Int32Array(ne), charge: new Float64Array(ne * SLOTS), alpha: new Float64Array(ne * SLOTS) };
    tables.states.forEach((st, t) => {
      this.slots.count[t] = st.length;
      st.forEach((state, m) => {
        this.slots.charge[t * SLOTS + m] = state.charge;
        this.slots.alpha[t * SLOTS + m] = settings.alpha[t][m];
      });
    });
  }

  /** Per element (rows of SLOTS): its number of states, their charges (e) and polarizabilities (A^3). */
  private readonly slots: { count: Int32Array; charge: Float64Array; alpha: Float64Array };

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
  protected gather(view: NeighborView, margin: number): void {
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
  protected refresh(view: NeighborView): void {
    const { type, x, y, z } = view;
    const { cutoff, taper: width, damping } = this.settings;
    const cand = this.candidates;
    if (this.pairs.i.length < cand.count) this.pairs = allocate(cand.i.length);
    const p = this.pairs, cut2 = cutoff * cutoff, inner = cutoff - width;
    this.coordination.fill(0);
    const ci = cand.i, cj = cand.j, csx = cand.sx, csy = cand.sy, csz = cand.sz;
    const confined = this.confined, strength = this.settings.confineStrength, radius = this.settings.confineRadius;
    const coordination = this.coordination, dni = p.dni, dnj = p.dnj;
    const pi = p.i, pj = p.j, pdx = p.dx, pdy = p.dy, pdz = p.dz, pr = p.r, ps = p.s, pds = p.ds, pgx = p.gx, pgy = p.gy, pgz = p.gz;
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
      pi[c] = i;
      pj[c] = j;
      pdx[c] = dx;
      pdy[c] = dy;
      pdz[c] = dz;
      pr[c] = r;
      const sc = d * t;
      ps[c] = sc;
      pds[c] = dd * t + d * dt;
      const g = sc / (r * r * r);
      pgx[c] = g * dx;
      pgy[c] = g * dy;
      pgz[c] = g * dz;
      if (confined) {
        // n_i += exp(-(r/R_A)^2) T(r), and the same for j with its own radius. An element without
        // confinement (gamma 0) has c = 1 whatever its n, and its dE/dn is 0: its term is skipped
        // (a third of the exponentials of the step in NaCl, where only the anion is confined).
        const ti = type[i], tj = type[j];
        if (strength[ti] !== 0) {
          const Ri = radius[ti], ri = r / Ri, gi = Math.exp(-ri * ri);
          coordination[i] += gi * t;
          dni[c] = gi * dt - ((2 * ri) / Ri) * gi * t;
        } else dni[c] = 0;
        if (strength[tj] !== 0) {
          const Rj = radius[tj], rj = r / Rj, gj = Math.exp(-rj * rj);
          coordination[j] += gj * t;
          dnj[c] = gj * dt - ((2 * rj) / Rj) * gj * t;
        } else dnj[c] = 0;
      }
      c++;
    }
    p.count = c;
    for (let i = 0; i < this.n; i++) this.confine[i] = 1 / (1 + this.settings.confineStrength[type[i]] * this.coordination[i]);
  }

  /** Charges and polarizabilities from slot weights (atoms x SLOTS). */
  private atomic(w: Float64Array): void {
    const { count, charge, alpha: al } = this.slots;
    const type = this.type, q = this.q, alpha = this.alpha, confine = this.confine;
    for (let i = 0; i < this.n; i++) {
      const t = type[i], row = t * SLOTS;
      let qi = 0, a = 0;
      for (let m = 0, nm = count[t]; m < nm; m++) {
        const wm = w[i * SLOTS + m];
        qi += wm * charge[row + m];
        a += wm * al[row + m];
      }
      q[i] = qi;
      alpha[i] = a * confine[i];
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
    const nc = p.count;
    for (let c = 0; c < nc; c++) {
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
    for (let c = 0; c < nc; c++) {
      const i = pi[c], j = pj[c];
      const gx = pgx[c], gy = pgy[c], gz = pgz[c];
      // E_i depends on q_j through +G, E_j on q_i through -G
      dq[j] += -k * alpha[i] * (ex[i] * gx + ey[i] * gy + ez[i] * gz);
      dq[i] += k * alpha[j] * (ex[j] * gx + ey[j] * gy + ez[j] * gz);
    }
    const { count, charge, alpha: al } = this.slots;
    const type = this.type, confine = this.confine;
    for (let i = 0; i < this.n; i++) {
      const e2 = ex[i] * ex[i] + ey[i] * ey[i] + ez[i] * ez[i];
      e += -0.5 * k * alpha[i] * e2;
      const t = type[i], row = t * SLOTS;
      const ci = confine[i];
      for (let m = 0, nm = count[t]; m < nm; m++) eps[i * SLOTS + m] += -0.5 * k * al[row + m] * ci * e2 + dq[i] * charge[row + m];
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
    const alpha = this.alpha, q = this.q;
    const pi = p.i, pj = p.j, pr = p.r, pdx = p.dx, pdy = p.dy, pdz = p.dz, ps = p.s, pds = p.ds;
    // The virial in locals (its six sums stay in registers over the pairs).
    let vxx = 0, vyy = 0, vzz = 0, vyz = 0, vxz = 0, vxy = 0;
    for (let c = 0, nc = p.count; c < nc; c++) {
      const i = pi[c], j = pj[c];
      const r = pr[c], dx = pdx[c], dy = pdy[c], dz = pdz[c];
      const s = ps[c], ds = pds[c];
      const a = s / (r * r * r), b = ds / (r * r * r * r) - (3 * s) / (r * r * r * r * r);
      // u = alpha_i q_j E_i - alpha_j q_i E_j; J u = a u + b d (d . u)
      const aiqj = alpha[i] * q[j], ajqi = alpha[j] * q[i];
      const ux = aiqj * ex[i] - ajqi * ex[j];
      const uy = aiqj * ey[i] - ajqi * ey[j];
      const uz = aiqj * ez[i] - ajqi * ez[j];
      const du = dx * ux + dy * uy + dz * uz;
      // dE/dr_i = -k J u; the force on i is +k J u, on j the opposite (d = r_i - r_j)
      const fxi = k * (a * ux + b * dx * du), fyi = k * (a * uy + b * dy * du), fzi = k * (a * uz + b * dz * du);
      fx[i] += fxi; fy[i] += fyi; fz[i] += fzi;
      fx[j] -= fxi; fy[j] -= fyi; fz[j] -= fzi;
      vxx += dx * fxi; vyy += dy * fyi; vzz += dz * fzi;
      vyz += dy * fzi; vxz += dx * fzi; vxy += dx * fyi;
    }
    if (this.confined) {
      // E = -1/2 k sum_i a_i c_i |E_i|^2 with c_i = 1 / (1 + gamma n_i): dE/dn_i = 1/2 k gamma c_i |E_i|^2 alpha_i
      // (alpha_i = a_i c_i), and n_i depends on r through the pair's term.
      const dEdn = this.dq; // scratch: dq is only needed inside energy()
      const gamma = this.settings.confineStrength, type = this.type, confine = this.confine;
      for (let i = 0; i < this.n; i++) {
        const e2 = ex[i] * ex[i] + ey[i] * ey[i] + ez[i] * ez[i];
        dEdn[i] = 0.5 * k * gamma[type[i]] * confine[i] * alpha[i] * e2;
      }
      const dni = p.dni, dnj = p.dnj;
      for (let c = 0, nc = p.count; c < nc; c++) {
        const i = pi[c], j = pj[c];
        const dEdr = dEdn[i] * dni[c] + dEdn[j] * dnj[c];
        if (dEdr === 0) continue;
        const dx = pdx[c], dy = pdy[c], dz = pdz[c];
        const f = -dEdr / pr[c]; // force on i along d = r_i - r_j
        const fxi = f * dx, fyi = f * dy, fzi = f * dz;
        fx[i] += fxi; fy[i] += fyi; fz[i] += fzi;
        fx[j] -= fxi; fy[j] -= fyi; fz[j] -= fzi;
        vxx += dx * fxi; vyy += dy * fyi; vzz += dz * fzi;
        vyz += dy * fzi; vxz += dx * fzi; vxy += dx * fyi;
      }
    }
    virial[0] += vxx; virial[1] += vyy; virial[2] += vzz;
    virial[3] += vyz; virial[4] += vxz; virial[5] += vxy;
    if (energies) {
      for (let i = 0; i < this.n; i++) energies[i] += -0.5 * k * alpha[i] * (ex[i] * ex[i] + ey[i] * ey[i] + ez[i] * ez[i]);
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
