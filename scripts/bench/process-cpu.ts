/**
 * CPU time of processes on this machine, from /proc (Linux), for the
 * benchmarks that say where the CPU went: the API's process, a PostgreSQL
 * server's processes, the whole machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process so far, in seconds (0 once it is gone). */
export function processCpuSeconds(pid: number): number {
  return stat(pid)?.seconds ?? 0;
}

/** CPU seconds used so far by every process named postgres (those that exit meanwhile are lost: connections are pooled). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of pids()) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'latin1').trim() === 'postgres') total += processCpuSeconds(pid);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU seconds used so far by one PostgreSQL server: its postmaster (`dataDir`/postmaster.pid) and the processes it started. */
export function serverCpuSeconds(dataDir: string): number {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let total = processCpuSeconds(postmaster);
  for (const pid of pids()) {
    const s = stat(pid);
    if (s?.ppid === postmaster) total += s.seconds;
  }
  return total;
}

/** The whole machine's CPU seconds so far: busy, and in all. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'latin1').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3]! + fields[4]!;
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICKS, total: total / TICKS };
}

function pids(): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number);
}

function stat(pid: number): { ppid: number; seconds: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), seconds: (Number(fields[11]) + Number(fields[12])) / TICKS };
  } catch {
    return undefined;
  }
}
