// Loads the chart chunk (SeriesChart with ECharts, ~535 kB) once, and only after the browser has painted what is on
// screen, so a page's figures and tables appear before the chart library is fetched, parsed and run.
import type SeriesChart from './SeriesChart.svelte';

type ChartModule = { default: typeof SeriesChart };
let loading: Promise<ChartModule> | null = null;

/** The chart component's module; the first call waits for the next paint before importing it. */
export function chartAfterPaint(): Promise<ChartModule> {
  loading ??= new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))).then(() => import('./SeriesChart.svelte'));
  return loading;
}
