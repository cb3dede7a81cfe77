// Types for comlink's Node adapter, which comlink 4 ships as `dist/esm/node-adapter.mjs` with its
// declaration under the `.d.ts` name TypeScript does not look for next to an `.mjs` file.
declare module "comlink/dist/esm/node-adapter.mjs" {
  import type { Endpoint } from "comlink";
  /** The parts of a worker_threads `Worker` or `MessagePort` the adapter uses. */
  export interface NodeEndpoint {
    postMessage(message: unknown, transfer?: readonly unknown[]): void;
    on(type: string, listener: (value: unknown) => void): unknown;
    off(type: string, listener: (value: unknown) => void): unknown;
    start?: () => void;
  }
  /** Wraps a worker_threads `Worker` or `parentPort` as a comlink endpoint. */
  export default function nodeEndpoint(nep: NodeEndpoint): Endpoint;
}
