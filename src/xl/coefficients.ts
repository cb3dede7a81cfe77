/**
 * Dissipation coefficients of Niklasson's extended-Lagrangian Verlet (A. M. N. Niklasson et al.,
 * J. Chem. Phys. 130, 214109 (2009), Table I): for order K, kappa = dt^2 omega^2, the damping
 * strength alpha and c_0..c_K, in
 *
 *   x_{n+1} = 2 x_n - x_{n-1} + kappa (q_n - x_n) + alpha sum_{k=0..K} c_k x_{n-k}.
 *
 * Higher K damps the auxiliary variables' free oscillations less but perturbs the dynamics at a
 * higher order in dt (the term is a K-th difference of the history).
 */
export interface XlCoefficients {
  /** dt^2 omega^2 of the harmonic well that pulls the auxiliary variables to the solutions. */
  kappa: number;
  /** Strength of the dissipation term. */
  alpha: number;
  /** c_0 (newest) .. c_K (oldest). */
  c: readonly number[];
}

/** The orders offered (4..7; Table I also lists 3, 8 and 9). */
export type XlOrder = 4 | 5 | 6 | 7;

export const XL_COEFFICIENTS: Readonly<Record<XlOrder, XlCoefficients>> = {
  4: { kappa: 1.75, alpha: 0.057, c: [-3, 6, -2, -2, 1] },
  5: { kappa: 1.82, alpha: 0.018, c: [-6, 14, -8, -3, 4, -1] },
  6: { kappa: 1.84, alpha: 0.0055, c: [-14, 36, -27, -2, 12, -6, 1] },
  7: { kappa: 1.86, alpha: 0.0016, c: [-36, 99, -88, 11, 32, -25, 8, -1] },
};
