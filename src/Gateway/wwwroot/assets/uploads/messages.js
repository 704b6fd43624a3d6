// The messages between the page (uploads-client.js) and the upload worker (upload-worker.js). Types only.

/**
 * An upload's state as the client sees it. `waiting` means a request failed and is tried again (no network, the
 * server busy); `unauthorized` means the server wants a token (or a valid one) before it goes on.
 * @typedef {'preparing' | 'uploading' | 'paused' | 'waiting' | 'unauthorized' | 'completing' | 'completed' | 'cancelling' | 'cancelled' | 'failed'} UploadStatus
 */

/**
 * @typedef {object} UploadProgress
 * @property {number} totalBytes
 * @property {number} bytesAcknowledged bytes the server has made durable
 * @property {number} bytesSent acknowledged bytes plus those of the chunks on their way
 * @property {number} chunkCount
 * @property {number} chunksAcknowledged
 * @property {number} bytesPerSecond sent over the last few seconds (0 until known)
 * @property {number | null} secondsLeft at that speed, or null while unknown
 */

/**
 * @typedef {object} UploadOptions
 * @property {string} [contentType]
 * @property {Record<string, string>} [metadata]
 * @property {number} [chunkSize] bytes; by default chosen by file size (chunk-plan.js)
 */

/**
 * @typedef {object} ClientSettings
 * @property {string} server the API's origin, e.g. https://uploads.example.com
 * @property {number} parallelism chunks in flight per upload
 * @property {number} retries attempts after the first for a failed request while the browser is online
 */

/**
 * The upload resource of the v1 API (API.md), as far as the client reads it.
 * @typedef {object} UploadResource
 * @property {string} uploadId
 * @property {string} state
 * @property {string} fileName
 * @property {number} size
 * @property {number} chunkSize
 * @property {number} chunkCount
 * @property {Array<[number, number]>} receivedChunks
 * @property {number} receivedChunkCount
 * @property {number} receivedBytes
 * @property {string} [updatedAt]
 * @property {{ location: string, size: number, etag: string, chunksSha256: string } | null} [result]
 */

/**
 * @typedef {{ type: 'configure', settings: ClientSettings, token: string | null }
 *   | { type: 'start', id: number, file: File, options: UploadOptions }
 *   | { type: 'pause', id: number }
 *   | { type: 'resume', id: number }
 *   | { type: 'cancel', id: number }
 *   | { type: 'token', token: string | null }
 *   | { type: 'online' }} WorkerCommand
 */

/**
 * @typedef {{ type: 'state', id: number, state: UploadStatus, uploadId: string | null, message: string | null }
 *   | { type: 'progress', id: number, progress: UploadProgress }
 *   | { type: 'completed', id: number, upload: UploadResource }
 *   | { type: 'failed', id: number, message: string, status: number, code: string | null }} WorkerEvent
 */

export {};
