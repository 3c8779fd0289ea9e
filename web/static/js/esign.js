// The e-İmza waiting page (templates/esign/wait.html): counts Kalan Süre down,
// polls the code's status and, once the signature has arrived and been
// checked, shows İşlem Başarılı and moves on. Without JavaScript the page's
// refresh link does the same by hand.
(function () {
  'use strict';
  var box = document.getElementById('esign-wait');
  if (!box || box.getAttribute('data-state') !== 'waiting') return;
  var left = parseInt(box.getAttribute('data-remaining'), 10) || 0;
  var statusUrl = box.getAttribute('data-status-url');
  var show = function (id, on) { var e = document.getElementById(id); if (e) e.hidden = !on; };
  var remaining = document.getElementById('esign-remaining');
  var finished = false;

  function finish(state, data) {
    finished = true;
    show('esign-countdown', false);
    show('esign-waiting', false);
    if (state === 'done') {
      show('esign-refusal', false);
      show('esign-done', true);
      setTimeout(function () { window.location.assign(data.next); }, 1500);
    } else {
      show('esign-expired', true);
    }
  }

  var tick = setInterval(function () {
    if (finished) { clearInterval(tick); return; }
    left = Math.max(0, left - 1);
    if (remaining) remaining.textContent = String(left);
  }, 1000);

  function poll() {
    if (finished) return;
    fetch(statusUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        left = data.remaining;
        if (remaining) remaining.textContent = String(left);
        var refusal = document.getElementById('esign-refusal');
        if (refusal && data.message && data.status !== 'done') {
          refusal.textContent = data.message;
          refusal.hidden = false;
        }
        if (data.status !== 'waiting') finish(data.status, data);
      })
      .catch(function () { /* try again at the next tick */ })
      .then(function () { if (!finished) setTimeout(poll, 2000); });
  }
  setTimeout(poll, 1000);
}());
