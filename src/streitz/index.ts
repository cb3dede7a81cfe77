/**
 * Streitz-Mintmire (LAMMPS `coul/streitz` + `eam/alloy` + `fix qeq/slater`): the wasm calculator and
 * engine, and the reference layer (the `.streitz` parser, the Slater integrals, the Coulomb
 * energy/forces/virial for given charges, Wolf or Ewald, and the dense QEq). Browser-safe;
 * `readStreitzFile` is in `params-file.ts`.
 */
export { parseStreitz, streitzElements, type StreitzElement, type StreitzParameters } from "./params.js";
export {
  slaterPair,
  slaterIntegrals,
  slaterIntegralsShifted,
  slaterShift,
  type SlaterPair,
  type SlaterShift,
} from "./integrals.js";
export { ewaldKspace, type EwaldKspaceOptions, type EwaldKspaceResults } from "./ewald.js";
export {
  streitzCoulomb,
  QQRD2E_METAL,
  MY_PIS,
  type StreitzCoulombOptions,
  type StreitzCoulombResults,
  type StreitzSummation,
} from "./coulomb.js";
export { erfc } from "./erfc.js";
export { forEachPair, type PairVisitor } from "./images.js";
export {
  streitzQeq,
  QEQ_DENSE_MAX_ATOMS,
  type StreitzQeqOptions,
  type StreitzQeqResults,
} from "./qeq.js";
export {
  StreitzCalculator,
  STREITZ_DEFAULTS,
  lammpsEwaldParameters,
  type StreitzCalculatorOptions,
  type StreitzResults,
} from "./calculator.js";
export { StreitzEngine, type StreitzMode, type QeqStart, type QeqPreconditioner, type QeqXlSettings, type StreitzEngineSettings } from "./engine.js";
export { ewaldKVectors, type EwaldKSet } from "./ewald.js";
export { buildStreitzTable, pairFunctions, STREITZ_TABLE_R0, STREITZ_TABLE_DR, type StreitzTableSpec } from "./tables.js";
