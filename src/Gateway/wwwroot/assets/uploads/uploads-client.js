// The browser client of the Uploads v1 API. Import it as it is (an ES module, no build step):
//
//   import { UploadsClient } from 'https://uploads.example.com/assets/uploads/uploads-client.js';
//   const client = new UploadsClient({ token: myJwt });           // server: this module's origin by default
//   const upload = client.upload(file);                            // starts at once, in a Web Worker
//   upload.addEventListener('progress', (e) => bar.value = e.detail.bytesSent / e.detail.totalBytes);
//   const resource = await upload.done;                            // the completed upload (API.md)
//
// Chunks travel in parallel with a SHA-256 Content-Digest each; failed requests are retried with backoff (honouring
// Retry-After) and resumed when the browser is back online; sessions are kept in IndexedDB, so selecting the same
// file after a reload sends only what the server lacks.

/** @typedef {import('./messages.js').UploadStatus} UploadStatus */
/** @typedef {import('./messages.js').UploadProgress} UploadProgress */
/** @typedef {import('./messages.js').UploadOptions} UploadOptions */
/** @typedef {import('./messages.js').UploadResource} UploadResource */
/** @typedef {import('./messages.js').WorkerCommand} WorkerCommand */
/** @typedef {import('./messages.js').WorkerEvent} WorkerEvent */

/**
 * @typedef {object} UploadsClientOptions
 * @property {string} [server] the API's origin; by default the origin this module was loaded from
 * @property {string | null} [token] a bearer token (Jwt mode); change it later with {@link UploadsClient.setToken}
 * @property {number} [parallelism] chunks in flight per upload. Default: 4
 * @property {number} [retries] attempts after the first for a failed request while online. Default: 10
 */

/** The server's refusal of a request, with its status and its problem's `code` (API.md). */
export class UploadsError extends Error {
  /**
   * @param {string} message
   * @param {number} status 0 when no answer came
   * @param {string | null} code
   */
  constructor(message, status, code) {
    super(message);
    this.name = 'UploadsError';
    this.status = status;
    this.code = code;
  }
}

/**
 * One file's upload. Events: `statechange` (detail: `{ state, message }`), `progress` (detail: UploadProgress),
 * `complete` (detail: the upload resource), `error` (detail: UploadsError). {@link done} settles with the last two.
 */
export class Upload extends EventTarget {
  /** @type {UploadStatus} */
  state = 'preparing';
  /** @type {string | null} the server's id, once the upload exists there */
  uploadId = null;
  /** @type {string | null} what the state means, when it needs words (an error, a wait) */
  message = null;
  /** @type {UploadProgress} */
  progress;

  #client;
  /** @type {(value: UploadResource) => void} */
  #resolve = () => {};
  /** @type {(reason: UploadsError) => void} */
  #reject = () => {};

  /**
   * @param {UploadsClient} client
   * @param {number} id
   * @param {File} file
   */
  constructor(client, id, file) {
    super();
    this.#client = client;
    this.id = id;
    this.file = file;
    this.progress = {
      totalBytes: file.size, bytesAcknowledged: 0, bytesSent: 0, chunkCount: 0, chunksAcknowledged: 0, bytesPerSecond: 0, secondsLeft: null,
    };
    /** @type {Promise<UploadResource>} resolves when the upload is completed; rejects when it fails or is cancelled */
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A caller that only listens to events should not see an unhandled rejection.
    this.done.catch(() => {});
  }

  /** Stops sending at once (chunks on their way are dropped and sent again on resume). */
  pause() {
    this.#client.command({ type: 'pause', id: this.id });
  }

  resume() {
    this.#client.command({ type: 'resume', id: this.id });
  }

  /** Stops sending and aborts the upload on the server, which releases what it holds. */
  cancel() {
    this.#client.command({ type: 'cancel', id: this.id });
  }

  /**
   * @param {WorkerEvent} event
   * @internal
   */
  receive(event) {
    switch (event.type) {
      case 'state':
        this.state = event.state;
        this.uploadId = event.uploadId ?? this.uploadId;
        this.message = event.message;
        this.dispatchEvent(new CustomEvent('statechange', { detail: { state: event.state, message: event.message } }));
        if (event.state === 'cancelled') {
          this.#reject(new UploadsError(`The upload of ${this.file.name} was cancelled.`, 0, 'cancelled'));
        }
        break;
      case 'progress':
        this.progress = event.progress;
        this.dispatchEvent(new CustomEvent('progress', { detail: event.progress }));
        break;
      case 'completed':
        this.uploadId = event.upload.uploadId;
        this.dispatchEvent(new CustomEvent('complete', { detail: event.upload }));
        this.#resolve(event.upload);
        break;
      case 'failed': {
        const error = new UploadsError(event.message, event.status, event.code);
        this.dispatchEvent(new CustomEvent('error', { detail: error }));
        this.#reject(error);
        break;
      }
    }
  }
}

export class UploadsClient {
  #server;
  #token;
  #parallelism;
  #retries;
  /** @type {Worker | null} */
  #worker = null;
  /** @type {Map<number, Upload>} */
  #uploads = new Map();
  #nextId = 1;

  /** @param {UploadsClientOptions} [options] */
  constructor(options = {}) {
    this.#server = (options.server ?? new URL(import.meta.url).origin).replace(/\/+$/, '');
    this.#token = options.token ?? null;
    this.#parallelism = options.parallelism ?? 4;
    this.#retries = options.retries ?? 10;
  }

  /** The API's origin. */
  get server() {
    return this.#server;
  }

  /** The bearer token sent with every request, or null. */
  get token() {
    return this.#token;
  }

  /**
   * Starts uploading `file` at once (or resumes the upload this browser began for the same file on this server).
   * @param {File} file
   * @param {UploadOptions} [options]
   * @returns {Upload}
   */
  upload(file, options = {}) {
    const upload = new Upload(this, this.#nextId++, file);
    this.#uploads.set(upload.id, upload);
    this.command({ type: 'start', id: upload.id, file, options });
    return upload;
  }

  /**
   * Sets the token for every later request; uploads waiting for one (state `unauthorized`) go on.
   * @param {string | null} token
   */
  setToken(token) {
    this.#token = token || null;
    if (this.#worker) {
      this.command({ type: 'token', token: this.#token });
    }
  }

  /**
   * One page of the caller's uploads, newest state first as the server lists them.
   * @param {{ state?: string, limit?: number, cursor?: string }} [query]
   * @returns {Promise<{ items: UploadResource[], nextCursor: string | null }>}
   */
  async listUploads(query = {}) {
    const url = new URL(`${this.#server}/v1/uploads`);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) {
        url.searchParams.set(name, String(value));
      }
    }
    const response = await this.fetch(url.toString());
    return response.json();
  }

  /**
   * The content of a completed upload, as a Blob (a download link cannot carry a bearer token).
   * @param {string} uploadId
   * @returns {Promise<Blob>}
   */
  async download(uploadId) {
    const response = await this.fetch(this.contentUrl(uploadId));
    return response.blob();
  }

  /**
   * Where a completed upload's content is downloaded from.
   * @param {string} uploadId
   */
  contentUrl(uploadId) {
    return `${this.#server}/v1/uploads/${encodeURIComponent(uploadId)}/content`;
  }

  /**
   * A request to the API with the token; throws {@link UploadsError} unless it succeeds.
   * @param {string} url
   * @param {RequestInit} [init]
   * @returns {Promise<Response>}
   */
  async fetch(url, init = {}) {
    const headers = new Headers(init.headers);
    if (this.#token) {
      headers.set('Authorization', `Bearer ${this.#token}`);
    }
    let response;
    try {
      response = await fetch(url, { ...init, headers });
    } catch (error) {
      throw new UploadsError(`The server could not be reached: ${error instanceof Error ? error.message : error}`, 0, null);
    }
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new UploadsError(problem.detail ?? `The server answered ${response.status}.`, response.status, problem.code ?? null);
    }
    return response;
  }

  /** Ends the worker and with it every upload under way (their sessions stay, to resume later). */
  close() {
    this.#worker?.terminate();
    this.#worker = null;
    window.removeEventListener('online', this.#onOnline);
  }

  /**
   * @param {WorkerCommand} command
   * @internal
   */
  command(command) {
    this.#ensureWorker().postMessage(command);
  }

  #onOnline = () => this.#worker?.postMessage(/** @type {WorkerCommand} */ ({ type: 'online' }));

  /** @returns {Worker} */
  #ensureWorker() {
    if (!this.#worker) {
      const script = new URL('./upload-worker.js', import.meta.url);
      // A worker's script must be of the page's origin: from elsewhere, a same-origin stub imports it (with CORS).
      const source = script.origin === location.origin
        ? script
        : URL.createObjectURL(new Blob([`import ${JSON.stringify(script.href)};`], { type: 'text/javascript' }));
      const worker = new Worker(source, { type: 'module', name: 'uploads' });
      worker.addEventListener('message', (event) => {
        const message = /** @type {WorkerEvent} */ (event.data);
        this.#uploads.get(message.id)?.receive(message);
        if (message.type === 'completed' || message.type === 'failed' || (message.type === 'state' && message.state === 'cancelled')) {
          this.#uploads.delete(message.id);
        }
      });
      worker.postMessage(/** @type {WorkerCommand} */ ({
        type: 'configure',
        settings: { server: this.#server, parallelism: this.#parallelism, retries: this.#retries },
        token: this.#token,
      }));
      window.addEventListener('online', this.#onOnline);
      this.#worker = worker;
    }
    return this.#worker;
  }
}
