#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm install` builds it (the `prepare` script).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then((code) => {
  if (typeof code === 'number') process.exitCode = code;
});
