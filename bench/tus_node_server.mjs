// The Node reference server of bench/uploads.sh: @tus/server with
// @tus/file-store (pinned in package-lock.json), as its README shows it.
// Usage: node bench/tus_node_server.mjs PORT DIR
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';

const [port, dir] = process.argv.slice(2);
const server = new Server({ path: '/files', datastore: new FileStore({ directory: dir }) });
server.listen({ host: '127.0.0.1', port: Number(port) }, () => console.error('listening'));
