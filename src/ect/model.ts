/**
 * ECT-EAM model files (JSON): types, validation and physical-constraint warnings.
 *
 * A model file describes, per element, a small library of isolated-atom states (cation, neutral,
 * anion, ...) with their energies, valence densities (sums of Slater / Gaussian s-functions) and
 * embedding functions, plus pair and resonance functions between elements, the cutoffs and the
 * electrostatics. The physics is in shared/docs/ect-eam-model.md; the file format is documented field
 * by field in `schema.json` next to this file (JSON Schema 2020-12, for editors). Validation itself is
 * this hand-written code: every error is a `ModelError` whose `field` is the path of the bad value,
 * e.g. `elements.Li.states[2].density[0].exponent: expected a number > 0, got -1 (in model.json)`.
 *
 * Browser-safe (no Node imports); `model-file.ts` adds the file reader. The module is split by
 * responsibility: `model-types.ts` (the types), `model-parse.ts` (validation of the format) and
 * `model-warnings.ts` (physical-constraint warnings); this file joins parsing and warnings and
 * re-exports the rest, so that code importing `model.js` needs nothing else.
 */
import { InputError } from "../errors.js";
import type { EctModel } from "./model-types.js";
import { validateEctModel } from "./model-parse.js";
import { physicalWarnings } from "./model-warnings.js";

export * from "./model-types.js";
export { ECT_DEFAULTS, ELECTRON_SUM_TOLERANCE, MODEL_KEYS } from "./model-parse.js";
export {
  asymptoticSlaterExponent,
  BOHR_A,
  COULOMB_REMAINDER_TOLERANCE,
  coulombRemainderAtCutoff,
  DECAY_RULE_TOLERANCE,
  HARTREE_EV,
  stateIonizationEnergy,
} from "./model-warnings.js";

/**
 * Parse the JSON text of a model file (browser-safe counterpart of `readEctModelFile`).
 * @throws InputError when the text is not JSON (with the line), ModelError when the model is invalid
 */
export function parseEctModelText(text: string, source: string): EctModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(reason);
    const line = m ? text.slice(0, Number(m[1])).split("\n").length : undefined;
    throw new InputError(`not valid JSON: ${reason}`, { file: source, line });
  }
  return parseEctModel(json, source);
}

/**
 * Validate a parsed model file and fill in defaults.
 *
 * @param json   the value of `JSON.parse` of a model file
 * @param source file name or label, quoted in messages
 * @returns the model, with `warnings` listing violated physical constraints (asymptotic decay,
 *          anion/neutral/cation ordering of sizes, positivity, Coulomb remainder at the cutoff)
 * @throws ModelError naming the field path of the first invalid value
 */
export function parseEctModel(json: unknown, source: string): EctModel {
  const model = validateEctModel(json, source);
  model.warnings = physicalWarnings(model);
  return model;
}
