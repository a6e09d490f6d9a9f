// Times a run of the sandbox's default scenario (M/M/4, ρ = 0.9, 200,000 customers) at max speed
// in the shipped build, charts and diagram included. Usage: node tests/e2e/speed.mjs URL
import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-extensions'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
await page.goto(`${process.argv[2]}#/sandbox`);
await page.waitForSelector('[data-test=run]');
await page.selectOption('[data-test=speed]', 'max');
const started = Date.now();
await page.click('[data-test=run]');
await page.waitForSelector('.lab[data-state=finished]', { timeout: 120000 });
const seconds = (Date.now() - started) / 1000;
const events = await page.locator('[data-test=clock]').textContent();
console.log(`sandbox M/M/4 200k customers at max speed: ${seconds.toFixed(2)} s (${events})`);
await browser.close();
