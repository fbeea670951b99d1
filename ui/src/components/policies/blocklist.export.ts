// The block list's model in the UI: entries as `GET /blocklist` returns them, the expiry choices of the add form, and
// the export URLs with the curl command a gateway admin would put in a cron job. Pure (tested in tests/unit/ui/).

/** A block-list entry (`reason` may carry text from traffic when a policy added it). */
export interface BlocklistEntry {
  id: number;
  value: string;
  family: 4 | 6;
  reason: string;
  source: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
}

/** Whether an export token exists. */
export interface TokenStatus {
  configured: boolean;
  createdAt: number | null;
  createdBy: string | null;
}

/** Expiry choices of the add form, as `ttlSeconds` (null = never). */
export const EXPIRY_CHOICES = [
  { id: 'never', seconds: null },
  { id: '1h', seconds: 3600 },
  { id: '24h', seconds: 86_400 },
  { id: '7d', seconds: 604_800 },
  { id: '30d', seconds: 2_592_000 },
] as const;

/** The export formats. */
export const EXPORT_FORMATS = ['plain', 'nginx', 'json'] as const;

/** Where a gateway fetches one export format. */
export interface ExportLine {
  format: (typeof EXPORT_FORMATS)[number];
  url: string;
  curl: string;
}

/** What the token placeholder reads when the token is not shown any more. */
export const TOKEN_PLACEHOLDER = '<token>';

const FILES: Record<ExportLine['format'], string> = { plain: 'blocklist.txt', nginx: 'blocklist.conf', json: 'blocklist.json' };

/** The three export URLs on `origin` with their curl lines (token in the Authorization header, never the URL). */
export function exportLines(origin: string, token: string | null): ExportLine[] {
  const bearer = token ?? TOKEN_PLACEHOLDER;
  return EXPORT_FORMATS.map((format) => {
    const url = `${origin.replace(/\/+$/, '')}/api/v1/blocklist/export/${format}`;
    return { format, url, curl: `curl -fsS -H 'Authorization: Bearer ${bearer}' -o ${FILES[format]} '${url}'` };
  });
}

/** Who or what put an entry on the list: `manual`, a policy id, or a finding type. */
export function entrySource(source: string): { kind: 'manual' | 'policy' | 'finding' | 'other'; ref: string } {
  if (source === 'manual') return { kind: 'manual', ref: '' };
  const m = /^(policy|finding):(.+)$/.exec(source);
  return m === null ? { kind: 'other', ref: source } : { kind: m[1] as 'policy' | 'finding', ref: m[2] };
}
