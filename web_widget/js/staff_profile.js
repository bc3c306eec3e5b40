// Profile form: the rate slider shows its value; "Hear it" plays the chosen voice and rate.
(function () {
  "use strict";
  var rate = document.getElementById("speech_rate");
  var shown = document.getElementById("rate-value");
  var voice = document.getElementById("voice");
  var hear = document.getElementById("hear-voice");
  var status = document.getElementById("hear-status");
  if (!rate || !voice || !hear) return;
  rate.addEventListener("input", function () { shown.textContent = rate.value; });
  hear.hidden = false; // without script there is nothing to play it with
  hear.addEventListener("click", function () {
    var url = hear.getAttribute("data-url") + "?voice=" + encodeURIComponent(voice.value) +
      "&rate=" + encodeURIComponent(rate.value);
    status.textContent = "Playing...";
    var audio = new Audio(url);
    audio.addEventListener("ended", function () { status.textContent = ""; });
    audio.addEventListener("error", function () { status.textContent = "The voice could not be played."; });
    audio.play().catch(function () { status.textContent = "The voice could not be played."; });
  });
})();
