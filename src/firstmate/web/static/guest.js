// Says a photo is over the album's limit, or a file declared as a type the album does not take, before it is sent,
// in the server's words: S3 answers a file over its form's limit with an XML page of its own, takes any type
// "image/..." (a GIF, an SVG) to be refused by the check after it, and on a phone's connection 20 MB take long to be
// refused. The types are the server's own list (data-types). The page works without it (the limit is written
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
  var refusal = function (file) {
    if (!file) { return ""; }
    // a file the browser gives no type (a HEIC on a system that does not know it) is judged by its bytes after
    var untyped = !file.type || file.type === "application/octet-stream";
    if (!untyped && types.indexOf(file.type.toLowerCase()) < 0) { return input.dataset.notAPhoto; }
    return file.size > Number(input.dataset.maxBytes) ? input.dataset.tooLarge : "";
  };
  var fits = function () {
    var words = refusal(input.files && input.files[0]);
    said.textContent = words;
    said.hidden = !words;
    return !words;
  };
  input.addEventListener("change", fits);
  input.form.addEventListener("submit", function (event) {
    if (!fits()) { event.preventDefault(); }
  });
})();
