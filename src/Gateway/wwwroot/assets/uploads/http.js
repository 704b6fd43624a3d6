// One HTTP request, through XMLHttpRequest: unlike fetch, it reports the progress of a request body as it is sent.

/**
 * @typedef {object} HttpRequest
 * @property {string} method
 * @property {string} url
 * @property {string | null} token a bearer token, or null
 * @property {Blob | string | null} [body]
 * @property {Record<string, string>} [headers]
 * @property {(loaded: number) => void} [onUploadProgress] bytes of the body sent so far
 * @property {AbortSignal} [signal]
 */

/**
 * @typedef {object} HttpResponse
 * @property {number} status 0 when no answer came (network error, abort)
 * @property {boolean} aborted the signal ended the request
 * @property {any} body the JSON body, or null
 * @property {string | null} retryAfter
 */

/**
 * Sends one request. Never rejects: a network failure is status 0, an abort is `aborted`.
 * @param {HttpRequest} request
 * @returns {Promise<HttpResponse>}
 */
export function send(request) {
  return new Promise((resolve) => {
    if (request.signal?.aborted) {
      resolve({ status: 0, aborted: true, body: null, retryAfter: null });
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const settle = (/** @type {HttpResponse} */ response) => {
      request.signal?.removeEventListener('abort', onAbort);
      resolve(response);
    };
    xhr.open(request.method, request.url);
    if (request.token) {
      xhr.setRequestHeader('Authorization', `Bearer ${request.token}`);
    }
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      xhr.setRequestHeader(name, value);
    }
    const onUploadProgress = request.onUploadProgress;
    if (onUploadProgress) {
      xhr.upload.onprogress = (event) => onUploadProgress(event.loaded);
    }
    xhr.onload = () => settle({
      status: xhr.status,
      aborted: false,
      body: parseJson(xhr.responseText),
      retryAfter: xhr.getResponseHeader('Retry-After'),
    });
    xhr.onerror = () => settle({ status: 0, aborted: false, body: null, retryAfter: null });
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => settle({ status: 0, aborted: true, body: null, retryAfter: null });
    request.signal?.addEventListener('abort', onAbort);
    xhr.send(request.body ?? null);
  });
}

/**
 * @param {string} text
 * @returns {any}
 */
function parseJson(text) {
  if (!text) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
