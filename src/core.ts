// Public API that runs anywhere (Node, browsers, workers, serverless): no file-system access.
// src/index.ts adds the Node file helpers.
//
// Two tiers. The stable tier is everything exported by name below the first line of each group:
// structures and their files, models, one calculator factory for every model, dynamics, relaxation,
// properties, parallel runs and export to LAMMPS. The advanced tier is the `advanced` namespace
// (src/advanced.ts): engines, wasm views and loops, tables, the LAMMPS reference code. Names that
// used to be exported here and now belong to the advanced tier are still exported at the end, for
// code written against 0.1; new code imports them from `advanced`.

// ---- structures and errors
export { Atoms, type AtomsInit, type ArrayColumn, type InfoValue } from "./atoms.js";
export { InputError, ModelError, CalculationFailed } from "./errors.js";
export { atomicNumber, massOf, symbolOf } from "./elements.js";
export { bulk, rocksalt } from "./structures/lattice.js";
export { supercell, removeAtoms } from "./structures/supercell.js";
export { surfaceSlab, layerSpacing, type MillerIndex, type SlabLattice, type SlabOptions } from "./structures/slab.js";
export { parseExtxyz, formatExtxyz } from "./io/extxyz.js";
export { parseLammpsData, formatLammpsData } from "./io/lammps-data.js";
export { formatLammpsDump, parseLammpsDump, type LammpsDumpFrame, type ParsedDumpFrame } from "./io/lammps-dump.js";

// ---- models: parsed potentials and parameter sets
export { parseEamPotential, styleFromFileName } from "./potentials/eam-parse.js";
export type { EamPotential, EamStyle } from "./potentials/types.js";
export { parseEctModel, parseEctModelText, type EctModel } from "./ect/model.js";
export { parseStreitz, type StreitzParameters } from "./streitz/params.js";
export type { StreitzSummation } from "./streitz/coulomb.js";
export { qeqFromEctModel, type QeqParameters, type QeqElementParameters, type QeqFromEctOptions } from "./ect/qeq.js";

// ---- calculators: one factory for every model, and the protocol they share
export {
  createCalculator, type CalculatorSpec, type CalculatorFor, type EamSpec, type EctSpec, type StreitzSpec, type QeqSpec,
} from "./calculators/create.js";
export { forceEnergy, type Calculator, type CalculatorResults, type ModelCalculator } from "./calculators/protocol.js";
export type { EngineOptions } from "./engine/system.js";
export type { KernelVariant } from "./engine/wasm.js";
export { EamCalculator, type EamResults } from "./eam/calculator.js";
export { EctCalculator, type EctResults } from "./ect/calculator.js";
export { StreitzCalculator, type StreitzCalculatorOptions, type StreitzResults, type StreitzMode } from "./streitz/calculator.js";
export { QeqCalculator, type QeqResults } from "./ect/qeq.js";

// ---- dynamics
export { maxwellBoltzmann, kineticEnergy, temperatureOf, degreesOfFreedom } from "./dynamics/velocities.js";
export { MolecularDynamics, type DynamicsOptions, type DynamicsThermo, type DynamicsHooks, type DynamicsSummary } from "./dynamics/driver.js";
export type { ThermostatSpec } from "./dynamics/thermostats.js";
export type { BarostatSpec } from "./dynamics/barostat.js";
export { formatRestart, parseRestart, type RestartData } from "./dynamics/restart.js";
export { parseThermoCsv, type ParsedThermoLog } from "./io/thermo-log.js";

// ---- relaxation and properties
export {
  relax, fire, lbfgs, CellFilter,
  type RelaxOptions, type RelaxResult, type FireOptions, type LbfgsOptions, type CellFilterOptions, type ConstraintOptions,
} from "./optimize/index.js";
export {
  equationOfState, cohesiveEnergy, latticeConstant, elasticConstants, vacancyFormationEnergy, surfaceEnergy, radialDistribution,
  EV_PER_A3_IN_GPA, EV_PER_A3_IN_BAR, EV_PER_A2_IN_J_PER_M2,
  type EosOptions, type EosResult, type LatticeResult, type ElasticOptions, type ElasticResult,
  type VacancyOptions, type VacancyResult, type SurfaceOptions, type SurfaceResult, type RdfOptions, type RdfResult, type RdfCurve,
} from "./properties/index.js";

// ---- many structures, one big structure, and LAMMPS
export * from "./workers/index.js";
export * from "./domain/index.js";
export {
  exportEamLammps, exportEctLammps, exportStreitzLammps, formatSetfl, writeSetfl, writeEamFs,
  type LammpsExport, type Provenance, type StreitzExportSettings, type SetflData, type SetflElement,
} from "./export/index.js";

// ---- the advanced tier
export * as advanced from "./advanced.js";

// ---- 0.1 names of the advanced tier, kept at the top level (import them from `advanced`)
export {
  EamEngine, BOLTZMANN, FTM, MVV2E, loadKernelModule, EctEngine, type EctSolverOptions, type SolverReport,
  buildEctTables, type EctTables, qeqCalculate, type QeqResult, IMPLEMENTED_PROPERTIES, type SplineTable,
  VelocityVerlet, type ThermoRow, type VerletOptions, type RunHooks, type RunSummary, Random, type RandomState,
  makeThermostat, type Thermostat, type ThermostatState, METAL_COMPRESSIBILITY, pressureTensor, berendsenScale,
  RESTART_FORMAT, RESTART_VERSION, THERMO_COLUMNS, thermoColumns, formatThermoHeader, formatThermoRow, type ThermoColumn,
  ASE_TIME_FS, PositionObjective, type Optimizable, type Evaluation, type StepInfo, type RunOptions, type OptimizeResult,
  birchMurnaghanEnergy, fitBirchMurnaghan, isolatedAtomEnergy, type BirchMurnaghanFit,
  exportEamTables, fsIsAlloy, tableValues, freezeEct, writeFrozenSetfl, defaultLongRange, lammpsFrame, lammpsInputScript,
  CLUSTER_MARGIN, EXPORT_FILES, formatStreitzFile,
  type FrozenEct, type FrozenType, type FreezeOptions, type LongRangeExport, type InputScriptOptions,
} from "./advanced.js";
export * as streitz from "./streitz/index.js";
export * as xl from "./xl/index.js";
