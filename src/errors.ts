/**
 * Error taxonomy, ordered by when an error happens (after ASE's calculator errors):
 * - `InputError`: bad user input found before any computation (a file, a line, an atom, a flag).
 * - `ModelError`: a potential or model that is internally inconsistent (names the field).
 * - `CalculationFailed`: a computation that ran but cannot give a trustworthy result.
 */

/** Where in the user's input something went wrong. Every field is optional. */
export interface InputLocation {
  /** File name as the user gave it. */
  file?: string;
  /** 1-based line number in that file. */
  line?: number;
  /** 0-based atom index within the structure (frame). */
  atom?: number;
  /** 0-based frame index in a multi-frame file. */
  frame?: number;
}

/** The location prefix `InputError` puts before its message ("file:line, frame F, atom A"). */
export function describeLocation(loc: InputLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file);
  else if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.frame !== undefined) parts.push(`frame ${loc.frame}`);
  if (loc.atom !== undefined) parts.push(`atom ${loc.atom}`);
  return parts.join(", ");
}

/** Bad input: the message says what was found, where, and what was expected. */
export class InputError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly atom?: number;
  readonly frame?: number;
  constructor(message: string, loc: InputLocation = {}) {
    const where = describeLocation(loc);
    super(where ? `${where}: ${message}` : message);
    this.name = "InputError";
    this.file = loc.file;
    this.line = loc.line;
    this.atom = loc.atom;
    this.frame = loc.frame;
  }
}

/** An inconsistent potential or model; `field` is a path such as `elements.Cu.mass`. */
export class ModelError extends Error {
  readonly field?: string;
  constructor(message: string, field?: string) {
    super(field ? `${field}: ${message}` : message);
    this.name = "ModelError";
    this.field = field;
  }
}

/** A computation that ran but whose result cannot be trusted (non-finite values, no convergence). */
export class CalculationFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CalculationFailed";
  }
}
