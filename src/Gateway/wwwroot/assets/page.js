// The upload page: files chosen or dropped start at once, one row each; the tenant's uploads below.

import { UploadsClient, UploadsError } from './uploads/uploads-client.js';

/** @typedef {import('./uploads/uploads-client.js').Upload} Upload */
/** @typedef {import('./uploads/messages.js').UploadProgress} UploadProgress */
/** @typedef {import('./uploads/messages.js').UploadResource} UploadResource */

const TokenKey = 'uploads.token';

const client = new UploadsClient({ server: location.origin, token: sessionStorage.getItem(TokenKey) });

/**
 * @template {Element} T
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {T}
 */
function $(selector, root = document) {
  const element = root.querySelector(selector);
  if (!element) {
    throw new Error(`The page has no ${selector}.`);
  }
  return /** @type {T} */ (element);
}

const files = /** @type {HTMLInputElement} */ ($('#files'));
const dropZone = /** @type {HTMLElement} */ ($('#drop-zone'));
const transfers = /** @type {HTMLUListElement} */ ($('#transfers'));
const template = /** @type {HTMLTemplateElement} */ ($('#transfer-template'));
const tokenPanel = /** @type {HTMLElement} */ ($('#token-panel'));
const tokenNeeded = /** @type {HTMLElement} */ ($('#token-needed'));
const tokenForm = /** @type {HTMLFormElement} */ ($('#token-form'));
const tokenInput = /** @type {HTMLInputElement} */ ($('#token'));
const listStatus = /** @type {HTMLElement} */ ($('#list-status'));
const listBody = /** @type {HTMLTableSectionElement} */ ($('#uploads tbody'));

const StateNames = /** @type {Record<string, string>} */ ({
  preparing: 'Preparing',
  uploading: 'Uploading',
  paused: 'Paused',
  waiting: 'Waiting',
  unauthorized: 'Needs a token',
  completing: 'Completing',
  completed: 'Completed',
  cancelling: 'Cancelling',
  cancelled: 'Cancelled',
  failed: 'Failed',
  created: 'Created',
  aborted: 'Aborted',
  expired: 'Expired',
});

/** @param {number} bytes */
function formatBytes(bytes) {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** @param {number | null} seconds */
function formatTimeLeft(seconds) {
  if (seconds === null || !Number.isFinite(seconds)) {
    return '';
  }
  const rounded = Math.ceil(seconds);
  if (rounded < 60) {
    return `${rounded} s left`;
  }
  const minutes = Math.floor(rounded / 60);
  return minutes < 60 ? `${minutes} min ${rounded % 60} s left` : `${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

/** @param {string} message */
function askForToken(message) {
  tokenNeeded.textContent = message;
  tokenPanel.hidden = false;
}

/**
 * One row per file: its bar, figures and buttons follow the upload's events.
 * @param {File} file
 */
function startUpload(file) {
  const upload = client.upload(file);
  const row = /** @type {HTMLLIElement} */ (/** @type {DocumentFragment} */ (template.content.cloneNode(true)).firstElementChild);
  const nameId = `transfer-${upload.id}-name`;
  const name = $('.name', row);
  name.id = nameId;
  name.textContent = file.name;
  const bar = /** @type {HTMLProgressElement} */ ($('progress', row));
  bar.max = Math.max(1, file.size);
  bar.setAttribute('aria-labelledby', nameId);
  const state = $('.state', row);
  const bytes = $('.bytes', row);
  const speed = $('.speed', row);
  const eta = $('.eta', row);
  const message = /** @type {HTMLElement} */ ($('.message', row));
  const pause = /** @type {HTMLButtonElement} */ ($('.pause', row));
  const resume = /** @type {HTMLButtonElement} */ ($('.resume', row));
  const cancel = /** @type {HTMLButtonElement} */ ($('.cancel', row));
  for (const button of [pause, resume, cancel]) {
    // The buttons are named Pause, Resume and Cancel; the file they act on is their description.
    button.setAttribute('aria-describedby', nameId);
  }
  row.dataset.total = String(file.size);
  row.dataset.acknowledged = '0';
  row.dataset.state = upload.state;
  state.textContent = StateNames[upload.state];
  bytes.textContent = `0 B of ${formatBytes(file.size)}`;

  let listed = false;
  pause.addEventListener('click', () => upload.pause());
  resume.addEventListener('click', () => upload.resume());
  cancel.addEventListener('click', () => upload.cancel());

  upload.addEventListener('statechange', (event) => {
    const { state: now, message: words } = /** @type {CustomEvent<{ state: string, message: string | null }>} */ (event).detail;
    row.dataset.state = now;
    if (upload.uploadId) {
      row.dataset.uploadId = upload.uploadId;
    }
    state.textContent = StateNames[now] ?? now;
    const finished = now === 'completed' || now === 'cancelled' || now === 'failed';
    const paused = now === 'paused';
    pause.hidden = paused || finished;
    resume.hidden = !paused;
    cancel.hidden = finished || now === 'cancelling';
    // Keep the focus on the row's controls when the pressed button goes away.
    if (document.activeElement === pause && pause.hidden && !resume.hidden) {
      resume.focus();
    } else if (document.activeElement === resume && resume.hidden && !pause.hidden) {
      pause.focus();
    }
    message.hidden = !(now === 'failed' || now === 'waiting' || now === 'unauthorized');
    message.textContent = words ?? '';
    if (now === 'unauthorized') {
      askForToken('This server needs a token to accept uploads: paste one below and the uploads go on.');
    }
    if (now === 'uploading' && !listed) {
      // The server holds it now: show it in the list too.
      listed = true;
      refreshList();
    }
    if (finished) {
      speed.textContent = '';
      eta.textContent = '';
      refreshList();
    }
  });

  upload.addEventListener('progress', (event) => {
    const progress = /** @type {CustomEvent<UploadProgress>} */ (event).detail;
    bar.value = progress.totalBytes === 0 ? bar.max : progress.bytesSent;
    row.dataset.acknowledged = String(progress.bytesAcknowledged);
    bytes.textContent = `${formatBytes(progress.bytesSent)} of ${formatBytes(progress.totalBytes)} · ${progress.chunksAcknowledged} of ${progress.chunkCount} chunks`;
    speed.textContent = progress.bytesPerSecond > 0 ? `${formatBytes(progress.bytesPerSecond)}/s` : '';
    eta.textContent = formatTimeLeft(progress.secondsLeft);
  });

  upload.addEventListener('error', (event) => {
    message.hidden = false;
    message.textContent = /** @type {CustomEvent<UploadsError>} */ (event).detail.message;
  });

  transfers.prepend(row);
}

/** @param {FileList | null} list */
function startAll(list) {
  for (const file of list ?? []) {
    startUpload(file);
  }
}

files.addEventListener('change', () => {
  startAll(files.files);
  // The same file may be chosen again later (to resume it after a reload).
  files.value = '';
});

dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropZone.classList.add('dragging');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('dragging');
  startAll(event.dataTransfer?.files ?? null);
});

tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  sessionStorage.setItem(TokenKey, token);
  client.setToken(token);
  tokenInput.value = '';
  tokenPanel.hidden = true;
  refreshList();
});

$('#refresh').addEventListener('click', () => refreshList());

let listing = 0;

/** Shows the tenant's uploads (the first page of GET /v1/uploads). */
async function refreshList() {
  const turn = ++listing;
  let page;
  try {
    page = await client.listUploads({ limit: 100 });
  } catch (error) {
    if (turn !== listing) {
      return;
    }
    if (error instanceof UploadsError && error.status === 401) {
      listStatus.textContent = 'Sign in with a token to see your uploads.';
      askForToken(client.token
        ? 'The server refused this token (expired, or signed with another key): paste a new one.'
        : 'This server needs a token: paste one to send files and see your uploads.');
    } else {
      listStatus.textContent = `Could not list your uploads: ${error instanceof Error ? error.message : error}`;
    }
    return;
  }
  if (turn !== listing) {
    return;
  }
  listStatus.textContent = page.items.length === 0 ? 'No uploads yet.' : `${page.items.length} upload${page.items.length === 1 ? '' : 's'}.`;
  listBody.replaceChildren(...page.items.map(listRow));
}

/** @param {UploadResource} upload */
function listRow(upload) {
  const row = document.createElement('tr');
  row.dataset.uploadId = upload.uploadId;
  const cells = [upload.fileName, formatBytes(upload.size), StateNames[upload.state] ?? upload.state, upload.updatedAt ? new Date(upload.updatedAt).toLocaleString() : ''];
  for (const text of cells) {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.append(cell);
  }
  const download = document.createElement('td');
  if (upload.state === 'completed') {
    const link = document.createElement('a');
    link.href = client.contentUrl(upload.uploadId);
    link.textContent = 'Download';
    link.setAttribute('download', upload.fileName);
    link.setAttribute('aria-label', `Download ${upload.fileName}`);
    link.addEventListener('click', (event) => {
      if (client.token) {
        // A link cannot carry the bearer token: fetch the file with it, then save what came.
        event.preventDefault();
        saveWithToken(upload);
      }
    });
    download.append(link);
  }
  row.append(download);
  return row;
}

/** @param {UploadResource} upload */
async function saveWithToken(upload) {
  try {
    const blob = await client.download(upload.uploadId);
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = upload.fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (error) {
    listStatus.textContent = `Could not download ${upload.fileName}: ${error instanceof Error ? error.message : error}`;
  }
}

refreshList();
