import { readFileSync } from 'node:fs';

/** CPU seconds (user + system, all threads) and RSS of a process, from /proc (Linux). */
export function procStats(pid: number): { cpuSeconds: number; rssBytes: number; threads: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const threads = Number(fields[17]);
  const rssPages = Number(fields[21]);
  return { cpuSeconds: (utime + stime) / 100, rssBytes: rssPages * 4096, threads };
}
