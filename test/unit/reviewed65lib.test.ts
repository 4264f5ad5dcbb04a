// Round 65, issue 24's library rules as a user sees them (the default output plus --preview): shapes that blind reviews
// of review36-40 judged noise while the ranking still showed them.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

async function lint(rule: string, src: string, filePath = '/proj/pkg/stations.py') {
  const engine = await getEngine();
  // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
  return engine.lintText(src, { select: [rule], filePath, impact: 'auto', keepHints: true }).findings.filter((f) => f.ruleId === rule);
}

// seisbench's station list: a file read once into lookup dicts, each row doing its own work.
const STATIONS = `import pandas as pd


class Geofon:
    def _load_stations(self, path):
        station_list = pd.read_csv(path)
        for _, row in station_list.iterrows():
            network, station = row["id"].split(".")[:2]
            self.stations[(network, station)] = (row["lat"], row["lon"])
`;

describe('pandas-iterrows over a file read in the function', () => {
  it('ranks a row loop over the file by where it stands: a hint in a function nothing shows hot', async () => {
    const [f] = await lint('pandas-iterrows', STATIONS);
    assert.equal(f?.severity, 'hint');
    assert.doesNotMatch(f!.impact!.reasons.join(';'), /is read from/);
  });

  it('still shows the rows turned into dicts one by one, which to_dict("records") replaces (near miss)', async () => {
    const src = STATIONS.replace(/for _, row in[^]*$/, 'self.rows = [row.to_dict() for _, row in station_list.iterrows()]\n');
    const [f] = await lint('pandas-iterrows', src);
    assert.equal(f?.severity, 'warning');
    assert.match(f!.impact!.reasons.join(';'), /every row of the file `station_list` is read from/);
  });

  it('still shows a row loop that scans a whole column per row (near miss)', async () => {
    const src = STATIONS.replace('network, station = row["id"].split(".")[:2]', 'hits = station_list[station_list["network"] == row["network"]]').replace(
      '(row["lat"], row["lon"])',
      'len(hits)',
    );
    const [f] = await lint('pandas-iterrows', src);
    assert.equal(f?.severity, 'warning');
  });
});
