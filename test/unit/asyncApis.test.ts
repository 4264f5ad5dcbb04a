// The shared coroutine / blocking-call knowledge (server/analysis/asyncApis.ts), tested directly.
import * as assert from 'node:assert/strict';
import { asyncFramework, blockingCall, coroutineCallee, isShadowed, receiverKind, rootName } from '../../server/analysis/asyncApis';
import type { FileFacts } from '../../server/analysis/facts';
import type { Node } from '../../server/syntax/parser';
import { probe } from '../helpers/probe';

/** Runs fn on every call of the source (in order) and collects what it returns. */
async function overCalls<T>(source: string, fn: (call: Node, facts: FileFacts) => T): Promise<T[]> {
  const out: T[] = [];
  await probe(source, '(call) @call', (m, ctx) => {
    out.push(fn(m.need('call'), ctx.facts));
  });
  return out;
}

describe('engine: asyncApis', () => {
  it('knows same-file coroutine functions, methods and library coroutines', async () => {
    const src = [
      'import asyncio',
      'from asyncio import sleep as nap',
      'import functools',
      'async def fetch(): ...',
      'def plain(): ...',
      'def deco(f): return f',
      '@deco',
      'async def wrapped(): ...',
      'async def agen():',
      '    yield 1',
      'class Repo:',
      '    async def save(self): ...',
      '    def load(self): ...',
      '    @staticmethod',
      '    async def ping(): ...',
      '    async def run(self):',
      '        fetch()',
      '        plain()',
      '        wrapped()',
      '        agen()',
      '        self.save()',
      '        self.load()',
      '        self.ping()',
      '        asyncio.sleep(1)',
      '        nap(1)',
      '        asyncio.gather()',
      '        asyncio.create_task(fetch())',
      'async def shadow(fetch):',
      '    fetch()',
    ].join('\n');
    const got = await overCalls(src, (call, facts) => {
      const c = coroutineCallee(facts, call);
      return `${call.childForFieldName('function')!.text}:${c ? `${c.source}${c.schedulesEagerly ? '+eager' : ''}` : '-'}`;
    });
    assert.deepEqual(got, [
      'fetch:same-file',
      'plain:-',
      'wrapped:-', // an unknown decorator may return a sync callable
      'agen:-', // async generator, not a coroutine
      'self.save:same-file',
      'self.load:-',
      'self.ping:same-file',
      'asyncio.sleep:library',
      'nap:library',
      'asyncio.gather:library+eager',
      'asyncio.create_task:-',
      'fetch:same-file',
      'fetch:-', // the parameter shadows the module-level coroutine
    ]);
  });

  it('infers receivers from constructors, with-statements, awaits and self attributes', async () => {
    const src = [
      'import aiohttp, asyncio, httpx, requests, sqlite3',
      'import asyncpg',
      'class Client:',
      '    def __init__(self):',
      '        self.http = requests.Session()',
      '        self.other = make()',
      '    def go(self):',
      '        self.http.get(1)',
      '        self.other.get(1)',
      'async def main(param):',
      '    async with aiohttp.ClientSession() as s:',
      '        async with s.get(u) as resp:',
      '            resp.json()',
      '    c = httpx.AsyncClient()',
      '    c.get(u)',
      '    conn = sqlite3.connect("x")',
      '    cur = conn.cursor()',
      '    cur.execute("q")',
      '    pool = await asyncpg.create_pool()',
      '    async with pool.acquire() as db:',
      '        db.fetch("q")',
      '    reader, writer = await asyncio.open_connection(h, p)',
      '    writer.drain()',
      '    param.get(1)',
      '    q = asyncio.Queue()',
      '    q.put(1)',
      '    x = requests.Session()',
      '    x = other()',
      '    x.get(1)',
    ].join('\n');
    const got = await overCalls(src, (call, facts) => {
      const fn = call.childForFieldName('function')!;
      if (fn.type !== 'attribute' || !/^(get|json|execute|fetch|drain|put)$/.test(fn.childForFieldName('attribute')!.text)) return null;
      return `${fn.text}:${receiverKind(facts, fn.childForFieldName('object')) ?? '-'}`;
    });
    assert.deepEqual(
      got.filter((g) => g !== null),
      [
        'self.http.get:requests.Session',
        'self.other.get:-',
        's.get:aiohttp.ClientSession',
        'resp.json:aiohttp.ClientResponse',
        'c.get:httpx.AsyncClient',
        'cur.execute:sqlite3.Cursor',
        'db.fetch:asyncpg.Connection',
        'writer.drain:asyncio.StreamWriter',
        'param.get:-',
        'q.put:asyncio.Queue',
        'x.get:-', // two bindings that disagree
      ],
    );
  });

  it('classifies blocking calls and respects shadowing', async () => {
    const src = [
      'import subprocess as sp, socket, requests',
      'from urllib.request import urlopen',
      'def f(requests):',
      '    requests.get(1)',
      'sp.run(["ls"])',
      'urlopen("u")',
      'socket.getaddrinfo("h", 80)',
      'input()',
      'open("f")',
      'requests.Session().get("u")',
      'len([])',
      'def g():',
      '    open = 3',
      '    open("f")',
    ].join('\n');
    const got = await overCalls(src, (call, facts) => {
      const b = blockingCall(facts, call);
      return `${call.childForFieldName('function')!.text}:${b ? `${b.kind}${b.offloadable ? '' : '!'}` : '-'}`;
    });
    assert.deepEqual(got, [
      'requests.get:-',
      'sp.run:subprocess',
      'urlopen:http',
      'socket.getaddrinfo:dns',
      'input:input',
      'open:file!',
      'requests.Session().get:http',
      'requests.Session:-',
      'len:-',
      'open:-',
    ]);
  });

  it('tells the async framework from the imports', async () => {
    const pick = async (src: string) => (await overCalls(`${src}\nf()`, (_c, facts) => asyncFramework(facts)))[0];
    assert.equal(await pick('import asyncio'), 'asyncio');
    assert.equal(await pick('import trio'), 'trio');
    assert.equal(await pick('from anyio import to_thread'), 'anyio');
    assert.equal(await pick('import trio\nimport asyncio'), 'mixed');
    assert.equal(await pick('x = 1'), 'unknown');
  });

  it('finds the root of dotted names and local shadowing', async () => {
    const got = await overCalls('import time\ndef f(time):\n    time.sleep(1)\ndef g():\n    time.sleep(1)\n', (call, facts) => {
      const fn = call.childForFieldName('function')!;
      return `${rootName(fn)}:${isShadowed(facts, rootName(fn), call)}`;
    });
    assert.deepEqual(got, ['time:true', 'time:false']);
  });
});
