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
export { bulk } from "./build/lattice.js";
export { maxwellBoltzmann, kineticEnergy, temperatureOf, degreesOfFreedom } from "./dynamics/velocities.js";
export { VelocityVerlet, type ThermoRow, type VerletOptions, type RunHooks, type RunSummary } from "./dynamics/md.js";
export { Random } from "./dynamics/random.js";
