// vodgate portal: the only behaviour pages need beyond plain HTML.
// Countdowns: <span class="countdown" data-due="RFC3339"> shows the time left (or late by),
// ticking every second. Local times: <time data-local datetime="RFC3339"> gets a title with the
// instant in the viewer's own time zone. Confirmations: <form data-confirm="text"> asks first.
'use strict';
(function () {
  function left(ms) {
    const late = ms < 0;
    let s = Math.floor(Math.abs(ms) / 1000);
    const d = Math.floor(s / 86400); s -= d * 86400;
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    const parts = d ? [d + ' d', h + ' h', m + ' min'] : h ? [h + ' h', m + ' min', s + ' s'] : [m + ' min', s + ' s'];
    return late ? 'late by ' + parts.join(' ') : parts.join(' ') + ' left';
  }
  function tick() {
    const serverNow = Number(document.body.dataset.now || 0) * 1000;
    const skew = serverNow ? serverNow - loadedAt : 0;
    const now = Date.now() + skew;
    document.querySelectorAll('.countdown[data-due]').forEach((el) => {
      const due = Date.parse(el.dataset.due);
      if (isNaN(due)) return;
      el.textContent = left(due - now);
      el.classList.toggle('late', due - now < 0);
    });
  }
  const loadedAt = Date.now();
  document.addEventListener('DOMContentLoaded', () => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    document.querySelectorAll('time[data-local]').forEach((el) => {
      const t = new Date(el.getAttribute('datetime'));
      if (!isNaN(t)) el.title = t.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) + ' your time (' + zone + ')';
    });
    document.querySelectorAll('form[data-confirm]').forEach((f) => {
      f.addEventListener('submit', (e) => { if (!window.confirm(f.dataset.confirm)) e.preventDefault(); });
    });
    if (document.querySelector('.countdown[data-due]')) { tick(); setInterval(tick, 1000); }
  });
})();
