// Node-only file helper for LAMMPS data files; the parser is in lammps-data.ts (browser-safe).
import { readFileSync } from "node:fs";
import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { parseLammpsData } from "./lammps-data.js";

/**
 * Reads a LAMMPS data file from disk (see {@link parseLammpsData}).
 * @param path file path; used in error messages.
 * @param species optional chemical symbol per atom type 1..ntypes.
 */
export function readLammpsDataFile(path: string, species?: string[]): Atoms {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(`cannot read LAMMPS data file: ${(e as Error).message}`, { file: path });
  }
  return parseLammpsData(text, { fileName: path, species });
}
