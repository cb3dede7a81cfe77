/**
 * Levenberg-Marquardt (src/fit/lm.ts) on small problems with known minima.
 */
import { describe, expect, it } from "vitest";
import { levenbergMarquardt } from "../src/fit/lm.js";

describe("Levenberg-Marquardt", () => {
  it("moves every parameter when one is almost invisible to the residuals (per-parameter step cap)", async () => {
    // r = (x0 - 3, x1 + 2, 1 + 1e-7 x2): the third parameter has a 1e-14 curvature and a 1e-7
    // gradient, so the Gauss-Newton step asks it to move by ~1e7. Scaling the whole step down to
    // the cap moved x0 and x1 by ~1e-7 per iteration and stopped as "cost converged"; capped per
    // parameter they reach their minimum.
    const residuals = (x: Float64Array) => Float64Array.from([x[0] - 3, x[1] + 2, 1 + 1e-7 * x[2]]);
    const jacobian = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1e-7]);
    const run = await levenbergMarquardt(
      async (x) => ({ residuals: residuals(x), jacobian }),
      async (x) => residuals(x),
      Float64Array.from([0, 0, 0]),
      { maxIterations: 50, maxStep: 1, costTolerance: 1e-5 },
    );
    expect(Math.abs(run.x[0] - 3)).toBeLessThan(1e-6);
    expect(Math.abs(run.x[1] + 2)).toBeLessThan(1e-6);
  });
});
