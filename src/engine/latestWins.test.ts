import { describe, expect, it } from 'vitest';
import { LatestWins } from './latestWins';

/** A job runner whose jobs finish only when the test says so. */
function controllable() {
  const calls: { input: number; seq: number; finish(v?: string): void; fail(e: Error): void }[] = [];
  const run = (input: number, seq: number) =>
    new Promise<string>((resolve, reject) => {
      calls.push({ input, seq, finish: (v) => resolve(v ?? `r${input}`), fail: reject });
    });
  return { calls, run };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('LatestWins', () => {
  it('runs one job at a time and replaces the waiting one', async () => {
    const { calls, run } = controllable();
    const lw = new LatestWins(run);
    const a = lw.submit(1);
    const b = lw.submit(2);
    const c = lw.submit(3);
    await tick();
    expect(calls.map((c) => c.input)).toEqual([1]);
    expect(await b).toEqual({ status: 'superseded', seq: 2 });
    calls[0].finish();
    expect(await a).toEqual({ status: 'done', seq: 1, value: 'r1' });
    await tick();
    expect(calls.map((c) => c.input)).toEqual([1, 3]);
    calls[1].finish();
    expect(await c).toEqual({ status: 'done', seq: 3, value: 'r3' });
    expect(lw.busy).toBe(false);
  });

  it('keeps going after a failed job', async () => {
    const { calls, run } = controllable();
    const lw = new LatestWins(run);
    const a = lw.submit(1);
    const b = lw.submit(2);
    await tick();
    calls[0].fail(new Error('boom'));
    await expect(a).rejects.toThrow('boom');
    await tick();
    calls[1].finish();
    expect(await b).toMatchObject({ status: 'done', value: 'r2' });
  });

  it('delivers a burst of 100 submissions as at most two runs', async () => {
    const { calls, run } = controllable();
    const lw = new LatestWins(run);
    const outs = Array.from({ length: 100 }, (_, i) => lw.submit(i));
    await tick();
    calls[0].finish();
    await tick();
    calls[1].finish();
    const results = await Promise.all(outs);
    expect(calls.map((c) => c.input)).toEqual([0, 99]);
    expect(results.filter((r) => r.status === 'done').map((r) => r.seq)).toEqual([1, 100]);
  });
});
