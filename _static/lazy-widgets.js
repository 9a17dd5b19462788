// Loads the explorers' JavaScript (RequireJS and the 3.6 MB ipywidgets HTML manager) only when an
// explorer comes within a screen or so of the reader, or is clicked; until then the explorer's
// first view is shown as a plain figure. Added to widget pages by book_extensions/lazy_widgets.py,
// which lists the scripts, in order, in each placeholder's data-widget-scripts.
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
    var urls = JSON.parse(holders[0].getAttribute("data-widget-scripts"));
    urls.reduce(function (previous, url) {
      return previous.then(function () { return addScript(url); });
    }, Promise.resolve()).catch(function (error) { console.error(error); });
  }

  holders.forEach(function (holder) { holder.addEventListener("click", load, { once: true }); });
  if (!("IntersectionObserver" in window)) { load(); return; }
  var observer = new IntersectionObserver(function (entries) {
    if (entries.some(function (entry) { return entry.isIntersecting; })) {
      observer.disconnect();
      load();
    }
  }, { rootMargin: "1000px 0px" });
  holders.forEach(function (holder) { observer.observe(holder); });
})();
