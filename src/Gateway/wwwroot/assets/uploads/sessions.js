// Upload sessions in IndexedDB: which server upload a local file belongs to, so a reload or a crash loses nothing
// the server has acknowledged.

const DatabaseName = 'uploads-client';
const StoreName = 'sessions';
const Version = 1;

/**
 * @typedef {object} UploadSession
 * @property {string} key the file's identity on this server ({@link sessionKey})
 * @property {string} uploadId
 * @property {string} server
 * @property {string} fileName
 * @property {number} size
 * @property {number} lastModified
 * @property {number} chunkSize
 * @property {number} savedAt ms since the epoch
 */

/**
 * A file is taken to be the same file when its name, size and last-modified time are, on the same server.
 * @param {string} server
 * @param {{ name: string, size: number, lastModified: number }} file
 * @returns {string}
 */
export function sessionKey(server, file) {
  return JSON.stringify([server, file.name, file.size, file.lastModified]);
}

/** @type {Promise<IDBDatabase> | null} */
let opened = null;

/** @returns {Promise<IDBDatabase>} */
function open() {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DatabaseName, Version);
    request.onupgradeneeded = () => request.result.createObjectStore(StoreName, { keyPath: 'key' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => {
      opened = null;
      reject(request.error);
    };
  });
  return opened;
}

/**
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest<T>} action
 * @returns {Promise<T>}
 */
async function run(mode, action) {
  const database = await open();
  return new Promise((resolve, reject) => {
    const transaction = database.transaction(StoreName, mode);
    const request = action(transaction.objectStore(StoreName));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

/**
 * @param {string} key
 * @returns {Promise<UploadSession | undefined>}
 */
export function findSession(key) {
  return run('readonly', (store) => store.get(key));
}

/**
 * @param {UploadSession} session
 * @returns {Promise<IDBValidKey>}
 */
export function saveSession(session) {
  return run('readwrite', (store) => store.put(session));
}

/**
 * @param {string} key
 * @returns {Promise<undefined>}
 */
export function deleteSession(key) {
  return run('readwrite', (store) => store.delete(key));
}
