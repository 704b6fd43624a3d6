// The dedicated worker that runs every upload of one UploadsClient: reading, hashing and sending chunks happen here,
// so the page never blocks. It answers the commands of messages.js with its events.

import { UploadJob } from './upload-job.js';

/** @typedef {import('./messages.js').WorkerCommand} WorkerCommand */
/** @typedef {import('./messages.js').WorkerEvent} WorkerEvent */
/** @typedef {import('./messages.js').ClientSettings} ClientSettings */

/** @type {ClientSettings} */
let settings = { server: self.location.origin, parallelism: 4, retries: 10 };
/** @type {string | null} */
let token = null;
/** @type {Map<number, UploadJob>} */
const jobs = new Map();

const host = {
  settings: () => settings,
  token: () => token,
  post: (/** @type {WorkerEvent} */ event) => self.postMessage(event),
};

function wakeAll() {
  for (const job of jobs.values()) {
    job.wake();
  }
}

self.addEventListener('message', (event) => {
  const command = /** @type {WorkerCommand} */ (event.data);
  switch (command.type) {
    case 'configure':
      settings = command.settings;
      token = command.token;
      break;
    case 'start': {
      const job = new UploadJob(command.id, command.file, command.options, host);
      jobs.set(command.id, job);
      job.run().finally(() => jobs.delete(command.id));
      break;
    }
    case 'pause':
      jobs.get(command.id)?.pause();
      break;
    case 'resume':
      jobs.get(command.id)?.resume();
      break;
    case 'cancel':
      jobs.get(command.id)?.cancel();
      break;
    case 'token':
      token = command.token;
      wakeAll();
      break;
    case 'online':
      wakeAll();
      break;
  }
});

// Workers see the network come back too; the page forwards its own event as well, whichever comes first.
self.addEventListener('online', wakeAll);
