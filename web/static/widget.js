/*! wensou widget: as-you-type suggestions for a search box.
 *
 *   <script src="https://search.example.cn/widget.js" defer
 *           data-wensou-input="#q"></script>
 *
 * Options (attributes of the script tag, all optional):
 *   data-wensou-input   CSS selector of the input(s) to enhance; default input[name=q]
 *   data-wensou-pick    "open" (default): a chosen suggestion opens its page;
 *                       "search": it is put in the box and the box's form is submitted
 *   data-wensou-size    number of suggestions, 1..20; default 8
 *   data-wensou-anchor  align the list with input.closest(anchor) rather than the input
 *   data-wensou-css     "none": do not load /widget.css (the page styles .wensou-ac itself)
 *
 * Suggestions come from GET /api/suggest on the script's own origin; a site
 * on another origin must be listed in the server's CORSOrigins.
 * Keyboard: Down/Up move through the list (the box shows the highlighted
 * title), Enter chooses it (or submits what was typed), Esc closes the list.
 * Nothing happens while an input method (拼音输入法) is composing.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !window.fetch || !document.querySelectorAll) return;
  var origin = new URL(script.src, location.href).origin;
  function opt(name, def) {
    var v = script.getAttribute('data-wensou-' + name);
    return v == null || v === '' ? def : v;
  }
  var selector = opt('input', 'input[name=q]');
  var pickMode = opt('pick', 'open');
  var size = Math.min(20, Math.max(1, parseInt(opt('size', '8'), 10) || 8));
  var anchorSel = opt('anchor', '');
  var DELAY = 150;
  var KINDS = { article: '文章', related: '相关条目' };
  var uid = 0;

  function init() {
    if (opt('css', '') !== 'none' && !document.getElementById('wensou-css')) {
      var l = document.createElement('link');
      l.id = 'wensou-css';
      l.rel = 'stylesheet';
      l.href = origin + '/widget.css';
      document.head.appendChild(l);
    }
    var inputs = document.querySelectorAll(selector);
    for (var i = 0; i < inputs.length; i++) attach(inputs[i]);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function attach(input) {
    if (input.getAttribute('data-wensou') === 'on') return;
    input.setAttribute('data-wensou', 'on');
    var id = 'wensou-list-' + (++uid);
    var list = el('ul', 'wensou-ac');
    list.id = id;
    list.hidden = true;
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', '搜索建议');
    var live = el('div', 'wensou-sr');
    live.setAttribute('role', 'status');
    live.setAttribute('aria-live', 'polite');
    document.body.appendChild(list);
    document.body.appendChild(live);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-haspopup', 'listbox');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', id);
    input.setAttribute('autocomplete', 'off');

    var items = [];      // suggestions shown
    var shownFor = null; // the text they were fetched for
    var typed = '';      // what the visitor typed (restored when leaving the list)
    var active = -1;
    var timer = 0;
    var ctrl = null;
    var seq = 0;
    var composing = false;
    var cache = {};

    // The list hangs under the anchor, which has the class wensou-open
    // while it shows (so a page can square the corners they share).
    var anchor = (anchorSel && input.closest && input.closest(anchorSel)) || input;
    function isOpen() { return !list.hidden; }
    function open() {
      if (!items.length) return;
      place();
      list.hidden = false;
      anchor.classList.add('wensou-open');
      input.setAttribute('aria-expanded', 'true');
    }
    function close() {
      setActive(-1, false);
      list.hidden = true;
      anchor.classList.remove('wensou-open');
      input.setAttribute('aria-expanded', 'false');
    }
    function place() {
      var r = anchor.getBoundingClientRect();
      list.style.left = (r.left + window.pageXOffset) + 'px';
      list.style.top = (r.bottom + window.pageYOffset) + 'px';
      list.style.width = r.width + 'px';
    }
    function setActive(i, fill) {
      var old = list.children[active];
      if (old) old.setAttribute('aria-selected', 'false');
      active = i;
      var li = list.children[i];
      if (li) {
        li.setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', li.id);
      } else {
        input.removeAttribute('aria-activedescendant');
      }
      if (fill) input.value = li ? items[i].text : typed;
    }
    function emphasise(into, text, q) {
      var i = q ? text.toLowerCase().indexOf(q.toLowerCase()) : -1;
      if (i < 0) {
        into.textContent = text;
        return;
      }
      into.appendChild(document.createTextNode(text.slice(0, i)));
      into.appendChild(el('b', '', text.slice(i, i + q.length)));
      into.appendChild(document.createTextNode(text.slice(i + q.length)));
    }
    function render(q, sugs) {
      items = sugs;
      shownFor = q;
      active = -1;
      list.textContent = '';
      sugs.forEach(function (s, i) {
        var li = el('li');
        li.id = id + '-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        var ico = el('span', 'wensou-ico');
        ico.setAttribute('aria-hidden', 'true');
        li.appendChild(ico);
        var t = el('span', 'wensou-t');
        emphasise(t, s.text, q);
        li.appendChild(t);
        if (KINDS[s.kind]) li.appendChild(el('span', 'wensou-k', KINDS[s.kind]));
        li.addEventListener('mousedown', function (e) { e.preventDefault(); }); // keep the focus in the box
        li.addEventListener('click', function () { pick(i); });
        list.appendChild(li);
      });
      live.textContent = sugs.length ? sugs.length + ' 条搜索建议，按上下方向键选择' : '';
      if (sugs.length && document.activeElement === input) open();
      else close();
    }
    function load() {
      var q = input.value.trim();
      if (!q) {
        render('', []);
        return;
      }
      if (q === shownFor) {
        open();
        return;
      }
      if (cache[q]) {
        render(q, cache[q]);
        return;
      }
      if (ctrl) ctrl.abort();
      ctrl = window.AbortController ? new AbortController() : null;
      var mine = ++seq;
      fetch(origin + '/api/suggest?q=' + encodeURIComponent(q) + '&size=' + size,
        { signal: ctrl ? ctrl.signal : undefined, credentials: 'omit' })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (d) {
          var sugs = (d && d.suggestions) || [];
          cache[q] = sugs;
          if (mine === seq && input.value.trim() === q) render(q, sugs);
        })
        .catch(function () { /* aborted or offline: keep the box as it is */ });
    }
    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(load, DELAY);
    }
    function pick(i) {
      var s = items[i];
      if (!s) return;
      close();
      if (pickMode === 'open' && s.url) {
        location.href = s.url;
        return;
      }
      input.value = s.text;
      var f = input.form;
      if (f && f.requestSubmit) f.requestSubmit();
      else if (f) f.submit();
      else location.href = origin + '/?q=' + encodeURIComponent(s.text);
    }

    input.addEventListener('input', function () {
      typed = input.value;
      if (!composing) schedule();
    });
    input.addEventListener('compositionstart', function () { composing = true; });
    input.addEventListener('compositionend', function () { composing = false; schedule(); });
    input.addEventListener('keydown', function (e) {
      if (e.isComposing || composing || e.keyCode === 229) return;
      switch (e.key) {
        case 'ArrowDown':
        case 'Down':
          e.preventDefault();
          if (!isOpen()) {
            if (items.length && input.value.trim() === shownFor) open();
            else load();
            return;
          }
          setActive(active + 1 >= items.length ? -1 : active + 1, true);
          break;
        case 'ArrowUp':
        case 'Up':
          if (!isOpen()) return;
          e.preventDefault();
          setActive(active < 0 ? items.length - 1 : active - 1, true);
          break;
        case 'Enter':
          if (isOpen() && active >= 0) {
            e.preventDefault();
            pick(active);
          } else {
            close();
          }
          break;
        case 'Escape':
        case 'Esc':
          if (isOpen()) {
            e.preventDefault();
            if (active >= 0) setActive(-1, true);
            close();
          }
          break;
        case 'Tab':
          close();
          break;
      }
    });
    input.addEventListener('blur', function () { setTimeout(close, 0); });
    input.addEventListener('focus', function () {
      if (items.length && input.value.trim() === shownFor) open();
    });
    window.addEventListener('resize', function () { if (isOpen()) place(); });
    window.addEventListener('pageshow', close); // a page restored by Back shows no stale list
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
