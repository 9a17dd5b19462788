// RequireJS configuration for the book's vendored ipywidgets HTML manager.
// Loaded just before require.js on pages with widgets (nb_ipywidgets_js in _config.yml);
// tools/vendor_js.py copies it next to require.js and embed-amd.js.
//
// The manager's bundled CSS finds its Font Awesome files relative to the URL of the
// AMD module that asks for them. With a page-relative default baseUrl they would be
// looked for beside each chapter (chapters/@jupyter-widgets/...). Resolving every
// @jupyter-widgets module to this folder, where the fonts are, keeps them local.
var require = {
  baseUrl: document.currentScript.src.replace(/[?#].*$/, "").replace(/[^/]*$/, ""),
  paths: {
    "@jupyter-widgets/html-manager/dist": ".",
    "@jupyter-widgets": "."
  }
};
