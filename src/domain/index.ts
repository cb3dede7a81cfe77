/** One MD run over several workers by spatial domain decomposition (Node worker_threads, browser Web Workers). */
export {
  createDomainMd,
  type DomainMd,
  type DomainMdOptions,
  type DomainState,
  type DomainRunHooks,
  type DomainStats,
  type DomainStreitzPotential,
} from "./md.js";
