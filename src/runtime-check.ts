/**
 * Refuses to start on a Node.js the project does not support. Imported first by every entry
 * point, before any dependency is evaluated, so the message is the first thing a person sees.
 * `npm start`, `npm test` and every npm script run on the Node 24 that the project installs
 * itself (`node` package, `node_modules/.bin/node`); this catches `node dist/…` run by hand.
 */
export const SUPPORTED_NODE_MAJOR = 24;

const major = Number(process.versions.node.split('.')[0]);
if (major !== SUPPORTED_NODE_MAJOR) {
  process.stderr.write(
    `ctcm-api runs on Node.js ${SUPPORTED_NODE_MAJOR} LTS; this is Node.js ${process.versions.node}.\n` +
      `Start it through npm (npm start), which uses the Node ${SUPPORTED_NODE_MAJOR} that npm install put in ` +
      `node_modules/.bin, or run node_modules/.bin/node dist/src/main.js.\n`,
  );
  process.exit(1);
}
