// The perflens guide webview's script (loaded with the page's nonce; see client/guideRender.ts for the
// Content-Security-Policy). It shows the sections the extension posts, turns clicks on guide links into
// messages, and runs the search box. No inline handlers, no remote loads, no eval.
// @ts-check
(function () {
  'use strict';
  // @ts-expect-error: provided by VS Code inside webviews
  const vscode = acquireVsCodeApi();
  const content = /** @type {HTMLElement} */ (document.getElementById('content'));
  const search = /** @type {HTMLInputElement} */ (document.getElementById('search'));
  const results = /** @type {HTMLOListElement} */ (document.getElementById('results'));
  let current = (vscode.getState() || {}).slug || 'index';
  let searchTimer = 0;

  function markActive(slug) {
    for (const a of document.querySelectorAll('.sidebar a[data-section]')) {
      const active = a.getAttribute('data-section') === slug;
      a.classList.toggle('active', active);
      if (active) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  function navLink(label, target) {
    const a = document.createElement('a');
    a.href = '#';
    a.setAttribute('data-section', target.slug);
    a.className = 'pager-link';
    const small = document.createElement('span');
    small.className = 'pager-label';
    small.textContent = label;
    const title = document.createElement('span');
    title.textContent = target.title.replace(/`/g, '');
    a.append(small, title);
    return a;
  }

  function show(message) {
    current = message.slug;
    vscode.setState({ slug: current });
    // The HTML is rendered by the extension from the bundled guide with markdown-it (raw HTML disabled).
    content.innerHTML = message.html;
    if (message.prev || message.next) {
      const pager = document.createElement('nav');
      pager.className = 'pager';
      pager.setAttribute('aria-label', 'Previous and next section');
      if (message.prev) pager.append(navLink('Previous', message.prev));
      if (message.next) pager.append(navLink('Next', message.next));
      content.append(pager);
    }
    markActive(current);
    const target = message.anchor ? document.getElementById(message.anchor) : null;
    if (target) {
      target.scrollIntoView({ block: 'start' });
      target.classList.add('flash');
      setTimeout(() => target.classList.remove('flash'), 1600);
    } else {
      content.scrollTop = 0;
      window.scrollTo(0, 0);
    }
    content.focus({ preventScroll: true });
  }

  function renderResults(message) {
    if (message.query !== search.value) return;
    results.replaceChildren();
    results.hidden = search.value.trim().length < 2;
    if (results.hidden) return;
    if (message.results.length === 0) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = 'No matches';
      results.append(li);
      return;
    }
    for (const r of message.results) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = '#';
      a.setAttribute('data-section', r.slug);
      if (r.anchor) a.setAttribute('data-anchor', r.anchor);
      a.className = r.kind === 'rule' ? 'result rule' : 'result';
      const title = document.createElement(r.kind === 'rule' ? 'code' : 'span');
      title.className = 'result-title';
      title.textContent = r.title.replace(/`/g, '');
      const detail = document.createElement('span');
      detail.className = 'result-detail';
      detail.textContent = r.detail.replace(/`/g, '');
      a.append(title, detail);
      li.append(a);
      results.append(li);
    }
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'show') show(message);
    else if (message && message.type === 'results') renderResults(message);
  });

  // Link clicks: sections and anchors are handled here (the event must not reach VS Code's own link
  // handling), files beside the guide open in an editor, external links are left to VS Code.
  document.addEventListener('click', (event) => {
    const a = event.target instanceof Element ? event.target.closest('a') : null;
    if (!a) return;
    const section = a.getAttribute('data-section');
    const file = a.getAttribute('data-file');
    const href = a.getAttribute('href') || '';
    if (section) {
      event.preventDefault();
      event.stopPropagation();
      const anchor = a.getAttribute('data-anchor') || undefined;
      if (section === current && anchor) {
        const el = document.getElementById(anchor);
        if (el) el.scrollIntoView({ block: 'start' });
      } else {
        vscode.postMessage({ type: 'open', slug: section, anchor });
      }
      if (a.classList.contains('result')) closeSearch(false);
    } else if (file) {
      event.preventDefault();
      event.stopPropagation();
      vscode.postMessage({ type: 'openFile', path: file });
    } else if (href.startsWith('#') && href.length > 1) {
      event.preventDefault();
      event.stopPropagation();
      const el = document.getElementById(decodeOrRaw(href.slice(1)));
      if (el) el.scrollIntoView({ block: 'start' });
    }
  });

  /** A percent-decoded anchor, or the text as written when an escape is malformed (it must not throw). */
  function decodeOrRaw(text) {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  }

  function closeSearch(clear) {
    if (clear) search.value = '';
    results.hidden = true;
    results.replaceChildren();
  }

  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    const query = search.value;
    if (query.trim().length < 2) {
      closeSearch(false);
      return;
    }
    searchTimer = setTimeout(() => vscode.postMessage({ type: 'search', query }), 120);
  });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeSearch(true);
    else if (event.key === 'Enter') {
      const first = results.querySelector('a.result');
      if (first instanceof HTMLElement) first.click();
    } else if (event.key === 'ArrowDown') {
      const first = results.querySelector('a.result');
      if (first instanceof HTMLElement) {
        event.preventDefault();
        first.focus();
      }
    }
  });

  markActive(current);
  vscode.postMessage({ type: 'ready' });
})();
