// The worker side of off-thread linting (see offThread.ts): an engine of its own, and a ParsedDocument
// (tree + incremental linter) per large document the main thread mirrors here. Messages are handled
// in order, so a lint sees exactly the text the main thread had when it asked. Node-only: main.ts
// starts it in a worker_threads Worker (dist/server.js again, with WorkerStart as workerData).
import type { MessagePort } from 'node:worker_threads';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ALL_RULES } from '../../rules';
import { Engine } from '../engine/engine';
import { NODE_FILES } from '../project/fileProbe';
import { ParsedDocument } from './documents';
import { constructNoteAt } from './hover';
import type { FromWorker, RemoteLint, ToWorker, WorkerStart } from './offThread';

export async function runLintWorker(port: MessagePort, start: WorkerStart): Promise<void> {
  const post = (message: FromWorker) => port.postMessage(message);
  // Messages that arrive while the engine loads wait for it, in order.
  const engine = Engine.create(ALL_RULES, start.wasm).then((e) => {
    e.files = NODE_FILES;
    e.onBrokenRule = (b) => post({ kind: 'log', message: `perflens: rule ${b.ruleId} is disabled: ${b.error}` });
    return e;
  });
  const documents = new Map<number, ParsedDocument>();
  let queue = Promise.resolve();
  port.on('message', (message: ToWorker) => {
    queue = queue
      .then(async () => handle(await engine, documents, message, post))
      .catch((error: unknown) => post({ kind: 'log', message: `perflens: lint worker: ${String(error)}` }));
  });
}

function handle(engine: Engine, documents: Map<number, ParsedDocument>, message: ToWorker, post: (m: FromWorker) => void): void {
  switch (message.kind) {
    case 'open': {
      const doc = new ParsedDocument(TextDocument.create(message.uri, message.languageId, message.version, message.text), engine);
      doc.onCorrected = () => post({ kind: 'corrected', key: message.key });
      documents.get(message.key)?.dispose();
      documents.set(message.key, doc);
      return;
    }
    case 'change':
      documents.get(message.key)?.update(message.changes, message.version);
      return;
    case 'dependencyChanged':
      documents.get(message.key)?.dependencyChanged();
      return;
    case 'close':
      documents.get(message.key)?.dispose();
      documents.delete(message.key);
      return;
    case 'lint':
    case 'construct':
      answer(documents.get(message.key), message, post);
  }
}

/** Runs a lint or a construct lookup and posts the answer (or why there is none). */
function answer(doc: ParsedDocument | undefined, message: Extract<ToWorker, { id: number }>, post: (m: FromWorker) => void): void {
  try {
    if (!doc) throw new Error('no such document in the lint worker');
    if (message.kind === 'lint') {
      const { findings, failures, hasSyntaxErrors, skipped, dependencies } = doc.lint(message.options);
      const result: RemoteLint = { findings, failures, hasSyntaxErrors, skipped, dependencies, parseMs: doc.lastParseMs };
      post({ kind: 'lint', id: message.id, result });
    } else {
      post({ kind: 'construct', id: message.id, result: constructNoteAt(doc.getTree(), doc.getText(), message.offset) });
    }
  } catch (error) {
    post({ kind: 'failed', id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}
