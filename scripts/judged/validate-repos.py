#!/usr/bin/env python3
"""Whole-repository check: run base and new builds with --select <rules> on every repository holding judged
review36-38 findings of those rules; count judged findings kept/lost by verdict and every other finding added/removed.
usage: validate_repos.py <new-dist> <rule>[,<rule>...]"""
import csv, json, os, subprocess, sys, collections
new, rules = sys.argv[1], sys.argv[2]
sel = set(rules.split(','))
ROOT = {'review36': '/work/r60/review36', 'review37': '/work/r61/review37', 'review38': '/work/r62/review38'}
judged = collections.defaultdict(dict)
for r in csv.DictReader(open('/work/r63/judged_lib_36_38.tsv'), delimiter='\t'):
    if r['rule'] in sel: judged[ROOT[r['review']] + r['set'] + '/' + r['repo']][(r['file'], int(r['row']), r['rule'])] = r['verdict']
def run(dist, repo):
    out = subprocess.run(['timeout', '600', 'node', dist + '/cli.js', 'check', '.', '--select', rules, '--format', 'json', '--exit-zero', '--preview', '--impact', 'all', '--threads', '1'], cwd=repo, capture_output=True, text=True)
    try: return {(os.path.relpath(x['filename'], repo), x['location']['row'], x['code']) for x in json.loads(out.stdout)}
    except Exception: print('ERR', repo, out.stderr[:200], file=sys.stderr, flush=True); return set()
tally = collections.Counter()
for repo in sorted(judged):
    a, b = run('/work/base63/dist', repo), run(new, repo)
    for k, v in judged[repo].items():
        tally[(k[2], v, 'kept' if k in b else 'lost' if k in a else 'absent')] += 1
        if k in a and k not in b: print('LOST', v, repo, k, flush=True)
    for k in sorted(a - b):
        if k not in judged[repo]: tally[(k[2], 'unjudged', 'removed')] += 1; print('removed-unjudged', repo, k, flush=True)
    for k in sorted(b - a): tally[(k[2], 'unjudged', 'added')] += 1; print('added', repo, k, flush=True)
for k, v in sorted(tally.items()): print(*k, v)
