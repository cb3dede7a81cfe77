// Material properties computed with any Calculator (EAM, ECT-EAM, ...): see docs/properties.md.
export { EV_PER_A3_IN_GPA, EV_PER_A3_IN_BAR, EV_PER_A2_IN_J_PER_M2 } from "./units.js";
export {
  equationOfState, equationOfStateSteps, fitBirchMurnaghan, birchMurnaghanEnergy, isolatedAtomEnergy, cohesiveEnergy, scaled,
  type EosOptions, type EosResult, type BirchMurnaghanFit,
} from "./eos.js";
export { latticeConstant, latticeSteps, type LatticeOptions, type LatticeResult } from "./lattice.js";
export { elasticConstants, elasticConstantsSteps, type ElasticOptions, type ElasticResult } from "./elastic.js";
export { checkVacancyStructure, vacancyFormationEnergy, vacancySteps, type VacancyOptions, type VacancyResult } from "./vacancy.js";
export { surfaceEnergy, surfaceSteps, type SurfaceOptions, type SurfaceResult } from "./surface.js";
export { radialDistribution, type RdfOptions, type RdfResult, type RdfCurve } from "./rdf.js";
