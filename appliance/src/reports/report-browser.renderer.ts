/**
 * Headless Chromium (Debian's, through playwright-core) for the report: the PDF of the report page, PNG images of
 * the charts for the email, and page screenshots. One browser per render batch, closed after. Pages run with
 * JavaScript disabled and every network request refused, so nothing in a report can run or fetch.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Where Chromium is and how it is started (as in playwright.config.ts). */
export interface BrowserOptions {
  executablePath: string;
  args: string[];
  /** How long one page may take to load and print (Playwright's default of 30 s was too short on a VM without hardware virtualisation). */
  pageTimeoutMs?: number;
}

/** The defaults: Debian's Chromium, sandbox off (the service runs unprivileged without user namespaces). */
export const DEFAULT_BROWSER_OPTIONS: BrowserOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  pageTimeoutMs: 180_000,
};

/** What a render batch can do. */
export interface ReportBrowser {
  /** The A4 PDF of an HTML page. */
  pdf(html: string): Promise<Buffer>;
  /** A PNG of an SVG document at its size (device scale 2 for sharp images in mail clients). */
  svgToPng(svg: string, width: number, height: number): Promise<Buffer>;
  /** A full-page PNG screenshot of an HTML page at `width` CSS pixels. */
  screenshot(html: string, width?: number): Promise<Buffer>;
}

/** Runs `work` with one browser, closed afterwards whatever happens. */
export async function withReportBrowser<T>(work: (b: ReportBrowser) => Promise<T>, opts: BrowserOptions = DEFAULT_BROWSER_OPTIONS): Promise<T> {
  // Loaded on first use: playwright-core takes seconds to load and the service starts without it (appliance boot).
  const { chromium } = await import('playwright-core');
  const browser: Browser = await chromium.launch({ executablePath: opts.executablePath, args: opts.args });
  try {
    const context = async (width: number, scale: number): Promise<BrowserContext> => {
      const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 600 }, deviceScaleFactor: scale, offline: true });
      if (opts.pageTimeoutMs !== undefined) ctx.setDefaultTimeout(opts.pageTimeoutMs);
      await ctx.route('**/*', (route) => route.abort());
      return ctx;
    };
    const page = async <R>(width: number, scale: number, html: string, fn: (p: Page) => Promise<R>): Promise<R> => {
      const ctx = await context(width, scale);
      try {
        const p = await ctx.newPage();
        await p.setContent(html, { waitUntil: 'load' });
        return await fn(p);
      } finally {
        await ctx.close();
      }
    };
    return await work({
      pdf: (html) => page(880, 1, html, async (p) => Buffer.from(await p.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } }))),
      svgToPng: (svg, width, height) =>
        page(width, 2, `<!DOCTYPE html><html><body style="margin:0">${svg}</body></html>`, async (p) => Buffer.from(await p.screenshot({ type: 'png', clip: { x: 0, y: 0, width, height } }))),
      screenshot: (html, width = 900) => page(width, 1, html, async (p) => Buffer.from(await p.screenshot({ type: 'png', fullPage: true }))),
    });
  } finally {
    await browser.close();
  }
}
