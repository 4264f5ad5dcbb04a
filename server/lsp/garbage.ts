// The full garbage collection the server runs when idle (server/lsp/idleCollection.ts), in a file of
// its own: it is the one place perflens touches `vm`, to read V8's own `gc` function into this
// process, and the security test holds it to exactly that (never workspace code).
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** The runtime's full-GC function: `global.gc` when Node was started with --expose-gc, else enabled now. */
export function garbageCollector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    // --expose-gc set after start adds `gc` to contexts created from then on (Node warns that flags
    // changed at run time are not guaranteed to work: without it, the server just skips the collection).
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}
