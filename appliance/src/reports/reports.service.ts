/**
 * Scheduled email reports: schedules (CRUD), the delivery of due reports (called by the report-delivery job), "send
 * now", retries with backoff, and the report history with its HTML preview and PDF. A report run builds the
 * report of its period from the {@link ReportDataSource}, renders it once (HTML with inline SVG charts, the PDF of
 * that page and PNG charts for the email, in one Chromium batch), keeps the files in `<dataDir>/reports/`, and sends
 * it. A failed send is retried from the kept files; the error is stored in words a user understands.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMailer, MailError, type Mailer, type SmtpSettings } from '../mail/smtp.mailer.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { ReportSchedule, ReportScheduleInput, ReportSchedulesRepository } from '../store/sqlite/report-schedules.repository.ts';
import type { NewReportRun, ReportRun, ReportRunsRepository } from '../store/sqlite/report-runs.repository.ts';
import { formatZoned } from '../jobs/zoned.time.ts';
import { DEFAULT_BROWSER_OPTIONS, withReportBrowser, type BrowserOptions, type ReportBrowser } from './report-browser.renderer.ts';
import { barChartSvg, chartSize } from './report.charts.ts';
import { chartCid, renderReport } from './report.renderer.ts';
import { nextDueAfter, periodFor } from './report-schedule.rules.ts';
import type { ReportData, ReportDataSource, ReportPeriod, ReportScope } from './report.types.ts';

/** Delays before the 2nd, 3rd and 4th attempt; after the last, the run is `failed`. */
export const RETRY_DELAYS_MS: readonly number[] = [5 * 60_000, 30 * 60_000, 2 * 3600_000];

/** Who did something (for the audit trail). */
export interface Actor {
  userId: number | null;
  username: string;
  ip: string;
}

/** What the service is built on. */
export interface ReportsDeps {
  schedules: ReportSchedulesRepository;
  runs: ReportRunsRepository;
  source: ReportDataSource;
  clock: Clock;
  dataDir: string;
  version: string;
  /** The appliance's time zone (IANA name), read at each use so a settings change applies at once. */
  timeZone: () => string;
  /** The SMTP settings, or null while email is not configured. */
  smtp: () => SmtpSettings | null;
  audit?: AuditRepository;
  mailerFactory?: (s: SmtpSettings) => Mailer;
  browser?: BrowserOptions;
  log?: (line: string) => void;
}

/** Kept alongside a run's HTML and PDF so a retry sends exactly the same message. */
interface MailFiles {
  subject: string;
  text: string;
  emailHtml: string;
  charts: Array<{ cid: string; file: string }>;
  pdfName: string;
}

/** What one delivery pass did. */
export interface DeliverySummary {
  sent: number;
  retrying: number;
  failed: number;
}

/** Report schedules, delivery and history. */
export class ReportsService {
  private readonly dir: string;

  constructor(private readonly d: ReportsDeps) {
    this.dir = join(d.dataDir, 'reports');
    mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    const recovered = d.runs.recoverBuilding(d.clock.now());
    if (recovered > 0) d.log?.(`reports: ${recovered} report run(s) interrupted while building will be retried`);
  }

  /** All schedules. */
  listSchedules(): ReportSchedule[] {
    return this.d.schedules.list();
  }

  /** One schedule. */
  getSchedule(id: number): ReportSchedule | undefined {
    return this.d.schedules.get(id);
  }

  /** Adds a schedule; its first report is due at the next occurrence. */
  createSchedule(input: ReportScheduleInput, who: Actor): ReportSchedule {
    const now = this.d.clock.now();
    const s = this.d.schedules.create(input, nextDueAfter(input, now, this.d.timeZone()), who.username, now);
    this.audit(who, 'report_schedule.create', `report_schedule:${s.id}`, { name: s.name });
    return s;
  }

  /** Replaces a schedule's settings (the next due time is recomputed); undefined when unknown. */
  updateSchedule(id: number, input: ReportScheduleInput, who: Actor): ReportSchedule | undefined {
    const now = this.d.clock.now();
    const s = this.d.schedules.update(id, input, nextDueAfter(input, now, this.d.timeZone()), now);
    if (s !== undefined) this.audit(who, 'report_schedule.update', `report_schedule:${id}`, { name: s.name });
    return s;
  }

  /** Deletes a schedule (its report history stays); false when unknown. */
  deleteSchedule(id: number, who: Actor): boolean {
    const ok = this.d.schedules.delete(id);
    if (ok) this.audit(who, 'report_schedule.delete', `report_schedule:${id}`, {});
    return ok;
  }

  /** The report content of a period and scope, exactly as a report of that period would show it. */
  data(period: ReportPeriod, scope: ReportScope): ReportData {
    return this.d.source.collect(period, scope);
  }

  /**
   * Retries due failed deliveries, then builds and sends the report of every due schedule (each schedule moves on to
   * its next occurrence first, so a failure never repeats the period). Called by the report-delivery job.
   */
  async deliverDue(now: number): Promise<DeliverySummary> {
    const summary: DeliverySummary = { sent: 0, retrying: 0, failed: 0 };
    const tz = this.d.timeZone();
    const ids = this.d.runs.dueRetries(now).map((r) => r.id);
    for (const s of this.d.schedules.due(now)) {
      const period = periodFor(s, s.nextDueAt, tz);
      this.d.schedules.advance(s.id, period.end, nextDueAfter(s, now, tz));
      ids.push(this.d.runs.create({ scheduleId: s.id, trigger: 'schedule', language: s.language, recipients: s.recipients, hosts: s.hosts, periodStart: period.start, periodEnd: period.end }, now));
    }
    if (ids.length === 0) return summary;
    const rendered = await this.renderAll(ids);
    for (const id of ids) {
      const r = await this.attempt(id, now, rendered.get(id));
      if (r?.status === 'sent') summary.sent++;
      else if (r?.status === 'retrying') summary.retrying++;
      else if (r?.status === 'failed') summary.failed++;
    }
    return summary;
  }

  /** Builds and sends the report of schedule `id` now, for the period since its last report; undefined when unknown. */
  async sendNow(id: number, who: Actor): Promise<ReportRun | undefined> {
    const s = this.d.schedules.get(id);
    if (s === undefined) return undefined;
    const now = this.d.clock.now();
    const period = periodFor(s, now, this.d.timeZone());
    const run: NewReportRun = { scheduleId: s.id, trigger: 'manual', language: s.language, recipients: s.recipients, hosts: s.hosts, periodStart: period.start, periodEnd: period.end };
    const runId = this.d.runs.create(run, now);
    this.audit(who, 'report.send_now', `report_schedule:${id}`, { run: runId });
    return this.attempt(runId, now, (await this.renderAll([runId])).get(runId));
  }

  /** Report runs, newest first. */
  listRuns(limit = 100, scheduleId?: number): ReportRun[] {
    return this.d.runs.list(limit, scheduleId);
  }

  /** One run. */
  getRun(id: number): ReportRun | undefined {
    return this.d.runs.get(id);
  }

  /** The stored HTML page of a run (inline SVG charts), or undefined when it was not rendered. */
  runHtml(id: number): string | undefined {
    const r = this.d.runs.get(id);
    return r === undefined || r.htmlPath === '' || !existsSync(r.htmlPath) ? undefined : readFileSync(r.htmlPath, 'utf8');
  }

  /** The stored PDF of a run with a download name, or undefined. */
  runPdf(id: number): { name: string; content: Buffer } | undefined {
    const r = this.d.runs.get(id);
    if (r === undefined || r.pdfPath === '' || !existsSync(r.pdfPath)) return undefined;
    return { name: this.pdfName(r), content: readFileSync(r.pdfPath) };
  }

  /** Deletes finished runs created before `beforeMs` with their files; returns how many. */
  deleteRunsBefore(beforeMs: number): number {
    const old = this.d.runs.finishedBefore(beforeMs);
    for (const r of old) for (const f of this.runFiles(r.id)) rmSync(f, { force: true });
    return this.d.runs.deleteMany(old.map((r) => r.id));
  }

  private pdfName(r: ReportRun): string {
    return `api-radar-report-${formatZoned(r.periodEnd, this.d.timeZone(), false)}-${r.id}.pdf`;
  }

  private runFiles(id: number): string[] {
    const base = join(this.dir, String(id));
    const mail = `${base}.mail.json`;
    const charts = existsSync(mail) ? (JSON.parse(readFileSync(mail, 'utf8')) as MailFiles).charts.map((c) => c.file) : [];
    return [`${base}.html`, `${base}.pdf`, mail, ...charts];
  }

  /**
   * Renders the files of the runs that have none yet, all in one Chromium batch. Returns each run's mail files, or
   * the error that stopped its rendering.
   */
  private async renderAll(ids: readonly number[]): Promise<Map<number, MailFiles | Error>> {
    const out = new Map<number, MailFiles | Error>();
    const todo: ReportRun[] = [];
    for (const id of ids) {
      const mailPath = join(this.dir, `${id}.mail.json`);
      if (existsSync(mailPath) && existsSync(join(this.dir, `${id}.pdf`))) out.set(id, JSON.parse(readFileSync(mailPath, 'utf8')) as MailFiles);
      else {
        const run = this.d.runs.get(id);
        if (run !== undefined) todo.push(run);
      }
    }
    if (todo.length === 0) return out;
    try {
      await withReportBrowser(async (b) => {
        for (const run of todo) {
          try {
            out.set(run.id, await this.render(run, b));
          } catch (err) {
            out.set(run.id, err instanceof Error ? err : new Error(String(err)));
          }
        }
      }, this.d.browser ?? DEFAULT_BROWSER_OPTIONS);
    } catch (err) {
      for (const run of todo) if (!out.has(run.id)) out.set(run.id, err instanceof Error ? err : new Error(String(err)));
    }
    return out;
  }

  /** Builds one run's report and writes its HTML, PDF, chart images and mail parts. */
  private async render(run: ReportRun, b: ReportBrowser): Promise<MailFiles> {
    const base = join(this.dir, String(run.id));
    const schedule = run.scheduleId === null ? undefined : this.d.schedules.get(run.scheduleId);
    const data = this.d.source.collect({ start: run.periodStart, end: run.periodEnd }, { hosts: run.hosts });
    const rendered = renderReport(data, {
      language: run.language,
      timeZone: this.d.timeZone(),
      frequency: run.trigger === 'manual' || schedule === undefined ? 'manual' : schedule.frequency,
      version: this.d.version,
      generatedAt: this.d.clock.now(),
    });
    const files: MailFiles = { subject: rendered.subject, text: rendered.text, emailHtml: rendered.emailHtml, charts: [], pdfName: this.pdfName(run) };
    writeFileSync(`${base}.pdf`, await b.pdf(rendered.html), { mode: 0o640 });
    for (const chart of rendered.charts) {
      const { width, height } = chartSize(chart);
      const file = `${base}.${chart.id}.png`;
      writeFileSync(file, await b.svgToPng(barChartSvg(chart), width, height), { mode: 0o640 });
      files.charts.push({ cid: chartCid(chart), file });
    }
    writeFileSync(`${base}.html`, rendered.html, { mode: 0o640 });
    writeFileSync(`${base}.mail.json`, JSON.stringify(files), { mode: 0o640 });
    this.d.runs.setRendered(run.id, rendered.subject, `${base}.html`, `${base}.pdf`);
    return files;
  }

  /** One delivery attempt of run `id` with its rendered files (or the rendering error); returns the updated run. */
  private async attempt(id: number, now: number, files: MailFiles | Error | undefined): Promise<ReportRun | undefined> {
    const run = this.d.runs.get(id);
    if (run === undefined) return undefined;
    let mailer: Mailer | null = null;
    try {
      if (files === undefined || files instanceof Error) throw files ?? new Error('the report was not rendered');
      const smtp = this.d.smtp();
      if (smtp === null) throw new MailError('smtp_not_configured', 'Email is not set up: enter the SMTP server in the settings.', true, '');
      mailer = (this.d.mailerFactory ?? createMailer)(smtp);
      const result = await mailer.send({
        to: run.recipients,
        subject: files.subject,
        text: files.text,
        html: files.emailHtml,
        attachments: [
          ...files.charts.map((c) => ({ filename: `${c.cid.split('@')[0]}.png`, content: readFileSync(c.file), contentType: 'image/png', cid: c.cid })),
          { filename: files.pdfName, content: readFileSync(join(this.dir, `${run.id}.pdf`)), contentType: 'application/pdf' },
        ],
        headers: { 'X-API-Radar-Report': String(run.id) },
      });
      const refused = result.rejected;
      this.d.runs.markSent(
        id,
        this.d.clock.now(),
        refused.length === 0 ? null : { code: 'smtp_partial', error: `The SMTP server refused ${refused.length} of ${run.recipients.length} recipients: ${refused.join(', ')}. The others received the report; check these addresses.` },
      );
    } catch (err) {
      const e = err instanceof MailError ? err : new MailError('report_render', `The report could not be built: ${err instanceof Error ? err.message : String(err)}`, true, '');
      const delay = RETRY_DELAYS_MS[run.attempts];
      this.d.runs.markAttemptFailed(id, e.code, e.message, delay === undefined ? null : now + delay);
      this.d.log?.(`reports: run ${id} attempt ${run.attempts + 1} failed (${e.code}): ${e.message}`);
    } finally {
      mailer?.close();
    }
    return this.d.runs.get(id);
  }

  private audit(who: Actor, action: string, target: string, detail: Record<string, unknown>): void {
    this.d.audit?.append({ at: this.d.clock.now(), userId: who.userId, username: who.username, action, target, ip: who.ip, detail });
  }
}

