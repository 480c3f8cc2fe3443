// Uploads one file to BackupMonitor's tus endpoint with tus-js-client, as a site's own uploader would.
// usage: node upload.js ENDPOINT TOKEN_FILE FILE NAME [--chunk BYTES] [--stop-after BYTES] [--resume URL]
// Prints the upload's URL on stdout; exit 0 when the upload completed (or stopped as asked), 1 on an error.
'use strict';
const fs = require('fs');
const tus = require('tus-js-client');

const [endpoint, tokenFile, file, name, ...options] = process.argv.slice(2);
const option = (flag) => { const i = options.indexOf(flag); return i >= 0 ? options[i + 1] : undefined; };
const token = fs.readFileSync(tokenFile, 'utf8').trim();
const stopAfter = option('--stop-after') ? Number(option('--stop-after')) : undefined;

const upload = new tus.Upload(fs.createReadStream(file), {
  endpoint,
  uploadUrl: option('--resume'),
  uploadSize: fs.statSync(file).size,
  chunkSize: Number(option('--chunk') || 4 * 1024 * 1024),
  metadata: { filename: name },
  headers: { Authorization: `Bearer ${token}` },
  retryDelays: [0, 500, 1000],
  removeFingerprintOnSuccess: true,
  onChunkComplete: (_chunk, sent) => {
    if (stopAfter !== undefined && sent >= stopAfter) {
      upload.abort().then(() => { console.log(upload.url); process.exit(0); });
    }
  },
  onError: (error) => { console.error(`error: ${error}`); process.exit(1); },
  onSuccess: () => { console.log(upload.url); process.exit(0); },
});
upload.start();
