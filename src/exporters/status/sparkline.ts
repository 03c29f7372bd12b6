// SPDX-License-Identifier: Apache-2.0
// A tiny inline SVG line of a 0..1 rate, one point per minute; a minute without data breaks
// the line instead of drawing a fake zero. No external asset, no script.

const W = 120;
const H = 24;

export function sparkline(values: ReadonlyArray<number | null>, label: string): string {
  const n = values.length;
  const x = (i: number) => (n <= 1 ? 0 : (i / (n - 1)) * W).toFixed(1);
  const y = (v: number) => (H - 2 - Math.min(1, Math.max(0, v)) * (H - 4)).toFixed(1);
  const runs: string[] = [];
  let run: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length) runs.push(run.join(' '));
      run = [];
    } else run.push(`${x(i)},${y(v)}`);
  });
  if (run.length) runs.push(run.join(' '));
  const lines = runs
    .map((pts) =>
      pts.includes(' ')
        ? `<polyline points="${pts}" fill="none" stroke="currentColor" stroke-width="1.5"/>`
        : `<circle cx="${pts.split(',')[0]}" cy="${pts.split(',')[1]}" r="1.5" fill="currentColor"/>`,
    )
    .join('');
  const known = values.filter((v) => v !== null).length;
  return `<svg class="spark" role="img" aria-label="${label}: ${known} of ${n} minutes with data" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" data-points="${known}"><line x1="0" y1="${H - 2}" x2="${W}" y2="${H - 2}" stroke="#dde1e7"/>${lines}</svg>`;
}
