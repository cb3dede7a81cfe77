/** Node-only reader for `.streitz` files; the parser itself is in the browser-safe `params.ts`. */
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { parseStreitz, type StreitzParameters } from "./params.js";

/**
 * Reads and parses a LAMMPS `.streitz` parameter file (UTF-8).
 *
 * @param path file path
 * @returns the parameters (chi and J in eV, zeta in 1/A, Z in e)
 * @throws InputError when the file cannot be read or is malformed (file and line in the message)
 */
export function readStreitzFile(path: string): StreitzParameters {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new InputError(`cannot read coul/streitz parameter file: ${reason}`, { file: path });
  }
  return parseStreitz(text, path);
}
