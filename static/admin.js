// The admin's calendars page (page_admin_calendars.c): a chosen .ics file is read into the
// form's text field, which is what the form posts (without JavaScript the text is pasted).
document.querySelectorAll('input[type=file][data-ics-into]').forEach((input) => {
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    const into = document.getElementById(input.dataset.icsInto);
    if (!file || !into) return;
    file.text().then((text) => { into.value = text; });
  });
});
