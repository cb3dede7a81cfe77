/**
 * `--input FILE` or `--lattice fcc --a 3.615 --repeat 3`: the starting structure of the toolkit
 * commands (relax, property), read or built the same way everywhere.
 */
import type { Command } from "commander";
import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { formatExtxyz } from "../io/extxyz.js";
import { setEnergies, voigtToFull, withoutResults } from "../io/result-frame.js";
import { readStructureFile } from "../io/structure-file.js";
import type { CalculatorResults } from "../calculators/protocol.js";
import { crystal, type CrystalStructure } from "../structures/lattice.js";
import { numberOption, speciesOption } from "./common.js";
import { choiceOption, CUBIC } from "./options.js";

/** The flags `addStructureOptions` registers. */
export interface StructureFlags {
  input?: string;
  frame?: string;
  species?: string;
  lattice?: string;
  a?: string;
  repeat?: string;
  element?: string;
}

/** Registers --input, --frame, --species, --lattice, --a, --repeat and --element. */
export function addStructureOptions(cmd: Command, defaultRepeat = "1"): Command {
  return cmd
    .option("--input <file>", "structure: extended XYZ (see --frame) or LAMMPS data file")
    .option("--frame <n>", "frame of a multi-frame extended XYZ input, 0-based; negative counts from the end", "0")
    .option("--species <list>", "LAMMPS data input: symbols of atom types 1..n, comma-separated")
    .addOption(choiceOption("--lattice <fcc|bcc|sc|diamond|rocksalt>", "build a cubic crystal instead of --input", CUBIC))
    .option("--a <A>", "lattice constant for --lattice, A")
    .option("--repeat <n>", "conventional cells per edge for --lattice", defaultRepeat)
    .option("--element <symbols>", "element for --lattice (default: the potential's first); rocksalt: cation,anion (e.g. Na,Cl)");
}

/** A loaded or built structure and, for --lattice, what it was built from. */
export interface LoadedStructure {
  atoms: Atoms;
  source: string;
  lattice?: { structure: CrystalStructure; a: number; elements: string[]; repeat: number };
}

/** Reads --input (one frame) or builds --lattice; exactly one is required. */
export function loadStructure(flags: StructureFlags, elements: string[], command: string): LoadedStructure {
  if (flags.input !== undefined && flags.lattice !== undefined) throw new InputError(`${command}: give either --input or --lattice, not both`);
  if (flags.input !== undefined) {
    const frames = readStructureFile(flags.input, speciesOption(flags.species));
    const k = numberOption("--frame", flags.frame ?? "0", { integer: true })!;
    const idx = k < 0 ? frames.length + k : k;
    if (idx < 0 || idx >= frames.length) throw new InputError(`--frame ${k} is out of range (${frames.length} frames)`, { file: flags.input });
    return { atoms: frames[idx], source: flags.input };
  }
  if (flags.lattice !== undefined) {
    const a = numberOption("--a", flags.a, { positive: true });
    if (a === undefined) throw new InputError(`${command}: --lattice needs --a (lattice constant, A)`);
    const repeat = numberOption("--repeat", flags.repeat ?? "1", { integer: true, min: 1 })!;
    const structure = flags.lattice as CrystalStructure;
    const symbols = crystalElements(flags.element, structure, elements);
    return { atoms: crystal(symbols, structure, a, repeat), source: `${flags.lattice} ${symbols.join("")} a=${a} x${repeat}`, lattice: { structure, a, elements: symbols, repeat } };
  }
  throw new InputError(`${command} needs a structure: --input FILE or --lattice fcc --a 3.615`);
}

/**
 * The elements of a `--lattice` crystal: `--element` (comma-separated for rocksalt), else the
 * potential's first element, or for rocksalt its two elements when it has exactly two.
 */
export function crystalElements(element: string | undefined, structure: CrystalStructure, elements: readonly string[]): string[] {
  if (element !== undefined) return element.split(",").map((s) => s.trim());
  if (structure !== "rocksalt") return [elements[0]];
  if (elements.length === 2) return elements.slice();
  throw new InputError(`--lattice rocksalt needs --element CATION,ANION (the model has ${elements.join(", ")})`);
}

/** One extended XYZ frame of `atoms` with the calculator's results (energy, forces, stress, charges). */
export function resultFrame(atoms: Atoms, r: CalculatorResults, info: Record<string, number | string | boolean> = {}): string {
  const frame = withoutResults(atoms);
  frame.velocities = null;
  setEnergies(frame, r.energy, r.grandPotential);
  frame.info = { ...frame.info, ...info };
  // ASE's extended XYZ stores stress as a full 3x3 (eV/A^3).
  if (r.stress) frame.info.stress = voigtToFull(r.stress);
  frame.arrays = { ...frame.arrays, forces: { kind: "R", ncols: 3, data: r.forces.slice() } };
  if (r.charges) frame.arrays.charges = { kind: "R", ncols: 1, data: r.charges.slice() };
  return formatExtxyz(frame);
}

/** Parses an index list such as "0-3,7,9" (0-based, inclusive ranges). */
export function indexListOption(flag: string, value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const out: number[] = [];
  for (const part of value.split(",")) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new InputError(`${flag} expects indices such as 0-3,7 (0-based), got '${value}'`);
    const lo = Number(m[1]), hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new InputError(`${flag}: range ${part.trim()} runs backwards`);
    for (let i = lo; i <= hi; i++) out.push(i);
  }
  return out;
}

/** Parses k comma-separated numbers. */
export function numberListOption(flag: string, value: string | undefined, k?: number): number[] | undefined {
  if (value === undefined) return undefined;
  const v = value.split(",").map((s) => Number(s.trim()));
  if (v.some((x, i) => !Number.isFinite(x) || value.split(",")[i].trim() === "")) throw new InputError(`${flag} expects comma-separated numbers, got '${value}'`);
  if (k !== undefined && v.length !== k) throw new InputError(`${flag} expects ${k} numbers, got ${v.length}`);
  return v;
}
