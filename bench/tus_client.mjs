// tus-js-client for bench/uploads.sh: uploads FILE to ENDPOINT in one PATCH
// (chunkSize Infinity, the client's default) and prints the seconds it took.
// Usage: node bench/tus_client.mjs ENDPOINT FILE [TOKEN] [PARTNER]
import { readFileSync } from 'node:fs';
import * as tus from 'tus-js-client';

const [endpoint, file, token, partner] = process.argv.slice(2);
const data = readFileSync(file);
const t0 = process.hrtime.bigint();
await new Promise((resolve, reject) => {
  const u = new tus.Upload(data, {
    endpoint,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    metadata: { filename: 'bench.bin', ...(partner ? { partner } : {}) },
    retryDelays: [],
    onError: reject,
    onSuccess: resolve,
  });
  u.start();
});
console.log((Number(process.hrtime.bigint() - t0) / 1e9).toFixed(3));
