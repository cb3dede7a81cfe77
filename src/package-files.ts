// The data files shipped with the package (Node only): bundled potentials and ECT-EAM models.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { InputError } from "./errors.js";

/**
 * Absolute path of a file shipped with the package, e.g. `packageFile("potentials/Cu_u3.eam")` or
 * `packageFile("models/ect-starter.json")`, wherever the package is installed (the bundle sits in
 * `dist/`, the data next to it). The same files are exported as `ect-eam/potentials/*` and
 * `ect-eam/models/*` for `import.meta.resolve` and bundlers.
 * @throws InputError when the package has no such file
 */
export function packageFile(relative: string): string {
  if (!/^(potentials|models)\/[^/]+$/.test(relative)) {
    throw new InputError(`packageFile takes 'potentials/NAME' or 'models/NAME', got '${relative}'`);
  }
  const path = fileURLToPath(new URL(`../${relative}`, import.meta.url));
  if (!existsSync(path)) throw new InputError(`the package has no file ${relative}`);
  return path;
}
