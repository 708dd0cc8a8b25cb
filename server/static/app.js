// The landing page's query editor: YASGUI (vendored, no network needed) when it loads, else the
// plain form. Example buttons load a query into the editor and run it.
(function () {
  "use strict";
  var script = document.currentScript;
  // Relative in the page (the Content-Security-Policy allows requests to this origin only).
  var endpoint = new URL(script.getAttribute("data-endpoint"), window.location.href).href;
  var examples = JSON.parse(document.getElementById("examples").textContent);
  var plain = document.getElementById("plain-editor");
  var yasgui = null;

  if (window.Yasgui) {
    try {
      yasgui = new window.Yasgui(document.getElementById("yasgui"), {
        requestConfig: { endpoint: endpoint, method: "POST" },
        copyEndpointOnNewTab: false,
        persistenceId: null,
        populateFromUrl: false,
        endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
        yasqe: { value: examples[0] },
      });
      // Autocompleters that call remote services (prefix.cc, LOV) are switched off: no internet.
      var yasqe = yasgui.getTab().getYasqe();
      ["prefixes", "property", "class"].forEach(function (name) {
        if (yasqe.disableCompleter) { yasqe.disableCompleter(name); }
      });
      plain.hidden = true;
    } catch (error) {
      yasgui = null;
      if (window.console) { console.error("YASGUI failed; using the plain editor", error); }
    }
  }

  function run(query) {
    if (yasgui) {
      var tab = yasgui.getTab();
      tab.setQuery(query);
      tab.query();
      document.getElementById("yasgui").scrollIntoView();
    } else {
      plain.querySelector("textarea").value = query;
      plain.submit();
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll(".run-example"), function (button) {
    button.addEventListener("click", function () {
      run(examples[Number(button.getAttribute("data-index"))]);
    });
  });
})();
