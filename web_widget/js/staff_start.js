// Start-a-session form: the encounter field shows only for conversations about an encounter,
// and for a debrief offers only the encounters the chosen pupil went to. The server checks
// the same rules; this only keeps the adult from choosing something it would refuse.
(function () {
  "use strict";
  var form = document.getElementById("start-form");
  if (!form) return;
  var pupil = document.getElementById("pupil_id");
  var conversation = document.getElementById("conversation");
  var encounter = document.getElementById("encounter_id");
  var field = document.getElementById("encounter-field");
  var hint = document.getElementById("encounter-hint");
  var about = (conversation.getAttribute("data-encounter-conversations") || "").split(" ");

  function update() {
    var needed = about.indexOf(conversation.value) !== -1;
    field.hidden = !needed;
    encounter.disabled = !needed; // a disabled field is not sent
    var debrief = conversation.value === "debrief";
    hint.hidden = !debrief;
    var offered = 0;
    Array.prototype.forEach.call(encounter.options, function (option) {
      if (!option.value) return;
      var went = (option.getAttribute("data-pupils") || "").split(" ").indexOf(pupil.value) !== -1;
      option.hidden = option.disabled = debrief && !went;
      if (!option.disabled) offered += 1;
    });
    var none = encounter.options[0];
    none.hidden = none.disabled = needed && offered > 0;
    hint.textContent = debrief && offered === 0
      ? "This pupil is not recorded as going to any encounter: add them on the encounter's page first."
      : "After an encounter: only the encounters this pupil went to are offered.";
    var current = encounter.options[encounter.selectedIndex];
    if (!current || current.disabled) {
      var first = Array.prototype.find.call(encounter.options, function (o) { return !o.disabled; });
      encounter.value = first ? first.value : "";
    }
  }
  pupil.addEventListener("change", update);
  conversation.addEventListener("change", update);
  update();
})();
