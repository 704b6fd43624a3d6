// When a failed request is tried again, and after how long.

/** Statuses worth another try: timeouts, rate limits and the server's own failures. */
const RetryableStatuses = new Set([408, 429, 500, 502, 503, 504]);

const BaseDelayMs = 500;
const MaxDelayMs = 30000;

/**
 * Whether a response with this status may succeed when sent again unchanged. Status 0 is a request that never got
 * an answer (no network, a dropped connection).
 * @param {number} status
 * @returns {boolean}
 */
export function isRetryable(status) {
  return status === 0 || RetryableStatuses.has(status);
}

/**
 * The wait before attempt `attempt + 1` (the first retry is attempt 1): the server's `Retry-After` when it sent one
 * (seconds or an HTTP date), else exponential backoff from 0.5 s, capped at 30 s, with full jitter on its upper half
 * so that many clients cut off together do not come back together.
 * @param {number} attempt
 * @param {string | null} retryAfter
 * @param {number} [now] the current time, ms since the epoch
 * @param {() => number} [random]
 * @returns {number} milliseconds
 */
export function retryDelayMs(attempt, retryAfter, now = Date.now(), random = Math.random) {
  const fromServer = parseRetryAfter(retryAfter, now);
  if (fromServer !== null) {
    return Math.min(fromServer, 10 * MaxDelayMs);
  }
  const ceiling = Math.min(MaxDelayMs, BaseDelayMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * `Retry-After` in milliseconds from `now`, or null when absent or unreadable.
 * @param {string | null} value
 * @param {number} now
 * @returns {number | null}
 */
export function parseRetryAfter(value, now) {
  if (value === null || value.trim() === '') {
    return null;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim()) * 1000;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
