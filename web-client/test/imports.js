// The module specifiers a JS source names, for the tests that hold a module to its imports (the
// netcode package to its own files, the tag page to the package and the app's generic modules).
// Not a test file itself (no .test.js suffix).

/**
 * The module specifiers a source names: static imports and re-exports, side-effect imports and
 * dynamic `import()` of a string.
 * @param {string} source
 * @returns {string[]}
 */
export function specifiers(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out = [];
  for (const m of code.matchAll(/\b(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g)) out.push(m[2]);
  for (const m of code.matchAll(/\bimport\s*(['"])([^'"]+)\1/g)) out.push(m[2]);
  for (const m of code.matchAll(/\bimport\s*\(\s*([^)]*)\)/g)) out.push(m[1].trim().replace(/^(['"`])(.*)\1$/, '$2'));
  return out;
}
