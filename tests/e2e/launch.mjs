// Starting headless Chromium with the built extension: one recipe for the e2e suite
// (tests/e2e/chromium.mjs) and the benchmark (bench/browser-chromium.mjs).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

// A fresh profile with only dist/chrome loaded, no Chromium background traffic; `extraArgs` on top.
// Returns the context and its profile directory (remove it after closing the context).
export async function launchChromium(ext, { prefix = 'policy-lens-', extraArgs = [] } = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1100, height: 800 },
    args: [`--disable-extensions-except=${ext}`, `--load-extension=${ext}`,
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
      ...extraArgs],
  });
  return { context, userDataDir };
}
