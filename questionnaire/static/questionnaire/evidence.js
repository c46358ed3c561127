/* Evidence files on the questionnaire's form: a file over the size limit is refused as soon as it
   is chosen (the server checks size and type again). No dependency; the page works without it.
   The form is multipart, so a chosen file goes with whichever button sends it, and the server
   attaches it. */
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  if (!form) return;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=file][data-max-bytes]"));

  function showProblem(input, message) {
    var id = input.id + "-chosen-error";
    var node = document.getElementById(id);
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (part) {
      return part && part !== id;
    });
    if (!message) {
      if (node) node.remove();
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      input.setAttribute("aria-describedby", described.join(" "));
      return;
    }
    if (!node) {
      node = document.createElement("p");
      node.id = id;
      node.className = "invalid-feedback d-block mb-0";
      node.setAttribute("role", "alert");
      input.closest(".input-group").insertAdjacentElement("afterend", node);
    }
    node.textContent = message;
    input.classList.add("is-invalid");
    input.setAttribute("aria-invalid", "true");
    described.push(id);
    input.setAttribute("aria-describedby", described.join(" "));
  }

  function chosenBytes() {
    return inputs.reduce(function (total, input) {
      return total + Array.prototype.reduce.call(input.files || [], function (sum, file) {
        return sum + file.size;
      }, 0);
    }, 0);
  }

  inputs.forEach(function (input) {
    input.addEventListener("change", function () {
      var max = Number(input.dataset.maxBytes);
      var together = Number(input.dataset.maxTogether);
      var file = input.files && input.files[0];
      if (file && max && file.size > max) {
        showProblem(input, (input.dataset.tooLarge || "").replace("{name}", file.name));
        input.value = "";
      } else if (file && together && chosenBytes() > together) {
        // Every button of the form sends every chosen file: too many bytes at once would have
        // the whole request refused, and what was typed with it.
        showProblem(input, (input.dataset.tooMuch || "").replace("{name}", file.name));
        input.value = "";
      } else {
        showProblem(input, "");
      }
    });
  });
})();
