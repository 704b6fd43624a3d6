// tus-node-server (@tus/server) for the benchmarks: the file store on a folder, or the Azure store on an account.
// Usage: node bench/node/tus-server.mjs '{"port":N,"store":"file","directory":"..."}'
//    or: node bench/node/tus-server.mjs '{"port":N,"store":"azure","connectionString":"...","container":"..."}'
// Listens on 127.0.0.1, prints "ready" once it does, and exits on SIGTERM.
import { BlobServiceClient } from '@azure/storage-blob';
import { AzureStore } from '@tus/azure-store';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';

const options = JSON.parse(process.argv[2]);
let datastore;
if (options.store === 'azure') {
  const container = BlobServiceClient.fromConnectionString(options.connectionString).getContainerClient(options.container);
  await container.createIfNotExists();
  datastore = new AzureStore({ client: container });
} else {
  datastore = new FileStore({ directory: options.directory });
}

const server = new Server({ path: '/files', datastore });
const listener = server.listen({ host: '127.0.0.1', port: options.port }, () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => listener.close(() => process.exit(0)));
