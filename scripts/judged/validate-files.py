#!/usr/bin/env python3
"""Re-run a build on the files holding judged findings of given rules; report judged findings kept/lost per verdict.
usage: validate.py <dist-dir> <rule>[,<rule>...]   (compares with /work/base63/dist)"""
import csv, json, subprocess, sys, os, collections
new, rules = sys.argv[1], sys.argv[2].split(',')
ROOT = {'review36': '/work/r60/review36', 'review37': '/work/r61/review37', 'review38': '/work/r62/review38'}
rows = []
for r in csv.DictReader(open('/work/r63/judged_lib_36_38.tsv'), delimiter='\t'):
    if r['rule'] in rules: rows.append((ROOT[r['review']] + r['set'], r))
for r in csv.DictReader(open('/work/r63/lib39_verdicts.tsv'), delimiter='\t'):
    if r['rule'] in rules and r['verdict'] == 'wrong': rows.append(('/work/r63/review39' + r['set'], dict(r, review='review39')))
files = sorted({(d, r['repo'], r['file'], r['rule']) for d, r in rows})
cache = {}
def run(dist, d, repo, f, rule):
    out = subprocess.run(['timeout', '300', 'node', dist + '/cli.js', 'check', f, '--select', rule, '--format', 'json', '--exit-zero', '--preview', '--impact', 'all', '--threads', '1'],
                         cwd=f'{d}/{repo}', capture_output=True, text=True)
    try: return {(x['location']['row'], x['code']) for x in json.loads(out.stdout)}
    except Exception: print('ERR', d, repo, f, out.stderr[:300], file=sys.stderr); return set()
diffs = []
for d, repo, f, rule in files:
    a, b = run('/work/base63/dist', d, repo, f, rule), run(new, d, repo, f, rule)
    cache[(d, repo, f)] = (a, b)
    for row, code in sorted(a - b): diffs.append(f'  removed {repo}/{f}:{row} {code}')
    for row, code in sorted(b - a): diffs.append(f'  added   {repo}/{f}:{row} {code}')
tally = collections.Counter()
for d, r in rows:
    a, b = cache[(d, r['repo'], r['file'])]
    k = (int(r['row']), r['rule'])
    state = 'kept' if k in b else ('lost' if k in a else 'absent-before')
    tally[(r['review'] == 'review39', r['rule'], r['verdict'], state)] += 1
    if state == 'lost' or (state == 'kept' and r['review'] == 'review39' and r['verdict'] == 'wrong'):
        print(f"{state:5} {r['review']} {r['verdict']:6} {r['rule']} {r['repo']}/{r['file']}:{r['row']}")
print('\n'.join(diffs))
for k, v in sorted(tally.items()): print(('review39' if k[0] else 'review36-38'), k[1], k[2], k[3], v)
