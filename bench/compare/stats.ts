// Pure helpers of `npm run bench`: summaries of samples and the ratio table it prints.

/** The q-quantile (0..1) of `values` by nearest rank; NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** A figure measured for both servers; `better` says which direction wins. */
export interface Figure {
  name: string;
  unit: string;
  better: 'higher' | 'lower';
  project: number;
  baseline: number;
}

/** project / baseline; NaN when either is missing or the baseline is not positive (a memory growth lost in the noise). */
export function ratio(project: number, baseline: number): number {
  return Number.isFinite(project) && Number.isFinite(baseline) && baseline > 0 ? project / baseline : Number.NaN;
}

/** A number for a table cell: thousands separated, fewer decimals for larger values, "–" for NaN. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Whether the project's figure is at least as good as the baseline's. */
export function atLeastAsGood(figure: Figure): boolean {
  const r = ratio(figure.project, figure.baseline);
  return Number.isFinite(r) && (figure.better === 'higher' ? r >= 1 : r <= 1);
}

/** The markdown table `npm run bench` prints: one row per figure, with project / baseline. */
export function ratioTable(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => {
    const r = ratio(figure.project, figure.baseline);
    const verdict = Number.isFinite(r) ? (atLeastAsGood(figure) ? 'ok' : 'worse') : '';
    return `| ${figure.name} | ${formatNumber(figure.project)} | ${formatNumber(figure.baseline)} | ${Number.isFinite(r) ? `${r.toFixed(2)}x` : '–'} | ${figure.better} is better | ${verdict} |`;
  });
  return ['| figure | project | baseline | project / baseline | | |', '| --- | ---: | ---: | ---: | --- | --- |', ...rows].join('\n');
}
