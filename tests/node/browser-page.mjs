// Drives the upload page (and, for comparison, Uppy and tus-js-client) in a real Chromium, for the end-to-end tests
// and the benchmarks. Usage: node tests/node/browser-page.mjs '<options as JSON>'. Prints one JSON object on its last
// line of output.
//
// Options: scenario (see `scenarios` below), silo (the silo's base URL), file (a local file to upload), chromium (the
// browser's path), throttleMiBps (pace the chunk bytes through the counting proxy; 0 for none), direct (open the page
// on the silo itself, without the proxy), screenshot (a path: a PNG of the page mid-upload), token, pageOrigin (for
// the tus scenarios: where their test page is served), busyAnswers, timeoutMs.
//
// Between the browser and the silo sits a small HTTP proxy on loopback: it forwards every request unchanged, counts
// the body bytes of each chunk PUT as they pass to the silo, records when each chunk request starts, and can pace
// chunk bodies to a given speed so a test can act mid-upload on a machine where loopback is faster than any network.
// With busyAnswers it answers the first chunk requests itself, 503 with Retry-After, as a busy server would.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const options = JSON.parse(process.argv[2]);
const timeoutMs = options.timeoutMs ?? 90000;
const started = performance.now();
const MiB = 1024 * 1024;

const ChromiumFlags = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Forwards to the silo, counting and optionally pacing chunk bodies. The first `busyAnswers` chunk requests are
 * answered by the proxy itself, once their body is in, as a busy server answers: 503 with `Retry-After: 1`.
 */
async function startProxy(target, bytesPerSecond, busyAnswers) {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const stats = { chunkBodyBytes: 0, chunkRequests: [], completedChunkRequests: 0, busy: [] };
  let nextFree = 0;
  const server = http.createServer((request, response) => {
    const isChunk = request.method === 'PUT' && /^\/v1\/uploads\/[^/]+\/chunks\/\d+$/.test(request.url.split('?')[0]);
    if (isChunk) {
      stats.chunkRequests.push({ at: Date.now(), path: request.url });
    }
    if (isChunk && stats.busy.length < busyAnswers) {
      const answer = { path: request.url, at: 0 };
      stats.busy.push(answer);
      request.resume();
      request.on('end', () => {
        answer.at = Date.now();
        response.writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': '1' });
        response.end(JSON.stringify({ status: 503, title: 'Busy', detail: 'Busy; retry shortly.', code: 'storage_unavailable' }));
      });
      return;
    }
    const headers = { ...request.headers };
    delete headers.connection;
    delete headers['keep-alive'];
    const forward = http.request({
      host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers, agent,
    }, (answer) => {
      const answerHeaders = { ...answer.headers };
      delete answerHeaders.connection;
      delete answerHeaders['keep-alive'];
      response.writeHead(answer.statusCode, answerHeaders);
      answer.pipe(response);
      answer.on('end', () => {
        if (isChunk && answer.statusCode === 200) {
          stats.completedChunkRequests += 1;
        }
      });
    });
    forward.on('error', () => response.destroy());
    // A browser that drops a request (a reload, a pause, offline) drops it at the silo too.
    request.on('close', () => {
      if (!request.complete) {
        forward.destroy();
      }
    });
    request.on('data', (data) => {
      if (!isChunk) {
        forward.write(data);
        return;
      }
      stats.chunkBodyBytes += data.length;
      forward.write(data);
      if (bytesPerSecond > 0) {
        // One bucket for all connections, as one link would be; idle time earns no burst.
        const now = performance.now();
        nextFree = Math.max(nextFree, now) + (data.length * 1000) / bytesPerSecond;
        if (nextFree - now > 1) {
          request.pause();
          setTimeout(() => request.resume(), nextFree - now);
        }
      }
    });
    request.on('end', () => forward.end());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stats,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
      agent.destroy();
    }),
  };
}

/** The page's row of the first upload. */
const row = (page) => page.locator('#transfers li').first();

async function waitForState(page, states, timeout = timeoutMs) {
  await page.waitForFunction((wanted) => wanted.includes(document.querySelector('#transfers li')?.dataset.state), states, { timeout, polling: 50 });
  return row(page).getAttribute('data-state');
}

async function waitForAcknowledged(page, fraction) {
  await page.waitForFunction((share) => {
    const item = document.querySelector('#transfers li');
    return item && (Number(item.dataset.acknowledged) >= share * Number(item.dataset.total) || item.dataset.state === 'completed');
  }, fraction, { timeout: timeoutMs, polling: 20 });
}

async function finalRow(page) {
  const item = row(page);
  const bar = page.getByRole('progressbar').first();
  return {
    state: await item.getAttribute('data-state'),
    uploadId: await item.getAttribute('data-upload-id'),
    progressValue: Number(await bar.evaluate((element) => element.value)),
    progressMax: Number(await bar.evaluate((element) => element.max)),
    message: await item.locator('.message').textContent(),
  };
}

async function openPage(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('#list-status')?.textContent !== '', null, { timeout: timeoutMs });
}

const scenarios = {
  // One file through the page, start to end; a screenshot mid-way; the list shows it with its download link.
  async upload(page, base) {
    await openPage(page, base);
    const began = performance.now();
    await page.setInputFiles('#files', options.file);
    if (options.screenshot) {
      await waitForAcknowledged(page, 0.3);
      await page.screenshot({ path: options.screenshot, fullPage: true });
    }
    await waitForState(page, ['completed', 'failed']);
    const elapsedMs = performance.now() - began;
    const result = await finalRow(page);
    const link = page.locator(`#uploads tr[data-upload-id="${result.uploadId}"] a`);
    await link.waitFor({ timeout: 10000 });
    return { ...result, elapsedMs, downloadHref: await link.getAttribute('href'), downloadName: await link.getAttribute('aria-label') };
  },

  // The network goes away for 3 s mid-upload and comes back; nobody clicks anything.
  async offline(page, base, proxy, context) {
    await openPage(page, base);
    await page.setInputFiles('#files', options.file);
    await waitForAcknowledged(page, 0.2);
    const acknowledgedBefore = Number(await row(page).getAttribute('data-acknowledged'));
    const chunkRequestsBefore = proxy.stats.completedChunkRequests;
    await context.setOffline(true);
    const offlineAt = performance.now();
    // Offline for 3 s; longer only if no request has failed by then (a loaded machine still finishing the chunks
    // already on their way), so that the browser has really been offline for one.
    const sawWaiting = await waitForState(page, ['waiting'], 15000).then(() => true, () => false);
    const waitingMessage = sawWaiting ? await row(page).locator('.message').textContent() : null;
    await page.waitForTimeout(Math.max(0, 3000 - (performance.now() - offlineAt)));
    const chunksAcknowledgedOffline = proxy.stats.completedChunkRequests - chunkRequestsBefore;
    await context.setOffline(false);
    const onlineAt = performance.now();
    await waitForState(page, ['completed', 'failed']);
    return {
      ...(await finalRow(page)),
      acknowledgedBefore,
      sawWaiting,
      waitingMessage,
      offlineMs: onlineAt - offlineAt,
      chunksAcknowledgedOffline,
      completedAfterOnlineMs: performance.now() - onlineAt,
    };
  },

  // The server answers the first chunk requests 503 with Retry-After: 1; the client waits that long, then sends them again.
  async busy(page, base, proxy) {
    await openPage(page, base);
    await page.setInputFiles('#files', options.file);
    await waitForState(page, ['completed', 'failed']);
    const retries = proxy.stats.busy.map((answer) => {
      const next = proxy.stats.chunkRequests.find((request) => request.path === answer.path && request.at >= answer.at);
      return { path: answer.path, answeredAt: answer.at, retriedAfterMs: next ? next.at - answer.at : null };
    });
    return { ...(await finalRow(page)), retries };
  },

  // Reload at about 40 %, select the same file again: only the missing chunks go.
  async reload(page, base, proxy) {
    await openPage(page, base);
    await page.setInputFiles('#files', options.file);
    await waitForAcknowledged(page, 0.4);
    const acknowledgedAtReload = Number(await row(page).getAttribute('data-acknowledged'));
    const firstUploadId = await row(page).getAttribute('data-upload-id');
    await page.reload();
    await openPage(page, base);
    await page.setInputFiles('#files', options.file);
    await waitForState(page, ['completed', 'failed']);
    return { ...(await finalRow(page)), firstUploadId, acknowledgedAtReload, chunkBodyBytes: proxy.stats.chunkBodyBytes, chunkRequests: proxy.stats.chunkRequests.length };
  },

  // Pause: no chunk request may start until Resume.
  async pause(page, base, proxy) {
    const browserChunkRequests = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT' && request.url().includes('/chunks/')) {
        browserChunkRequests.push(Date.now());
      }
    });
    await openPage(page, base);
    await page.setInputFiles('#files', options.file);
    await waitForAcknowledged(page, 0.2);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForState(page, ['paused']);
    const pausedAt = Date.now();
    const acknowledgedAtPause = Number(await row(page).getAttribute('data-acknowledged'));
    await page.waitForTimeout(2000);
    const resumeButton = page.getByRole('button', { name: 'Resume', exact: true });
    const resumeAt = Date.now();
    const proxyWhilePaused = proxy.stats.chunkRequests.filter((r) => r.at > pausedAt && r.at < resumeAt).length;
    const browserWhilePaused = browserChunkRequests.filter((at) => at > pausedAt && at < resumeAt).length;
    const acknowledgedBeforeResume = Number(await row(page).getAttribute('data-acknowledged'));
    await resumeButton.click();
    await waitForState(page, ['completed', 'failed']);
    return {
      ...(await finalRow(page)),
      acknowledgedAtPause,
      acknowledgedBeforeResume,
      chunkRequestsWhilePaused: proxyWhilePaused,
      browserChunkRequestsWhilePaused: browserWhilePaused,
      browserChunkRequests: browserChunkRequests.length,
      chunkRequests: proxy.stats.chunkRequests.length,
    };
  },

  // Cancel mid-upload: the page says so, and the server's upload is aborted (the test asks the silo).
  async cancel(page, base) {
    await openPage(page, base);
    await page.setInputFiles('#files', options.file);
    await waitForAcknowledged(page, 0.2);
    const uploadId = await row(page).getAttribute('data-upload-id');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await waitForState(page, ['cancelled', 'failed']);
    return { ...(await finalRow(page)), uploadId };
  },

  // Jwt mode: without a token the page says it needs one; with one, the upload goes through.
  async token(page, base) {
    await openPage(page, base);
    const panel = page.locator('#token-panel');
    await panel.waitFor({ state: 'visible', timeout: 10000 });
    const needed = await page.getByRole('alert').filter({ hasText: 'token' }).first().textContent();
    await page.getByLabel('Bearer token').fill(options.token);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.waitForFunction(() => document.querySelector('#list-status')?.textContent === 'No uploads yet.', null, { timeout: 10000 });
    await page.setInputFiles('#files', options.file);
    await waitForState(page, ['completed', 'failed']);
    const result = await finalRow(page);
    await page.locator(`#uploads tr[data-upload-id="${result.uploadId}"] a`).waitFor({ timeout: 10000 });
    return { ...result, tokenNeeded: needed, panelHiddenAfter: await panel.isHidden() };
  },

  // Uppy with @uppy/tus, bundled here as an application would bundle it, on another origin than the silo.
  async uppy(page) {
    const esbuild = await import('esbuild');
    const bundle = await esbuild.build({
      stdin: { contents: "export { default as Uppy } from '@uppy/core'; export { default as Tus } from '@uppy/tus';", resolveDir: process.cwd() },
      bundle: true, format: 'esm', write: false, logLevel: 'silent',
    });
    const script = `
      import { Uppy, Tus } from '/uppy.js';
      document.querySelector('input').addEventListener('change', async (event) => {
        const file = event.target.files[0];
        const uppy = new Uppy().use(Tus, { endpoint: ${JSON.stringify(`${options.silo}/files/`)}, chunkSize: 4 * 1024 * 1024, retryDelays: [0, 500, 1000] });
        uppy.addFile({ name: file.name, type: file.type || 'application/octet-stream', data: file });
        const result = await uppy.upload();
        window.result = {
          successful: result.successful.map((f) => ({ name: f.name, uploadURL: f.uploadURL ?? f.response?.uploadURL ?? null })),
          failed: result.failed.map((f) => ({ name: f.name, error: String(f.error) })),
        };
      });`;
    return runTusPage(page, { '/uppy.js': bundle.outputFiles[0].text, '/page.js': script });
  },

  // tus-js-client's own browser build, on another origin than the silo.
  async tusjs(page) {
    const library = fs.readFileSync(path.join(process.cwd(), 'node_modules', 'tus-js-client', 'dist', 'tus.min.js'), 'utf8');
    const script = `
      document.querySelector('input').addEventListener('change', (event) => {
        const file = event.target.files[0];
        const upload = new tus.Upload(file, {
          endpoint: ${JSON.stringify(`${options.silo}/files/`)},
          metadata: { filename: file.name, filetype: file.type || 'application/octet-stream' },
          chunkSize: 4 * 1024 * 1024,
          retryDelays: [0, 500, 1000],
          onSuccess: () => { window.result = { successful: [{ name: file.name, uploadURL: upload.url }], failed: [] }; },
          onError: (error) => { window.result = { successful: [], failed: [{ name: file.name, error: String(error) }] }; },
        });
        upload.start();
      });`;
    return runTusPage(page, { '/tus.min.js': library, '/page.js': script }, '<script src="/tus.min.js"></script><script src="/page.js"></script>');
  },

  // The benchmark: one file through the page, straight to the silo; the time from choosing the file to completed.
  async throughput(page, base) {
    await openPage(page, base);
    const began = performance.now();
    await page.setInputFiles('#files', options.file);
    await page.waitForFunction(() => ['completed', 'failed'].includes(document.querySelector('#transfers li')?.dataset.state), null, { timeout: timeoutMs, polling: 10 });
    const elapsedMs = performance.now() - began;
    return { ...(await finalRow(page)), elapsedMs };
  },
};

/** Serves a test page at options.pageOrigin and uploads options.file from it. */
async function runTusPage(page, files, scripts = '<script type="module" src="/page.js"></script>') {
  const origin = new URL(options.pageOrigin);
  files['/'] = `<!doctype html><meta charset="utf-8"><title>tus client</title><input type="file" aria-label="File">${scripts}`;
  const server = http.createServer((request, response) => {
    const body = files[request.url];
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    const type = request.url === '/' ? 'text/html' : 'text/javascript';
    response.writeHead(200, { 'Content-Type': `${type}; charset=utf-8` }).end(body);
  });
  await new Promise((resolve) => server.listen(Number(origin.port), '127.0.0.1', resolve));
  try {
    await page.goto(`${origin.origin}/`);
    await page.setInputFiles('input', options.file);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: timeoutMs, polling: 50 });
    return await page.evaluate(() => window.result);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function main() {
  const scenario = scenarios[options.scenario];
  if (!scenario) {
    throw new Error(`No scenario '${options.scenario}': use one of ${Object.keys(scenarios).join(', ')}.`);
  }
  const proxy = await startProxy(options.silo, (options.throttleMiBps ?? 0) * MiB, options.busyAnswers ?? 0);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'uploads-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: options.chromium ?? '/usr/bin/chromium',
    headless: true,
    args: ChromiumFlags,
    viewport: { width: 900, height: 720 },
  });
  const consoleLines = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => consoleLines.length < 50 && consoleLines.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.length < 50 && consoleLines.push(`pageerror: ${error.message}`));
    const base = options.direct ? options.silo : proxy.url;
    const result = await scenario(page, `${base}/`, proxy, context);
    return { ok: true, ...result, console: consoleLines };
  } catch (error) {
    return { ok: false, error: String(error?.stack ?? error), console: consoleLines };
  } finally {
    await context.close();
    await proxy.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

const timer = setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ ok: false, error: `timed out after ${timeoutMs} ms` })}\n`);
  process.exit(1);
}, timeoutMs + 15000);

const result = await main();
clearTimeout(timer);
process.stdout.write(`${JSON.stringify({ ...result, scriptMs: performance.now() - started })}\n`);
process.exit(0);
