// Drives tus-js-client, the reference tus client, against a tus server, for the end-to-end tests and the benchmarks.
// Usage: node tests/node/tus-client.mjs '<options as JSON>'. Prints one JSON object on its last line.
//
// Options: action ("upload" or "terminate"), endpoint, uploadUrl (resume, or the upload to terminate), file,
// headers, metadata, chunkSize, parallelUploads, uploadDataDuringCreation, uploadLengthDeferred,
// overridePatchMethod, checksum ("sha1", "sha256", ...: an Upload-Checksum on every PATCH, over the slice it
// sends), corruptChecksumOfPatch (index of a PATCH whose checksum is made wrong), abortAtFraction (stop the upload
// once this fraction of the file is sent, as a lost connection would), input ("stream", the default, or "buffer"),
// timeoutMs.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import tus from 'tus-js-client';

const options = JSON.parse(process.argv[2]);
const timer = setTimeout(() => finish({ ok: false, error: `timed out after ${options.timeoutMs ?? 60000} ms` }), options.timeoutMs ?? 60000);
const requests = [];
const sentAt = new Map();
const started = performance.now();

function finish(result) {
  clearTimeout(timer);
  process.stdout.write(`${JSON.stringify({ ...result, elapsedMs: performance.now() - started, requests })}\n`);
  process.exit(0);
}

function describe(error) {
  const response = error.originalResponse;
  return { ok: false, error: String(error.message ?? error), status: response ? response.getStatus() : null };
}

if (options.action === 'terminate') {
  tus.Upload.terminate(options.uploadUrl, { headers: options.headers ?? {}, retryDelays: [] })
    .then(() => finish({ ok: true }), (error) => finish(describe(error)));
} else {
  const size = fs.statSync(options.file).size;
  let patchIndex = 0;
  let upload;
  // A file stream by default (read in slices, as for a large file); a buffer when asked for.
  const input = options.input === 'buffer' ? fs.readFileSync(options.file) : fs.createReadStream(options.file);
  upload = new tus.Upload(input, {
    endpoint: options.endpoint,
    uploadUrl: options.uploadUrl ?? null,
    headers: options.headers ?? {},
    metadata: options.metadata ?? {},
    chunkSize: options.chunkSize ?? Number.POSITIVE_INFINITY,
    parallelUploads: options.parallelUploads ?? 1,
    uploadDataDuringCreation: options.uploadDataDuringCreation ?? false,
    uploadLengthDeferred: options.uploadLengthDeferred ?? false,
    overridePatchMethod: options.overridePatchMethod ?? false,
    retryDelays: options.retryDelays ?? [0, 200, 500],
    onBeforeRequest(request) {
      sentAt.set(request, performance.now());
      const method = request.getHeader('X-HTTP-Method-Override') ?? request.getMethod();
      if (options.checksum && method === 'PATCH') {
        // The slice a PATCH sends starts at its Upload-Offset and is chunkSize long (or the rest of the file).
        const offset = Number(request.getHeader('Upload-Offset'));
        const end = Math.min(size, offset + (options.chunkSize ?? size));
        const slice = fs.readFileSync(options.file).subarray(offset, end);
        let digest = createHash(options.checksum).update(slice).digest();
        if (patchIndex === options.corruptChecksumOfPatch) {
          digest = createHash(options.checksum).update('not the bytes').digest();
        }

        request.setHeader('Upload-Checksum', `${options.checksum} ${digest.toString('base64')}`);
      }

      if (method === 'PATCH') {
        patchIndex += 1;
      }
    },
    onAfterResponse(request, response) {
      requests.push({
        method: request.getHeader('X-HTTP-Method-Override') ?? request.getMethod(),
        url: request.getURL(),
        status: response.getStatus(),
        requestOffset: request.getHeader('Upload-Offset') ?? null,
        responseOffset: response.getHeader('Upload-Offset') ?? null,
        concat: request.getHeader('Upload-Concat') ?? null,
        ms: performance.now() - (sentAt.get(request) ?? started),
      });
    },
    onProgress(sent) {
      if (options.abortAtFraction && sent >= size * options.abortAtFraction) {
        options.abortAtFraction = null;
        upload.abort(false).then(() => finish({ ok: false, aborted: true, url: upload.url, sent }));
      }
    },
    onError(error) {
      finish({ ...describe(error), url: upload.url });
    },
    onSuccess() {
      finish({ ok: true, url: upload.url });
    },
  });
  upload.start();
}
