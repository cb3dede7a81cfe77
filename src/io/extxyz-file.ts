// Node-only file helpers for extended XYZ; the parser and formatter themselves are in extxyz.ts
// (browser-safe).
import { readFileSync, writeFileSync } from "node:fs";
import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { formatExtxyz, parseExtxyz, type FormatExtxyzOptions } from "./extxyz.js";

/** Reads every frame of an extended XYZ file. */
export function readExtxyzFile(path: string): Atoms[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new InputError(`cannot read extended XYZ file: ${(err as Error).message}`, { file: path });
  }
  return parseExtxyz(text, path);
}

/** Writes one or more frames to an extended XYZ file (full precision). */
export function writeExtxyzFile(path: string, frames: Atoms | Atoms[], opts: FormatExtxyzOptions = {}): void {
  writeFileSync(path, formatExtxyz(frames, opts));
}
