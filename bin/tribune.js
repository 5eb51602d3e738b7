#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm install` builds it (the `prepare` script).
import { main } from '../dist/cli/main.js';

// Exit explicitly once the command is done: libdatachannel's threads keep the event loop alive after
// every WebRTC session is closed. Flush stdout first so a piped report is not cut short.
main(process.argv.slice(2)).then((code) => {
  process.stdout.write('', () => process.exit(typeof code === 'number' ? code : 0));
});
