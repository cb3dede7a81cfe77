import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { readExtxyzFile } from "./extxyz-file.js";
import { readLammpsDataFile } from "./lammps-data-file.js";

/**
 * Reads structures by file name: extended XYZ (`.xyz`, `.extxyz`: every frame) or a LAMMPS data
 * file (`.data`, `.lmp`, `data.*`: one frame; `species` names the atom types 1..n when the file's
 * Masses section carries no `# Symbol` comments).
 */
export function readStructureFile(path: string, species?: string[]): Atoms[] {
  const name = path.toLowerCase().split("/").pop() ?? "";
  if (name.endsWith(".xyz") || name.endsWith(".extxyz")) return readExtxyzFile(path);
  if (name.endsWith(".data") || name.endsWith(".lmp") || name.startsWith("data.")) {
    return [readLammpsDataFile(path, species)];
  }
  throw new InputError("unknown structure format: expected .xyz/.extxyz (extended XYZ) or .data/.lmp (LAMMPS data)", { file: path });
}
