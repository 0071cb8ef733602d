// The questionnaire form (templates/html/questionnaire.html): shows a conditional question only
// while its condition holds (data-show-if, the definition's show_if: {key: value or [values]},
// met when the answer to key is, or for several answers includes, one of the values, and key's
// own question is shown). Without this script every question is shown with its "only if" hint.
// Hidden questions stay in the form, so a saved answer is never lost by switching back and forth.
// Also: a submit button with data-confirm asks first, and the error summary takes the focus.
'use strict';
(function () {
  function answers(form, key) {
    const out = [];
    form.querySelectorAll('[name="q_' + key + '"]').forEach((el) => {
      if (el.type === 'checkbox' || el.type === 'radio') {
        if (el.checked) out.push(el.value);
      } else if (el.dataset.list) {
        el.value.split(/[\s,;]+/).filter(Boolean).forEach((v) => out.push(v));
      } else if (el.value.trim()) {
        out.push(el.value.trim());
      }
    });
    return out.map((v) => v.toLowerCase());
  }

  function update(form) {
    const shown = {};
    form.querySelectorAll('.qn-q[data-key]').forEach((field) => {
      let show = true;
      if (field.dataset.showIf) {
        let cond = {};
        try { cond = JSON.parse(field.dataset.showIf); } catch (e) { cond = {}; }
        for (const key of Object.keys(cond)) {
          const want = [].concat(cond[key]).map((v) => String(v).toLowerCase());
          if (shown[key] === false || !answers(form, key).some((v) => want.includes(v))) {
            show = false;
            break;
          }
        }
      }
      if (field.classList.contains('field-invalid')) show = true; // a problem is never hidden
      shown[field.dataset.key] = show;
      field.hidden = !show;
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    const form = document.getElementById('qn-form');
    if (form) {
      update(form);
      form.addEventListener('change', () => update(form));
      form.addEventListener('input', () => update(form));
      form.addEventListener('submit', (e) => {
        const b = e.submitter;
        if (b && b.dataset.confirm && !window.confirm(b.dataset.confirm)) e.preventDefault();
      });
    }
    const summary = document.getElementById('error-summary');
    if (summary) summary.focus();
  });
})();
