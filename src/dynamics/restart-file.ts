// Node file helpers for restart files (the format is in restart.ts, which stays browser safe).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { formatRestart, parseRestart, type RestartData } from "./restart.js";

/** Reads a restart file written by {@link writeRestartFile}. */
export function readRestartFile(path: string): RestartData {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new InputError(`cannot read restart file ${path}: ${(err as Error).message}`);
  }
  return parseRestart(text, path);
}

/**
 * Writes a restart file. The text goes to a temporary file that is then renamed over `path`, so an
 * interrupted write never leaves a truncated restart behind.
 */
export function writeRestartFile(path: string, data: RestartData): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, formatRestart(data));
  renameSync(tmp, path);
}
