// Public API for Node: everything in core.ts plus file helpers.
export * from "./core.js";
export { readEamPotentialFile } from "./potentials/eam-file.js";
export { readExtxyzFile, writeExtxyzFile } from "./io/extxyz-file.js";
export { readLammpsDataFile } from "./io/lammps-data-file.js";
export { readStructureFile } from "./io/structure-file.js";
export { readEctModelFile } from "./ect/model-file.js";
export { readStreitzFile } from "./streitz/params-file.js";
export { readRestartFile, writeRestartFile } from "./dynamics/restart-file.js";
export { packageFile } from "./package-files.js";
