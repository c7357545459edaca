import { cpuSeconds, cpuSpentMs, measuredCpu, processCpu, snapshotCpu } from './scale-cpu';

/** Burns this much CPU (not wall time: the machine is shared). */
const spin = (cpuMs: number): void => {
  const start = process.cpuUsage();
  while (true) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= cpuMs) return;
  }
};

describe('CPU of whole-log work from /proc', () => {
  it("reads this process's CPU, and null for a process that is gone or unknown", () => {
    expect(cpuSeconds(process.pid)).toBeGreaterThan(0);
    expect(cpuSeconds(undefined)).toBeNull();
    expect(cpuSeconds(2 ** 22 + 1)).toBeNull();
  });

  it('counts what the worker spent during the work', async () => {
    const { result, cpu } = await measuredCpu({ worker: () => process.pid, natsServer: () => process.pid }, async () => {
      spin(300);
      return 'done';
    });
    expect(result).toBe('done');
    expect(cpu.worker).toBeGreaterThanOrEqual(0.2);
    // One pid read twice a few microseconds apart: a clock tick may fall between the reads.
    expect(cpu.natsServer).toBeCloseTo(cpu.worker ?? -1, 1);
  });

  it("takes a new process's whole CPU when it starts at zero, and null for one that is gone", async () => {
    const { cpu } = await measuredCpu({ worker: () => process.pid, natsServer: () => undefined }, async () => undefined, {
      workerStartsAtZero: true,
    });
    // Read again after the measurement: the process has run on since, by a tick or two at most.
    expect(cpu.worker).toBeCloseTo(cpuSeconds(process.pid) ?? -1, 1);
    expect(cpu.natsServer).toBeNull();
  });
});

describe('CPU of every process over a window', () => {
  it("reads this process's own CPU and its children's, and null for a process that is gone", () => {
    const now = processCpu(process.pid);
    expect(now?.self).toBeGreaterThan(0);
    expect(now?.children).toBeGreaterThanOrEqual(0);
    expect(processCpu(undefined)).toBeNull();
    expect(processCpu(2 ** 22 + 1)).toBeNull();
  });

  it('gives what each process spent between two snapshots, null for one missing in either', () => {
    const pids = { bench: () => process.pid, gone: () => 2 ** 22 + 1 };
    const before = snapshotCpu(pids);
    spin(200);
    const spent = cpuSpentMs(before, snapshotCpu(pids));
    expect(spent.bench?.self).toBeGreaterThanOrEqual(150);
    expect(spent.bench?.children).toBe(0);
    expect(spent.gone).toBeNull();
  });
});
