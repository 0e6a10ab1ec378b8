// Says a photo is over the album's limit, or a file declared as a type the album does not take, before it is sent,
// in the server's words: S3 answers a file over its form's limit with an XML page of its own, takes any type
// "image/..." (a GIF, an SVG) to be refused by the check after it, and on a phone's connection 20 MB take long to be
// refused. The types are the server's own list (data-types); a file declared as another type whose first bytes are
// a photo's (data-signatures) is not refused by its name, and is judged by its bytes after. The page works without it (the limit is written
// beside the input; S3's policy and the check still refuse).
(function () {
  var input = document.querySelector("input[data-max-bytes]");
  if (!input || !input.form) { return; }
  var said = document.createElement("p");
  said.className = "notice error";
  said.setAttribute("role", "alert");
  said.hidden = true;
  input.parentNode.insertBefore(said, input.nextSibling);
  var types = (input.dataset.types || "").split(" ");
  var signatures = (input.dataset.signatures || "").split(" ").filter(Boolean);
  var photoBytes = null; // the file chosen, when it begins as a photo the album takes whatever its declared type
  var refusal = function (file) {
    if (!file) { return ""; }
    // a file the browser gives no type (a HEIC on a system that does not know it) is judged by its bytes after
    var untyped = !file.type || file.type === "application/octet-stream";
    var declared = untyped || types.indexOf(file.type.toLowerCase()) >= 0 || photoBytes === file;
    if (!declared) { return input.dataset.notAPhoto; }
    return file.size > Number(input.dataset.maxBytes) ? input.dataset.tooLarge : "";
  };
  // a photo named or typed otherwise (a JPEG named .gif, a system's own name of it) is not refused by its name
  var begins = function (file, then) {
    if (!file || !file.slice || !window.FileReader) { then(); return; }
    var reader = new FileReader();
    reader.onload = function () {
      var head = new Uint8Array(reader.result), hex = "";
      for (var i = 0; i < head.length; i++) { hex += ("0" + head[i].toString(16)).slice(-2); }
      photoBytes = signatures.some(function (sig) {
        var at = sig.split(":");
        return hex.substr(Number(at[0]) * 2, at[1].length) === at[1];
      }) ? file : null;
      then();
    };
    reader.onerror = function () { then(); };
    reader.readAsArrayBuffer(file.slice(0, 16));
  };
  var fits = function () {
    var words = refusal(input.files && input.files[0]);
    said.textContent = words;
    said.hidden = !words;
    return !words;
  };
  var reading = false, sendOnceRead = false;
  input.addEventListener("change", function () {
    photoBytes = null;
    reading = true;
    sendOnceRead = false;
    fits();
    begins(input.files && input.files[0], function () {
      reading = false;
      // "Upload" pressed while its first bytes were being read: sent now, if they are a photo's
      if (fits() && sendOnceRead) { input.form.submit(); }
    });
  });
  input.form.addEventListener("submit", function (event) {
    if (!fits()) {
      event.preventDefault();
      sendOnceRead = reading;
    }
  });
})();
