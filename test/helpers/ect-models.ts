// A copy of an ECT-EAM model (as JSON) cut down to some of its elements:
// the fitter's tests build tables for every parameter set they evaluate, and tables of two or three
// elements cost half the five's; a dimer or a curve of two elements sees no other element, and the
// cutoffs are the model's own, not derived from its elements.
/** A copy of `model` with only the elements `keep` and the pairs and couplings among them. */
export function withElements(model: any, keep: readonly string[]): any {
  const m = structuredClone(model);
  for (const el of Object.keys(m.elements)) if (!keep.includes(el)) delete m.elements[el];
  for (const section of ["pairs", "resonance"]) {
    for (const key of Object.keys(m[section] ?? {})) if (!key.split("-").every((el) => keep.includes(el))) delete m[section][key];
  }
  return m;
}
