// The advanced tier of the public API (`import { advanced } from "ect-eam"`): the wasm engines and
// their zero-copy views, the kernel module, the wasm NVE loop, building blocks of the MD driver,
// ECT-EAM tables, the TypeScript reference of LAMMPS' Streitz-Mintmire code (the oracle of the wasm
// engine's tests, LAMMPS' own constants and helpers included) and the extended-Lagrangian
// propagator. For work on the models themselves; it follows the code more closely than the stable
// tier (src/core.ts) and may change between minor versions. Runs anywhere (no file system).

// Engines: one wasm instance each.
export { EamEngine, BOLTZMANN, FTM, MVV2E } from "./eam/engine.js";
export type { PerAtomBuffer } from "./engine/system.js";
export { loadKernelModule } from "./engine/wasm.js";
export { EctEngine, type EctSolverOptions, type SolverReport } from "./ect/engine.js";
export { MAX_STATES, ECT_PROPERTIES } from "./ect/calculator.js";
export { buildEctTables, type EctTables } from "./ect/tables.js";
export { qeqCalculate, qeqShielding, QEQ_PROPERTIES, type QeqResult } from "./ect/qeq.js";
export { IMPLEMENTED_PROPERTIES } from "./eam/calculator.js";
export type { SplineTable } from "./potentials/types.js";
export { CachedCalculator } from "./calculators/cached.js";
export type { WasmEngine } from "./calculators/protocol.js";

// Dynamics building blocks: the wasm NVE loop of one EAM engine, the driver's random numbers,
// thermostats and barostat algebra, the restart and thermo-log formats.
export { VelocityVerlet, type ThermoRow, type VerletOptions, type RunHooks, type RunSummary } from "./dynamics/md.js";
export { Random, type RandomState } from "./dynamics/random.js";
export { makeThermostat, type Thermostat, type ThermostatState } from "./dynamics/thermostats.js";
export { METAL_COMPRESSIBILITY, pressureTensor, berendsenScale } from "./dynamics/barostat.js";
export { RESTART_FORMAT, RESTART_VERSION } from "./dynamics/restart.js";
export { THERMO_COLUMNS, thermoColumns, formatThermoHeader, formatThermoRow, type ThermoColumn } from "./io/thermo-log.js";
export { ASE_TIME_FS, PositionObjective, type Optimizable, type Evaluation, type StepInfo, type RunOptions, type OptimizeResult } from "./optimize/index.js";
export { birchMurnaghanEnergy, fitBirchMurnaghan, isolatedAtomEnergy, type BirchMurnaghanFit } from "./properties/index.js";

// Streitz-Mintmire: the wasm engine and LAMMPS' coul/streitz, fix qeq/slater and Ewald in TypeScript.
export {
  slaterPair, slaterIntegrals, slaterIntegralsShifted, slaterShift, type SlaterPair, type SlaterShift,
} from "./streitz/integrals.js";
export { ewaldKspace, ewaldKVectors, type EwaldKspaceOptions, type EwaldKspaceResults, type EwaldKSet } from "./streitz/ewald.js";
export { streitzCoulomb, QQRD2E_METAL, MY_PIS, type StreitzCoulombOptions, type StreitzCoulombResults } from "./streitz/coulomb.js";
export { erfc } from "./streitz/erfc.js";
export { forEachPair, type PairVisitor } from "./streitz/images.js";
export { streitzQeq, QEQ_DENSE_MAX_ATOMS, type StreitzQeqOptions, type StreitzQeqResults } from "./streitz/qeq.js";
export { STREITZ_DEFAULTS, STREITZ_PROPERTIES, lammpsEwaldParameters } from "./streitz/calculator.js";
export {
  StreitzEngine, type QeqStart, type QeqPreconditioner, type QeqXlSettings, type StreitzEngineSettings,
} from "./streitz/engine.js";
export { buildStreitzTable, pairFunctions, STREITZ_TABLE_R0, STREITZ_TABLE_DR, type StreitzTableSpec } from "./streitz/tables.js";
export { streitzElements, type StreitzElement } from "./streitz/params.js";

// Extended-Lagrangian propagation of a latent vector (Niklasson's dissipative scheme).
export { XlPropagator, XL_COEFFICIENTS, type XlSolver, type XlCoefficients, type XlOrder } from "./xl/index.js";

// Writers behind export-lammps: table sampling, the frozen-charge ECT-EAM export, input scripts.
export {
  exportEamTables, fsIsAlloy, tableValues, freezeEct, writeFrozenSetfl, defaultLongRange, lammpsFrame, lammpsInputScript,
  CLUSTER_MARGIN, EXPORT_FILES, formatStreitzFile,
  type FrozenEct, type FrozenType, type FreezeOptions, type LongRangeExport, type InputScriptOptions,
} from "./export/index.js";
