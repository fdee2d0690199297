// The pages' one script (progressive enhancement: without it a page is the same snapshot): a list
// marked `data-live-streams` subscribes to GET /api/events from the cursor the page was rendered
// at, and puts each new action at its top, built with text nodes only (never HTML from data).
// Served as a same-origin file: the pages' Content-Security-Policy allows no inline script.
export const LIVE_SCRIPT = `(function () {
  'use strict';
  var list = document.querySelector('ol[data-live-streams]');
  if (!list || !window.EventSource) return;
  var query = 'streams=' + encodeURIComponent(list.getAttribute('data-live-streams'));
  var cursor = list.getAttribute('data-live-cursor');
  if (cursor) query += '&lastEventId=' + encodeURIComponent(cursor);
  var source = new EventSource('/api/events?' + query);
  // For styling (and tests): whether the list is live now.
  source.addEventListener('open', function () { list.setAttribute('data-live-state', 'open'); });
  source.addEventListener('error', function () { list.setAttribute('data-live-state', 'reconnecting'); });

  function link(ref) {
    var node = document.createElement(ref.deleted ? 'span' : 'a');
    if (ref.deleted) node.className = 'deleted';
    else node.href = new URL(ref.url, location.href).pathname;
    node.textContent = ref.label;
    return node;
  }

  source.addEventListener('action', function (event) {
    var a = JSON.parse(event.data);
    if (list.querySelector('li[data-action-id="' + a.id + '"]')) return;
    var li = document.createElement('li');
    li.setAttribute('data-action-id', String(a.id));
    li.className = 'live';
    // The same shape as the server's items: the actor's initials, then the sentence.
    var avatar = document.createElement('span');
    avatar.className = 'avatar' + (a.actor.type === 'User' ? '' : ' thing');
    avatar.setAttribute('aria-hidden', 'true');
    avatar.setAttribute('data-initials', a.actor.label.split(/\s+/).filter(Boolean).slice(0, 2).map(function (w) { return w[0]; }).join('').toUpperCase());
    li.appendChild(avatar);
    var item = document.createElement('div');
    item.className = 'entry';
    li.appendChild(item);
    item.appendChild(link(a.actor));
    item.appendChild(document.createTextNode(' '));
    var verb = document.createElement('span');
    verb.className = 'verb';
    verb.textContent = a.verb;
    item.appendChild(verb);
    if (a.actionObject) { item.appendChild(document.createTextNode(' ')); item.appendChild(link(a.actionObject)); }
    if (a.target) { item.appendChild(document.createTextNode(a.actionObject ? ' on ' : ' ')); item.appendChild(link(a.target)); }
    item.appendChild(document.createTextNode(' '));
    var when = document.createElement('a');
    when.className = 'when';
    when.href = new URL(a.url, location.href).pathname;
    var time = document.createElement('time');
    time.setAttribute('datetime', a.timestamp);
    time.textContent = 'just now';
    when.appendChild(time);
    item.appendChild(when);
    if (!a.public) { var tag = document.createElement('span'); tag.className = 'private'; tag.textContent = 'private'; item.appendChild(document.createTextNode(' ')); item.appendChild(tag); }
    list.insertBefore(li, list.firstChild);
    var empty = document.querySelector('[data-live-empty]');
    if (empty) empty.remove();
  });
  source.addEventListener('auth-expired', function () { source.close(); });
})();
`;
