/* The questionnaire page: warn before leaving unsaved changes, live progress and character counts,
   "use this answer", a conflict settled by keeping the colleague's value, and a language switch
   that saves the draft first. No dependency; the page works without it too. */
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  if (!form) return;
  var dirty = form.dataset.dirty === "true";
  var submitting = false;
  // Translated by the page: "{n} / {max} characters" and its over-the-limit variant.
  var texts = { count: form.dataset.countText || "{n} / {max}", over: form.dataset.overText || "{n} / {max}" };

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
      var answered = section.querySelectorAll(".questionnaire-item fieldset input[type=radio]:checked").length;
      total += answered;
      badge.textContent = answered + " / " + badge.dataset.progressOf;
      var complete = String(answered) === badge.dataset.progressOf;
      badge.classList.toggle("text-bg-success", complete);
      badge.classList.toggle("text-bg-light", !complete);
      badge.classList.toggle("border", !complete);
    });
    var totalNode = document.querySelector("[data-progress-total]");
    var bar = document.querySelector("[data-progress-bar]");
    if (totalNode) totalNode.textContent = total;
    if (bar) bar.value = total;
  }
  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") updateProgress();
  });

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function updateCount(input) {
    var counter = document.getElementById(input.id + "-count");
    var max = Number(input.dataset.limit);
    if (!counter || !max) return;
    var n = input.value.length;
    var over = n > max;
    counter.textContent = format(over ? texts.over : texts.count, { n: n, max: max, extra: n - max });
    counter.classList.toggle("text-danger", over);
    counter.classList.toggle("fw-semibold", over);
    input.classList.toggle("is-invalid", over);
  }
  form.querySelectorAll("[data-limit]").forEach(function (input) {
    updateCount(input);
    input.addEventListener("input", function () { updateCount(input); });
  });

  function setField(code, name, value) {
    var fieldName = code + "-" + name;
    if (name === "option_code") {
      form.querySelectorAll('input[type=radio][name="' + fieldName + '"]').forEach(function (radio) {
        radio.checked = radio.value === value;
      });
    } else {
      var input = form.elements.namedItem(fieldName);
      if (input) { input.value = value; updateCount(input); }
    }
  }
  form.querySelectorAll("[data-use-previous]").forEach(function (button) {
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      var values = JSON.parse(button.dataset.usePrevious);
      Object.keys(values).forEach(function (name) {
        setField(button.dataset.itemCode, name, values[name] === null ? "" : String(values[name]));
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
