// vodgate portal: the only behaviour pages need beyond plain HTML.
// Countdowns: <span class="countdown" data-due="RFC3339"> shows the time left (or late by),
// ticking every second. Local times: <time data-local datetime="RFC3339"> gets a title with the
// instant in the viewer's own time zone. Confirmations: <form data-confirm="text"> asks first.
// Typed text survives a refused form: a posted form's fields (never passwords, hidden fields or
// files) are kept in sessionStorage as it is sent; when the page comes back with an error
// message, they are put back into the same form (opened, if it sits in a closed <details>).
'use strict';
(function () {
  const KEPT = 'vodgate-form';
  const SKIP = ['password', 'hidden', 'file', 'submit', 'button', 'reset', 'image'];
  // A form is known by its action and its hidden fields (which action, on which item).
  function formKey(f) {
    const hidden = Array.from(f.querySelectorAll('input[type=hidden]'))
      .filter((i) => i.name && i.name !== 'csrf').map((i) => i.name + '=' + i.value);
    return (f.getAttribute('action') || location.pathname) + '?' + hidden.join('&');
  }
  function keepable(el) {
    return el.name && !el.disabled && !el.readOnly && !SKIP.includes((el.type || '').toLowerCase());
  }
  function keep(f) {
    const fields = [];
    Array.from(f.elements).forEach((el, i) => {
      if (keepable(el)) fields.push([i, el.name, el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.value]);
    });
    try {
      sessionStorage.setItem(KEPT, JSON.stringify({ page: location.pathname, key: formKey(f), at: Date.now(), fields }));
    } catch (e) { /* storage full or off: nothing kept */ }
  }
  function restore() {
    let kept = null;
    try {
      kept = JSON.parse(sessionStorage.getItem(KEPT) || 'null');
      sessionStorage.removeItem(KEPT);
    } catch (e) { return; }
    if (!kept || kept.page !== location.pathname || Date.now() - kept.at > 10 * 60 * 1000) return;
    if (!document.querySelector('.flash-error')) return; // it went through: nothing to put back
    const f = Array.from(document.forms).find((x) => x.method === 'post' && formKey(x) === kept.key);
    if (!f) return;
    kept.fields.forEach(([i, name, v]) => {
      const el = f.elements[i];
      if (!el || el.name !== name || !keepable(el)) return;
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = v; else el.value = v;
    });
    const d = f.closest('details');
    if (d) d.open = true;
  }
  document.addEventListener('submit', (e) => {
    const f = e.target;
    if (!e.defaultPrevented && f instanceof HTMLFormElement && f.method === 'post') keep(f);
  });
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
    restore();
  });
})();
