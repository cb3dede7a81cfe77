import type { Atoms } from "../atoms.js";
import { forceEnergy, type Calculator } from "../calculators/protocol.js";
import { drain, type RelaxOptions, type RelaxResult } from "../optimize/index.js";
import { bulk } from "../structures/lattice.js";
import { surfaceSlab, type MillerIndex, type SlabLattice, type SlabOptions } from "../structures/slab.js";
import { relaxedEnergySteps } from "./relaxed-energy.js";
import { EV_PER_A2_IN_J_PER_M2 } from "./units.js";

/** Options of {@link surfaceEnergy}. */
export interface SurfaceOptions extends SlabOptions {
  /** Atomic layers in the slab (default 12). */
  layers?: number;
  /** Relax the slab's positions (default true; both surfaces relax, the cell stays). */
  relax?: boolean;
  /** Optimizer settings (default FIRE, fmax 1e-4 eV/A, 5000 steps). */
  relaxOptions?: RelaxOptions;
}

/** Surface energy of one slab. */
export interface SurfaceResult {
  miller: MillerIndex;
  layers: number;
  /** Atoms in the slab; surface area of one face, A^2. */
  atoms: number;
  area: number;
  /** Bulk energy per atom at the same lattice constant, eV. */
  bulkEnergyPerAtom: number;
  /** Slab energies, eV, before and after relaxation. */
  slabEnergyUnrelaxed: number;
  slabEnergyRelaxed: number;
  /** gamma = (E_slab - N e_bulk) / (2 A), eV/A^2 and J/m^2, unrelaxed and relaxed. */
  unrelaxed: number;
  relaxed: number;
  unrelaxedJm2: number;
  relaxedJm2: number;
  structure: Atoms;
  relaxation: RelaxResult | null;
}

/**
 * Surface energy of the (`miller`) face of a cubic crystal, from a slab of `layers` planes with two
 * equivalent free surfaces (open along z): gamma = (E_slab - N e_bulk) / (2 A), where e_bulk is the
 * energy per atom of the bulk crystal at the same lattice constant `a` (A; use the relaxed one).
 * Reported unrelaxed and with positions relaxed. The slab must be thick enough that the two surfaces
 * do not see each other: compare two thicknesses (`ect-eam property surface --layers 8,12,16`).
 */
export function surfaceEnergy(...args: Parameters<typeof surfaceSteps>): SurfaceResult {
  return drain(surfaceSteps(...args));
}

/** {@link surfaceEnergy} one relaxation step at a time (a generator for `drain` / `drainAsync`). */
export function* surfaceSteps(
  calculator: Calculator,
  symbol: string,
  structure: SlabLattice,
  a: number,
  miller: MillerIndex,
  opts: SurfaceOptions = {},
): Generator<void, SurfaceResult> {
  const layers = opts.layers ?? 12;
  const slab = surfaceSlab(symbol, structure, a, miller, layers, opts);
  const area = slab.info.area as number;
  const ref = bulk(symbol, structure, a, 1);
  const eBulk = forceEnergy(calculator.calculate(ref)) / ref.length;
  const { unrelaxed: eUnrelaxed, relaxed: eRelaxed, relaxation } = yield* relaxedEnergySteps(slab, calculator, opts);
  const gamma = (e: number) => (e - slab.length * eBulk) / (2 * area);
  return {
    miller,
    layers,
    atoms: slab.length,
    area,
    bulkEnergyPerAtom: eBulk,
    slabEnergyUnrelaxed: eUnrelaxed,
    slabEnergyRelaxed: eRelaxed,
    unrelaxed: gamma(eUnrelaxed),
    relaxed: gamma(eRelaxed),
    unrelaxedJm2: gamma(eUnrelaxed) * EV_PER_A2_IN_J_PER_M2,
    relaxedJm2: gamma(eRelaxed) * EV_PER_A2_IN_J_PER_M2,
    structure: slab,
    relaxation,
  };
}
