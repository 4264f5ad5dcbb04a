// Keeping requests responsive on one thread. vscode-jsonrpc dispatches one queued message per
// event-loop turn, writes responses in later turns, and a lint runs synchronously: a slow lint holds
// up every message and every unsent response behind it. The server therefore (1) answers a request
// cancelled while still queued at once, without running it; (2) checks a request's cancellation
// before any costly step; and (3) starts background lints (pulled or pushed diagnostics, Scan
// Workspace, the idle-time check of incremental results) only at a quiet moment and one at a time:
// once the messages already received were dispatched and every other message was handled and its
// response written. Hovers and code actions lint right away: the only lint they wait for is their
// own file's (and one background lint that was already running: nothing can interrupt it), and a
// large file's lint in the worker for 1.5 s at most (server.ts, lintWithin).
import {
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type ConnectionOptions,
  type DiagnosticServerCancellationData,
  type Message,
  type ResponseMessage,
} from 'vscode-languageserver';

/** A background lint never waits longer than this for a quiet moment (a handler that never finishes must not stop linting). */
const MAX_WAIT_MS = 1000;

/** Who waits for a background turn: a request handler (its request stays in flight meanwhile) or a timer. */
export type BackgroundCaller = 'request' | 'timer';

export class Scheduler {
  /** Messages vscode-jsonrpc has dispatched so far: unchanged over a turn = nothing was queued. */
  private dispatched = 0;
  /** Messages dispatched whose handling (for a request: up to its response being written) is not finished. */
  private inFlight = 0;
  /** Requests waiting for a background turn: in flight, but only waiting for the others. */
  private waitingRequests = 0;
  /** The end of the background lane: each turn starts after the previous one was granted. */
  private lane: Promise<void> = Promise.resolve();

  /** For createConnection: tracks dispatched messages and cancels queued requests without running them. */
  readonly connectionOptions: ConnectionOptions = {
    messageStrategy: { handleMessage: (message, next) => this.track(() => next(message)) },
    connectionStrategy: { cancelUndispatched: cancelledResponse },
  };

  /**
   * Resolves when a background lint may run (see above), after the previous background turn. Do the
   * costly work right away (before any await), so the next turn's wait sees what arrived meanwhile.
   */
  backgroundTurn(caller: BackgroundCaller): Promise<void> {
    const waiting = caller === 'request' ? 1 : 0;
    this.waitingRequests += waiting;
    const turn = this.lane
      .then(() => this.quiet())
      .then(() => {
        this.waitingRequests -= waiting;
      });
    this.lane = turn;
    return turn;
  }

  /**
   * Awaits work done on another thread (the lint worker). A request handler waiting for it is in
   * flight but, like one waiting for a background turn, holds nothing up: background turns must not
   * wait for it to end.
   */
  async offThread<T>(work: Promise<T>, caller: BackgroundCaller): Promise<T> {
    const waiting = caller === 'request' ? 1 : 0;
    this.waitingRequests += waiting;
    try {
      return await work;
    } finally {
      this.waitingRequests -= waiting;
    }
  }

  private track<T>(handle: () => T | Promise<T>): T | Promise<T> {
    this.dispatched++;
    this.inFlight++;
    let result: T | Promise<T>;
    try {
      result = handle();
    } catch (error) {
      this.inFlight--;
      throw error;
    }
    if (!(result instanceof Promise)) {
      this.inFlight--;
      return result;
    }
    return result.finally(() => this.inFlight--);
  }

  /** Waits until a whole event-loop turn passes with no message dispatched and no other message in flight. */
  private async quiet(): Promise<void> {
    const deadline = performance.now() + MAX_WAIT_MS;
    // A message read in the turn this hop runs in is dispatched after it: the first hop proves nothing.
    await nextTurn();
    while (performance.now() < deadline) {
      const seen = this.dispatched;
      await nextTurn();
      if (this.dispatched === seen && this.inFlight <= this.waitingRequests) return;
    }
  }
}

/** The next event-loop turn (a browser worker has no setImmediate: a zero timeout is the next macrotask there). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** vscode-jsonrpc's hook for a cancel that arrives while its request is still queued. */
function cancelledResponse(message: Message): ResponseMessage | undefined {
  if (!('id' in message) || !('method' in message)) return undefined;
  return { jsonrpc: '2.0', id: message.id as ResponseMessage['id'], error: requestCancelled().toJson() };
}

export function requestCancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

/** The client cancelled the request: stop before doing more work. */
export function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw requestCancelled();
}

/**
 * A pull for a document that changed while the request waited: the answer would be for another
 * version, so the server cancels and (retrigger) asks the client to pull again.
 */
export function contentChanged(): ResponseError<DiagnosticServerCancellationData> {
  return new ResponseError(LSPErrorCodes.ServerCancelled, 'the document changed; pull again', { retriggerRequest: true });
}

/**
 * setTimeout for async work: a rejection of `task` goes to `report` (the server logs it), so it is
 * never an unhandled rejection that Node would otherwise print and, by default, exit on.
 */
export function setTimeoutReported(task: () => Promise<void>, delayMs: number, report: (error: unknown) => void): ReturnType<typeof setTimeout> {
  return setTimeout(() => void task().catch(report), delayMs);
}
