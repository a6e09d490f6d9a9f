// Serves dist/ gzip-compressed (as a static host would) on 127.0.0.1 and runs the Lighthouse CLI
// against the catalog, an exercise and the sandbox, with the mobile preset (slow 4G, 4× CPU
// slowdown) and the desktop one. Run through scripts/lighthouse.sh, which installs Lighthouse.
// Scores move with the machine's load: LIGHTHOUSE_RUNS (default 2) runs each page that many
// times, and the summary gives each figure's range and the load average before and after.
import http from 'node:http';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const root = path.resolve('dist');
const out = path.resolve('test-artifacts/lighthouse');
fs.mkdirSync(out, { recursive: true });
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.ttf': 'font/ttf' };

// Every file compressed once, at gzip -9, as hosts that precompress do.
const files = new Map();
const walk = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else {
      const raw = fs.readFileSync(full);
      files.set('/' + path.relative(root, full).split(path.sep).join('/'), { raw, gzip: zlib.gzipSync(raw, { level: 9 }) });
    }
  }
};
walk(root);

const server = http.createServer((req, res) => {
  const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const name = files.has(pathname) ? pathname : '/index.html';
  const file = files.get(name);
  const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  res.writeHead(200, {
    'content-type': types[path.extname(name)] ?? 'application/octet-stream',
    'vary': 'accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(gzip ? file.gzip : file.raw);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

const pages = [
  ['catalog', base],
  ['exercise', `${base}#/exercise/shed-vs-block`],
  ['sandbox', `${base}#/sandbox`],
];
const flags = '--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage';
const runs = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS ?? 2));
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const loadBefore = load();
const rows = [];
try {
  for (let run = 1; run <= runs; run++) for (const preset of ['mobile', 'desktop']) {
    for (const [page, url] of pages) {
      const report = path.join(out, `${page}-${preset}-${run}.json`);
      const args = [url, '--quiet', '--output=json', `--output-path=${report}`, '--only-categories=performance,accessibility',
        `--chrome-flags=${flags}`, ...(preset === 'desktop' ? ['--preset=desktop'] : [])];
      // Asynchronously: the server answering Lighthouse runs in this very process.
      await promisify(execFile)(process.env.LIGHTHOUSE_BIN, args, { env: process.env, timeout: 180000 });
      const json = JSON.parse(fs.readFileSync(report, 'utf8'));
      const audit = (id) => json.audits[id]?.numericValue ?? NaN;
      rows.push({
        run,
        page,
        preset,
        performance: Math.round(json.categories.performance.score * 100),
        accessibility: Math.round(json.categories.accessibility.score * 100),
        'FCP s': (audit('first-contentful-paint') / 1000).toFixed(1),
        'LCP s': (audit('largest-contentful-paint') / 1000).toFixed(1),
        'TBT ms': Math.round(audit('total-blocking-time')),
        'transfer KB': Math.round(audit('total-byte-weight') / 1024),
      });
    }
  }
} finally {
  server.close();
}
console.log(`Lighthouse ${JSON.parse(fs.readFileSync(path.join(path.dirname(process.env.LIGHTHOUSE_BIN), '../lighthouse/package.json'), 'utf8')).version}, dist/ served gzip -9, ${new Date().toISOString().slice(0, 10)}`);
console.table(rows);
// Each figure over the runs: the lowest and highest.
const range = (values) => {
  const numbers = values.map(Number);
  const [low, high] = [Math.min(...numbers), Math.max(...numbers)];
  return low === high ? String(values[0]) : `${values[numbers.indexOf(low)]}–${values[numbers.indexOf(high)]}`;
};
const summary = [];
for (const preset of ['mobile', 'desktop']) {
  for (const [page] of pages) {
    const mine = rows.filter((r) => r.page === page && r.preset === preset);
    const entry = { page, preset };
    for (const key of ['performance', 'accessibility', 'FCP s', 'LCP s', 'TBT ms']) entry[key] = range(mine.map((r) => r[key]));
    summary.push(entry);
  }
}
console.log(`${runs} run(s) per page; load average (1, 5, 15 min) before ${loadBefore}, after ${load()} on ${os.cpus().length} CPUs`);
console.table(summary);
for (const [name, file] of files) {
  if (/\.(wasm|js|css)$|^\/index\.html$/.test(name)) console.log(`${name}: ${Math.round(file.raw.length / 1024)} KB raw, ${Math.round(file.gzip.length / 1024)} KB gzipped`);
}
