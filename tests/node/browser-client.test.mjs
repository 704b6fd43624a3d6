// The browser client's pure parts (no browser needed), run by node's test runner:
// node --test tests/node/browser-client.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseChunkSize, chunkRange, missingChunks, MiB, GiB } from '../../src/Gateway/wwwroot/assets/uploads/chunk-plan.js';
import { isRetryable, parseRetryAfter, retryDelayMs } from '../../src/Gateway/wwwroot/assets/uploads/retry-policy.js';
import { TransferRate } from '../../src/Gateway/wwwroot/assets/uploads/transfer-rate.js';

test('chooseChunkSize_BySize_8MiBUnder100MiB16MiBUnder1GiB32MiBAbove', () => {
  assert.equal(chooseChunkSize(0), 8 * MiB);
  assert.equal(chooseChunkSize(100 * MiB - 1), 8 * MiB);
  assert.equal(chooseChunkSize(100 * MiB), 16 * MiB);
  assert.equal(chooseChunkSize(GiB - 1), 16 * MiB);
  assert.equal(chooseChunkSize(GiB), 32 * MiB);
  assert.equal(chooseChunkSize(20 * GiB), 32 * MiB);
});

test('chooseChunkSize_FileNeedingOver10000Chunks_RaisedToWholeMiB', () => {
  const size = 1024 * GiB;
  const chunkSize = chooseChunkSize(size);
  assert.equal(chunkSize % MiB, 0);
  assert.ok(Math.ceil(size / chunkSize) <= 10000);
  assert.ok(Math.ceil(size / (chunkSize - MiB)) > 10000);
});

test('missingChunks_RangesHeld_ListsTheRestInOrder', () => {
  assert.deepEqual(missingChunks(6, []), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(missingChunks(6, [[0, 1], [3, 3]]), [2, 4, 5]);
  assert.deepEqual(missingChunks(3, [[0, 2]]), []);
  assert.deepEqual(missingChunks(4, [[1, 2]]), [0, 3]);
});

test('chunkRange_LastChunk_IsWhatRemains', () => {
  assert.deepEqual(chunkRange(0, 10, 25), { start: 0, end: 10 });
  assert.deepEqual(chunkRange(2, 10, 25), { start: 20, end: 25 });
});

test('isRetryable_NetworkTimeoutsRateLimitsAndServerFaults_AreRetried', () => {
  for (const status of [0, 408, 429, 500, 502, 503, 504]) {
    assert.equal(isRetryable(status), true, String(status));
  }
  for (const status of [200, 400, 401, 404, 409, 410, 413]) {
    assert.equal(isRetryable(status), false, String(status));
  }
});

test('retryDelayMs_RetryAfterInSecondsOrAsADate_IsHonoured', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');
  assert.equal(retryDelayMs(1, '2', now), 2000);
  assert.equal(retryDelayMs(5, '0', now), 0);
  assert.equal(retryDelayMs(1, 'Tue, 01 Dec 2026 10:00:07 GMT', now), 7000);
  assert.equal(parseRetryAfter('soon', now), null);
  assert.equal(parseRetryAfter(null, now), null);
});

test('retryDelayMs_WithoutRetryAfter_BacksOffExponentiallyWithJitterUpTo30s', () => {
  assert.equal(retryDelayMs(1, null, 0, () => 0), 250);
  assert.equal(retryDelayMs(1, null, 0, () => 1), 500);
  assert.equal(retryDelayMs(3, null, 0, () => 1), 2000);
  assert.equal(retryDelayMs(20, null, 0, () => 1), 30000);
  assert.equal(retryDelayMs(20, null, 0, () => 0), 15000);
});

test('TransferRate_BytesOverTheWindow_GivesBytesPerSecond', () => {
  const rate = new TransferRate();
  assert.equal(rate.bytesPerSecond(0), 0);
  rate.add(0, 0);
  rate.add(1000, 500);
  rate.add(1000, 1000);
  assert.equal(rate.bytesPerSecond(1000), 2000);
  rate.reset();
  assert.equal(rate.bytesPerSecond(2000), 0);
});
