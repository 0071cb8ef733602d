// The upload page: files chosen or dropped are sent with tus (tus-js-client,
// /static/tus.min.js) to /files/ with the session cookie and its CSRF token,
// in chunks of data-chunk-size bytes, with progress, rate and time left per
// file. An upload survives a dropped connection (retries with growing
// delays, each resuming from the offset the server confirms with HEAD) and a
// reload (tus-js-client remembers each upload in localStorage under a
// fingerprint of partner and file: choosing the same file again continues
// it). When every file is uploaded the delivery form (a plain POST to
// /upload) sends their upload ids.
'use strict';
(function () {
  const app = document.getElementById('upload-app');
  if (!app) return;
  const note = document.getElementById('needs-js');
  if (typeof tus === 'undefined' || !tus.isSupported) {
    if (note) note.querySelector('h2').textContent = 'This browser cannot upload here: use another browser or the command line';
    return;
  }
  if (note) note.hidden = true;
  app.hidden = false;
  const cli = document.getElementById('cli'); // open for those without JavaScript, folded here
  if (cli) cli.open = false;

  const MiB = 1024 * 1024;
  const cfg = { csrf: app.dataset.csrf, partner: app.dataset.partner, endpoint: app.dataset.endpoint || '/files/' };
  const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000, 60000, 60000, 120000];
  const list = document.getElementById('upload-list');
  const input = document.getElementById('file-input');
  const zone = document.getElementById('dropzone');
  const form = document.getElementById('deliver-form');
  const button = document.getElementById('deliver-button');
  const deliverState = document.getElementById('deliver-state');
  const storage = tus.defaultOptions.urlStorage;
  const items = [];

  // One polite live region for the events worth hearing (not every progress tick).
  const announcer = document.createElement('p');
  announcer.className = 'up-vh';
  announcer.setAttribute('aria-live', 'polite');
  app.appendChild(announcer);
  const announce = (text) => { announcer.textContent = text; };

  function size(n) {
    if (n < 1024) return n + ' B';
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let v = n / 1024, u = 0;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return (v < 10 ? v.toFixed(1) : v.toFixed(0)) + ' ' + units[u];
  }
  function duration(s) {
    s = Math.max(0, Math.round(s));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }
  const chunkSize = () => { const n = Number(app.dataset.chunkSize); return n > 0 ? n : Infinity; };
  const idOf = (url) => (url || '').split('/').pop();
  const fingerprintOf = (file) => ['vodgate', cfg.partner, encodeURIComponent(file.name), file.type,
    file.size, file.lastModified].join('|');
  // The server's error message in a tus-js-client error, when it sent one.
  function serverMessage(err) {
    const res = err && err.originalResponse;
    if (!res) return '';
    try { return JSON.parse(res.getBody()).error.message || ''; } catch (e) { return ''; }
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // The list item of one file: name, size, buttons, progress bar, state line.
  function itemView(name, total) {
    const li = el('li', 'up-item');
    const head = el('div', 'up-head');
    head.append(el('span', 'up-name mono', name), ' ', el('span', 'up-size hint', size(total)));
    const actions = el('span', 'up-actions');
    const pause = el('button', 'secondary small pause', 'Pause');
    pause.type = 'button';
    const remove = el('button', 'secondary small remove', 'Remove');
    remove.type = 'button';
    remove.setAttribute('aria-label', 'Remove ' + name);
    pause.setAttribute('aria-label', 'Pause ' + name);
    actions.append(pause, remove);
    head.append(actions);
    const bar = el('progress');
    bar.max = Math.max(total, 1);
    bar.value = 0;
    bar.setAttribute('aria-label', 'Upload of ' + name);
    const state = el('div', 'up-state', 'Waiting…');
    li.append(head, bar, state);
    list.appendChild(li);
    return { li, bar, state, pause, remove };
  }

  function refresh() {
    if (!form) return;
    const waiting = items.filter((i) => i.status !== 'done').length;
    const ready = items.length > 0 && waiting === 0;
    button.disabled = !ready;
    button.textContent = ready ? 'Deliver ' + items.length + (items.length === 1 ? ' file' : ' files') : 'Deliver';
    deliverState.textContent = items.length === 0
      ? 'Choose the files first; the button is ready when every file is uploaded.'
      : ready ? 'Every file is uploaded and its checksum recorded: ready to deliver.'
        : 'Waiting for ' + waiting + (waiting === 1 ? ' file' : ' files') + ' to finish uploading.';
  }

  function setDone(item, id) {
    item.status = 'done';
    item.id = id;
    item.li.classList.remove('failed', 'paused');
    item.li.classList.add('done');
    item.li.dataset.uploadId = id;
    item.view.bar.value = item.view.bar.max;
    item.view.pause.hidden = true;
    if (!item.li.querySelector('input[name=files]')) {
      const hidden = el('input');
      hidden.type = 'hidden';
      hidden.name = 'files';
      hidden.value = id;
      hidden.setAttribute('form', 'deliver-form');
      item.li.appendChild(hidden);
    }
    const took = item.startedAt ? ' in ' + duration((performance.now() - item.startedAt) / 1000) : '';
    item.view.state.textContent = 'Uploaded' + took + (item.resumedFrom ? ' (continued from ' + size(item.resumedFrom) + ')' : '') + ' · upload id ' + id;
    announce(item.name + ': uploaded.');
    // the sha256 the server computed as the bytes arrived
    fetch('/api/v1/uploads/' + encodeURIComponent(id), { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : null))
      .then((u) => {
        if (u && u.sha256) {
          const sum = el('div', 'up-sum mono', 'sha256 ' + u.sha256);
          item.li.appendChild(sum);
        }
      })
      .catch(() => {});
    pump();
  }

  function progress(item, sent, total) {
    const now = performance.now();
    item.samples.push([now, sent]);
    while (item.samples.length > 2 && now - item.samples[0][0] > 5000) item.samples.shift();
    const [t0, b0] = item.samples[0];
    const rate = now - t0 > 200 ? (sent - b0) / ((now - t0) / 1000) : 0;
    item.view.bar.value = sent;
    item.li.dataset.offset = String(sent);
    item.li.classList.remove('paused');
    let text = size(sent) + ' of ' + size(total) + ' · ' + Math.round((sent / Math.max(total, 1)) * 100) + ' %';
    if (rate > 0) text += ' · ' + (rate / MiB).toFixed(1) + ' MiB/s · ' + duration((total - sent) / rate) + ' left';
    if (item.resumedFrom) text += ' · continued from ' + size(item.resumedFrom);
    item.view.state.textContent = text;
  }

  // At most PARALLEL files upload at once (a browser opens few connections to one server, and
  // each file then gets a real rate); the others wait their turn.
  const PARALLEL = 3;
  function pump() {
    while (items.filter((i) => i.status === 'uploading').length < PARALLEL) {
      const next = items.find((i) => i.status === 'queued');
      if (!next) break;
      next.status = 'uploading';
      next.samples = [];
      next.upload.options.chunkSize = chunkSize();
      next.startedAt = next.startedAt || performance.now();
      next.view.state.textContent = next.resuming ? 'This file was started before: asking the server where it stopped…' : 'Starting…';
      next.upload.start();
    }
    refresh();
  }

  // Puts an item in the queue (a new file, a resume, a retry).
  function start(item) {
    item.status = 'queued';
    item.li.classList.remove('failed', 'paused');
    item.view.pause.textContent = 'Pause';
    item.view.pause.hidden = false;
    item.view.state.textContent = 'Queued: starts when one of the files before it is done.';
    pump();
  }

  async function addFile(file) {
    const twin = items.find((i) => i.file && i.file.name === file.name && i.file.size === file.size &&
      i.file.lastModified === file.lastModified && i.status !== 'failed');
    if (twin) { announce(file.name + ' is in the list already.'); return; }
    const view = itemView(file.name, file.size);
    const item = { file, name: file.name, view, li: view.li, status: 'starting', samples: [] };
    items.push(item);
    refresh();
    const upload = new tus.Upload(file, {
      endpoint: cfg.endpoint,
      chunkSize: chunkSize(),
      retryDelays: RETRY_DELAYS,
      headers: { 'X-CSRF-Token': cfg.csrf },
      metadata: { filename: file.name, filetype: file.type || 'application/octet-stream', partner: String(cfg.partner) },
      fingerprint: (f) => Promise.resolve(fingerprintOf(f)),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: false,
      onProgress: (sent, total) => progress(item, sent, total),
      onAfterResponse: (req, res) => {
        // HEAD tells where the server stands: a resume starts from there
        if (req.getMethod() === 'HEAD' && res.getStatus() === 200) {
          const offset = Number(res.getHeader('Upload-Offset'));
          if (offset > 0 && offset < file.size) {
            item.resumedFrom = offset;
            item.view.state.textContent = 'Continuing from ' + size(offset) + ' of ' + size(file.size) + ': that much is on the server already.';
            announce(file.name + ': continuing from ' + size(offset) + '.');
          }
        }
      },
      onShouldRetry: (err, attempt) => {
        const status = err.originalResponse ? err.originalResponse.getStatus() : 0;
        if ([400, 401, 403, 404, 410, 413, 415, 460].includes(status)) return false;
        const delay = RETRY_DELAYS[attempt] || 0;
        item.samples = [];
        item.li.classList.add('paused');
        item.view.state.textContent = 'Connection lost at ' + size(Number(item.li.dataset.offset || 0)) +
          (delay ? '; trying again in ' + Math.round(delay / 1000) + ' s' : '; trying again now') +
          ' (attempt ' + (attempt + 1) + ' of ' + RETRY_DELAYS.length + '). Nothing sent is lost.';
        announce(file.name + ': connection lost, trying again.');
        return true;
      },
      onSuccess: () => setDone(item, idOf(upload.url)),
      onError: (err) => {
        item.status = 'failed';
        item.li.classList.add('failed');
        const status = err.originalResponse ? err.originalResponse.getStatus() : 0;
        const msg = serverMessage(err);
        item.view.state.textContent = status === 403
          ? 'Refused: ' + (msg || 'your session may have ended') + '. Sign in again, then choose the file again: it continues where it stopped.'
          : status === 413 ? 'Too large: ' + (msg || 'the server does not take a file this size') + '.'
            : 'Stopped: ' + (msg || 'the connection failed repeatedly') + '. Press Retry to continue from where it stopped.';
        item.view.pause.textContent = 'Retry';
        item.view.pause.hidden = false;
        announce(file.name + ': upload stopped.');
        pump();
      },
    });
    item.upload = upload;
    view.pause.addEventListener('click', () => {
      if (item.status === 'uploading' || item.status === 'queued') {
        if (item.status === 'uploading') upload.abort();
        item.status = 'paused';
        item.li.classList.add('paused');
        view.pause.textContent = 'Resume';
        view.state.textContent = 'Paused at ' + size(Number(item.li.dataset.offset || 0)) + '.';
        pump();
      } else if (item.status === 'paused' || item.status === 'failed') {
        start(item);
      }
    });
    view.remove.addEventListener('click', () => {
      const i = items.indexOf(item);
      if (i >= 0) items.splice(i, 1);
      item.li.remove();
      // an unfinished upload is deleted from the server (tus termination); a complete one is
      // only forgotten here, since it may be delivered from elsewhere (another tab, the CLI)
      const finished = item.status === 'done';
      upload.abort(!finished && Boolean(upload.url)).catch(() => {});
      if (finished) forget(item.id);
      announce(file.name + ' removed.');
      pump();
      input.focus();
    });
    try {
      const previous = await upload.findPreviousUploads();
      if (previous.length) {
        previous.sort((a, b) => String(b.creationTime).localeCompare(String(a.creationTime)));
        upload.resumeFromPreviousUpload(previous[0]);
        const listed = document.querySelector('#resumable-list li[data-upload-id="' + idOf(previous[0].uploadUrl) + '"]');
        if (listed) {
          const box = document.getElementById('resumable');
          listed.remove();
          if (box && !document.getElementById('resumable-list').children.length) box.hidden = true;
        }
        item.resuming = true;
      }
    } catch (e) { /* no storage: a fresh upload */ }
    start(item);
  }

  // Forgets the stored fingerprints of an upload (a later choice of the file uploads afresh).
  async function forget(id) {
    try {
      const stored = await storage.findAllUploads();
      await Promise.all(stored.filter((s) => idOf(s.uploadUrl) === id).map((s) => storage.removeUpload(s.urlStorageKey)));
    } catch (e) { /* nothing stored */ }
  }

  function addFiles(files) {
    for (const f of Array.from(files || [])) addFile(f);
  }

  // Uploads sent in an earlier visit, server-rendered after a refused delivery.
  for (const li of Array.from(list.querySelectorAll('li.up-item.done'))) {
    const name = li.querySelector('.up-name').textContent;
    const item = { name, li, status: 'done', id: li.dataset.uploadId, view: null };
    const remove = el('button', 'secondary small remove', 'Remove');
    remove.type = 'button';
    remove.setAttribute('aria-label', 'Remove ' + name);
    remove.addEventListener('click', () => { items.splice(items.indexOf(item), 1); li.remove(); refresh(); });
    li.querySelector('.up-head').append(' ', remove);
    items.push(item);
  }

  input.addEventListener('change', () => { addFiles(input.files); input.value = ''; });
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    addFiles(e.dataTransfer && e.dataTransfer.files);
  });
  // a file dropped beside the zone must not replace the page
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  // back online: the uploads that gave up go on
  window.addEventListener('online', () => {
    for (const i of items) if (i.status === 'failed' && i.upload) start(i);
  });

  // The request decides the kind.
  const requestSelect = document.getElementById('request');
  const kindSelect = document.getElementById('kind');
  if (requestSelect && kindSelect) {
    requestSelect.addEventListener('change', () => {
      const opt = requestSelect.selectedOptions[0];
      if (opt && opt.dataset.kind) kindSelect.value = opt.dataset.kind;
    });
  }

  // Delivering: the browser forgets the delivered uploads (a later delivery uploads afresh).
  let submitting = false;
  if (form) {
    form.addEventListener('submit', async (e) => {
      if (submitting) return;
      e.preventDefault();
      if (items.length === 0 || items.some((i) => i.status !== 'done')) { refresh(); return; }
      submitting = true;
      button.disabled = true;
      button.textContent = 'Delivering…';
      await Promise.all(items.map((i) => forget(i.id)));
      form.submit();
    });
  }

  // Unfinished uploads of this partner left in this browser (a reload, a closed tab).
  async function listResumable() {
    const box = document.getElementById('resumable');
    const ul = document.getElementById('resumable-list');
    if (!box || !ul) return;
    let stored = [];
    try { stored = await storage.findAllUploads(); } catch (e) { return; }
    const mine = stored.filter((s) => s.metadata && String(s.metadata.partner) === String(cfg.partner) && s.uploadUrl);
    for (const s of mine) {
      const id = idOf(s.uploadUrl);
      let u = null;
      try {
        const res = await fetch('/api/v1/uploads/' + encodeURIComponent(id), { credentials: 'same-origin' });
        if (res.status === 404 || res.status === 410) { await storage.removeUpload(s.urlStorageKey); continue; }
        if (res.ok) u = await res.json();
      } catch (e) { continue; }
      if (!u || u.complete || items.some((i) => i.id === id)) continue;
      const li = el('li', 'up-resumable-item');
      li.dataset.uploadId = id;
      li.append(el('span', 'mono', s.metadata.filename || id), ' ',
        el('span', 'hint', size(u.offset) + ' of ' + size(u.length || s.size) + ' received'));
      const drop = el('button', 'secondary small', 'Forget');
      drop.type = 'button';
      drop.setAttribute('aria-label', 'Forget the unfinished upload of ' + (s.metadata.filename || id));
      drop.addEventListener('click', async () => {
        try { await tus.Upload.terminate(s.uploadUrl, { headers: { 'X-CSRF-Token': cfg.csrf } }); } catch (e) { /* gone already */ }
        await storage.removeUpload(s.urlStorageKey);
        li.remove();
        if (!ul.children.length) box.hidden = true;
      });
      li.append(' ', drop);
      ul.appendChild(li);
      box.hidden = false;
    }
  }
  listResumable();
  refresh();
})();
