import { InputError } from "../errors.js";
import { dot, RUN_DEFAULTS, type Evaluation, type Optimizable, type OptimizeResult, type RunOptions } from "./types.js";
import { drain, loopSteps } from "./loop.js";

/**
 * ASE's unit of time, in fs: sqrt(amu A^2 / eV) = 10.1805 fs. ASE's FIRE integrates with unit
 * masses in these units, so its dt = 0.1 is 1.018 fs for a particle of 1 amu.
 */
export const ASE_TIME_FS = 10.180505671156723;

/** FIRE parameters (Bitzek et al., PRL 97, 170201 (2006)); defaults are ASE's. */
export interface FireOptions extends RunOptions {
  /** Initial time step, fs, for a fictitious mass of 1 amu on every degree of freedom (default 1.018 fs = ASE's 0.1). */
  dt?: number;
  /** Largest time step, fs (default 10.18 fs = ASE's 1.0). */
  dtMax?: number;
  /** Largest displacement of the whole step (Euclidean norm over all degrees of freedom), A (default 0.2). */
  maxStep?: number;
  /** Steps with P = F.v > 0 before dt may grow (default 5). */
  nMin?: number;
  /** dt growth factor (default 1.1). */
  fInc?: number;
  /** dt decrease factor after an uphill step (default 0.5). */
  fDec?: number;
  /** Initial velocity-mixing parameter (default 0.1). */
  aStart?: number;
  /** Mixing decay factor (default 0.99). */
  fA?: number;
}

/**
 * Minimizes `target` with FIRE: damped dynamics of unit-mass particles whose velocity is turned
 * toward the force and reset whenever the power F.v turns negative. Follows ASE's `FIRE`
 * (unit masses, global step cap) with time in fs. Stops when fmax (and, for cell filters, the
 * stress residual) fall below the thresholds, or after `steps` steps.
 */
export function fire(target: Optimizable, opts: FireOptions = {}): OptimizeResult {
  return drain(fireSteps(target, opts));
}

/** {@link fire} one step at a time (see `drain`, `drainAsync`): a generator that returns the result. */
export function fireSteps(target: Optimizable, opts: FireOptions = {}): Generator<void, OptimizeResult> {
  const fs = 1 / ASE_TIME_FS;
  let dt = (opts.dt ?? 0.1 * ASE_TIME_FS) * fs;
  const dtMax = (opts.dtMax ?? 1.0 * ASE_TIME_FS) * fs;
  const maxStep = opts.maxStep ?? 0.2;
  const nMin = opts.nMin ?? 5;
  const fInc = opts.fInc ?? 1.1;
  const fDec = opts.fDec ?? 0.5;
  const aStart = opts.aStart ?? 0.1;
  const fA = opts.fA ?? 0.99;
  for (const [name, v] of [["dt", dt], ["dtMax", dtMax], ["maxStep", maxStep], ["fInc", fInc], ["fDec", fDec], ["aStart", aStart], ["fA", fA]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new InputError(`FIRE ${name} must be a positive number, got ${v}`);
  }
  let a = aStart;
  let nPositive = 0;
  const v = new Float64Array(3 * target.rows);
  let first = true;

  return loopSteps(target, { ...RUN_DEFAULTS, ...opts }, (x: Float64Array, ev: Evaluation, evaluate: () => Evaluation) => {
    const f = ev.forces;
    if (!first) {
      const p = dot(f, v);
      if (p > 0) {
        const vNorm = Math.sqrt(dot(v, v));
        const fNorm = Math.sqrt(dot(f, f));
        const mix = fNorm > 0 ? (a * vNorm) / fNorm : 0;
        for (let k = 0; k < v.length; k++) v[k] = (1 - a) * v[k] + mix * f[k];
        if (nPositive > nMin) {
          dt = Math.min(dt * fInc, dtMax);
          a *= fA;
        }
        nPositive++;
      } else {
        v.fill(0);
        a = aStart;
        dt *= fDec;
        nPositive = 0;
      }
    }
    first = false;
    for (let k = 0; k < v.length; k++) v[k] += dt * f[k];
    let norm = 0;
    for (let k = 0; k < v.length; k++) norm += (dt * v[k]) ** 2;
    norm = Math.sqrt(norm);
    const scale = norm > maxStep ? maxStep / norm : 1;
    const next = x.slice();
    for (let k = 0; k < v.length; k++) next[k] += scale * dt * v[k];
    target.setX(next);
    return evaluate();
  });
}
