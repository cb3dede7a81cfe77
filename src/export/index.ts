/** LAMMPS export (browser-safe): setfl/fs writers, the ECT-EAM fixed-charge limit, run directories. */
export { formatSetfl, writeSetfl, writeEamFs, exportEamTables, fsIsAlloy, tableValues, type SetflData, type SetflElement } from "./setfl.js";
export { freezeEct, writeFrozenSetfl, defaultLongRange, type FrozenEct, type FrozenType, type FreezeOptions, type LongRangeExport } from "./ect-frozen.js";
export {
  exportEamLammps,
  exportEctLammps,
  lammpsFrame,
  lammpsInputScript,
  CLUSTER_MARGIN,
  EXPORT_FILES,
  type LammpsExport,
  type Provenance,
  type InputScriptOptions,
} from "./lammps.js";
export { exportStreitzLammps, formatStreitzFile, type StreitzExportSettings } from "./streitz.js";
