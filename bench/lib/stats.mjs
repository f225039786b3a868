// Percentiles over arrays of numbers, and a compact log-linear histogram for long streams of values (ms).

/** Rounds to 2 decimals; null stays null. */
export const r2 = x => (x == null || !Number.isFinite(x) ? null : Math.round(x * 100) / 100);

/** Nearest-rank percentile (p in 0..100) of an ascending array; null when empty. */
export function percentileOfSorted(sorted, p) {
  if (!sorted.length) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** { n, p50, p90, p99, max } of an array of numbers (ms, rounded to 0.01). */
export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    n: sorted.length,
    p50: r2(percentileOfSorted(sorted, 50)),
    p90: r2(percentileOfSorted(sorted, 90)),
    p99: r2(percentileOfSorted(sorted, 99)),
    max: r2(sorted.length ? sorted[sorted.length - 1] : null),
  };
}

// Histogram layout: values are recorded in whole microseconds. Below 2^11 µs every microsecond has its own bucket;
// above, each power of two is split into 1024 buckets (relative error < 0.1%). Covers up to 2^31 µs (~36 min).
const LINEAR = 2048;
const SUB_BITS = 10;
const SUB = 1 << SUB_BITS;
const BUCKETS = LINEAR + (31 - 11) * SUB;

function bucketOf(us) {
  if (us < LINEAR) return us;
  const e = 31 - Math.clz32(us); // highest set bit, >= 11
  return LINEAR + (e - 11) * SUB + ((us >>> (e - SUB_BITS)) - SUB);
}

/** Midpoint (µs) of a bucket's value range. */
function valueOf(bucket) {
  if (bucket < LINEAR) return bucket;
  const e = 11 + Math.floor((bucket - LINEAR) / SUB);
  const low = (((bucket - LINEAR) % SUB) + SUB) * 2 ** (e - SUB_BITS);
  return low + (2 ** (e - SUB_BITS) - 1) / 2;
}

/** Counts of values (ms) in log-linear buckets; exact count, sum and max. Survives postMessage via from(). */
export class Histogram {
  constructor() {
    this.counts = new Uint32Array(BUCKETS);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  /** Rebuilds a histogram that crossed a thread boundary as a plain object. */
  static from(o) {
    const h = new Histogram();
    h.counts.set(o.counts);
    h.count = o.count;
    h.sum = o.sum;
    h.max = o.max;
    return h;
  }

  record(ms) {
    const us = Math.min(2 ** 31 - 1, Math.max(0, Math.round(ms * 1000)));
    this.counts[bucketOf(us)]++;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  merge(other) {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
  }

  /** Nearest-rank percentile in ms (bucket midpoint, capped at the exact max); null when empty. */
  percentile(p) {
    if (!this.count) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.max, valueOf(i) / 1000);
    }
    return this.max;
  }

  /** { n, p50, p90, p99, max, mean } in ms, rounded to 0.01. */
  summary() {
    return {
      n: this.count,
      p50: r2(this.percentile(50)),
      p90: r2(this.percentile(90)),
      p99: r2(this.percentile(99)),
      max: r2(this.count ? this.max : null),
      mean: r2(this.count ? this.sum / this.count : null),
    };
  }
}
