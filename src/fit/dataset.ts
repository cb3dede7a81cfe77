/**
 * Training sets for fitting: extended XYZ frames with a reference energy (eV), and optionally forces
 * (eV/A), a dipole (e*A) and charges (e). Validation names the file and frame of every problem, so a
 * bad dataset fails before any fitting starts.
 */
import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { parseExtxyz } from "../io/extxyz.js";

/** One reference frame. */
export interface TrainingFrame {
  /** Dataset name (file name without folder and extension) and 0-based frame index in it. */
  dataset: string;
  index: number;
  atoms: Atoms;
  /** Reference energy, eV (binding energy relative to neutral isolated atoms for the QM curves). */
  energy: number;
  /** Reference forces, eV/A, N x 3 (absent when the frame has none). */
  forces: Float64Array | null;
  /** Reference dipole, e*A (absent when the frame has none, or marked `reliable=F`). */
  dipole: [number, number, number] | null;
  /** Bond length of a diatomic (the `R=` key or the distance of its two atoms), A; null otherwise. */
  bondLength: number | null;
}

/** A named set of frames from one file. */
export interface TrainingSet {
  name: string;
  source: string;
  frames: TrainingFrame[];
}

/**
 * Parses an extended XYZ training set.
 * @param text     file contents
 * @param source   file name for messages
 * @param elements the symbols the model covers; any other species is an error
 * @throws InputError for a frame without a finite `energy`, non-finite positions/forces/dipole,
 *   an unknown species, or an empty file
 */
export function parseTrainingSet(text: string, source: string, elements: readonly string[]): TrainingSet {
  const frames = parseExtxyz(text, source);
  if (frames.length === 0) throw new InputError("no frames in the training set", { file: source });
  const name = source.replace(/^.*[\\/]/, "").replace(/\.[^.]*$/, "");
  const out = frames.map((atoms, index): TrainingFrame => {
    const where = { file: source, frame: index };
    atoms.symbols.forEach((s, atom) => {
      if (!elements.includes(s)) {
        throw new InputError(`species '${s}' is not in the model (elements: ${elements.join(", ")})`, { ...where, atom });
      }
    });
    for (let k = 0; k < atoms.positions.length; k++) {
      if (!Number.isFinite(atoms.positions[k])) {
        throw new InputError(`position is ${atoms.positions[k]}, expected a finite number`, { ...where, atom: Math.floor(k / 3) });
      }
    }
    const e = atoms.info.energy;
    if (e === undefined) throw new InputError("no 'energy' key in the frame header: every training frame needs a reference energy (eV)", where);
    if (typeof e !== "number" || !Number.isFinite(e)) throw new InputError(`energy is '${String(e)}', expected a finite number (eV)`, where);
    let forces: Float64Array | null = null;
    const f = atoms.arrays.forces;
    if (f !== undefined) {
      if (f.kind !== "R" || f.ncols !== 3) throw new InputError("the 'forces' column must be R:3", where);
      forces = Float64Array.from(f.data as Float64Array);
      for (let k = 0; k < forces.length; k++) {
        if (!Number.isFinite(forces[k])) throw new InputError(`force is ${forces[k]}, expected a finite number (eV/A)`, { ...where, atom: Math.floor(k / 3) });
      }
    }
    let dipole: [number, number, number] | null = null;
    const d = atoms.info.dipole;
    if (d !== undefined) {
      if (!Array.isArray(d) || d.length !== 3 || !d.every((v) => typeof v === "number" && Number.isFinite(v))) {
        throw new InputError(`dipole is '${String(d)}', expected three finite numbers (e*A)`, where);
      }
      // Frames whose reference dipole the data's authors flag as unreliable are fitted on energy only.
      if (atoms.info.reliable !== false) dipole = [d[0] as number, d[1] as number, d[2] as number];
    }
    let bondLength: number | null = null;
    if (atoms.length === 2) {
      const p = atoms.positions;
      bondLength = Math.hypot(p[3] - p[0], p[4] - p[1], p[5] - p[2]);
    }
    return { dataset: name, index, atoms, energy: e, forces, dipole, bondLength };
  });
  return { name, source, frames: out };
}
