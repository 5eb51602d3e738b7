// Runs the CLI from source in a child process, for benchmarks that need the origin in its own process.
import { main } from '../../src/cli/main.js';

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
