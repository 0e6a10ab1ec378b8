// Says a photo is over the album's limit, or a file that is not a photo the album takes, before it is sent, in the
// server's words: S3 answers a file over its form's limit with an XML page of its own, takes any type "image/..."
// (a GIF, an SVG, a GIF renamed .jpg) to be refused by the check after it, and on a phone's connection 20 MB take
// long to be refused. The script reads the file's first 16 bytes and compares them with how the photos the check
// takes begin (data-signatures, the server's list; "." is any hex digit): a file that begins otherwise is refused,
// whatever its name or type, and one that begins as a photo is sent, whatever its name or type (a JPEG named .gif).
// Until its bytes are read (or where they cannot be), the declared type is judged by the server's list (data-types).
// The page works without it (the limit is written beside the input; S3's policy and the check still refuse).
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
  var head = null; // {file, photo}: the chosen file, once its first bytes are read, and whether they are a photo's
  var refusal = function (file) {
    if (!file) { return ""; }
    var read = head !== null && head.file === file;
    if (read && !head.photo) { return input.dataset.notAPhoto; }
    // a file the browser gives no type (a HEIC on a system that does not know it) waits for its bytes
    var untyped = !file.type || file.type === "application/octet-stream";
    var declared = read || untyped || types.indexOf(file.type.toLowerCase()) >= 0;
    if (!declared) { return input.dataset.notAPhoto; }
    return file.size > Number(input.dataset.maxBytes) ? input.dataset.tooLarge : "";
  };
  var matches = function (hex, signature) {
    var at = signature.split(":"), from = Number(at[0]) * 2, want = at[1] || "";
    if (hex.length < from + want.length) { return false; }
    for (var i = 0; i < want.length; i++) {
      if (want.charAt(i) !== "." && want.charAt(i) !== hex.charAt(from + i)) { return false; }
    }
    return true;
  };
  var readHead = function (file, then) {
    if (!file || !file.slice || !window.FileReader) { then(); return; }
    var reader = new FileReader();
    reader.onload = function () {
      var bytes = new Uint8Array(reader.result), hex = "";
      for (var i = 0; i < bytes.length; i++) { hex += ("0" + bytes[i].toString(16)).slice(-2); }
      head = { file: file, photo: signatures.some(function (sig) { return matches(hex, sig); }) };
      then();
    };
    reader.onerror = function () { then(); }; // unread: judged by its declared type, and by the check after
    reader.readAsArrayBuffer(file.slice(0, 16));
  };
  var fits = function () {
    var words = refusal(input.files && input.files[0]);
    said.textContent = words;
    said.hidden = !words;
    return !words;
  };
  var reading = false, sendOnceRead = false, chosen = 0;
  input.addEventListener("change", function () {
    var mine = ++chosen;
    head = null;
    reading = true;
    sendOnceRead = false;
    fits();
    readHead(input.files && input.files[0], function () {
      // the read of a file chosen before this one says nothing of this one: its own read ends the wait
      if (mine !== chosen) { return; }
      reading = false;
      // "Upload" pressed while its first bytes were being read: sent now, if they are a photo's
      if (fits() && sendOnceRead) { input.form.submit(); }
    });
  });
  input.form.addEventListener("submit", function (event) {
    if (reading || !fits()) {
      event.preventDefault();
      sendOnceRead = reading;
    }
  });
})();
