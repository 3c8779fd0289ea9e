// The e-İmza pages (templates/esign/wait.html, holder/ss_esign.html,
// holder/ss_unblock.html). Everything here is an extra: without JavaScript
// the code is one monospace element selected whole by a click (user-select:
// all), the Kopyala buttons stay hidden, the server-rendered Kalan Süre stands
// and the refresh link does the polling by hand.
(function () {
  'use strict';
  var show = function (id, on) { var e = document.getElementById(id); if (e) e.hidden = !on; };

  // Kopyala: the code's digits onto the clipboard (the Clipboard API where
  // the page is a secure context, else a selection and execCommand), then
  // "Kopyalandı" for a moment.
  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  function copied(button) {
    var note = document.getElementById(button.id.replace(/-copy$/, '-copied'));
    if (!note) return;
    note.hidden = false;
    setTimeout(function () { note.hidden = true; }, 3000);
  }
  Array.prototype.forEach.call(document.querySelectorAll('button[data-copy-target]'), function (b) {
    var target = document.getElementById(b.getAttribute('data-copy-target'));
    if (!target) return;
    b.hidden = false;
    b.addEventListener('click', function () {
      var text = target.textContent.replace(/\s+/g, '');
      var fallback = function () {
        selectText(target);
        try { if (document.execCommand('copy')) copied(b); } catch (e) { /* left selected */ }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { copied(b); }, fallback);
      } else {
        fallback();
      }
    });
  });

  // A plain countdown (holder/ss_esign.html): seconds down to 0, then the
  // expired notice.
  Array.prototype.forEach.call(document.querySelectorAll('[data-countdown]'), function (el) {
    var left = parseInt(el.getAttribute('data-countdown'), 10) || 0;
    var t = setInterval(function () {
      left = Math.max(0, left - 1);
      el.textContent = String(left);
      if (left === 0) {
        clearInterval(t);
        show(el.getAttribute('data-expired-target'), true);
      }
    }, 1000);
  });

  // The waiting page: counts Kalan Süre down, polls the code's status and,
  // once the signature has arrived and been checked, shows İşlem Başarılı and
  // moves on; at 0 it says the code has expired.
  var box = document.getElementById('esign-wait');
  if (!box || box.getAttribute('data-state') !== 'waiting') return;
  var left = parseInt(box.getAttribute('data-remaining'), 10) || 0;
  var statusUrl = box.getAttribute('data-status-url');
  var remaining = document.getElementById('esign-remaining');
  var finished = false, zeroSeen = false;

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
    // The server has the last word (a signature checked at the last second
    // still counts): one more poll decides; it answers expired after this.
    if (left === 0 && !zeroSeen) {
      zeroSeen = true;
      setTimeout(function () { if (!finished) finish('expired', null); }, 3000);
    }
  }, 1000);

  function poll() {
    if (finished) return;
    fetch(statusUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || finished) return;
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
