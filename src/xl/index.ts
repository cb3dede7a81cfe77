/** Extended-Lagrangian propagation of latent variables (src/xl/README.md). Browser-safe. */
export { XlPropagator, type XlSolver } from "./propagator.js";
export { XL_COEFFICIENTS, type XlCoefficients, type XlOrder } from "./coefficients.js";
