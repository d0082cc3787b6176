// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // Submit the language choice as soon as it changes; the Apply button stays for keyboard and no-JS users.
  document.addEventListener('change', function (event) {
    var select = event.target;
    if (select && select.id === 'language-choice' && select.form) {
      select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
    }
  });
})();
