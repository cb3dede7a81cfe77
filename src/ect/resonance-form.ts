/**
 * The resonance coupling's weight factor as the kernels compute it (assembly/ect.ts,
 * `resonancePair`): g = (w_i+ w_j- w_i0 w_j0)^(1/4) with every weight clamped at >= RESONANCE_CLAMP
 * (the specification's form). TypeScript code that needs the coupling at given weights (the fitter's
 * parameter gradients, the fixed-charge export) uses this one definition.
 */

/** Lower clamp of each weight inside the fourth root; must equal RES_CLAMP in assembly/ect.ts. */
export const RESONANCE_CLAMP = 1e-14;

/** g(w_a, w_b, w_c, w_d) = (max(w_a, C) max(w_b, C) max(w_c, C) max(w_d, C))^(1/4). */
export function resonanceRoot(wa: number, wb: number, wc: number, wd: number): number {
  const c = RESONANCE_CLAMP;
  return Math.sqrt(Math.sqrt(Math.max(wa, c) * Math.max(wb, c) * Math.max(wc, c) * Math.max(wd, c)));
}
