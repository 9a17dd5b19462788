// "Run in your browser" (book_extensions/lite.py) opens JupyterLite, which browsers do not run
// from a file:// address (no workers, no fetch). Opened that way, the button says what to do.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.btn-run-in-browser-button");
  if (link && window.location.protocol === "file:") {
    event.preventDefault();
    window.alert("Run in your browser needs the book served over http, not opened as a file. " +
                 "For example, in the folder that holds the book's index.html, run: " +
                 "python -m http.server  and open http://127.0.0.1:8000/");
  }
});
