import fs from 'node:fs';

/**
 * CPU time (user + system, all threads) of this process and its descendants, read from /proc and
 * grouped by role, so a benchmark can report where the CPU of one operation goes. On a shared,
 * loaded machine this is a steadier measure than wall-clock latency. Linux only: elsewhere every
 * figure is zero.
 */
export type CpuRoles = Record<string, number>;

/** Picks a role for a process from its command name and command line; null: count it as its parent's role. */
export type RoleOf = (comm: string, commandLine: string) => string | null;

const CLOCK_TICKS_PER_SECOND = 100;

export function sampleProcessCpu(roleOf: RoleOf): CpuRoles {
  return sumOverProcesses(roleOf, (pid, stat) => stat.cpuMs);
}

/** Resident memory (MB) of each role, summed over its processes. */
export function sampleResidentMemory(roleOf: RoleOf): CpuRoles {
  return sumOverProcesses(roleOf, (pid) => residentKbOf(pid) / 1024);
}

function sumOverProcesses(roleOf: RoleOf, measure: (pid: number, stat: { comm: string; cpuMs: number }) => number): CpuRoles {
  const totals: CpuRoles = {};
  const visit = (pid: number, inherited: string) => {
    const stat = readStat(pid);
    if (!stat) return;
    const role = roleOf(stat.comm, commandLineOf(pid)) ?? inherited;
    totals[role] = (totals[role] ?? 0) + measure(pid, stat);
    for (const child of childrenOf(pid)) visit(child, role);
  };
  visit(process.pid, 'self');
  return totals;
}

function residentKbOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** CPU ms per operation of each role between two samples. */
export function cpuPerOperation(before: CpuRoles, after: CpuRoles, operations: number): CpuRoles {
  const perOperation: CpuRoles = {};
  for (const role of Object.keys(after)) perOperation[role] = ((after[role] ?? 0) - (before[role] ?? 0)) / operations;
  return perOperation;
}

export function formatCpu(label: string, perOperation: CpuRoles): string {
  const parts = Object.entries(perOperation)
    .sort(([, a], [, b]) => b - a)
    .map(([role, ms]) => `${role} ${ms.toFixed(1)}`);
  const total = Object.values(perOperation).reduce((sum, ms) => sum + ms, 0);
  return `${label.padEnd(44)} ${parts.join(', ')} (total ${total.toFixed(1)} ms CPU)`;
}

function readStat(pid: number): { comm: string; cpuMs: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself contain spaces or parentheses.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // Fields after the name start at field 3 (state): utime is field 14, stime field 15.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { comm, cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

function commandLineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const task of tasks) {
    try {
      const listed = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (listed) found.push(...listed.split(' ').map(Number));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return found;
}
