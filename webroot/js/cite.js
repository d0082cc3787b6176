// The "Cite this" box: each format sits in a read-only text area (select it with the keyboard or
// the mouse, without JavaScript); with JavaScript, a button copies it and says so to screen readers.
// Part of the one script bundle (web/Assets): this file is agora.cite, its body not indented.
agora.cite = (function () {

function start() {
for (const button of document.querySelectorAll('button.cite-copy[data-copy]')) {
  const area = document.getElementById(button.dataset.copy);
  const status = document.getElementById('cite-status');
  if (!area) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    area.focus();
    area.select();
    let copied = false;
    try {
      if (navigator.clipboard) {
        await navigator.clipboard.writeText(area.value);
        copied = true;
      }
    } catch (e) {
      copied = false;
    }
    if (!copied) {
      copied = document.execCommand && document.execCommand('copy');
    }
    if (status) status.textContent = copied ? button.dataset.copied : '';
    button.dataset.state = copied ? 'copied' : 'selected';
  });
}
}

return { start: start };
}());
