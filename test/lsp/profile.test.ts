// Load Profile… over LSP: the server reads the bytes the client sends, matches the folder's files, and
// re-publishes diagnostics with the measured share in the message and the hover, hot ones louder and cold ones
// quieter; a bad file is refused with its reason and the server carries on; Clear Profile undoes it.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLEAR_PROFILE_REQUEST, LOAD_PROFILE_REQUEST, type LoadProfileParams, type LoadProfileResult } from '../../common/protocol';
import { FIXTURES } from '../helpers/engine';
import { TestClient, type Diag } from './lspClient';

const DIR = path.join(FIXTURES, 'profiles');
const PIPELINE = readFileSync(path.join(DIR, 'pipeline.py'), 'utf8');
const FOLDER = 'file:///tmp/perflens-profile-lsp';
const URI = `${FOLDER}/app/pipeline.py`;

const at = (diags: Diag[], line: number) => diags.find((d) => d.range.start.line === line - 1)!;

function params(file: string, data = readFileSync(path.join(DIR, file))): LoadProfileParams {
  return { folder: FOLDER, name: file, data: data.toString('base64'), modified: Date.UTC(2026, 10, 20), files: ['app/pipeline.py', 'app/other.py'] };
}

describe('lsp: Load Profile', function () {
  let client: TestClient;
  before(async () => {
    client = new TestClient();
    const init = await client.initialize({ pull: true, initializationOptions: { clientCommands: true } });
    assert.equal((init.capabilities.experimental as { perflens: { profiles?: boolean } }).perflens.profiles, true);
    await client.open(URI, PIPELINE);
  });
  after(() => client.shutdown());

  it('re-publishes with the share in the message; hot findings one level up, cold ones down; the hover says what was measured', async () => {
    const before = await client.pull(URI);
    // append-loop-to-comprehension is a hint outside hot code (impact ranking, `auto`); measured hot, it gets its
    // info back and one level more.
    assert.equal(at(before, 6).severity, 4);
    assert.doesNotMatch(at(before, 6).message, /\[hot/);
    const result = await client.connection.sendRequest<LoadProfileResult>(LOAD_PROFILE_REQUEST, params('py-spy.speedscope.json'));
    assert.deepEqual(result, { message: 'py-spy.speedscope.json: 1 of its 2 files is in this workspace (py-spy)', matched: 1 });
    const after = await client.pull(URI);
    assert.match(at(after, 6).message, / \[hot: 60 % of samples on these lines, 98 % in `hot_loop`\]$/);
    assert.equal(at(after, 6).severity, 2); // warning
    assert.equal(at(after, 7).severity, 3); // hint → info
    assert.match(at(after, 16).message, / \[cold: never reached in the profile\]$/);
    assert.equal(at(after, 16).severity, 4);
    const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri: URI },
      position: { line: 6, character: 30 },
    });
    assert.ok(
      hover.contents.value.startsWith(
        '**Profile:** measured 38 % of samples on these lines, 98 % in `hot_loop` (py-spy, py-spy.speedscope.json, 2026-11-20).\n\n**Why:**',
      ),
      hover.contents.value,
    );
    assert.ok(client.logs.some((l) => l.includes('profile loaded for file:///tmp/perflens-profile-lsp: py-spy.speedscope.json: 1 of its 2 files')));
  });

  it('a file that is not a profile is refused with its reason; the loaded one stays, and the server answers', async () => {
    await assert.rejects(client.connection.sendRequest(LOAD_PROFILE_REQUEST, params('pipeline.py')), (e: Error) =>
      /pipeline\.py: not a profile perflens can read/.test(e.message),
    );
    await assert.rejects(
      client.connection.sendRequest(LOAD_PROFILE_REQUEST, params('cut.json', Buffer.from('{"traceEvents": ['))),
      /cut\.json: not valid JSON/,
    );
    assert.match(at(await client.pull(URI), 6).message, /\[hot: 60 %/);
  });

  it('a profile of other code matches nothing and says so; Clear Profile restores the plain diagnostics', async () => {
    const other = { ...params('scalene.json'), files: ['lib/elsewhere.py'] };
    const result = await client.connection.sendRequest<LoadProfileResult>(LOAD_PROFILE_REQUEST, other);
    assert.deepEqual(result, { message: 'scalene.json: none of its 1 file is in this workspace (Scalene)', matched: 0 });
    assert.doesNotMatch(at(await client.pull(URI), 6).message, /\[(hot|warm|cold)/);
    await client.connection.sendRequest(LOAD_PROFILE_REQUEST, params('torch-trace.json'));
    assert.match(at(await client.pull(URI), 6).message, /\[hot: 89 % of time in `hot_loop`\]$/);
    await client.connection.sendRequest(CLEAR_PROFILE_REQUEST, { folder: FOLDER });
    const cleared = await client.pull(URI);
    assert.doesNotMatch(at(cleared, 6).message, /\[/);
    assert.equal(at(cleared, 6).severity, 4);
  });
});
