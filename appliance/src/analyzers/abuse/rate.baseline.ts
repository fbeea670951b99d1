/**
 * Learned baselines for rate anomalies: an exponentially weighted mean and variance of per-client call counts per
 * bucket, updated when a client's bucket closes (with counts that were not themselves anomalous, so an attacker
 * does not teach the baseline its own rate).
 */
import type { RateSettings } from './abuse.settings.ts';

/** Exponentially weighted mean and variance of completed bucket counts. */
export class RateBaseline {
  mean = 0;
  variance = 0;
  /** Buckets learned. */
  samples = 0;
  /** {@link limit} as of `limitSamples` learned buckets (recomputed after a bucket is learned, not per call). */
  private cachedLimit = 0;
  private limitSamples = -1;

  /** Learns one completed bucket count. */
  learn(count: number, alpha: number): void {
    if (this.samples === 0) {
      this.mean = count;
      this.variance = 0;
    } else {
      const diff = count - this.mean;
      const incr = alpha * diff;
      this.mean += incr;
      this.variance = (1 - alpha) * (this.variance + diff * incr);
    }
    this.samples++;
  }

  /** Calls per bucket above which a bucket is anomalous (the limit of {@link threshold}, cached between learned buckets). */
  limit(s: RateSettings): number {
    if (this.limitSamples !== this.samples) {
      this.cachedLimit = this.samples < s.minBaselineBuckets ? s.minCallsPerBucket * s.coldFactor : Math.max(s.minCallsPerBucket, this.mean + s.zScore * Math.sqrt(Math.max(this.variance, 0)));
      this.limitSamples = this.samples;
    }
    return this.cachedLimit;
  }

  /** Calls per bucket above which a bucket is anomalous, with the reason in words. */
  threshold(s: RateSettings): { limit: number; basis: string } {
    const limit = this.limit(s);
    if (this.samples < s.minBaselineBuckets) {
      return { limit, basis: `baseline still learning (${this.samples}/${s.minBaselineBuckets} buckets), cold limit ${limit}` };
    }
    const sd = Math.sqrt(Math.max(this.variance, 0));
    return { limit, basis: `learned mean ${this.mean.toFixed(1)} ± ${sd.toFixed(1)} per ${s.bucketSec}s over ${this.samples} buckets, limit ${Math.ceil(limit)}` };
  }
}

/**
 * One client's (or identity's) current bucket, with the previous bucket kept for a sliding-window estimate (so a
 * burst that straddles a bucket boundary is still seen whole).
 */
export class RateBucket {
  start = -1;
  count = 0;
  /** Calls of the previous bucket when it immediately preceded the current one, else 0. */
  previous = 0;
  anomalous = false;

  /** Calls in the last bucket length up to `ts`: the current bucket plus the overlapping share of the previous. */
  sliding(ts: number, bucketUs: number): number {
    const elapsed = (ts - this.start) / bucketUs;
    return Math.round(this.count + this.previous * Math.max(0, 1 - elapsed));
  }

  /**
   * Counts one call at `ts` (µs). When the call opens a new bucket, the closed bucket's count is learned by
   * `baseline` (unless it was anomalous).
   */
  count1(ts: number, bucketUs: number, baseline: RateBaseline, alpha: number): void {
    if (this.start < 0 || ts - this.start >= bucketUs || ts < this.start) {
      if (this.start >= 0 && !this.anomalous && this.count > 0) baseline.learn(this.count, alpha);
      const next = ts - (ts % bucketUs);
      this.previous = this.start >= 0 && next - this.start === bucketUs ? this.count : 0;
      this.start = next;
      this.count = 0;
      this.anomalous = false;
    }
    this.count++;
  }
}
