// Reference transform for the benchmark (opt-in: bench/run.mjs --with-parse-only):
// parses every file with jscodeshift's configured parser and changes nothing, so its
// time is jscodeshift's runner + read + parse, the floor under any jscodeshift transform.
module.exports = function parseOnly(file, api) {
  api.jscodeshift(file.source);
  return undefined;
};
