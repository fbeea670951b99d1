/**
 * Thresholds of the abuse and bot detectors, in one settings object with documented defaults (docs/behaviour.md).
 * Every detector reads its limits from here; none is buried in code. Windows are tumbling windows per key.
 */

/** Credential stuffing: one client trying many usernames with mostly failing logins. */
export interface CredentialStuffingSettings {
  /** Login attempts in the window before the detector may fire. */
  minAttempts: number;
  /** Distinct usernames tried in the window. */
  minUsernames: number;
  /** Share of failed attempts (0–1). */
  minFailureRatio: number;
}

/** Brute force: one client trying many passwords on one account. */
export interface BruteForceSettings {
  /** Failed attempts on one account in the window. */
  minFailures: number;
  /** Distinct passwords (by fingerprint) tried on that account. */
  minPasswords: number;
  /** Distributed brute force: clients that took part (the account-wide counts use the two limits above). */
  minClients: number;
  /** Distributed brute force: failures on the account a client must have made itself to be blamed. */
  minClientFailures: number;
}

/** Enumeration: walking object ids on one endpoint template. */
export interface EnumerationSettings {
  /** 403/404 answers on one template in the window. */
  minErrors: number;
  /** Share of 403/404 among the calls on that template (0–1). */
  minErrorRatio: number;
  /** Longest run of consecutive numeric ids requested on one template. */
  minSequentialRun: number;
  /** Passive BOLA: distinct ids an identity fetched successfully that no earlier response to it contained. */
  bolaMinUnseenIds: number;
  /** Passive BOLA: share of such ids among the ids it fetched (0–1). */
  bolaMinUnseenRatio: number;
}

/** Scraping: bulk sensitive records or high coverage of an id space. */
export interface ScrapingSettings {
  /** Sensitive values taken in responses in the window. */
  minSensitiveRecords: number;
  /** Distinct object ids fetched successfully on one template in the window. */
  minDistinctIds: number;
  /** Share of all ids seen on that template (by every client) that this client fetched (0–1). */
  minCoverage: number;
  /** Distinct page/offset values walked on one collection template in the window. */
  minPages: number;
}

/** Rate anomaly against a learned baseline of per-client call counts per bucket. */
export interface RateSettings {
  /** Bucket length in seconds. */
  bucketSec: number;
  /** Calls in one bucket below which nothing is anomalous (absolute floor). */
  minCallsPerBucket: number;
  /** Standard deviations above the learned mean. */
  zScore: number;
  /** Completed buckets the baseline needs before the z-score applies (until then the floor times `coldFactor`). */
  minBaselineBuckets: number;
  /** Multiplier of the floor while the baseline is still learning. */
  coldFactor: number;
  /** Weight of a new bucket in the exponentially weighted baseline (0–1). */
  baselineAlpha: number;
}

/** Automation fingerprints: user agents, header order, timing regularity. */
export interface AutomationSettings {
  /** Calls before timing regularity is judged. */
  minCalls: number;
  /** Coefficient of variation of inter-call gaps at or below which timing counts as machine-regular. */
  maxIntervalCv: number;
  /** Mean gap (seconds) at or below which regular timing counts (slow health checks are not bots). */
  maxMeanIntervalSec: number;
  /** Distinct user agents from one client, sent with a single header order, in the window. */
  minUserAgents: number;
  /** User-agent substrings of automation frameworks and headless browsers (case-insensitive). */
  botAgents: string[];
}

/** Memory caps: every structure is bounded; overflow is counted. */
export interface AbuseCaps {
  /** Clients and identities tracked at once (LRU). */
  actors: number;
  /** Templates tracked per client or identity. */
  templatesPerActor: number;
  /** Object ids remembered per (actor, template) and per template overall. */
  idsPerTemplate: number;
  /** Accounts tracked per client for brute force. */
  accountsPerActor: number;
  /** Usernames or passwords remembered per counter. */
  valuesPerCounter: number;
  /** Response bytes read to learn the ids given to an identity. */
  learnBodyBytes: number;
  /** Templates with a learned rate baseline. */
  baselines: number;
}

/** All abuse settings. */
export interface AbuseSettings {
  /** Tumbling window length in seconds for logins, enumeration, scraping and automation. */
  windowSec: number;
  credentialStuffing: CredentialStuffingSettings;
  bruteForce: BruteForceSettings;
  enumeration: EnumerationSettings;
  scraping: ScrapingSettings;
  rate: RateSettings;
  automation: AutomationSettings;
  caps: AbuseCaps;
}

/** Defaults (see docs/behaviour.md for the reasoning behind each). */
export const DEFAULT_ABUSE_SETTINGS: AbuseSettings = {
  windowSec: 600,
  credentialStuffing: { minAttempts: 20, minUsernames: 10, minFailureRatio: 0.6 },
  bruteForce: { minFailures: 10, minPasswords: 8, minClients: 3, minClientFailures: 3 },
  enumeration: { minErrors: 20, minErrorRatio: 0.5, minSequentialRun: 20, bolaMinUnseenIds: 20, bolaMinUnseenRatio: 0.8 },
  scraping: { minSensitiveRecords: 1000, minDistinctIds: 200, minCoverage: 0.5, minPages: 50 },
  rate: { bucketSec: 60, minCallsPerBucket: 300, zScore: 6, minBaselineBuckets: 20, coldFactor: 3, baselineAlpha: 0.05 },
  automation: {
    minCalls: 30,
    maxIntervalCv: 0.05,
    maxMeanIntervalSec: 5,
    minUserAgents: 5,
    botAgents: ['headlesschrome', 'phantomjs', 'scrapy', 'selenium', 'puppeteer', 'playwright', 'httrack', 'colly', 'python-urllib', 'mechanize', 'zgrab'],
  },
  caps: {
    actors: 50_000,
    templatesPerActor: 128,
    idsPerTemplate: 4096,
    accountsPerActor: 256,
    valuesPerCounter: 1024,
    learnBodyBytes: 16_384,
    baselines: 10_000,
  },
};

/** Partial settings as a user supplies them (each group may be partial). */
export type AbuseSettingsInput = { [K in keyof AbuseSettings]?: AbuseSettings[K] extends object ? Partial<AbuseSettings[K]> : AbuseSettings[K] };

/** Merges user settings over the defaults and rejects values out of range. */
export function resolveAbuseSettings(input: AbuseSettingsInput = {}): AbuseSettings {
  const d = DEFAULT_ABUSE_SETTINGS;
  const s: AbuseSettings = {
    windowSec: input.windowSec ?? d.windowSec,
    credentialStuffing: { ...d.credentialStuffing, ...input.credentialStuffing },
    bruteForce: { ...d.bruteForce, ...input.bruteForce },
    enumeration: { ...d.enumeration, ...input.enumeration },
    scraping: { ...d.scraping, ...input.scraping },
    rate: { ...d.rate, ...input.rate },
    automation: { ...d.automation, ...input.automation },
    caps: { ...d.caps, ...input.caps },
  };
  const problems: string[] = [];
  const positive = (name: string, v: number) => {
    if (!(Number.isFinite(v) && v > 0)) problems.push(`${name} must be a positive number`);
  };
  const ratio = (name: string, v: number) => {
    if (!(Number.isFinite(v) && v >= 0 && v <= 1)) problems.push(`${name} must be between 0 and 1`);
  };
  positive('windowSec', s.windowSec);
  for (const [group, values] of Object.entries(s) as Array<[string, unknown]>) {
    if (typeof values !== 'object' || values === null) continue;
    for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
      if (typeof v !== 'number') continue;
      if (/Ratio$|Coverage$|Alpha$|Cv$/.test(k)) ratio(`${group}.${k}`, v);
      else positive(`${group}.${k}`, v);
    }
  }
  if (problems.length > 0) throw new RangeError(`invalid abuse settings: ${problems.join('; ')}`);
  return s;
}
