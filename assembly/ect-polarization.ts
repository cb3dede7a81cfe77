// ECT-EAM induction on linear memory: the kernel form of src/ect/transfer/polarization.ts (the
// readable reference, kept beside it as LAMMPS keeps a plain pair style beside its /opt one; the
// same formulas in the same order, test/ect-transfer-kernels.test.ts compares the two).
//   E_pol = -1/2 k sum_i alpha_i |E_i|^2,   E_i = sum_j q_j s(r_ij) (r_i - r_j) / r_ij^3,
//   s(r) = [1 - (1 + x + x^2/2) e^-x] T(r),  x = r / (rho_A + rho_B),
//   alpha_i = sum_M w_iM alpha_AM / (1 + gamma_A n_i),  n_i = sum_j exp(-(r_ij/R_A)^2) T(r_ij).
// The candidate pairs (i, owner of j, shift of j's image) are written by TypeScript once per list
// build in a canonical order; ectPolRefresh keeps those within the cutoff with their geometry
// (once per set of positions), ectPolEnergy and ectPolForces run over them.
import {
  C_NLOCAL, C_X, C_Y, C_Z, C_FX, C_FY, C_FZ, C_TYPE, C_EATOM, C_TALLY,
  C_VXX, C_VYY, C_VZZ, C_VYZ, C_VXZ, C_VXY, C_WEIGHTS, C_STATE_Q, C_N_STATES, C_COULOMB_K,
  C_POL_CAND, C_POL_CAND_SHIFT, C_POL_CAND_COUNT, C_POL_PAIR, C_POL_REC, C_POL_PAIR_COUNT, C_POL_TYPES,
  C_POL_CUTOFF, C_POL_TAPER, C_POL_CONFINED, C_POL_Q, C_POL_ALPHA, C_POL_CONFINE, C_POL_COORD,
  C_POL_FIELD, C_POL_DQ, C_POL_EPS, C_E_POL, MAX_STATES,
} from "./context";
import { ci, cf, cp, setI, setF, getF, putF, addF, getI, putI } from "./mem";

@inline const MAXS: i32 = MAX_STATES;
/** f64 per pair record in polRec, per type row in polTypes. */
@inline const PREC: i32 = 12;
@inline const TREC: i32 = 8;
/** Fields of a pair record (f64 offsets): d = r_i - r_j (3), r, s, s', s d / r^3 (3), dn_i/dr, dn_j/dr. */
const enum R { DX = 0, R = 3, S = 4, DS = 5, GX = 6, DNI = 9, DNJ = 10 }
/** Fields of a type row: damping length, confinement strength and radius, pad, alpha per state slot. */
const enum T { RHO = 0, GAMMA = 1, RADIUS = 2, ALPHA = 4 }

@inline function rec(base: usize, c: i32, f: i32): usize {
  return base + ((<usize>(c * PREC + f)) << 3);
}
@inline function typeValue(types: usize, t: i32, f: i32): f64 {
  return getF(types, t * TREC + f);
}

/** Pairs within the cutoff at the current positions, with damping, taper and confinement terms. */
export function ectPolRefresh(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), nc = ci(ctx, C_POL_CAND_COUNT);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z), type = cp(ctx, C_TYPE);
  const cand = cp(ctx, C_POL_CAND), shift = cp(ctx, C_POL_CAND_SHIFT);
  const pair = cp(ctx, C_POL_PAIR), out = cp(ctx, C_POL_REC), types = cp(ctx, C_POL_TYPES);
  const coord = cp(ctx, C_POL_COORD), confine = cp(ctx, C_POL_CONFINE);
  const cutoff = cf(ctx, C_POL_CUTOFF), width = cf(ctx, C_POL_TAPER), confined = ci(ctx, C_POL_CONFINED) != 0;
  const cut2 = cutoff * cutoff, inner = cutoff - width;
  memory.fill(coord, 0, <usize>n << 3);
  let c = 0;
  for (let m = 0; m < nc; m++) {
    const i = getI(cand, 2 * m), j = getI(cand, 2 * m + 1);
    const dx = getF(x, i) - (getF(x, j) + getF(shift, 3 * m));
    const dy = getF(y, i) - (getF(y, j) + getF(shift, 3 * m + 1));
    const dz = getF(z, i) - (getF(z, j) + getF(shift, 3 * m + 2));
    const r2 = dx * dx + dy * dy + dz * dz;
    if (r2 >= cut2) continue;
    const r = Math.sqrt(r2);
    const ti = getI(type, i), tj = getI(type, j);
    const rho = typeValue(types, ti, T.RHO) + typeValue(types, tj, T.RHO);
    const u = r / rho, eu = Math.exp(-u);
    const d = 1 - (1 + u + 0.5 * u * u) * eu;
    const dd = (0.5 * u * u * eu) / rho;
    // C2 quintic smoothstep from 1 at cutoff - width to 0 at the cutoff, and its derivative.
    let t = 1.0, dt = 0.0;
    if (r > inner) {
      const v = (cutoff - r) / width;
      t = v * v * v * (10 - 15 * v + 6 * v * v);
      dt = (30 * v * v - 60 * v * v * v + 30 * v * v * v * v) * (-1 / width);
    }
    putI(pair, 2 * c, i);
    putI(pair, 2 * c + 1, j);
    const sc = d * t;
    const g = sc / (r * r * r);
    store<f64>(rec(out, c, R.DX), dx);
    store<f64>(rec(out, c, R.DX + 1), dy);
    store<f64>(rec(out, c, R.DX + 2), dz);
    store<f64>(rec(out, c, R.R), r);
    store<f64>(rec(out, c, R.S), sc);
    store<f64>(rec(out, c, R.DS), dd * t + d * dt);
    store<f64>(rec(out, c, R.GX), g * dx);
    store<f64>(rec(out, c, R.GX + 1), g * dy);
    store<f64>(rec(out, c, R.GX + 2), g * dz);
    let dni = 0.0, dnj = 0.0;
    if (confined) {
      // An element without confinement (gamma 0) has c = 1 whatever its n: no term.
      if (typeValue(types, ti, T.GAMMA) != 0) {
        const Ri = typeValue(types, ti, T.RADIUS), ri = r / Ri, gi = Math.exp(-ri * ri);
        addF(coord, i, gi * t);
        dni = gi * dt - ((2 * ri) / Ri) * gi * t;
      }
      if (typeValue(types, tj, T.GAMMA) != 0) {
        const Rj = typeValue(types, tj, T.RADIUS), rj = r / Rj, gj = Math.exp(-rj * rj);
        addF(coord, j, gj * t);
        dnj = gj * dt - ((2 * rj) / Rj) * gj * t;
      }
    }
    store<f64>(rec(out, c, R.DNI), dni);
    store<f64>(rec(out, c, R.DNJ), dnj);
    c++;
  }
  setI(ctx, C_POL_PAIR_COUNT, c);
  for (let i = 0; i < n; i++) putF(confine, i, 1 / (1 + typeValue(types, getI(type, i), T.GAMMA) * getF(coord, i)));
}

/**
 * E_pol at the weights in the weights buffer into ePol, dE_pol/dw of the owned atoms into polEps
 * (the caller adds them to its eps: the kernels' eps stays the mean field's).
 */
export function ectPolEnergy(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), np = ci(ctx, C_POL_PAIR_COUNT), k = cf(ctx, C_COULOMB_K);
  const type = cp(ctx, C_TYPE), w = cp(ctx, C_WEIGHTS), eps = cp(ctx, C_POL_EPS);
  const stateQ = cp(ctx, C_STATE_Q), nStates = cp(ctx, C_N_STATES), types = cp(ctx, C_POL_TYPES);
  const q = cp(ctx, C_POL_Q), alpha = cp(ctx, C_POL_ALPHA), confine = cp(ctx, C_POL_CONFINE);
  const field = cp(ctx, C_POL_FIELD), dq = cp(ctx, C_POL_DQ);
  const pair = cp(ctx, C_POL_PAIR), recs = cp(ctx, C_POL_REC);
  // Charges and confined polarizabilities from the weights.
  for (let i = 0; i < n; i++) {
    const t = getI(type, i), ns = getI(nStates, t);
    let qi = 0.0, a = 0.0;
    for (let m = 0; m < ns; m++) {
      const wm = getF(w, i * MAXS + m);
      qi += wm * getF(stateQ, t * MAXS + m);
      a += wm * typeValue(types, t, T.ALPHA + m);
    }
    putF(q, i, qi);
    putF(alpha, i, a * getF(confine, i));
  }
  memory.fill(field, 0, <usize>(3 * n) << 3);
  for (let c = 0; c < np; c++) {
    const i = getI(pair, 2 * c), j = getI(pair, 2 * c + 1);
    const gx = load<f64>(rec(recs, c, R.GX)), gy = load<f64>(rec(recs, c, R.GX + 1)), gz = load<f64>(rec(recs, c, R.GX + 2));
    // field at i from q_j along d; at j from q_i along -d
    const qi = getF(q, i), qj = getF(q, j);
    addF(field, 3 * i, qj * gx); addF(field, 3 * i + 1, qj * gy); addF(field, 3 * i + 2, qj * gz);
    addF(field, 3 * j, -(qi * gx)); addF(field, 3 * j + 1, -(qi * gy)); addF(field, 3 * j + 2, -(qi * gz));
  }
  // dE/dq_i = -k sum_j alpha_j E_j . dE_j/dq_i
  memory.fill(dq, 0, <usize>n << 3);
  for (let c = 0; c < np; c++) {
    const i = getI(pair, 2 * c), j = getI(pair, 2 * c + 1);
    const gx = load<f64>(rec(recs, c, R.GX)), gy = load<f64>(rec(recs, c, R.GX + 1)), gz = load<f64>(rec(recs, c, R.GX + 2));
    const exi = getF(field, 3 * i), eyi = getF(field, 3 * i + 1), ezi = getF(field, 3 * i + 2);
    const exj = getF(field, 3 * j), eyj = getF(field, 3 * j + 1), ezj = getF(field, 3 * j + 2);
    addF(dq, j, -k * getF(alpha, i) * (exi * gx + eyi * gy + ezi * gz));
    addF(dq, i, k * getF(alpha, j) * (exj * gx + eyj * gy + ezj * gz));
  }
  let e = 0.0;
  for (let i = 0; i < n; i++) {
    const ex = getF(field, 3 * i), ey = getF(field, 3 * i + 1), ez = getF(field, 3 * i + 2);
    const e2 = ex * ex + ey * ey + ez * ez;
    e += -0.5 * k * getF(alpha, i) * e2;
    const t = getI(type, i), ns = getI(nStates, t), ci_ = getF(confine, i), dqi = getF(dq, i);
    for (let m = 0; m < MAXS; m++) {
      putF(eps, i * MAXS + m, m < ns ? -0.5 * k * typeValue(types, t, T.ALPHA + m) * ci_ * e2 + dqi * getF(stateQ, t * MAXS + m) : 0.0);
    }
  }
  setF(ctx, C_E_POL, e);
}

/** -dE_pol/dR at the fields of the last ectPolEnergy into fx, fy, fz; virial and per-atom energies when tallied. */
export function ectPolForces(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL), np = ci(ctx, C_POL_PAIR_COUNT), k = cf(ctx, C_COULOMB_K);
  const fx = cp(ctx, C_FX), fy = cp(ctx, C_FY), fz = cp(ctx, C_FZ), type = cp(ctx, C_TYPE), types = cp(ctx, C_POL_TYPES);
  const q = cp(ctx, C_POL_Q), alpha = cp(ctx, C_POL_ALPHA), confine = cp(ctx, C_POL_CONFINE);
  const field = cp(ctx, C_POL_FIELD), dEdn = cp(ctx, C_POL_DQ);
  const pair = cp(ctx, C_POL_PAIR), recs = cp(ctx, C_POL_REC);
  let vxx = 0.0, vyy = 0.0, vzz = 0.0, vyz = 0.0, vxz = 0.0, vxy = 0.0;
  for (let c = 0; c < np; c++) {
    const i = getI(pair, 2 * c), j = getI(pair, 2 * c + 1);
    const dx = load<f64>(rec(recs, c, R.DX)), dy = load<f64>(rec(recs, c, R.DX + 1)), dz = load<f64>(rec(recs, c, R.DX + 2));
    const r = load<f64>(rec(recs, c, R.R)), s = load<f64>(rec(recs, c, R.S)), ds = load<f64>(rec(recs, c, R.DS));
    const a = s / (r * r * r), b = ds / (r * r * r * r) - (3 * s) / (r * r * r * r * r);
    // u = alpha_i q_j E_i - alpha_j q_i E_j; J u = a u + b d (d . u)
    const aiqj = getF(alpha, i) * getF(q, j), ajqi = getF(alpha, j) * getF(q, i);
    const ux = aiqj * getF(field, 3 * i) - ajqi * getF(field, 3 * j);
    const uy = aiqj * getF(field, 3 * i + 1) - ajqi * getF(field, 3 * j + 1);
    const uz = aiqj * getF(field, 3 * i + 2) - ajqi * getF(field, 3 * j + 2);
    const du = dx * ux + dy * uy + dz * uz;
    // the force on i is +k J u, on j the opposite (d = r_i - r_j)
    const fxi = k * (a * ux + b * dx * du), fyi = k * (a * uy + b * dy * du), fzi = k * (a * uz + b * dz * du);
    addF(fx, i, fxi); addF(fy, i, fyi); addF(fz, i, fzi);
    addF(fx, j, -fxi); addF(fy, j, -fyi); addF(fz, j, -fzi);
    vxx += dx * fxi; vyy += dy * fyi; vzz += dz * fzi;
    vyz += dy * fzi; vxz += dx * fzi; vxy += dx * fyi;
  }
  if (ci(ctx, C_POL_CONFINED) != 0) {
    // dE/dn_i = 1/2 k gamma c_i |E_i|^2 alpha_i; n_i depends on r through the pair's term.
    for (let i = 0; i < n; i++) {
      const ex = getF(field, 3 * i), ey = getF(field, 3 * i + 1), ez = getF(field, 3 * i + 2);
      const e2 = ex * ex + ey * ey + ez * ez;
      putF(dEdn, i, 0.5 * k * typeValue(types, getI(type, i), T.GAMMA) * getF(confine, i) * getF(alpha, i) * e2);
    }
    for (let c = 0; c < np; c++) {
      const i = getI(pair, 2 * c), j = getI(pair, 2 * c + 1);
      const dEdr = getF(dEdn, i) * load<f64>(rec(recs, c, R.DNI)) + getF(dEdn, j) * load<f64>(rec(recs, c, R.DNJ));
      if (dEdr == 0) continue;
      const dx = load<f64>(rec(recs, c, R.DX)), dy = load<f64>(rec(recs, c, R.DX + 1)), dz = load<f64>(rec(recs, c, R.DX + 2));
      const f = -dEdr / load<f64>(rec(recs, c, R.R));
      const fxi = f * dx, fyi = f * dy, fzi = f * dz;
      addF(fx, i, fxi); addF(fy, i, fyi); addF(fz, i, fzi);
      addF(fx, j, -fxi); addF(fy, j, -fyi); addF(fz, j, -fzi);
      vxx += dx * fxi; vyy += dy * fyi; vzz += dz * fzi;
      vyz += dy * fzi; vxz += dx * fzi; vxy += dx * fyi;
    }
  }
  if (ci(ctx, C_TALLY) != 0) {
    setF(ctx, C_VXX, cf(ctx, C_VXX) + vxx); setF(ctx, C_VYY, cf(ctx, C_VYY) + vyy); setF(ctx, C_VZZ, cf(ctx, C_VZZ) + vzz);
    setF(ctx, C_VYZ, cf(ctx, C_VYZ) + vyz); setF(ctx, C_VXZ, cf(ctx, C_VXZ) + vxz); setF(ctx, C_VXY, cf(ctx, C_VXY) + vxy);
    const eatom = cp(ctx, C_EATOM);
    for (let i = 0; i < n; i++) {
      const ex = getF(field, 3 * i), ey = getF(field, 3 * i + 1), ez = getF(field, 3 * i + 2);
      addF(eatom, i, -0.5 * k * getF(alpha, i) * (ex * ex + ey * ey + ez * ez));
    }
  }
}
