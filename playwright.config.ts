// Playwright configuration of the end-to-end tests: Debian's Chromium (never a downloaded browser) against a real
// service started on a fresh data directory with the built UI. Screenshots land in test-results/screenshots/.
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 18843);
export const E2E_DATA_DIR = 'tmp/e2e-data';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '*.spec.ts',
  // the run-once wizard walk sets the appliance up; the page specs sign in to it afterwards
  projects: [
    { name: 'setup', testMatch: 'setup.spec.ts' },
    { name: 'pages', testMatch: '*.spec.ts', testIgnore: 'setup.spec.ts', dependencies: ['setup'] },
  ],
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  outputDir: 'test-results/artifacts',
  use: {
    baseURL: `https://127.0.0.1:${PORT}`,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    command: `rm -rf ${E2E_DATA_DIR} && node --import tsx appliance/src/main.ts`,
    env: { API_RADAR_DATA_DIR: E2E_DATA_DIR, API_RADAR_HTTPS_PORT: String(PORT), API_RADAR_HTTP_PORT: '0', API_RADAR_HOST: '127.0.0.1' },
    url: `https://127.0.0.1:${PORT}/api/v1/health`,
    ignoreHTTPSErrors: true,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
  },
});
