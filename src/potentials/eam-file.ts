/**
 * EAM potential files: LAMMPS-exact readers and tabulation (funcfl, setfl, Finnis-Sinclair).
 * The parsing itself lives in the browser-safe `eam-parse.ts`; this module adds the Node file reader.
 */
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { parseEamPotential } from "./eam-parse.js";
import type { EamPotential, EamStyle } from "./types.js";

export { parseEamPotential, styleFromFileName, FUNCFL_Z2R_FACTOR } from "./eam-parse.js";

/**
 * Read and tabulate an EAM potential file (Node only; `fs.readFileSync` as UTF-8, then `parseEamPotential`).
 *
 * @param path  file path; its suffix gives the style when `style` is absent
 * @param style "eam" (funcfl), "eam/alloy" (setfl) or "eam/fs" (Finnis-Sinclair)
 * @returns the tabulated potential (eV, A, amu; r*phi in eV*A)
 * @throws InputError when the file cannot be read or is malformed (file and line in the message)
 */
export function readEamPotentialFile(path: string, style?: EamStyle): EamPotential {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new InputError(`cannot read EAM potential file: ${reason}`, { file: path });
  }
  return parseEamPotential(text, { fileName: path, style });
}
