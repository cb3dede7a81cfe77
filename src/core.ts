// Public API that runs anywhere (Node, browsers, workers, serverless): no file-system access.
export { Atoms, type AtomsInit, type ArrayColumn, type InfoValue } from "./atoms.js";
export { InputError, ModelError, CalculationFailed } from "./errors.js";
export { atomicNumber, massOf, symbolOf } from "./elements.js";
export { parseEamPotential, styleFromFileName } from "./potentials/eam-parse.js";
export type { EamPotential, EamStyle, SplineTable } from "./potentials/types.js";
export { EamEngine, type EngineOptions, BOLTZMANN, FTM, MVV2E } from "./engine/engine.js";
export { EamCalculator, type EamResults, IMPLEMENTED_PROPERTIES } from "./engine/calculator.js";
export { loadKernelModule, type KernelVariant } from "./engine/wasm.js";
export { parseExtxyz, formatExtxyz } from "./io/extxyz.js";
export { parseLammpsData, formatLammpsData } from "./io/lammps-data.js";
export { bulk, rocksalt } from "./structures/lattice.js";
export { maxwellBoltzmann, kineticEnergy, temperatureOf, degreesOfFreedom } from "./dynamics/velocities.js";
export { VelocityVerlet, type ThermoRow, type VerletOptions, type RunHooks, type RunSummary } from "./dynamics/md.js";
export { Random, type RandomState } from "./dynamics/random.js";
export { MolecularDynamics, type DynamicsOptions, type DynamicsThermo, type DynamicsHooks, type DynamicsSummary } from "./dynamics/driver.js";
export { makeThermostat, type Thermostat, type ThermostatSpec, type ThermostatState } from "./dynamics/thermostats.js";
export { METAL_COMPRESSIBILITY, pressureTensor, berendsenScale, type BarostatSpec } from "./dynamics/barostat.js";
export { formatRestart, parseRestart, RESTART_FORMAT, RESTART_VERSION, type RestartData } from "./dynamics/restart.js";
export { formatLammpsDump, parseLammpsDump, type LammpsDumpFrame, type ParsedDumpFrame } from "./io/lammps-dump.js";
export { THERMO_COLUMNS, thermoColumns, formatThermoHeader, formatThermoRow, parseThermoCsv, type ThermoColumn, type ParsedThermoLog } from "./io/thermo-log.js";
export { parseEctModel, parseEctModelText, type EctModel } from "./ect/model.js";
export { buildEctTables, type EctTables } from "./ect/tables.js";
export { EctEngine, type EctSolverOptions, type SolverReport } from "./ect/engine.js";
export { EctCalculator, type EctResults } from "./ect/calculator.js";
export { qeqCalculate, qeqFromEctModel, type QeqParameters, type QeqResult } from "./ect/qeq.js";
export * from "./workers/index.js";
export * from "./domain/index.js";
export * as streitz from "./streitz/index.js";
export * as xl from "./xl/index.js";
export { forceEnergy, type Calculator, type CalculatorResults } from "./calculators/protocol.js";
export {
  relax, fire, lbfgs, CellFilter, PositionObjective, ASE_TIME_FS,
  type RelaxOptions, type RelaxResult, type FireOptions, type LbfgsOptions, type CellFilterOptions, type ConstraintOptions,
  type Optimizable, type Evaluation, type StepInfo, type RunOptions, type OptimizeResult,
} from "./optimize/index.js";
export {
  equationOfState, fitBirchMurnaghan, birchMurnaghanEnergy, isolatedAtomEnergy, cohesiveEnergy, latticeConstant,
  elasticConstants, vacancyFormationEnergy, surfaceEnergy, radialDistribution,
  EV_PER_A3_IN_GPA, EV_PER_A3_IN_BAR, EV_PER_A2_IN_J_PER_M2,
  type EosOptions, type EosResult, type BirchMurnaghanFit, type LatticeResult, type ElasticOptions, type ElasticResult,
  type VacancyOptions, type VacancyResult, type SurfaceOptions, type SurfaceResult, type RdfOptions, type RdfResult, type RdfCurve,
} from "./properties/index.js";
export { supercell, removeAtoms } from "./structures/supercell.js";
export { surfaceSlab, layerSpacing, type MillerIndex, type SlabLattice, type SlabOptions } from "./structures/slab.js";
export * from "./export/index.js";
