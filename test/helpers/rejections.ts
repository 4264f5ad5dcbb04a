// Watching for unhandled promise rejections in a test (timers in the server must report, never leave one).

/** Runs `body` and returns the unhandled rejections Node saw meanwhile (mocha's own handler is set aside). */
export async function unhandledRejectionsDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listeners = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await body();
  } finally {
    process.off('unhandledRejection', listener);
    for (const l of listeners) process.on('unhandledRejection', l);
  }
  return seen;
}
