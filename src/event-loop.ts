/**
 * Hands control back to the event loop during long computations. `await` of an already resolved
 * promise only runs microtasks; signal handlers (Ctrl-C in the CLI, which removes unfinished output
 * files before exiting), timers and I/O wait for a macrotask turn, which `breathe` gives at most
 * every `ms` milliseconds of work.
 */
export class EventLoopBreather {
  private last = performance.now();

  /** @param ms work (ms) between turns of the event loop */
  constructor(private readonly ms = 200) {}

  /** Yields one macrotask turn when `ms` milliseconds have passed since the last one. */
  async breathe(): Promise<void> {
    if (performance.now() - this.last < this.ms) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    this.last = performance.now();
  }
}
