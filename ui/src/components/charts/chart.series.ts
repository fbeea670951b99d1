// The series a SeriesChart draws (kept in a plain module so pure helpers and tests can build them).

/** One series: its name in the legend, theme colour variable (`--accent`), kind and `[time ms, value]` points. */
export interface ChartSeries {
  name: string;
  color: string;
  kind: 'line' | 'bar';
  /** Bars with the same stack name are stacked. */
  stack?: string;
  data: Array<[number, number | null]>;
}
