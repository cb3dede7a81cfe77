/**
 * Trust-region Newton minimization of the grand potential over the ensemble weights.
 *
 * Variables are square-root weights s = sqrt(w) on the states that matter (the "active" slots), one
 * sphere per atom (sum_M s_iM^2 fixed) and the total electron count sum N_M s^2 fixed: the Hellinger
 * geometry, in which a pure state is an ordinary point instead of a corner of the simplex, and in
 * which Newton steps of weights that differ by many orders of magnitude are equally scaled (the
 * entropy's Hessian kT/w becomes the constant 4 kT). Each iteration builds the quadratic model of
 *   Omega(s) = E(s^2) + kT sum w ln w
 * on the tangent space of the constraints (gradient 2 s phi~, Lagrangian Hessian
 * 4 S H_E S + diag(4 kT + 2 phi~), phi~ the gradient dOmega/dw less its per-atom and charge parts),
 * solves it approximately by Steihaug-Toint truncated conjugate gradients inside a trust region
 * (negative curvature, as at the saddle points the fourth-root resonance makes of pure states, is
 * followed to the region's edge), retracts (w = s^2, renormalize, restore the electron count by a
 * Boltzmann tilt) and accepts the step when Omega drops as the model predicts. Only Hessian-vector
 * products are needed, so the same code serves a dimer and a large cell.
 */

/** What the solver needs from an engine: the energy, its gradient and Hessian in the weights. */
export interface WeightSystem {
  /** Weight slots (atoms x state slots). */
  readonly slots: number;
  /** Electronic temperature, eV. */
  readonly kT: number;
  /** Atom of each slot, -1 for slots an element does not use. */
  readonly atomOf: Int32Array;
  /** Electron count N of each slot's state. */
  readonly electrons: Float64Array;
  /** Total electron count the weights must keep. */
  readonly electronTarget: number;
  /** Energy E (eV) at weights w; writes eps = dE/dw (eV) for every slot. */
  energy(w: Float64Array, eps: Float64Array): number;
  /** out = (d^2 E / dw dw) u at the weights w (eV per unit weight); returns the energy evaluations it cost. */
  hessVec(w: Float64Array, u: Float64Array, out: Float64Array): number;
  /**
   * Largest change of a weight under the chemical-potential update at the point of the last
   * `energy` call (the fixed-point residual whose tolerance defines convergence).
   */
  residual(): number;
}

export interface NewtonOptions {
  /** Convergence: residual() at or below this. */
  tolerance: number;
  /** Trust-region iterations allowed. */
  maxIterations: number;
  /** Energy evaluations allowed (default unlimited). */
  maxEvaluations?: number;
  /** Initial trust radius in square-root weights (default 0.2). */
  radius?: number;
}

export interface NewtonResult {
  converged: boolean;
  iterations: number;
  /** Energy evaluations (one per iteration, plus what the Hessian-vector products cost). */
  evaluations: number;
  residual: number;
  /** Grand potential at the returned weights, eV. */
  omega: number;
}

/**
 * CG stops at this fraction of the inexact-Newton forcing term min(0.1, sqrt|g|) |r0| (measured on
 * warm MD of rocksalt NaCl with the fitted model: 1e-2 needs 15 % fewer evaluations than 1e-3; looser
 * settings need more Newton steps).
 */
const CG_FORCING = 1e-2;
/** Slots below this weight are left where they are (they change no energy above 1e-30 eV). */
const ACTIVE_MIN = 1e-30;
const MAX_RADIUS = 2;

/**
 * Minimizes Omega over the weights from `w` (feasible: per-atom sums 1, electron count as wanted),
 * in place. Returns when the fixed-point residual reaches the tolerance; the system's kernels are
 * then evaluated at the returned weights (the last `energy` call was at w).
 */
export function minimizeWeights(sys: WeightSystem, w: Float64Array, opts: NewtonOptions): NewtonResult {
  const size = sys.slots, kT = sys.kT, atomOf = sys.atomOf, nel = sys.electrons;
  const active: number[] = [];
  for (let k = 0; k < size; k++) if (atomOf[k] >= 0 && w[k] > ACTIVE_MIN) active.push(k);
  const na = active.length;
  // Per-atom groups of active slots, and the weight each group holds (the rest stays fixed).
  const groups = new Map<number, number[]>();
  active.forEach((k, a) => {
    const i = atomOf[k];
    if (!groups.has(i)) groups.set(i, []);
    groups.get(i)!.push(a);
  });
  const groupList = [...groups.values()];
  // Each atom's active weights sum to 1 less its frozen slots.
  const frozenShare = new Map<number, number>();
  for (let k = 0; k < size; k++) {
    if (atomOf[k] >= 0 && !(w[k] > ACTIVE_MIN)) frozenShare.set(atomOf[k], (frozenShare.get(atomOf[k]) ?? 0) + w[k]);
  }
  const share = groupList.map((g) => 1 - (frozenShare.get(atomOf[active[g[0]]]) ?? 0));
  const target = sys.electronTarget;
  let frozen = 0;
  for (let k = 0; k < size; k++) if (atomOf[k] >= 0 && !(w[k] > ACTIVE_MIN)) frozen += w[k] * nel[k];

  const eps = new Float64Array(size);
  const s = new Float64Array(na), phi = new Float64Array(na), grad = new Float64Array(na);
  const bvec = new Float64Array(na);
  let bnorm2 = 0;
  let evaluations = 0;
  let radius = opts.radius ?? 0.2;

  const omegaAt = (x: Float64Array): number => {
    evaluations++;
    const e = sys.energy(x, eps);
    let ent = 0;
    for (let k = 0; k < size; k++) if (x[k] > 0) ent += x[k] * Math.log(x[k]);
    return e + kT * ent;
  };

  /** Tangent projection: removes each atom's sphere normal and the electron-count normal. */
  const project = (v: Float64Array): void => {
    for (const g of groupList) {
      let dot = 0, nn = 0;
      for (const a of g) {
        dot += s[a] * v[a];
        nn += s[a] * s[a];
      }
      if (nn > 0) for (const a of g) v[a] -= (dot / nn) * s[a];
    }
    if (bnorm2 > 0) {
      let dot = 0;
      for (let a = 0; a < na; a++) dot += bvec[a] * v[a];
      for (let a = 0; a < na; a++) v[a] -= (dot / bnorm2) * bvec[a];
    }
  };

  const u = new Float64Array(size), hu = new Float64Array(size);
  const curvature = new Float64Array(na);
  /** Projected Lagrangian Hessian times a tangent vector v, into out. */
  const hessian = (v: Float64Array, out: Float64Array): void => {
    u.fill(0);
    for (let a = 0; a < na; a++) u[active[a]] = s[a] * v[a];
    evaluations += sys.hessVec(w, u, hu);
    for (let a = 0; a < na; a++) out[a] = 4 * s[a] * hu[active[a]] + curvature[a] * v[a];
    project(out);
  };

  // Make the start feasible (per-atom sums, electron count) before measuring anything.
  retract(w, active, groupList, share, Float64Array.from(active, (k) => Math.sqrt(w[k])), new Float64Array(na), nel, frozen, target);
  let omega = omegaAt(w);
  let residual = sys.residual();
  let it = 0, stalled = 0;
  const trial = new Float64Array(size);
  for (; it < opts.maxIterations && residual > opts.tolerance && evaluations < (opts.maxEvaluations ?? Infinity); it++) {
    // Gradient dOmega/dw on the active slots; its tangent part in s; the reduced gradient phi~.
    for (let a = 0; a < na; a++) {
      const k = active[a];
      s[a] = Math.sqrt(w[k]);
      phi[a] = eps[k] + kT * (Math.log(w[k]) + 1);
    }
    bnorm2 = 0;
    let num = 0;
    for (const g of groupList) {
      let c = 0, nbar = 0, pbar = 0;
      for (const a of g) {
        c += w[active[a]];
        nbar += w[active[a]] * nel[active[a]];
        pbar += w[active[a]] * phi[a];
      }
      nbar /= c;
      pbar /= c;
      for (const a of g) {
        const dn = nel[active[a]] - nbar;
        bvec[a] = dn * s[a];
        bnorm2 += dn * dn * w[active[a]];
        num += dn * w[active[a]] * phi[a];
        phi[a] -= pbar; // per-atom part removed; the electron-count part below
      }
    }
    const mu = bnorm2 > 0 ? num / bnorm2 : 0;
    for (const g of groupList) {
      let c = 0, nbar = 0;
      for (const a of g) {
        c += w[active[a]];
        nbar += w[active[a]] * nel[active[a]];
      }
      nbar /= c;
      for (const a of g) phi[a] -= mu * (nel[active[a]] - nbar);
    }
    let gnorm = 0;
    for (let a = 0; a < na; a++) {
      grad[a] = 2 * s[a] * phi[a];
      curvature[a] = 4 * kT + 2 * phi[a];
      gnorm += grad[a] * grad[a];
    }
    gnorm = Math.sqrt(gnorm);
    const { step, predicted } = steihaug(grad, gnorm, radius, hessian, project);
    let plen = 0;
    for (let a = 0; a < na; a++) plen += step[a] * step[a];
    plen = Math.sqrt(plen);
    // Nothing left to change (the residual sits in frozen slots), or steps below the rounding of
    // the weights several times over: more iterations would not move anything.
    if (!(plen > 0)) break;
    if (plen < 1e-14) {
      if (++stalled > 3) break;
    } else stalled = 0;

    trial.set(w);
    retract(trial, active, groupList, share, s, step, nel, frozen, target);
    const omegaTrial = omegaAt(trial);
    const actual = omega - omegaTrial;
    // Below the rounding of Omega a Newton step is accepted on its prediction alone.
    const noise = 1e-13 * Math.max(1, Math.abs(omega));
    const rho = predicted > 0 ? actual / predicted : -1;
    if (actual >= 0.05 * predicted - noise && (rho > 0.05 || predicted < noise)) {
      w.set(trial);
      omega = omegaTrial;
      residual = sys.residual();
      if (rho > 0.75 && plen > 0.99 * radius) radius = Math.min(2 * radius, MAX_RADIUS);
      else if (rho < 0.25) radius = 0.5 * plen;
    } else {
      radius = 0.25 * plen;
      omega = omegaAt(w); // the kernels go back to the kept weights
      if (radius < 1e-15) break;
    }
  }
  return { converged: residual <= opts.tolerance, iterations: it, evaluations, residual, omega };
}

/** Electron count sum_k w_k N_k over used slots. */
export function electronCount(w: Float64Array, nel: Float64Array, atomOf: Int32Array): number {
  let t = 0;
  for (let k = 0; k < w.length; k++) if (atomOf[k] >= 0) t += w[k] * nel[k];
  return t;
}

/**
 * Steihaug-Toint truncated conjugate gradients for min g.p + p.H p / 2 with |p| <= radius; returns
 * the step and the predicted decrease -(g.p + p.H p / 2).
 */
function steihaug(
  g: Float64Array, gnorm: number, radius: number,
  hessian: (v: Float64Array, out: Float64Array) => void, project: (v: Float64Array) => void,
): { step: Float64Array; predicted: number } {
  const n = g.length;
  const p = new Float64Array(n), hp = new Float64Array(n);
  const r = new Float64Array(n), d = new Float64Array(n), hd = new Float64Array(n);
  for (let k = 0; k < n; k++) r[k] = -g[k];
  project(r);
  d.set(r);
  let rr = dot(r, r);
  const stop = Math.min(0.1, Math.sqrt(gnorm)) * Math.sqrt(rr);
  const finish = () => ({ step: p, predicted: -(dot(g, p) + 0.5 * dot(p, hp)) });
  if (rr === 0) return finish();
  for (let it = 0; it < Math.max(2 * n, 10) && it < 200; it++) {
    hessian(d, hd);
    const dhd = dot(d, hd);
    const toEdge = () => {
      // tau >= 0 with |p + tau d| = radius
      const dd = dot(d, d), pd = dot(p, d), pp = dot(p, p);
      const tau = (-pd + Math.sqrt(Math.max(0, pd * pd + dd * (radius * radius - pp)))) / dd;
      for (let k = 0; k < n; k++) {
        p[k] += tau * d[k];
        hp[k] += tau * hd[k];
      }
      return finish();
    };
    if (dhd <= 1e-300 * dot(d, d)) return toEdge();
    const alpha = rr / dhd;
    let pn = 0;
    for (let k = 0; k < n; k++) pn += (p[k] + alpha * d[k]) ** 2;
    if (pn >= radius * radius) return toEdge();
    for (let k = 0; k < n; k++) {
      p[k] += alpha * d[k];
      hp[k] += alpha * hd[k];
      r[k] -= alpha * hd[k];
    }
    const rrNew = dot(r, r);
    if (Math.sqrt(rrNew) <= stop * CG_FORCING || Math.sqrt(rrNew) <= 1e-300) break;
    const beta = rrNew / rr;
    rr = rrNew;
    for (let k = 0; k < n; k++) d[k] = r[k] + beta * d[k];
  }
  return finish();
}

/**
 * Moves the weights along a tangent step in square-root weights, puts each atom's active weights back
 * on its share, and restores the electron count by tilting every atom's active weights with one
 * factor exp(t N) (Newton on t; N(t) is monotone). `frozen`: electrons of the inactive slots.
 */
function retract(
  w: Float64Array, active: number[], groups: number[][], share: number[], s: Float64Array, step: Float64Array,
  nel: Float64Array, frozen: number, target: number,
): void {
  for (let a = 0; a < active.length; a++) w[active[a]] = (s[a] + step[a]) ** 2;
  const base = Float64Array.from(active, (k) => w[k]);
  const apply = (t: number): { n: number; slope: number } => {
    let n = 0, slope = 0;
    groups.forEach((g, gi) => {
      // Shift the exponent by the group's largest N so that exp never overflows.
      let top = -Infinity;
      for (const a of g) top = Math.max(top, nel[active[a]]);
      let z = 0, zn = 0, zn2 = 0;
      for (const a of g) {
        const e = base[a] * Math.exp(t * (nel[active[a]] - top));
        z += e;
        zn += e * nel[active[a]];
        zn2 += e * nel[active[a]] ** 2;
      }
      const c = share[gi];
      for (const a of g) w[active[a]] = (c * base[a] * Math.exp(t * (nel[active[a]] - top))) / z;
      const mean = zn / z;
      n += c * mean;
      slope += c * (zn2 / z - mean * mean);
    });
    return { n: n + frozen, slope };
  };
  let t = 0;
  let cur = apply(0);
  for (let k = 0; k < 60 && Math.abs(cur.n - target) > 1e-15 * Math.max(1, target); k++) {
    if (!(cur.slope > 0)) break;
    t -= (cur.n - target) / cur.slope;
    cur = apply(t);
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let t = 0;
  for (let k = 0; k < a.length; k++) t += a[k] * b[k];
  return t;
}
