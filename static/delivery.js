// The delivery page while its files are being checked: asks the API every
// 2 seconds and reloads the page when the result is in. Without JavaScript the
// page's Refresh link does the same by hand.
'use strict';
(function () {
  const box = document.getElementById('verdict');
  if (!box || box.dataset.status !== 'validating') return;
  const id = box.dataset.delivery;
  const state = document.getElementById('poll-state');
  const started = Date.now();
  let failures = 0;
  async function poll() {
    try {
      const res = await fetch('/api/v1/deliveries/' + encodeURIComponent(id), {
        headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store',
      });
      if (res.ok) {
        const d = await res.json();
        failures = 0;
        if (d.status !== 'validating') {
          if (state) state.textContent = 'The result is in: showing it…';
          window.location.reload();
          return;
        }
        const s = Math.round((Date.now() - started) / 1000);
        if (state) state.textContent = 'Still checking (' + s + ' s). This page shows the result by itself when it is ready.';
      } else if (res.status === 401 || res.status === 404) {
        if (state) state.textContent = 'This page can no longer ask for the result: use Refresh.';
        return;
      } else {
        failures++;
      }
    } catch (e) {
      failures++;
    }
    if (failures >= 5 && state) state.textContent = 'The server does not answer just now; trying again. You can also use Refresh.';
    setTimeout(poll, failures ? Math.min(2000 * (failures + 1), 15000) : 2000);
  }
  if (state) state.textContent = 'Checking… this page shows the result by itself when it is ready.';
  setTimeout(poll, 2000);
})();
