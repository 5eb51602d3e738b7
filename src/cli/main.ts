import { serve, SERVE_HELP } from './serve.js';
import { loadtest, LOADTEST_HELP } from './loadtest.js';
import { preflight, PREFLIGHT_HELP } from './preflight.js';
import { demo, DEMO_HELP } from './demo.js';
import { edgeConfig, EDGE_CONFIG_HELP } from './edge-config.js';
import { admin, ADMIN_HELP } from './admin.js';
import { defence, DEFENCE_HELP } from './defence.js';
import { dsa, DSA_HELP } from './dsa.js';
import { notes, NOTES_HELP } from './notes.js';
import { backup, BACKUP_HELP } from './backup.js';
import { cluster, CLUSTER_HELP } from './cluster.js';

const HELP = `tribune — live audio conversations at national scale

Usage: tribune <command> [options]

Commands:
  serve       Run a Tribune origin: API, stage media (WHIP/WHEP), LL-HLS, replays
  loadtest    Drive a deployment with a join storm, a stage and an interactive audience; report
  preflight   Plan the machines an expected audience needs, from measured capacities
  demo        A live demo Space with two synthetic speakers: hear Tribune in a minute
  edge-config Print the nginx configuration of an audience edge for a list of origins
  cluster     Start N origins and the nginx edge on this machine (PostgreSQL, Redis): cluster mode to try
  admin       Make an administrator (tribune admin create <handle>)
  defence     Read or switch an origin's defences: under-attack mode on, off or auto
  dsa         Export statements of reasons, or submit them to the DSA Transparency Database
  notes       Score context notes by bridging, from a ratings file
  backup      A consistent copy of the embedded store, taken while Tribune runs
  help [cmd]  Help on a command

Run 'tribune <command> --help' for a command's options.
`;

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  serve: { run: serve, help: SERVE_HELP },
  loadtest: { run: loadtest, help: LOADTEST_HELP },
  preflight: { run: preflight, help: PREFLIGHT_HELP },
  demo: { run: demo, help: DEMO_HELP },
  'edge-config': { run: edgeConfig, help: EDGE_CONFIG_HELP },
  admin: { run: admin, help: ADMIN_HELP },
  defence: { run: defence, help: DEFENCE_HELP },
  dsa: { run: dsa, help: DSA_HELP },
  notes: { run: notes, help: NOTES_HELP },
  backup: { run: backup, help: BACKUP_HELP },
  cluster: { run: cluster, help: CLUSTER_HELP },
};

/** Returns the process exit code: 0 done, 1 failed, 2 used wrongly. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === 'help') {
    const topic = rest[0] ? COMMANDS[rest[0]] : undefined;
    process.stdout.write(topic ? topic.help : HELP);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    process.stderr.write(`tribune: unknown command '${command}'\n\n${HELP}`);
    return 2;
  }
  try {
    return await entry.run(rest);
  } catch (err) {
    process.stderr.write(`tribune ${command}: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return 1;
  }
}
