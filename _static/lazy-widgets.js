// Loads the explorers (their widget state and JavaScript: RequireJS and the 3.6 MB ipywidgets HTML
// manager) only when the reader is about to use one: when, scrolling, the reader brings an explorer
// near the screen, or presses its "Load the explorer" button. Until then each explorer's first view
// shows as a plain figure. An explorer already on the first screen waits for the reader's first
// scroll or for the button, so that opening a page never waits for the manager.
// Added to widget pages by book_extensions/lazy_widgets.py, which lists the files to load, in
// order, in each placeholder's data-widget-scripts.
(function () {
  "use strict";
  var holders = Array.prototype.slice.call(document.querySelectorAll(".widget-placeholder[data-widget-scripts]"));
  if (!holders.length) return;
  var started = false;

  function addScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + url)); };
      document.head.appendChild(script);
    });
  }

  function load() {
    if (started) return;
    started = true;
    holders.forEach(function (holder) { holder.classList.add("widget-placeholder-loading"); });
    var urls = JSON.parse(holders[0].getAttribute("data-widget-scripts"));
    urls.reduce(function (previous, url) {
      return previous.then(function () { return addScript(url); });
    }, Promise.resolve()).catch(function (error) { console.error(error); });
  }

  holders.forEach(function (holder) {
    var button = holder.querySelector("button");
    if (button) button.addEventListener("click", load, { once: true });
  });
  if (!("IntersectionObserver" in window)) { load(); return; }
  function watch() {
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        load();
      }
    }, { rootMargin: "600px 0px" });
    holders.forEach(function (holder) { observer.observe(holder); });
  }
  window.addEventListener("scroll", watch, { once: true, passive: true });
})();
