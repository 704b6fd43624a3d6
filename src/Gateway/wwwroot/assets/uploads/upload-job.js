// One file's upload, run inside the worker: find or create the server's upload, send the missing chunks a few at
// a time, complete it. Pause, cancel, a lost network and a missing token are waits, not failures.

import { chooseChunkSize, chunkRange, missingChunks } from './chunk-plan.js';
import { send } from './http.js';
import { isRetryable, retryDelayMs } from './retry-policy.js';
import { deleteSession, findSession, saveSession, sessionKey } from './sessions.js';
import { TransferRate } from './transfer-rate.js';

/** @typedef {import('./messages.js').UploadStatus} UploadStatus */
/** @typedef {import('./messages.js').UploadOptions} UploadOptions */
/** @typedef {import('./messages.js').UploadResource} UploadResource */
/** @typedef {import('./messages.js').ClientSettings} ClientSettings */
/** @typedef {import('./messages.js').WorkerEvent} WorkerEvent */
/** @typedef {import('./http.js').HttpRequest} HttpRequest */
/** @typedef {import('./http.js').HttpResponse} HttpResponse */

const ProgressIntervalMs = 250;
const MaxCompleteRounds = 3;
const OfflineRecheckMs = 15000;

/** A request the server refused for good: the upload stops with the server's own words. */
export class UploadError extends Error {
  /**
   * @param {string} message
   * @param {number} status
   * @param {string | null} code
   */
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /**
   * @param {HttpResponse} response
   * @param {string} doing what the request was for, to start the message
   */
  static from(response, doing) {
    const problem = response.body ?? {};
    const detail = typeof problem.detail === 'string' ? problem.detail : `the server answered ${response.status}`;
    return new UploadError(`${doing}: ${detail}`, response.status, typeof problem.code === 'string' ? problem.code : null);
  }
}

class Cancelled extends Error {}

/**
 * What the job needs from the worker around it.
 * @typedef {object} JobHost
 * @property {() => ClientSettings} settings
 * @property {() => string | null} token
 * @property {(event: WorkerEvent) => void} post
 */

export class UploadJob {
  /** @type {UploadStatus} */
  state = 'preparing';
  /** @type {string | null} */
  uploadId = null;
  paused = false;
  cancelled = false;

  #id;
  #file;
  #options;
  #host;
  #server;
  #key;
  #chunkSize = 0;
  #chunkCount = 0;
  #bytesAcknowledged = 0;
  #chunksAcknowledged = 0;
  /** @type {Map<number, number>} bytes sent so far of each chunk on its way */
  #inFlight = new Map();
  /** @type {number[]} */
  #queue = [];
  /** @type {Map<number, Promise<string>>} digests computed ahead of the lanes */
  #digests = new Map();
  /** @type {Promise<void>} the last digest under way: the next one starts after it */
  #hashing = Promise.resolve();
  #rate = new TransferRate();
  #lastProgressAt = 0;
  #aborter = new AbortController();
  /** @type {Set<() => void>} */
  #wakers = new Set();
  /** @type {UploadStatus} the last working state, shown again once a wait or a pause ends */
  #activeState = 'preparing';
  /** @type {UploadError | null} set when one chunk is refused for good: the other lanes stop too */
  #failure = null;

  /**
   * @param {number} id
   * @param {File} file
   * @param {UploadOptions} options
   * @param {JobHost} host
   */
  constructor(id, file, options, host) {
    this.#id = id;
    this.#file = file;
    this.#options = options;
    this.#host = host;
    this.#server = host.settings().server.replace(/\/+$/, '');
    this.#key = sessionKey(this.#server, file);
  }

  /** Runs the upload to its end; every outcome is posted, none is thrown. */
  async run() {
    try {
      const upload = await this.#prepare();
      if (upload.state !== 'completed') {
        await this.#sendMissing(upload);
      }
      const completed = upload.state === 'completed' ? upload : await this.#complete();
      await deleteSession(this.#key);
      this.#bytesAcknowledged = this.#file.size;
      this.#chunksAcknowledged = this.#chunkCount;
      this.#postProgress(true);
      this.#setState('completed');
      this.#host.post({ type: 'completed', id: this.#id, upload: completed });
    } catch (error) {
      if (error instanceof Cancelled) {
        await this.#abortOnServer();
        return;
      }
      const failure = error instanceof UploadError ? error : new UploadError(String(error instanceof Error ? error.message : error), 0, null);
      this.#setState('failed', failure.message);
      this.#host.post({ type: 'failed', id: this.#id, message: failure.message, status: failure.status, code: failure.code });
    }
  }

  pause() {
    if (this.cancelled || this.paused || this.state === 'completed' || this.state === 'failed') {
      return;
    }
    this.paused = true;
    // Chunks on their way stop now: a paused upload uses no network. They are sent again on resume.
    this.#abortRequests();
    this.#settlePaused();
  }

  resume() {
    if (!this.paused) {
      return;
    }
    this.paused = false;
    this.#rate.reset();
    if (!this.cancelled) {
      this.#setState(this.#activeState);
    }
    this.wake();
  }

  cancel() {
    if (this.cancelled || this.state === 'completed' || this.state === 'failed') {
      return;
    }
    this.cancelled = true;
    this.#setState('cancelling');
    this.#abortRequests();
  }

  /** Ends every wait of this job early (the network is back, a token was set, pause or cancel). */
  wake() {
    const wakers = [...this.#wakers];
    this.#wakers.clear();
    for (const waker of wakers) {
      waker();
    }
  }

  /** @returns {Promise<UploadResource>} */
  async #prepare() {
    this.#setState('preparing');
    const session = await findSession(this.#key);
    if (session) {
      const response = await this.#request({ method: 'GET', url: this.#uploadUrl(session.uploadId) }, { gated: true });
      const upload = /** @type {UploadResource | null} */ (response.status === 200 ? response.body : null);
      if (upload && this.#matches(upload) && ['created', 'uploading', 'completing', 'completed'].includes(upload.state)) {
        this.#adopt(upload);
        return upload;
      }
      // Aborted, expired, deleted, another tenant's, or a different file: start again.
      await deleteSession(this.#key);
    }

    const upload = await this.#create();
    await saveSession({
      key: this.#key,
      uploadId: upload.uploadId,
      server: this.#server,
      fileName: this.#file.name,
      size: this.#file.size,
      lastModified: this.#file.lastModified,
      chunkSize: upload.chunkSize,
      savedAt: Date.now(),
    });
    this.#adopt(upload);
    return upload;
  }

  /** @returns {Promise<UploadResource>} */
  async #create() {
    const body = {
      fileName: this.#file.name,
      size: this.#file.size,
      contentType: this.#options.contentType || this.#file.type || 'application/octet-stream',
      metadata: this.#options.metadata,
      chunkSize: this.#options.chunkSize ?? chooseChunkSize(this.#file.size),
    };
    let response = await this.#createWith(body);
    if (response.status === 400 && !this.#options.chunkSize) {
      // The server's limits differ from the defaults this client assumes: let it choose the chunk size.
      response = await this.#createWith({ ...body, chunkSize: undefined });
    }
    if (response.status !== 201 && response.status !== 200) {
      throw UploadError.from(response, `Could not start the upload of ${this.#file.name}`);
    }
    return response.body;
  }

  /** @param {object} body */
  #createWith(body) {
    return this.#request({
      method: 'POST',
      url: `${this.#server}/v1/uploads`,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }, { gated: true });
  }

  /** @param {UploadResource} upload */
  #matches(upload) {
    return upload.size === this.#file.size && upload.fileName === this.#file.name;
  }

  /** @param {UploadResource} upload */
  #adopt(upload) {
    this.uploadId = upload.uploadId;
    this.#chunkSize = upload.chunkSize;
    this.#chunkCount = upload.chunkCount;
    this.#bytesAcknowledged = upload.receivedBytes;
    this.#chunksAcknowledged = upload.receivedChunkCount;
    this.#queue = missingChunks(upload.chunkCount, upload.receivedChunks);
    this.#postProgress(true);
  }

  /** @param {UploadResource} upload */
  async #sendMissing(upload) {
    if (upload.state !== 'completing') {
      await this.#sendQueue();
    }
  }

  /** Sends the chunks of the queue, `parallelism` at a time. */
  async #sendQueue() {
    this.#setState('uploading');
    const lanes = [];
    for (let lane = 0; lane < Math.max(1, this.#host.settings().parallelism); lane++) {
      lanes.push(this.#lane());
    }
    const outcomes = await Promise.allSettled(lanes);
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) {
      throw /** @type {PromiseRejectedResult} */ (failed).reason;
    }
  }

  /** Sends chunks from the queue, one at a time, until it is empty. */
  async #lane() {
    for (;;) {
      await this.#gate();
      const index = this.#queue.shift();
      if (index === undefined) {
        return;
      }
      try {
        await this.#sendChunk(index);
      } catch (error) {
        // Stop the other lanes too: one refusal ends the upload.
        this.#failure ??= error instanceof UploadError ? error : null;
        this.#queue.length = 0;
        this.wake();
        throw error;
      }
    }
  }

  /** @param {number} index */
  async #sendChunk(index) {
    const { start, end } = chunkRange(index, this.#chunkSize, this.#file.size);
    // The digest is computed over the bytes read now; the body is the file's slice itself, which the browser streams
    // from the disk far faster than a buffer handed over from here. Should the file change in between, the server
    // refuses the chunk (digest_mismatch) and keeps nothing of it.
    const slice = this.#file.slice(start, end);
    const digest = await this.#digestOf(index);
    try {
      const response = await this.#request({
        method: 'PUT',
        url: `${this.#uploadUrl(this.uploadId)}/chunks/${index}`,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Digest': `sha-256=:${digest}:` },
        body: slice,
        onUploadProgress: (loaded) => this.#chunkProgress(index, loaded),
      }, { gated: true, onAttempt: () => this.#chunkProgress(index, 0) });
      if (response.status === 200) {
        this.#bytesAcknowledged += end - start;
        this.#chunksAcknowledged += 1;
        return;
      }
      throw UploadError.from(response, `Chunk ${index} of ${this.#file.name} was refused`);
    } finally {
      this.#inFlight.delete(index);
      this.#postProgress(true);
    }
  }

  /**
   * The base64 SHA-256 of chunk `index`. Digests are computed one at a time, in queue order, up to `parallelism`
   * chunks ahead of the lanes, so that a lane finds its digest ready and goes straight to sending: only the digest
   * is kept, and at most one chunk's bytes are held for hashing at any time.
   * @param {number} index
   * @returns {Promise<string>}
   */
  #digestOf(index) {
    const digest = this.#digestFor(index);
    this.#digests.delete(index);
    for (const next of this.#queue.slice(0, Math.max(1, this.#host.settings().parallelism))) {
      this.#digestFor(next);
    }
    return digest;
  }

  /**
   * @param {number} index
   * @returns {Promise<string>}
   */
  #digestFor(index) {
    let digest = this.#digests.get(index);
    if (!digest) {
      const { start, end } = chunkRange(index, this.#chunkSize, this.#file.size);
      digest = this.#hashing.then(async () => {
        try {
          return base64(await crypto.subtle.digest('SHA-256', await this.#file.slice(start, end).arrayBuffer()));
        } catch {
          throw new UploadError(`${this.#file.name} can no longer be read (was it changed or moved?); select it again.`, 0, null);
        }
      });
      // A failed digest must not hold up the next: its own lane reports it.
      digest.catch(() => {});
      this.#hashing = digest.then(() => undefined, () => undefined);
      this.#digests.set(index, digest);
    }
    return digest;
  }

  /**
   * @param {number} index
   * @param {number} loaded
   */
  #chunkProgress(index, loaded) {
    const before = this.#inFlight.get(index) ?? 0;
    this.#inFlight.set(index, loaded);
    if (loaded > before) {
      this.#rate.add(loaded - before, performance.now());
    }
    this.#postProgress(false);
  }

  /** @returns {Promise<UploadResource>} */
  async #complete() {
    for (let round = 0; ; round++) {
      this.#setState('completing');
      const response = await this.#request({ method: 'POST', url: `${this.#uploadUrl(this.uploadId)}/complete` }, { gated: true });
      if (response.status === 200) {
        return response.body;
      }
      if (response.status === 409 && response.body?.code === 'upload_incomplete' && round < MaxCompleteRounds) {
        // The server lost track of nothing it acknowledged, so this is a chunk this client never had acknowledged: send it.
        this.#queue = expand(/** @type {Array<[number, number]>} */ (response.body.missingChunks ?? []));
        await this.#sendQueue();
        continue;
      }
      throw UploadError.from(response, `Could not complete ${this.#file.name}`);
    }
  }

  async #abortOnServer() {
    if (this.uploadId) {
      const response = await this.#request({ method: 'DELETE', url: this.#uploadUrl(this.uploadId) }, { gated: false });
      if (response.status !== 204 && response.status !== 404 && response.status !== 410) {
        const failure = UploadError.from(response, `Could not cancel ${this.#file.name} on the server`);
        this.#setState('failed', failure.message);
        this.#host.post({ type: 'failed', id: this.#id, message: failure.message, status: failure.status, code: failure.code });
        return;
      }
    }
    await deleteSession(this.#key);
    this.#setState('cancelled');
  }

  /**
   * Sends a request until it gets an answer worth returning: network failures, 408, 429 and 5xx are tried again
   * after a backoff (the server's Retry-After when it sent one); while the browser is offline the wait lasts
   * until it is back, without using up attempts. A 401 waits for a token. Pause holds gated requests; cancel
   * ends them.
   * @param {Omit<HttpRequest, 'token' | 'signal'>} request
   * @param {{ gated: boolean, onAttempt?: () => void }} how
   * @returns {Promise<HttpResponse>}
   */
  async #request(request, how) {
    const retries = this.#host.settings().retries;
    for (let attempt = 0; ;) {
      if (how.gated) {
        await this.#gate();
      }
      how.onAttempt?.();
      const response = await send({ ...request, token: this.#host.token(), signal: how.gated ? this.#aborter.signal : undefined });
      if (response.aborted) {
        if (this.cancelled && how.gated) {
          throw new Cancelled();
        }
        continue;
      }
      if (response.status === 401) {
        // Woken when a token is set (or by pause, cancel, the network coming back: then it asks again).
        this.#enterWait('unauthorized', 'This server needs a token.');
        await this.#sleep(Number.POSITIVE_INFINITY);
        continue;
      }
      if (!isRetryable(response.status)) {
        this.#leaveWait();
        return response;
      }
      const offline = response.status === 0 && navigator.onLine === false;
      if (!offline) {
        attempt += 1;
        if (attempt > retries) {
          return response;
        }
      }
      this.#enterWait('waiting', response.status === 0 ? 'Waiting for the network…' : `The server is busy (${response.status}); trying again…`);
      // Offline, the page's `online` event ends the wait; the cap only covers a browser that never sends it.
      await this.#sleep(offline ? OfflineRecheckMs : retryDelayMs(attempt, response.retryAfter));
    }
  }

  /**
   * @param {UploadStatus} state
   * @param {string} message
   */
  #enterWait(state, message) {
    if (!this.paused && !this.cancelled) {
      this.#setState(state, message);
    }
  }

  #leaveWait() {
    if ((this.state === 'waiting' || this.state === 'unauthorized') && !this.paused && !this.cancelled) {
      this.#setState(this.#activeState);
    }
  }

  /** Resolves when the job may send; throws once it is cancelled. */
  async #gate() {
    for (;;) {
      if (this.cancelled) {
        throw new Cancelled();
      }
      if (this.#failure) {
        throw this.#failure;
      }
      if (!this.paused) {
        return;
      }
      this.#settlePaused();
      await this.#sleep(Number.POSITIVE_INFINITY);
    }
  }

  /**
   * Waits `ms` milliseconds, or until {@link wake}.
   * @param {number} ms
   */
  #sleep(ms) {
    return new Promise((resolve) => {
      /** @type {ReturnType<typeof setTimeout> | undefined} */
      let timer;
      const waker = () => {
        clearTimeout(timer);
        this.#wakers.delete(waker);
        resolve(undefined);
      };
      this.#wakers.add(waker);
      if (Number.isFinite(ms)) {
        timer = setTimeout(waker, ms);
      }
    });
  }

  #abortRequests() {
    this.#aborter.abort();
    this.#aborter = new AbortController();
    for (const index of this.#inFlight.keys()) {
      this.#inFlight.set(index, 0);
    }
    this.wake();
  }

  /** Reports `paused` once no chunk is on its way any more. */
  #settlePaused() {
    if (this.paused && !this.cancelled && this.state !== 'paused') {
      this.#setState('paused');
      this.#postProgress(true);
    }
  }

  /**
   * @param {UploadStatus} state
   * @param {string | null} [message]
   */
  #setState(state, message = null) {
    if (this.state === state && message === null) {
      return;
    }
    this.state = state;
    if (state === 'preparing' || state === 'uploading' || state === 'completing') {
      this.#activeState = state;
    }
    this.#host.post({ type: 'state', id: this.#id, state, uploadId: this.uploadId, message });
  }

  /** @param {boolean} force post even if the last post was a moment ago */
  #postProgress(force) {
    const now = performance.now();
    if (!force && now - this.#lastProgressAt < ProgressIntervalMs) {
      return;
    }
    this.#lastProgressAt = now;
    let inFlight = 0;
    for (const loaded of this.#inFlight.values()) {
      inFlight += loaded;
    }
    const bytesSent = Math.min(this.#file.size, this.#bytesAcknowledged + inFlight);
    const bytesPerSecond = this.paused ? 0 : this.#rate.bytesPerSecond(now);
    this.#host.post({
      type: 'progress',
      id: this.#id,
      progress: {
        totalBytes: this.#file.size,
        bytesAcknowledged: this.#bytesAcknowledged,
        bytesSent,
        chunkCount: this.#chunkCount,
        chunksAcknowledged: this.#chunksAcknowledged,
        bytesPerSecond,
        secondsLeft: bytesPerSecond > 0 ? (this.#file.size - bytesSent) / bytesPerSecond : null,
      },
    });
  }

  /** @param {string | null} uploadId */
  #uploadUrl(uploadId) {
    return `${this.#server}/v1/uploads/${encodeURIComponent(uploadId ?? '')}`;
  }
}

/**
 * The indices of sorted inclusive ranges.
 * @param {Array<[number, number]>} ranges
 * @returns {number[]}
 */
function expand(ranges) {
  const indices = [];
  for (const [first, last] of ranges) {
    for (let index = first; index <= last; index++) {
      indices.push(index);
    }
  }
  return indices;
}

/**
 * @param {ArrayBuffer} bytes
 * @returns {string}
 */
function base64(bytes) {
  let text = '';
  for (const byte of new Uint8Array(bytes)) {
    text += String.fromCharCode(byte);
  }
  return btoa(text);
}
