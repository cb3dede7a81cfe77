/**
 * Induction: each atom's ensemble carries a polarizability alpha_i = sum_M w_iM alpha_AM (A^3), and
 * the damped field of the other atoms' charges polarizes it (first order, no dipole-dipole terms):
 *   E_pol = -1/2 k sum_i alpha_i |E_i|^2,   E_i = sum_j q_j s(r_ij) (r_i - r_j) / r_ij^3,
 *   s(r) = [1 - (1 + x + x^2/2) e^-x] T(r),  x = r / (rho_A + rho_B),
 * with T the smooth cutoff of the model's polarization range. The induced dipoles mu_i = alpha_i E_i
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

/** Pairs within the polarization range, d = r_i - r_j, with s(r) and s'(r). */
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
  /** s(r) d / r^3 (the field per unit charge), computed once per collect for the solver's many energies. */
  gx: Float64Array;
  gy: Float64Array;
  gz: Float64Array;
}

function allocate(n: number): FieldPairs {
  const f = () => new Float64Array(n);
  return { count: 0, i: new Int32Array(n), j: new Int32Array(n), dx: f(), dy: f(), dz: f(), r: f(), s: f(), ds: f(), gx: f(), gy: f(), gz: f() };
}

/** C2 quintic smoothstep from 1 at rc - w to 0 at rc, and its derivative. */
function taper(r: number, rc: number, w: number): [number, number] {
  if (r <= rc - w) return [1, 0];
  if (r >= rc) return [0, 0];
  const t = (rc - r) / w;
  const v = t * t * t * (10 - 15 * t + 6 * t * t);
  const dv = (30 * t * t - 60 * t * t * t + 30 * t * t * t * t) * (-1 / w);
  return [v, dv];
}

export class Polarization {
  private pairs: FieldPairs = allocate(64);
  private n = 0;
  private type: Int32Array = new Int32Array(0);
  /** Fields E_i (3 per atom, e/A^2) of the last energy call. */
  readonly field: Float64Array[] = [new Float64Array(0), new Float64Array(0), new Float64Array(0)];
  private alpha = new Float64Array(0);
  private q = new Float64Array(0);
  /** dE_pol/dq per atom (scratch of `energy`). */
  private dq = new Float64Array(0);

  constructor(
    readonly settings: PolarizationTables,
    readonly tables: EctTables,
  ) {}

  /** Pairs of the current positions from the engine's neighbor list (self-images cancel and are left out). */
  collect(view: NeighborView): void {
    const { n, type, x, y, z, numNeigh } = view;
    const { cutoff, taper: width, damping } = this.settings;
    let total = 0;
    for (let i = 0; i < n; i++) total += numNeigh[i];
    if (this.pairs.i.length < total) this.pairs = allocate(total);
    const p = this.pairs;
    let c = 0;
    forEachListedPair(view, (i, j, sx, sy, sz) => {
      const dx = x[i] - (x[j] + sx), dy = y[i] - (y[j] + sy), dz = z[i] - (z[j] + sz);
      const r2 = dx * dx + dy * dy + dz * dz;
      if (r2 >= cutoff * cutoff) return;
      const r = Math.sqrt(r2);
      const rho = damping[type[i]] + damping[type[j]];
      const u = r / rho, eu = Math.exp(-u);
      const d = 1 - (1 + u + 0.5 * u * u) * eu;
      const dd = (0.5 * u * u * eu) / rho; // d/dr of the damping
      const [t, dt] = taper(r, cutoff, width);
      p.i[c] = i;
      p.j[c] = j;
      p.dx[c] = dx;
      p.dy[c] = dy;
      p.dz[c] = dz;
      p.r[c] = r;
      p.s[c] = d * t;
      p.ds[c] = dd * t + d * dt;
      const g = p.s[c] / (r * r * r);
      p.gx[c] = g * dx;
      p.gy[c] = g * dy;
      p.gz[c] = g * dz;
      c++;
    });
    p.count = c;
    this.n = n;
    this.type = type;
    if (this.alpha.length !== n) {
      this.alpha = new Float64Array(n);
      this.q = new Float64Array(n);
      this.dq = new Float64Array(n);
      for (let k = 0; k < 3; k++) this.field[k] = new Float64Array(n);
    }
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
      this.alpha[i] = a;
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
      for (let m = 0; m < st[t].length; m++) eps[i * SLOTS + m] += -0.5 * k * al[t][m] * e2 + dq[i] * st[t][m].charge;
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
