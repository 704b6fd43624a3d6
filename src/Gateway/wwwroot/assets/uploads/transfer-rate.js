// Speed over a sliding window, so the figure follows the network as it changes rather than the whole upload's mean.

const WindowMs = 5000;

export class TransferRate {
  /** @type {Array<{ at: number, bytes: number }>} */
  #samples = [];
  #total = 0;

  /**
   * Counts `bytes` more transferred at time `at` (ms).
   * @param {number} bytes
   * @param {number} at
   */
  add(bytes, at) {
    this.#total += bytes;
    this.#samples.push({ at, bytes: this.#total });
    while (this.#samples.length > 2 && this.#samples[0].at < at - WindowMs) {
      this.#samples.shift();
    }
  }

  /**
   * Bytes per second over the window ending at `now`, or 0 while less than a quarter of a second is known.
   * @param {number} now
   * @returns {number}
   */
  bytesPerSecond(now) {
    if (this.#samples.length < 2) {
      return 0;
    }
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    const elapsed = Math.max(now, last.at) - first.at;
    return elapsed < 250 ? 0 : ((last.bytes - first.bytes) * 1000) / elapsed;
  }

  /** Forgets the window (after a pause, so the speed shown is the one since). */
  reset() {
    this.#samples = [];
  }
}
