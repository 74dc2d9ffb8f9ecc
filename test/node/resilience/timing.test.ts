import { expect, it } from 'vitest';
import { secretsEqual } from '../../../src/middleware/auth/index.ts';

/** Median time of `runs` comparisons, in ns. */
async function medianNs(presented: string, secret: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await secretsEqual(presented, secret);
    times.push(Number(process.hrtime.bigint() - started));
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

it('takes as long for a wrong token sharing all but its last character as for one sharing nothing', async () => {
  const secret = `tok_${'s'.repeat(60)}`;
  const nearMiss = `${secret.slice(0, -1)}x`;
  const farMiss = 'x'.repeat(secret.length);
  await medianNs(farMiss, secret, 2000); // warm up
  // Interleave rounds so that machine noise hits both alike; compare medians with a generous band.
  const ratios: number[] = [];
  for (let round = 0; round < 5; round++) ratios.push((await medianNs(nearMiss, secret, 1000)) / (await medianNs(farMiss, secret, 1000)));
  const ratio = ratios.sort((a, b) => a - b)[2]!;
  expect(ratio).toBeGreaterThan(0.7);
  expect(ratio).toBeLessThan(1.4);
}, 60_000);
