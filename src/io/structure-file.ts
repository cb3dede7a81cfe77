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
  if (name.endsWith(".xyz") || name.endsWith(".extxyz")) {
    const frames = readExtxyzFile(path);
    if (frames.length === 0) throw new InputError("no structure: the file is empty (expected an atom count, a comment line and atom lines)", { file: path });
    if (frames.some((f) => f.length === 0)) {
      const k = frames.findIndex((f) => f.length === 0);
      throw new InputError(`frame ${k} has no atoms`, { file: path, frame: k });
    }
    return frames;
  }
  if (name.endsWith(".data") || name.endsWith(".lmp") || name.startsWith("data.")) {
    const atoms = readLammpsDataFile(path, species);
    if (atoms.length === 0) throw new InputError("no atoms: the data file declares 0 atoms", { file: path });
    return [atoms];
  }
  throw new InputError("unknown structure format: expected .xyz/.extxyz (extended XYZ) or .data/.lmp (LAMMPS data)", { file: path });
}
