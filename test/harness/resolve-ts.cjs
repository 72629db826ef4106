// Jest loads globalSetup/globalTeardown through CommonJS, where the `.js` specifiers of
// our NodeNext sources do not resolve to their `.ts` files. Retry those with `.ts`.
const Module = require('node:module');
const original = Module._resolveFilename;
Module._resolveFilename = function resolveTs(request, parent, ...rest) {
  try {
    return original.call(this, request, parent, ...rest);
  } catch (err) {
    if (request.startsWith('.') && request.endsWith('.js')) {
      return original.call(this, request.slice(0, -3) + '.ts', parent, ...rest);
    }
    throw err;
  }
};
