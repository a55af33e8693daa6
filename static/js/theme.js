// Colour theme: follows the system unless the person picks light or dark (remembered).
(function () {
  "use strict";
  var KEY = "collab-theme";
  var ORDER = ["system", "light", "dark"];
  var LABELS = { system: "Auto", light: "Light", dark: "Dark" };

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return ORDER.indexOf(value) >= 0 ? value : "system";
    } catch (e) {
      return "system";
    }
  }

  function apply(theme) {
    document.documentElement.setAttribute("data-theme", theme);
    var button = document.querySelector("[data-theme-toggle]");
    if (button) {
      var text = theme === "system" ? "follows the system" : theme;
      button.setAttribute("aria-label", "Colour theme: " + text + ". Switch theme");
      var label = button.querySelector("[data-theme-label]");
      if (label) label.textContent = LABELS[theme];
    }
  }

  apply(stored());

  document.addEventListener("DOMContentLoaded", function () {
    apply(stored());
    var button = document.querySelector("[data-theme-toggle]");
    if (!button) return;
    button.addEventListener("click", function () {
      var next = ORDER[(ORDER.indexOf(stored()) + 1) % ORDER.length];
      try {
        window.localStorage.setItem(KEY, next);
      } catch (e) {
        /* private mode: the choice lasts for this page only */
      }
      apply(next);
    });
  });
})();
