/**
 * Analytic parameter gradients of the grand potential, by the Hellmann-Feynman argument: Omega is
 * stationary in the ensemble weights (under the charge constraint, which does not depend on the
 * parameters), so dOmega/dp at the solver's weights is the partial derivative at fixed weights:
 *   pair p:       sum_{i<j} S_pair(r) dphi/dp(r)
 *   resonance p:  sum_{i<j} 2 S_res(r) dh/dp(r) g_ij(w)
 *   embedding p:  sum_i w_iM dF_AM/dp(rhobar_i)
 *   kT:           -S = sum_iM w_iM ln w_iM
 * Clusters only (no periodic images): the training data are molecules.
 */
import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { naturalCubicSpline, resonanceFunction, smoothCutoff, type RadialFunction } from "../ect/forms.js";
import type { EctModel } from "../ect/model.js";
import { MAX_STATES } from "../ect/engine.js";
import { resonanceRoot } from "../ect/resonance-form.js";
import type { FitParameter } from "./parameters.js";
import { physical, samePair } from "./parameters.js";

/** What the gradient needs from an evaluation: weights (N x MAX_STATES) and host densities. */
export interface WeightState {
  weights: Float64Array;
  hostDensities: Float64Array;
}

/**
 * d Omega / d x_k for every parameter k, in the internal variables x (log p for positive ones).
 * @param model   the parsed model the results were computed with
 * @param atoms   the structure (cluster), A
 * @param state   its converged weights and host densities
 * @param params  free parameters (paths into the model file)
 */
export function omegaGradient(model: EctModel, atoms: Atoms, state: WeightState, params: readonly FitParameter[], x: ArrayLike<number>): Float64Array {
  if (atoms.pbc.some((p) => p)) throw new InputError("analytic parameter gradients are implemented for clusters (no periodic direction) only");
  const symbols = model.elements.map((e) => e.symbol);
  const type = atoms.symbols.map((s) => symbols.indexOf(s));
  const n = atoms.length;
  const pos = atoms.positions;
  const c = model.cutoffs;
  const pairTaper = smoothCutoff(c.pair, c.taper);
  const resTaper = smoothCutoff(c.resonance, c.taper);
  const w = state.weights;
  const grad = new Float64Array(params.length);
  const dist = (i: number, j: number) => Math.hypot(pos[3 * j] - pos[3 * i], pos[3 * j + 1] - pos[3 * i + 1], pos[3 * j + 2] - pos[3 * i + 2]);
  const role = (t: number, charge: number) => model.elements[t].states.findIndex((s) => s.charge === charge);

  params.forEach((p, k) => {
    const value = physical(p, x[k]);
    const [group, key, ...rest] = p.path;
    let d = 0;
    if (group === "pairs") {
      const name = String(rest[0]);
      const spec = model.pairs.find((q) => samePair(q.key, String(key)));
      if (!spec) throw new InputError(`no pair ${String(key)} in the model`);
      if (spec.states !== "all") throw new InputError(`pair ${String(key)}: analytic parameter derivatives need "states": "all" (fit bond-transfer models, which differentiate numerically)`);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          if (!((type[i] === spec.a && type[j] === spec.b) || (type[i] === spec.b && type[j] === spec.a))) continue;
          const r = dist(i, j);
          if (r >= c.pair) continue;
          d += pairTaper.value(r) * pairParameterDerivative(spec.spec as unknown as Record<string, number | string>, name, r);
        }
      }
    } else if (group === "resonance") {
      const name = String(rest[0]);
      const spec = model.resonance.find((q) => samePair(q.key, String(key)));
      if (!spec) throw new InputError(`no resonance ${String(key)} in the model`);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          if (!((type[i] === spec.a && type[j] === spec.b) || (type[i] === spec.b && type[j] === spec.a))) continue;
          const r = dist(i, j);
          if (r >= c.resonance) continue;
          const [ci, ni, ai, cj, nj, aj] = [role(type[i], 1), role(type[i], 0), role(type[i], -1), role(type[j], 1), role(type[j], 0), role(type[j], -1)];
          if (Math.min(ci, ni, ai, cj, nj, aj) < 0) continue;
          const W = (atom: number, s: number) => w[atom * MAX_STATES + s];
          const g = resonanceRoot(W(i, ci), W(j, aj), W(i, ni), W(j, nj)) + resonanceRoot(W(j, cj), W(i, ai), W(j, nj), W(i, ni));
          let dh = 0;
          if (spec.form === "exponential") {
            const e = Math.exp(-spec.kappa * r);
            dh = name === "h0" ? -e : name === "kappa" ? spec.h0 * r * e : 0;
          } else if (name === "scale") dh = resonanceFunction({ ...spec, scale: 1 }).value(r);
          d += 2 * resTaper.value(r) * dh * g;
        }
      }
    } else if (group === "elements") {
      const el = symbols.indexOf(String(key));
      const stateIndex = rest[1] as number;
      const name = String(rest[3]);
      const emb = model.elements[el].states[stateIndex].embedding;
      if (emb.form === "spline") {
        // Spline values enter linearly: dF/dy_k is the cardinal spline (y = e_k) at rhobar.
        if (name !== "points" || rest[5] !== 1) throw new InputError(`only the values (points[k][1]) of a spline embedding can be fitted, not ${p.label}`);
        const basis = splineCardinal(emb.points, rest[4] as number);
        for (let i = 0; i < n; i++) if (type[i] === el) d += w[i * MAX_STATES + stateIndex] * basis.value(state.hostDensities[i]);
      } else {
        const spec = emb as unknown as Record<string, number | string>;
        for (let i = 0; i < n; i++) {
          if (type[i] !== el) continue;
          d += w[i * MAX_STATES + stateIndex] * embeddingParameterDerivative(spec, name, state.hostDensities[i]);
        }
      }
    } else if (group === "electronicTemperature") {
      for (let m = 0; m < n * MAX_STATES; m++) if (w[m] > 0) d += w[m] * Math.log(w[m]);
    } else {
      throw new InputError(`no analytic gradient for parameter ${p.label}`);
    }
    grad[k] = p.transform === "log" ? d * value : d;
  });
  return grad;
}

/** d phi / d p of the pair forms (untapered), eV per unit of p. */
export function pairParameterDerivative(spec: Record<string, number | string>, name: string, r: number): number {
  switch (spec.form) {
    case "born-mayer": {
      const A = spec.A as number, rho = spec.rho as number;
      const e = Math.exp(-r / rho);
      if (name === "A") return e;
      if (name === "rho") return (A * r * e) / (rho * rho);
      if (spec.A2 === undefined) break;
      const A2 = spec.A2 as number, rho2 = spec.rho2 as number;
      const e2 = Math.exp(-r / rho2);
      if (name === "A2") return e2;
      if (name === "rho2") return (A2 * r * e2) / (rho2 * rho2);
      break;
    }
    case "morse": {
      const D = spec.D as number, alpha = spec.alpha as number, r0 = spec.r0 as number;
      const e = Math.exp(-alpha * (r - r0));
      if (name === "D") return e * e - 2 * e;
      if (name === "alpha") return -2 * D * (r - r0) * (e * e - e);
      if (name === "r0") return 2 * alpha * D * (e * e - e);
      break;
    }
  }
  throw new InputError(`pair form '${String(spec.form)}' has no parameter '${name}' to fit`);
}

/**
 * The cardinal function of knot k of a natural cubic spline through `points`: the spline with all
 * values 0 except y_k = 1 (same knots, same linear continuation). A natural spline is linear in its
 * values, so this is dF/dy_k (eV per eV) at any rhobar.
 */
export function splineCardinal(points: ReadonlyArray<readonly [number, number]>, k: number): RadialFunction {
  if (!(k >= 0 && k < points.length)) throw new InputError(`spline has no point ${k} (it has ${points.length})`);
  return naturalCubicSpline(points.map(([x], m) => [x, m === k ? 1 : 0] as [number, number]));
}

/** d F / d p of the embedding forms at host density rho (e/A^3), eV per unit of p. */
export function embeddingParameterDerivative(spec: Record<string, number | string>, name: string, rho: number): number {
  if (!(rho > 0)) return 0;
  switch (spec.form) {
    case "baskes": {
      const a = spec.a as number, rho0 = spec.rho0 as number;
      const x = rho / rho0;
      if (name === "a") return x * Math.log(x);
      if (name === "rho0") return (-a / rho0) * x * (Math.log(x) + 1);
      break;
    }
    case "sqrt":
      if (name === "a") return -Math.sqrt(rho);
      break;
  }
  throw new InputError(`embedding form '${String(spec.form)}' has no parameter '${name}' to fit`);
}
