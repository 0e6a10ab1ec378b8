// Says a photo is over the album's limit before it is sent: S3 answers a file over its form's limit with an
// XML page of its own, and on a phone's connection 20 MB take long to be refused. The page works without it.
(function () {
  var input = document.querySelector("input[data-max-bytes]");
  if (!input || !input.form) { return; }
  var said = document.createElement("p");
  said.className = "notice error";
  said.setAttribute("role", "alert");
  said.hidden = true;
  input.parentNode.insertBefore(said, input.nextSibling);
  var fits = function () {
    var file = input.files && input.files[0];
    var over = Boolean(file) && file.size > Number(input.dataset.maxBytes);
    said.textContent = over ? input.dataset.tooLarge : "";
    said.hidden = !over;
    return !over;
  };
  input.addEventListener("change", fits);
  input.form.addEventListener("submit", function (event) {
    if (!fits()) { event.preventDefault(); }
  });
})();
