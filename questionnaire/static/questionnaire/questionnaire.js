/* The questionnaire page: warn before leaving unsaved changes, live progress, "use this answer",
   and a language switch that saves the draft first. No dependency; works without it too. */
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  if (!form) return;
  var dirty = form.dataset.dirty === "true";
  var submitting = false;

  function markDirty() { dirty = true; }
  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  function updateProgress() {
    var total = 0;
    document.querySelectorAll("[data-progress-domain]").forEach(function (badge) {
      var section = form.querySelector('section[data-domain="' + badge.dataset.progressDomain + '"]');
      if (!section) return;
      var answered = section.querySelectorAll(".questionnaire-item input[type=radio]:checked").length;
      total += answered;
      badge.textContent = answered + " / " + badge.dataset.progressOf;
      var complete = String(answered) === badge.dataset.progressOf;
      badge.classList.toggle("text-bg-success", complete);
      badge.classList.toggle("text-bg-light", !complete);
    });
    var totalNode = document.querySelector("[data-progress-total]");
    var bar = document.querySelector("[data-progress-bar]");
    if (totalNode) totalNode.textContent = total;
    if (bar) {
      var max = Number(bar.getAttribute("aria-valuemax")) || 1;
      bar.setAttribute("aria-valuenow", total);
      bar.firstElementChild.style.width = Math.round((100 * total) / max) + "%";
    }
  }
  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") updateProgress();
  });

  form.querySelectorAll("[data-use-previous]").forEach(function (button) {
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      var values = JSON.parse(button.dataset.usePrevious);
      var code = button.dataset.itemCode;
      Object.keys(values).forEach(function (name) {
        var value = values[name] === null ? "" : String(values[name]);
        var fieldName = code + "-" + name;
        if (name === "option_code") {
          form.querySelectorAll('input[type=radio][name="' + fieldName + '"]').forEach(function (radio) {
            radio.checked = radio.value === value;
          });
        } else {
          var input = form.elements.namedItem(fieldName);
          if (input) input.value = value;
        }
      });
      markDirty();
      updateProgress();
    });
  });

  // Switching language with unsaved changes saves the draft first, then shows the new language.
  var languageForm = document.getElementById("language-form");
  if (languageForm) {
    languageForm.addEventListener("submit", function (event) {
      if (!dirty) return;
      event.preventDefault();
      form.elements.namedItem("switch_language").value = languageForm.elements.namedItem("language").value;
      var save = form.querySelector('button[name=action][value=save]');
      form.requestSubmit(save);
    });
  }

  var summary = document.getElementById("problems") || document.getElementById("conflict");
  if (summary) summary.focus();
})();
