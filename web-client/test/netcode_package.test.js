// The netcode package stands alone: its modules import only each other (no arena code, no npm
// dependency), each is type-checked (`// @ts-check`), and package.json exports what exists. When
// a TypeScript compiler is at hand (`TSC`, or `tsc` on PATH), `tsc -p web-client/netcode` passes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { specifiers } from './imports.js';
import { assertTypeChecks } from './tsc.js';

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'netcode');
const files = readdirSync(PACKAGE).filter((f) => f.endsWith('.js'));

test('the import scanner sees every form of import', () => {
  const src = [
    "import { a } from './a.js';",
    "import b from '../b.js';",
    "export { c } from 'c';",
    "export * from './d.js';",
    "import './e.js';",
    "const f = await import('./f.js');",
    "import {\n  g,\n  h,\n} from \"./g.js\";",
    '// import x from "./commented.js";',
  ].join('\n');
  assert.deepEqual(specifiers(src).sort(), ['../b.js', './a.js', './d.js', './e.js', './f.js', './g.js', 'c'].sort());
});

test('the package imports only its own files', () => {
  assert.ok(files.length >= 5, files.join(', '));
  for (const f of files) {
    for (const spec of specifiers(readFileSync(join(PACKAGE, f), 'utf8'))) {
      assert.match(spec, /^\.\/[a-z0-9_]+\.js$/, `${f} imports ${spec}: only ./<file>.js inside web-client/netcode/`);
      assert.ok(existsSync(join(PACKAGE, spec)), `${f} imports ${spec}, which does not exist`);
    }
  }
});

test('every module of the package is type-checked and package.json exports what exists', () => {
  for (const f of files) assert.ok(readFileSync(join(PACKAGE, f), 'utf8').startsWith('// @ts-check\n'), `${f} starts with // @ts-check`);
  const pkg = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8'));
  assert.equal(pkg.name, '@tickwire/netcode');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.dependencies, undefined, 'no runtime dependencies');
  for (const target of Object.values(pkg.exports)) assert.ok(existsSync(join(PACKAGE, String(target))), `export ${target}`);
  assert.ok(existsSync(join(PACKAGE, pkg.exports['.'])));
});

test('tsc finds no type errors in the package', (t) => {
  assertTypeChecks(t, PACKAGE, 'web-client/netcode');
});
