// The endpoint page's charts from `GET /calls/endpoint-timeline`: responses by status class as stacked bars and mean
// and 95th-percentile latency as lines, idle buckets filled (zero calls, no latency). Pure (tested in tests/unit/ui/).
import { fillGaps } from '../../lib/calls/calls.query.ts';
import type { ChartSeries } from '../charts/chart.series.ts';
import type { EndpointBucketView } from '../../../../appliance/src/services/calls.views.ts';

/** One bucket as the API returns it. */
export type EndpointBucket = EndpointBucketView;

/** Legend names in the UI language. */
export interface EndpointChartNames {
  avg: string;
  p95: string;
  noResponse: string;
}

/** The span a chart of all stored calls covers: first to last call, whole minutes, at least ten minutes wide. */
export function chartSpan(firstMs: number, lastMs: number): [number, number] {
  const from = Math.floor(firstMs / 60_000) * 60_000;
  return [from, Math.max(Math.floor(lastMs / 60_000) * 60_000 + 60_000, from + 600_000)];
}

type Point = Omit<EndpointBucket, 'time'> & { at: number };

/** The status and latency series of a range, idle buckets filled. */
export function endpointSeries(buckets: readonly EndpointBucket[], fromMs: number, toMs: number, bucketSeconds: number, names: EndpointChartNames): { statuses: ChartSeries[]; latency: ChartSeries[] } {
  const points = fillGaps<Point>(
    buckets.map(({ time, ...b }) => ({ at: Date.parse(time), ...b })),
    fromMs,
    toMs,
    bucketSeconds,
    (at) => ({ at, calls: 0, s2xx: 0, s3xx: 0, s4xx: 0, s5xx: 0, noResponse: 0, latencyAvgMs: null, latencyP95Ms: null }),
    500,
  );
  const bar = (name: string, key: 's2xx' | 's3xx' | 's4xx' | 's5xx' | 'noResponse', color: string): ChartSeries => ({ name, color, kind: 'bar', stack: 'status', data: points.map((p) => [p.at, p[key]]) });
  const line = (name: string, key: 'latencyAvgMs' | 'latencyP95Ms', color: string): ChartSeries => ({ name, color, kind: 'line', data: points.map((p) => [p.at, p[key]]) });
  return {
    statuses: [bar('2xx', 's2xx', '--ok'), bar('3xx', 's3xx', '--accent'), bar('4xx', 's4xx', '--warning'), bar('5xx', 's5xx', '--danger'), bar(names.noResponse, 'noResponse', '--muted')],
    latency: [line(names.avg, 'latencyAvgMs', '--accent'), line(names.p95, 'latencyP95Ms', '--warning')],
  };
}
