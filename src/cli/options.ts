/**
 * Option definitions shared by the commands, built with commander's own facilities: enumerated values
 * are checked by `Option.choices` (commander names the flag and the allowed values), numbers by
 * `numberOption` in the command body (which knows the bounds).
 */
import { Option } from "commander";

/** `--flag <a|b|c>` restricted to `values`, with an optional default. */
export function choiceOption(flags: string, description: string, values: readonly string[], defaultValue?: string): Option {
  const o = new Option(flags, description).choices(values);
  return defaultValue === undefined ? o : o.default(defaultValue);
}

/** `--simd on|off`, default on. */
export function simdOption(): Option {
  return choiceOption("--simd <on|off>", "use the SIMD kernels", ["on", "off"], "on");
}

/** `--style eam|eam/alloy|eam/fs` (default: from the potential file name). */
export function styleOption(): Option {
  return choiceOption("--style <style>", "eam | eam/alloy | eam/fs (default: from the potential file name)", ["eam", "eam/alloy", "eam/fs"]);
}

/** The crystals `--lattice` builds (src/structures/lattice.ts `crystal`). */
export const CUBIC = ["fcc", "bcc", "sc", "diamond", "rocksalt"] as const;
