// SPDX-License-Identifier: Apache-2.0
// Seeded randomness for the simulator: the same seed and the same request order give the same
// latencies and the same modes (mulberry32; small, fast, good enough for simulation).

export type Rng = () => number;

export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Distribution {
  dist: 'fixed' | 'uniform' | 'normal' | 'lognormal';
  /** fixed value; mean of normal; median of lognormal (ms). */
  value: number;
  min: number;
  max: number;
  /** normal: standard deviation (ms); lognormal: sigma of the underlying normal. */
  spread: number;
}

function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A sample in ms, clamped to [min, max]. */
export function sample(d: Distribution, rng: Rng): number {
  let x: number;
  switch (d.dist) {
    case 'fixed':
      x = d.value;
      break;
    case 'uniform':
      x = d.min + (d.max - d.min) * rng();
      break;
    case 'normal':
      x = d.value + d.spread * gaussian(rng);
      break;
    case 'lognormal':
      x = d.value * Math.exp(d.spread * gaussian(rng));
      break;
  }
  return Math.min(d.max, Math.max(d.min, x));
}
