// The first paint's router (src/prerender): index.html carries the catalog; for `#/exercise/ID`
// and `#/sandbox` this swaps in the prerendered page (first-paint/…html) until the app mounts,
// which replaces the whole body. Inline, pinned by its hash in the Content-Security-Policy.
// The loader (Trunk.toml's pattern_script) starts the .wasm download once the promise below is
// settled: after the page of the address has painted, so the small page does not share a slow
// network with 1.2 MB of WebAssembly.
(function () {
  var painted;
  window.queuelabFirstPaint = new Promise(function (resolve) { painted = resolve; });
  // After the next frame is painted (a timeout from a frame callback runs after the paint); a
  // tab in the background paints no frames, hence the second timer.
  function afterPaint() {
    requestAnimationFrame(function () { setTimeout(painted, 0); });
    setTimeout(painted, 1000);
  }
  var box = document.getElementById('first-paint');
  if (!box) return painted();
  var catalog = box.innerHTML;
  var asked = 0;
  function show(html) {
    // Once the app has mounted, the box is gone and nothing here touches the page.
    if (!box.isConnected) return;
    box.innerHTML = html;
    // On a phone the app starts with the story folded: so does the first paint.
    var story = box.querySelector('details.story');
    if (story && window.innerWidth <= 700) story.open = false;
    // The tour's offer (src/web/tour.rs) only until the learner has taken or dismissed it.
    var tour = box.querySelector('section.tour');
    var toured = false;
    try { toured = localStorage.getItem('queuelab.tour.v1') !== null; } catch (e) {}
    if (tour && toured) tour.remove();
  }
  function route() {
    if (!box.isConnected) return window.removeEventListener('hashchange', route);
    var hash = location.hash.replace(/^#/, '');
    // `#goals` and the like are anchors within a page, not routes.
    if (hash !== '' && hash.charAt(0) !== '/') return;
    var path = hash.split('?')[0].split('/').filter(Boolean);
    var ask = ++asked;
    if (path.length === 0) {
      show(catalog);
      return afterPaint();
    }
    // `#/embed/exercise/ID` is the exercise page without the site's header (the app's embed).
    var embed = path[0] === 'embed';
    var header = document.querySelector('header.top');
    if (header) header.hidden = embed;
    if (embed) path = path.slice(1);
    var file = path.length === 1 && path[0] === 'sandbox' && !embed ? 'sandbox'
      : path.length === 2 && path[0] === 'exercise' && /^[A-Za-z0-9_-]+$/.test(path[1]) ? 'exercise/' + path[1]
      : null;
    show('');
    if (!file) return afterPaint();
    fetch('first-paint/' + file + '.html')
      .then(function (response) { return response.ok ? response.text() : ''; })
      .then(function (html) {
        // A static host answers a missing file with index.html: only a fragment is shown.
        if (ask === asked && html.indexOf('<!-- first-paint -->') === 0) show(html);
      }, function () {})
      .then(afterPaint);
  }
  route();
  window.addEventListener('hashchange', route);
})();
