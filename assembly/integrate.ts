// Velocity Verlet (NVE) over owned atoms. Units: A, fs, amu, eV; `ftm` converts (eV/A)/amu to A/fs^2.
import {
  C_NLOCAL, C_X, C_Y, C_Z, C_FX, C_FY, C_FZ, C_VX, C_VY, C_VZ, C_INV_MASS, C_DT, C_FTM, C_KINETIC, C_STEPS_DONE, C_TALLY,
} from "./context";
import { ci, cf, cp, setF, setI, getF, putF } from "./mem";

/**
 * `steps` velocity-Verlet steps; `refresh` brings the forces to the new positions (list check and
 * the potential's passes) and returns a nonzero status when it needs the host (short arrays), which
 * is returned at once with `stepsDone` telling how far the loop got. Per-atom energies and the virial
 * are tallied only on the last step, where the caller looks, and only when `tally` is set on entry:
 * the MD driver clears it for chunks that end where nobody reads the energies (it only hands control
 * back to the event loop there), and the host tallies later if asked after all.
 */
export function verletSteps(ctx: usize, steps: i32, refresh: (ctx: usize) => i32): i32 {
  const tallyLast = ci(ctx, C_TALLY) != 0 ? 1 : 0;
  setI(ctx, C_STEPS_DONE, 0);
  for (let s = 0; s < steps; s++) {
    setI(ctx, C_TALLY, s == steps - 1 ? tallyLast : 0);
    initialIntegrate(ctx);
    const status = refresh(ctx);
    if (status != 0) return status;
    finalIntegrate(ctx);
    setI(ctx, C_STEPS_DONE, s + 1);
  }
  return 0;
}

/** First half kick and drift: v += dt/2 a; x += dt v. */
export function initialIntegrate(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const x = cp(ctx, C_X), y = cp(ctx, C_Y), z = cp(ctx, C_Z);
  const vx = cp(ctx, C_VX), vy = cp(ctx, C_VY), vz = cp(ctx, C_VZ);
  const fx = cp(ctx, C_FX), fy = cp(ctx, C_FY), fz = cp(ctx, C_FZ);
  const im = cp(ctx, C_INV_MASS);
  const dt = cf(ctx, C_DT), dtf = 0.5 * dt * cf(ctx, C_FTM);
  for (let i = 0; i < n; i++) {
    const s = dtf * getF(im, i);
    const ux = getF(vx, i) + s * getF(fx, i);
    const uy = getF(vy, i) + s * getF(fy, i);
    const uz = getF(vz, i) + s * getF(fz, i);
    putF(vx, i, ux); putF(vy, i, uy); putF(vz, i, uz);
    putF(x, i, getF(x, i) + dt * ux);
    putF(y, i, getF(y, i) + dt * uy);
    putF(z, i, getF(z, i) + dt * uz);
  }
}

/** Second half kick: v += dt/2 a, with the forces at the new positions. */
export function finalIntegrate(ctx: usize): void {
  const n = ci(ctx, C_NLOCAL);
  const vx = cp(ctx, C_VX), vy = cp(ctx, C_VY), vz = cp(ctx, C_VZ);
  const fx = cp(ctx, C_FX), fy = cp(ctx, C_FY), fz = cp(ctx, C_FZ);
  const im = cp(ctx, C_INV_MASS);
  const dtf = 0.5 * cf(ctx, C_DT) * cf(ctx, C_FTM);
  for (let i = 0; i < n; i++) {
    const s = dtf * getF(im, i);
    putF(vx, i, getF(vx, i) + s * getF(fx, i));
    putF(vy, i, getF(vy, i) + s * getF(fy, i));
    putF(vz, i, getF(vz, i) + s * getF(fz, i));
  }
}

/** Kinetic energy (eV) of the owned atoms, stored in the context and returned. */
export function kineticEnergy(ctx: usize): f64 {
  const n = ci(ctx, C_NLOCAL);
  const vx = cp(ctx, C_VX), vy = cp(ctx, C_VY), vz = cp(ctx, C_VZ);
  const im = cp(ctx, C_INV_MASS);
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    const a = getF(vx, i), b = getF(vy, i), c = getF(vz, i);
    s += (a * a + b * b + c * c) / getF(im, i);
  }
  const ke = 0.5 * s / cf(ctx, C_FTM);
  setF(ctx, C_KINETIC, ke);
  return ke;
}
