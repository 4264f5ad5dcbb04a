// Giving memory back after a burst of typing. Each keystroke leaves short-lived garbage (texts,
// trees' JS wrappers, findings), and V8 often keeps the heap it grew to for long after the editor
// went quiet: measured after 10,000 edits, a server left idle for 25 s still held 107 MB of heap
// (19.5 MB live) and 302 MB RSS. One full collection once typing has stopped for a few seconds
// costs tens of milliseconds at a moment nobody waits for anything, and returns the RSS to within
// a few MB of where it started.

import { setTimeoutReported } from './scheduling';

/** How long after the last edit the collection runs. */
export const IDLE_COLLECTION_MS = 5000;

/** Runs `collect` once documents stop changing (opened, edited, closed): each change pushes it back by IDLE_COLLECTION_MS. */
export class IdleCollection {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly collect: () => void,
    /** Resolves when background work may run (the server's Scheduler). */
    private readonly quietTurn: () => Promise<void>,
    /** Hears a failed collection (the server logs it); nothing else is told. */
    private readonly report: (error: unknown) => void,
    private readonly delayMs = IDLE_COLLECTION_MS,
  ) {}

  changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeoutReported(
      async () => {
        this.timer = undefined;
        await this.quietTurn();
        if (this.timer === undefined) this.collect(); // no edit arrived while it waited
      },
      this.delayMs,
      this.report,
    );
    this.timer.unref?.();
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
