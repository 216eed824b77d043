/**
 * How busy the machine is, recorded beside every benchmark figure: the 1-minute load average, and the
 * other processes that used a noticeable share of a core over a short window (read from /proc twice; on a
 * system without /proc only the load average). The bench shares 2 cores with training runs and tests, so
 * a figure without its load cannot be compared with another.
 */
import fs from 'node:fs';
import os from 'node:os';

export interface BusyProcess {
  pid: number;
  command: string;
  /** Share of one core over the window, in %. */
  cpu: number;
}

export interface MachineLoad {
  loadavg: [number, number, number];
  cores: number;
  /** Other processes above `threshold` % of a core during the window (this process and its children excluded). */
  busy: BusyProcess[];
  windowMs: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuTicks(): Map<number, { ticks: number; command: string; ppid: number }> {
  const out = new Map<number, { ticks: number; command: string; ppid: number }>();
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command is in parentheses and may hold spaces; the numeric fields follow the last ')'.
      const close = stat.lastIndexOf(')');
      const command = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // fields[0] is state (field 3); utime and stime are fields 14 and 15; ppid is field 4.
      out.set(Number(pid), { ticks: Number(fields[11]) + Number(fields[12]), command, ppid: Number(fields[1]) });
    } catch {
      // The process ended between listing and reading.
    }
  }
  return out;
}

/** The load now, with the processes busy over the next `windowMs` (default 500 ms). */
export async function machineLoad(windowMs = 500, threshold = 10): Promise<MachineLoad> {
  const a = cpuTicks();
  await new Promise((r) => setTimeout(r, windowMs));
  const b = cpuTicks();
  const mine = new Set<number>([process.pid]);
  // Our own children (e.g. the PyTorch peer) are part of the measurement, not of the load.
  for (const [pid, p] of b) if (mine.has(p.ppid)) mine.add(pid);
  const busy: BusyProcess[] = [];
  for (const [pid, p] of b) {
    const before = a.get(pid);
    if (!before || mine.has(pid)) continue;
    const cpu = ((p.ticks - before.ticks) / TICKS_PER_SECOND / (windowMs / 1000)) * 100;
    if (cpu >= threshold) busy.push({ pid, command: p.command, cpu: Math.round(cpu) });
  }
  busy.sort((x, y) => y.cpu - x.cpu);
  return { loadavg: os.loadavg().map((v) => Math.round(v * 100) / 100) as [number, number, number], cores: os.cpus().length, busy, windowMs };
}
