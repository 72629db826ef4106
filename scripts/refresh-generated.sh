#!/usr/bin/env bash
# Rewrites every generated artefact the tests compare against: openapi.json, the typed client's
# generated part (clients/typescript/src/generated/), the role table in docs/roles.md and the
# route → permission snapshot. Review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
node dist/scripts/write-openapi.js
node clients/typescript/scripts/generate.mjs
node dist/scripts/print-role-table.js > /tmp/ctcm-roles.md
node -e '
const fs = require("fs");
const doc = fs.readFileSync("docs/roles.md", "utf8");
const table = fs.readFileSync("/tmp/ctcm-roles.md", "utf8").trimEnd();
fs.writeFileSync("docs/roles.md", doc.replace(/<!-- roles:start -->\n[\s\S]*?\n<!-- roles:end -->/, `<!-- roles:start -->\n${table}\n<!-- roles:end -->`));
'
node --experimental-vm-modules node_modules/jest/bin/jest.js test/platform/schema-and-contract.spec.ts -u --silent
