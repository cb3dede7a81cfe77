/**
 * Physical-constraint warnings of a valid ECT-EAM model (not errors): the asymptotic decay of each
 * state density, positivity, the anion/neutral/cation ordering of sizes, and the Coulomb remainder
 * at the short-range cutoff. This is physics (radial forms, Coulomb integrals) run on a model that
 * `model-parse.ts` has already validated; `parseEctModel` (`model.ts`) attaches the result.
 */
import { COULOMB_K, coulombStatePair } from "./coulomb.js";
import { rbfDensity, rbfMeanRadius } from "./forms.js";
import { remainderCutoff, type DensityTerm, type EctElement, type EctModel, type EctState } from "./model-types.js";

/** Hartree energy in eV (CODATA 2018), for the asymptotic-decay rule. */
export const HARTREE_EV = 27.211386;
/** Bohr radius in A (as in the model spec). */
export const BOHR_A = 0.529177;
/** Relative deviation of the slowest Slater exponent from the asymptotic-decay rule that is reported. */
export const DECAY_RULE_TOLERANCE = 0.1;
/** Largest |u| (eV) of the Coulomb remainder inside the taper window that passes without a warning. */
export const COULOMB_REMAINDER_TOLERANCE = 1e-6;

/**
 * Slater exponent zeta (1/A) whose density exp(-2 zeta r) has the asymptotic decay of a state with
 * ionization energy I (eV): zeta = sqrt(2 I / Hartree) / bohr.
 */
export function asymptoticSlaterExponent(ionizationEnergy: number): number {
  return Math.sqrt((2 * ionizationEnergy) / HARTREE_EV) / BOHR_A;
}

function fmt(x: number, digits = 4): string {
  return Number(x.toPrecision(digits)).toString();
}

/**
 * Ionization energy of state m of element e (eV): its `ionizationEnergy` when given, else
 * E(lowest state with N-1 electrons) - E(m); undefined when neither exists.
 */
export function stateIonizationEnergy(el: EctElement, m: number): number | undefined {
  const s = el.states[m];
  if (s.ionizationEnergy !== undefined) return s.ionizationEnergy;
  let best: number | undefined;
  for (const t of el.states) {
    if (t.electrons === s.electrons - 1 && (best === undefined || t.energy < best)) best = t.energy;
  }
  return best === undefined ? undefined : best - s.energy;
}

/** Electron-weighted mean radius <r> of a state density (A); NaN for an empty density. */
function meanRadius(s: EctState): number {
  let num = 0;
  let den = 0;
  for (const t of s.density) {
    num += t.electrons * rbfMeanRadius(t);
    den += t.electrons;
  }
  return den !== 0 ? num / den : NaN;
}

/**
 * Physical constraints that `model` violates, each prefixed by its field path (what `EctModel.warnings`
 * holds): negative densities, asymptotic decay, size ordering of the states, Coulomb remainder.
 */
export function physicalWarnings(model: EctModel): string[] {
  const warnings: string[] = [];
  for (const el of model.elements) {
    const base = `elements.${el.symbol}`;
    el.states.forEach((s, m) => {
      const path = `${base}.states[${m}]`;
      if (s.electrons === 0) return;
      // positivity
      if (s.density.some((t) => t.electrons < 0)) {
        const rho = rbfDensity(s.density);
        for (let i = 0; i <= 3000; i++) {
          const r = i * 0.01;
          if (rho.value(r) < 0) {
            warnings.push(`${path}.density: the density of ${s.name} is negative at r = ${fmt(r)} A`);
            break;
          }
        }
      }
      // asymptotic decay exp(-2 sqrt(2 I) r), unless the file says the tail is compressed on purpose
      if (s.asymptoticDecay === "compressed") return;
      const I = stateIonizationEnergy(el, m);
      if (I === undefined) return;
      if (!(I > 0)) {
        warnings.push(`${path}: ${s.name} is unbound (ionization energy ${fmt(I)} eV <= 0)`);
        return;
      }
      const zetaI = asymptoticSlaterExponent(I);
      const slater = s.density.filter((t) => t.type === "slater" && t.electrons > 0);
      if (slater.length === 0) {
        warnings.push(
          `${path}.density: ${s.name} has no Slater term, so its tail decays like a Gaussian instead of ` +
            `exp(-2 zeta r) with zeta = ${fmt(zetaI)} 1/A (ionization energy ${fmt(I)} eV)`,
        );
        return;
      }
      const zmin = Math.min(...slater.map((t) => t.exponent));
      if (Math.abs(zmin / zetaI - 1) > DECAY_RULE_TOLERANCE) {
        warnings.push(
          `${path}.density: the slowest Slater exponent of ${s.name} is ${fmt(zmin)} 1/A, but the asymptotic decay ` +
            `exp(-2 sqrt(2I) r) with I = ${fmt(I)} eV gives ${fmt(zetaI)} 1/A`,
        );
      }
    });
    // anions more diffuse than neutrals, cations more compact: compare the lowest-energy state of
    // each electron count, in order of electron count
    const ground = new Map<number, number>();
    el.states.forEach((s, m) => {
      if (s.electrons === 0) return;
      const g = ground.get(s.electrons);
      if (g === undefined || s.energy < el.states[g].energy) ground.set(s.electrons, m);
    });
    const order = [...ground.entries()].sort((x, y) => x[0] - y[0]).map(([, m]) => m);
    for (let i = 1; i < order.length; i++) {
      const lo = el.states[order[i - 1]];
      const hi = el.states[order[i]];
      const rlo = meanRadius(lo);
      const rhi = meanRadius(hi);
      if (!(rhi > rlo)) {
        warnings.push(
          `${base}.states[${order[i]}].density: ${hi.name} (${hi.electrons} electrons, <r> = ${fmt(rhi)} A) ` +
            `is not more diffuse than ${lo.name} (${lo.electrons} electrons, <r> = ${fmt(rlo)} A)`,
        );
      }
    }
  }
  const cw = coulombRemainderWarning(model);
  if (cw) warnings.push(cw);
  return warnings;
}

/**
 * Largest |u| (eV) of the Coulomb remainder u = U - k Q Q'/R of every state pair inside the taper
 * window [rc - taper, rc] of its element pair's remainder cutoff (`cutoffs.coulombShortRange` or the
 * pair's own in `coulombShortRangePairs`; where the taper changes u, so this bounds
 * the energy error of the truncation), with the worst state pairs.
 */
export function coulombRemainderAtCutoff(model: EctModel): {
  maxAbs: number;
  failing: { pair: string; maxAbs: number; below: number }[];
} {
  const w = model.cutoffs.taper;
  const all: { Z: number; density: DensityTerm[]; label: string; element: number }[] = [];
  model.elements.forEach((el, e) => el.states.forEach((s) => all.push({ Z: el.Z, density: s.density, label: `${el.symbol}:${s.name}`, element: e })));
  let maxAbs = 0;
  const failing: { pair: string; maxAbs: number; below: number }[] = [];
  for (let i = 0; i < all.length; i++) {
    for (let j = i; j < all.length; j++) {
      const rc = remainderCutoff(model.cutoffs, all[i].element, all[j].element);
      const u = coulombStatePair(all[i], all[j], COULOMB_K).remainder;
      let m = 0;
      for (let k = 0; k <= 4; k++) m = Math.max(m, Math.abs(u.value(rc - w + (k * w) / 4)));
      maxAbs = Math.max(maxAbs, m);
      if (m > COULOMB_REMAINDER_TOLERANCE) {
        let below = rc;
        while (below < 200 && Math.abs(u.value(below - w)) > COULOMB_REMAINDER_TOLERANCE) below += 0.5;
        failing.push({ pair: `${all[i].label}-${all[j].label}`, maxAbs: m, below });
      }
    }
  }
  failing.sort((x, y) => y.maxAbs - x.maxAbs);
  return { maxAbs, failing };
}

function coulombRemainderWarning(model: EctModel): string | undefined {
  const { failing } = coulombRemainderAtCutoff(model);
  if (failing.length === 0) return undefined;
  const worst = failing
    .slice(0, 3)
    .map((f) => `${f.pair} ${f.maxAbs.toExponential(1)} eV`)
    .join(", ");
  const need = Math.max(...failing.map((f) => f.below));
  return (
    `cutoffs.coulombShortRange: the short-ranged Coulomb remainder u = U - kQQ'/R still exceeds ` +
    `${COULOMB_REMAINDER_TOLERANCE} eV inside the taper window (the last ${fmt(model.cutoffs.taper)} A before the cutoff) for ` +
    `${failing.length} state pair(s) (worst: ${worst}); the taper cuts that off. |u| < ${COULOMB_REMAINDER_TOLERANCE} eV ` +
    `needs a cutoff >= ${need < 200 ? fmt(need) : "200+"} A (coulombShortRange, or coulombShortRangePairs for the elements concerned; diffuse densities decay slowly)`
  );
}
