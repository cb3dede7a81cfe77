/**
 * A warm scan of a diatomic through its ionic-covalent crossing: the measurement behind the report's
 * crossing table and the acceptance test that the crossing stays avoided (the bands are the test's).
 * Browser-safe.
 */
import { Atoms } from "../atoms.js";
import type { EctCalculator } from "../ect/calculator.js";

export interface CrossingScan {
  /** Charge of the first atom at the inner end (e). */
  chargeInner: number;
  /** Charge of the first atom at the outer end (e). */
  chargeOuter: number;
  /** Largest change of that charge between neighbouring points (e). */
  largestChargeStep: number;
  /** Largest change of the force along the bond between neighbouring points (eV/A). */
  largestForceStep: number;
}

/**
 * Scans the pair a-b from `from` to `to` (A) in steps of `step` (A, default 0.01), each point warm
 * started from the one before (as in MD through the crossing), after a cold start at the first.
 */
export function scanCrossing(calc: EctCalculator, a: string, b: string, from: number, to: number, step = 0.01): CrossingScan {
  calc.engine.coldStart();
  let prevQ = NaN, prevF = NaN, dq = 0, df = 0, q0 = NaN, q1 = NaN;
  const n = Math.round((to - from) / step);
  for (let k = 0; k <= n; k++) {
    const r = from + k * step;
    const res = calc.calculate(new Atoms({ symbols: [a, b], positions: [0, 0, 0, 0, 0, r] }));
    const q = res.charges[0], f = res.forces[5];
    if (k === 0) q0 = q;
    else {
      dq = Math.max(dq, Math.abs(q - prevQ));
      df = Math.max(df, Math.abs(f - prevF));
    }
    prevQ = q;
    prevF = f;
    q1 = q;
  }
  return { chargeInner: q0, chargeOuter: q1, largestChargeStep: dq, largestForceStep: df };
}
