/**
 * Extended XYZ (ASE / QUIP / OVITO flavour), read and written the way `ase.io.extxyz` does.
 *
 * Units: lengths and positions in A, cell (`Lattice`) rows a, b, c in A, masses in amu,
 * velocities in A/fs (column `velo`). ASE's `momenta` column (amu * A / ASE time unit) is converted
 * to A/fs on reading, with ASE's own unit definitions (CODATA 2014, see {@link ASE_FS}).
 * Everything else (forces in eV/A, energies in eV, stress in eV/A^3, ...) is carried through unchanged.
 *
 * Frame layout:
 * ```
 * N
 * Lattice="ax ay az bx by bz cx cy cz" Properties=species:S:1:pos:R:3:forces:R:3 energy=-3.5 pbc="T T T"
 * Cu 0 0 0 0.1 0.2 0.3
 * ...
 * ```
 * Header rules follow ASE's `key_val_str_to_dict`: whitespace separates `key=value` pairs; values may be
 * quoted with "...", '...', {...} or [...]; a backslash escapes the next character; a key without a value
 * means `true`; values that are all numbers become a number (or number[] when there are several, split on
 * whitespace or commas); values that are all of T/F/true/false/True/False/TRUE/FALSE become boolean(s);
 * values starting with `_JSON ` are JSON; anything else is a string. The `uid` key is always a string.
 *
 * The module is split by direction: `extxyz-syntax.ts` (numbers, the comment line's grammar,
 * `Properties=` specs, ASE's time unit), `extxyz-read.ts` ({@link parseExtxyz}) and
 * `extxyz-write.ts` ({@link formatExtxyz}); this file is the entry point that the rest imports.
 */
export { ASE_FS } from "./extxyz-syntax.js";
export { parseExtxyz } from "./extxyz-read.js";
export { formatExtxyz, type FormatExtxyzOptions } from "./extxyz-write.js";
