// The account page: copy buttons for the secrets shown once (a new API token, a new
// calendar-feed link). A button [data-copy="ID"] copies the value of the input #ID and says
// so in the section's status line; without the clipboard API the text is selected for the
// person to copy. The buttons stay hidden without JavaScript (the input can be copied by hand).
'use strict';
(function () {
  function say(button, text) {
    const status = button.closest('section')?.querySelector('.copy-status');
    if (status) status.textContent = text;
  }
  function copy(button) {
    const input = document.getElementById(button.dataset.copy);
    if (!input) return;
    input.focus();
    input.select();
    const done = () => say(button, 'Copied to the clipboard.');
    const manual = () => say(button, 'Selected: press Ctrl+C (⌘C on a Mac) to copy.');
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, manual);
    } else {
      manual();
    }
  }
  document.addEventListener('DOMContentLoaded', () => {
    document.querySelectorAll('button[data-copy]').forEach((b) => {
      b.hidden = false;
      b.addEventListener('click', () => copy(b));
    });
    document.querySelectorAll('.secret-once input[readonly]').forEach((i) => {
      i.addEventListener('focus', () => i.select());
    });
  });
})();
