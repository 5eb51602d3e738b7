// Runs the CLI from source in a child process, exactly as bin/tribune.js runs the compiled one.
import { main } from '../../src/cli/main.js';

main(process.argv.slice(2)).then((code) => {
  process.stdout.write('', () => process.exit(code));
});
