// The campaign editor: the brief is checked as it is typed. After a pause in typing the form is
// sent to /campaigns/preview, which answers the check panel (problems, or the waterfall).
(function () {
  "use strict";
  var form = document.getElementById("campaign");
  var panel = document.getElementById("check");
  if (!form || !panel) { return; }
  var timer = null;
  var asked = 0;
  function check() {
    var mine = ++asked;
    panel.classList.add("busy");
    fetch("/campaigns/preview", {method: "POST", body: new FormData(form), credentials: "same-origin"})
      .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
      .then(function (html) { if (mine === asked) { panel.innerHTML = html; } })
      .catch(function () { /* the panel keeps the last check; saving checks again */ })
      .finally(function () { if (mine === asked) { panel.classList.remove("busy"); } });
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
}());
