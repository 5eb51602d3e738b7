// Runs the CLI from source in a child process (tests spawn it to kill it with SIGKILL).
import { main } from '../../src/cli/main.js';

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
