// The small-chunk benchmark's client for tus servers: raw tus 1.0 requests with fetch, the same for every server.
// Usage: node bench/node/small-chunks.mjs '{"endpoint":"http://127.0.0.1:N/files/","uploads":200,"uploadBytes":1048576,
//   "chunkBytes":65536,"concurrency":20}'
// Each upload is one POST (Upload-Length) and then its PATCHes one after another; `concurrency` uploads run at once.
// Prints one JSON object: elapsedMs, chunkRequests, and the latency of every PATCH in ms.
import { randomBytes } from 'node:crypto';

const options = JSON.parse(process.argv[2]);
const body = randomBytes(options.uploadBytes);
const latencies = [];
const headers = { 'Tus-Resumable': '1.0.0', ...(options.headers ?? {}) };

async function uploadOne() {
  const created = await fetch(options.endpoint, {
    method: 'POST',
    headers: { ...headers, 'Upload-Length': String(options.uploadBytes), 'Upload-Metadata': `filename ${Buffer.from('small.bin').toString('base64')}` },
  });
  if (created.status !== 201) {
    throw new Error(`POST answered ${created.status}: ${await created.text()}`);
  }

  const location = new URL(created.headers.get('location'), options.endpoint).toString();
  for (let offset = 0; offset < options.uploadBytes; offset += options.chunkBytes) {
    const chunk = body.subarray(offset, Math.min(offset + options.chunkBytes, options.uploadBytes));
    const started = performance.now();
    const patched = await fetch(location, {
      method: 'PATCH',
      headers: { ...headers, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
      body: chunk,
    });
    await patched.arrayBuffer();
    latencies.push(performance.now() - started);
    if (patched.status !== 204) {
      throw new Error(`PATCH at ${offset} answered ${patched.status}`);
    }
  }
}

const started = performance.now();
let next = 0;
await Promise.all(Array.from({ length: options.concurrency }, async () => {
  while (next < options.uploads) {
    next += 1;
    await uploadOne();
  }
}));
process.stdout.write(`${JSON.stringify({ elapsedMs: performance.now() - started, chunkRequests: latencies.length, latencies })}\n`);
