import { after } from 'node:test';
import ndc from 'node-datachannel';

/**
 * Once libdatachannel peers (node-side WHIP/WHEP clients, and the in-process server's own) have run,
 * something native keeps the process alive even after ndc.cleanup() and with no libuv handle left
 * (checked with process._getActiveHandles()). The benchmarks end with process.exit() for the same
 * reason; test files do it here, after the runner has set process.exitCode, so failures still fail.
 */
export function exitAfterNdcTests(): void {
  after(() => {
    ndc.cleanup();
    setTimeout(() => process.exit(), 100).unref();
  });
}
