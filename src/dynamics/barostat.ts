/**
 * Berendsen pressure coupling (Berendsen et al. 1984, as LAMMPS fix press/berendsen): at the end
 * of each step the cell and the positions are scaled by mu = (1 - beta dt/pdamp (P0 - P))^(1/3),
 * which relaxes the pressure P towards P0 exponentially with time constant pdamp when beta is the
 * system's compressibility. It does not sample the isothermal-isobaric ensemble (volume fluctuations
 * are suppressed) but drives a cell to its equilibrium size robustly. Units: bar, fs, 1/bar.
 */
import { CalculationFailed, InputError } from "../errors.js";
import { FTM } from "../engine/system.js";

/** LAMMPS metal nktv2p: eV/A^3 to bar. */
export const EV_PER_A3_TO_BAR = 1.6021765e6;

/**
 * Default compressibility, 1/bar: 1/(100 GPa), a typical metal's (Cu 140 GPa, Al 76, Fe 170). A
 * wrong value only changes how fast the pressure relaxes (time constant pdamp * beta_true / beta).
 */
export const METAL_COMPRESSIBILITY = 1e-6;

/** Which barostat, with its parameters. */
export type BarostatSpec =
  | { kind: "none" }
  | {
      kind: "berendsen";
      /** Target pressure, bar (positive = compressed, LAMMPS sign). */
      pressure: number;
      /** Relaxation time, fs. */
      pdamp: number;
      /** "iso": one scale factor from the mean pressure; "aniso": each axis from its own diagonal component. */
      couple: "iso" | "aniso";
      /** Compressibility beta, 1/bar (default {@link METAL_COMPRESSIBILITY}). */
      compressibility?: number;
    };

/** Checks a spec's numbers and returns it with defaults filled in. */
export function checkBarostat(spec: BarostatSpec): BarostatSpec {
  if (spec.kind === "none") return spec;
  if (!Number.isFinite(spec.pressure)) throw new InputError(`barostat target pressure must be a finite number of bar, got ${spec.pressure}`);
  if (!(spec.pdamp > 0) || !Number.isFinite(spec.pdamp)) throw new InputError(`barostat pdamp must be > 0 fs, got ${spec.pdamp}`);
  if (spec.couple !== "iso" && spec.couple !== "aniso") throw new InputError(`barostat coupling must be iso or aniso, got '${String(spec.couple)}'`);
  const beta = spec.compressibility ?? METAL_COMPRESSIBILITY;
  if (!(beta > 0) || !Number.isFinite(beta)) throw new InputError(`barostat compressibility must be > 0 1/bar, got ${beta}`);
  return { ...spec, compressibility: beta };
}

/**
 * Pressure tensor, bar, 3x3 row-major (LAMMPS sign: positive = compressed):
 * P_ab = (sum_i m_i v_ia v_ib + W_ab) / V, with W the virial sum r_a f_b (eV) and V in A^3.
 */
export function pressureTensor(velocities: ArrayLike<number>, masses: ArrayLike<number>, virial: ArrayLike<number>, volume: number): Float64Array {
  // Nine running sums in scalars, each over the atoms in order as p[3 a + b] += m v_a v_b: the same
  // sums, in one flat loop (it runs cold at every start-up).
  let xx = 0, xy = 0, xz = 0, yx = 0, yy = 0, yz = 0, zx = 0, zy = 0, zz = 0;
  for (let i = 0; i < masses.length; i++) {
    const m = masses[i] / FTM; // amu (A/fs)^2 to eV
    const vx = velocities[3 * i], vy = velocities[3 * i + 1], vz = velocities[3 * i + 2];
    xx += m * vx * vx; xy += m * vx * vy; xz += m * vx * vz;
    yx += m * vy * vx; yy += m * vy * vy; yz += m * vy * vz;
    zx += m * vz * vx; zy += m * vz * vy; zz += m * vz * vz;
  }
  const p = Float64Array.of(xx, xy, xz, yx, yy, yz, zx, zy, zz);
  for (let k = 0; k < 9; k++) p[k] = ((p[k] + virial[k]) / volume) * EV_PER_A3_TO_BAR;
  return p;
}

/**
 * The Berendsen scale factors per Cartesian axis for pressure tensor `p` (bar) after a step of `dt`
 * fs. Throws when the coupling is so strong that a factor would not be positive.
 */
export function berendsenScale(spec: BarostatSpec & { kind: "berendsen" }, p: ArrayLike<number>, dt: number): [number, number, number] {
  const beta = spec.compressibility ?? METAL_COMPRESSIBILITY;
  const f = (pc: number) => {
    const arg = 1 - ((beta * dt) / spec.pdamp) * (spec.pressure - pc);
    if (!(arg > 0.5) || !Number.isFinite(arg)) {
      throw new CalculationFailed(
        `Berendsen barostat: pressure ${pc.toFixed(1)} bar is too far from the target ${spec.pressure} bar for pdamp ${spec.pdamp} fs ` +
          `(volume would change by more than half in one step); increase --pdamp or lower the compressibility`,
      );
    }
    return Math.cbrt(arg);
  };
  if (spec.couple === "iso") {
    const mu = f((p[0] + p[4] + p[8]) / 3);
    return [mu, mu, mu];
  }
  return [f(p[0]), f(p[4]), f(p[8])];
}
