// Mocha runs the bundled suites (node esbuild.mjs --tests); PERFLENS_OUT moves them, see esbuild.mjs.
const path = require('node:path');
const base = process.env.PERFLENS_OUT ? path.resolve(process.env.PERFLENS_OUT) : __dirname;
module.exports = {
  spec: [path.join(base, 'out/test/**/*.test.js')],
  timeout: 60000,
  reporter: 'spec',
};
