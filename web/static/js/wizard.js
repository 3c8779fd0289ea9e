/* Nitelik application wizard: small enhancements of pages that work without
   JavaScript (loaded with <script src>, never inline: the CSP forbids that).
   - Province -> district: when the province changes, the district list is
     fetched from GET /il/{plate}/ilceler and refilled, so the "List districts"
     button (the no-script way) is hidden.
   - SMS code countdown: counts the seconds down from data-remaining. */
(function () {
  'use strict';

  function fillDistricts(select, names, placeholder) {
    var keep = select.value;
    while (select.options.length) select.remove(0);
    var first = document.createElement('option');
    first.value = '';
    first.textContent = placeholder;
    select.appendChild(first);
    names.forEach(function (name) {
      var o = document.createElement('option');
      o.value = name;
      o.textContent = name;
      if (name === keep) o.selected = true;
      select.appendChild(o);
    });
  }

  function setupProvince() {
    var province = document.querySelector('select.js-province');
    var district = document.querySelector('select.js-district');
    if (!province || !district || !window.fetch) return;
    document.querySelectorAll('.js-hide').forEach(function (el) { el.hidden = true; });
    var placeholder = district.options.length ? district.options[0].textContent : '';
    province.addEventListener('change', function () {
      var plate = province.value;
      if (!/^[0-9]{1,2}$/.test(plate)) {
        fillDistricts(district, [], placeholder);
        return;
      }
      fetch('/il/' + plate + '/ilceler', { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : { districts: [] }; })
        .then(function (j) { fillDistricts(district, j.districts || [], placeholder); })
        .catch(function () {
          /* offline: show the no-script button again */
          document.querySelectorAll('.js-hide').forEach(function (el) { el.hidden = false; });
        });
    });
  }

  function setupCountdown() {
    var box = document.querySelector('.countdown[data-remaining]');
    if (!box) return;
    var out = box.querySelector('.js-remaining');
    var left = parseInt(box.getAttribute('data-remaining'), 10);
    if (!out || !(left > 0)) return;
    var end = Date.now() + left * 1000;
    var timer = setInterval(function () {
      var s = Math.max(0, Math.round((end - Date.now()) / 1000));
      out.textContent = String(s);
      if (s === 0) {
        clearInterval(timer);
        box.classList.add('is-expired');
      }
    }, 1000);
  }

  function start() {
    setupProvince();
    setupCountdown();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
