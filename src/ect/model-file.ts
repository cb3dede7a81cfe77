/**
 * Node-only reader of ECT-EAM model files (JSON); the validation lives in the browser-safe `model.ts`.
 */
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { parseEctModelText, type EctModel } from "./model.js";

export { parseEctModel, parseEctModelText } from "./model.js";

/**
 * Read and validate an ECT-EAM model file (UTF-8 JSON).
 *
 * @param path file path (quoted in messages)
 * @returns the validated model; `model.warnings` lists violated physical constraints
 * @throws InputError when the file cannot be read or is not JSON (file and line in the message);
 *         ModelError (field path in `field`) when the model is invalid
 */
export function readEctModelFile(path: string): EctModel {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new InputError(`cannot read ECT-EAM model file: ${reason}`, { file: path });
  }
  return parseEctModelText(text, path);
}
