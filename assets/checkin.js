// The check-in page's camera: reads QR codes with the vendored jsQR (assets/vendor, Apache-2.0)
// and sends the code through the same form a typed code goes through. Without a camera, or
// without script, the typed code works alone. The camera is switched on again after each
// scan's page loads, until the organiser stops it.
(function () {
  "use strict";
  var KEY = "mizalla-scan-on";
  function start(button, video, canvas, status, form, input) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof jsQR !== "function") {
      status.textContent = button.dataset.noCamera;
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      sessionStorage.setItem(KEY, "1");
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      button.textContent = button.dataset.stop;
      button.onclick = function () {
        sessionStorage.removeItem(KEY);
        stream.getTracks().forEach(function (t) { t.stop(); });
        video.hidden = true;
        button.textContent = button.dataset.start;
        button.onclick = function () { start(button, video, canvas, status, form, input); };
      };
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      var done = false;
      function tick() {
        if (done || video.hidden) { return; }
        if (video.readyState === video.HAVE_ENOUGH_DATA) {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
          var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
          var found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
          if (found && found.data) {
            done = true;
            input.value = found.data;
            form.submit();
            return;
          }
        }
        requestAnimationFrame(tick);
      }
      requestAnimationFrame(tick);
    }).catch(function () {
      sessionStorage.removeItem(KEY);
      status.textContent = button.dataset.noCamera;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("scan-start");
    if (!button) { return; }
    var video = document.getElementById("scan-video");
    var canvas = document.getElementById("scan-canvas");
    var status = document.getElementById("scan-status");
    var form = document.getElementById("checkin-form");
    var input = document.getElementById("code");
    button.onclick = function () { start(button, video, canvas, status, form, input); };
    if (sessionStorage.getItem(KEY) === "1") { start(button, video, canvas, status, form, input); }
  });
})();
