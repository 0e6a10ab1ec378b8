// Live countdown on the timing panel and a roster that refreshes itself; the page works without it.
(function () {
  var panel = document.querySelector("[data-countdown]");
  var live = document.querySelector("[data-live]");
  if (panel && live && panel.dataset.countdown) {
    var due = new Date(panel.dataset.countdown).getTime();
    var base = live.textContent.replace(/ (due|overdue: was due) .*/, "");
    var tick = function () {
      var minutes = Math.round((due - Date.now()) / 60000);
      var span = Math.abs(minutes) >= 60
        ? Math.floor(Math.abs(minutes) / 60) + " h " + (Math.abs(minutes) % 60) + " min"
        : Math.abs(minutes) + " min";
      live.textContent = base + (minutes >= 0 ? " due in " + span : " overdue by " + span);
    };
    tick();
    setInterval(tick, 30000);
  }
  var roster = document.getElementById("roster");
  var match = location.pathname.match(/^\/crew\/events\/(ev_[a-z0-9]+)$/);
  if (roster && match && window.fetch) {
    setInterval(function () {
      fetch("/api/v1/events/" + match[1], { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (view) {
          if (!view) { return; }
          var names = view.roster.map(function (s) { return s.role + ":" + (s.first_name || ""); }).join("|");
          if (roster.dataset.names && roster.dataset.names !== names) { location.reload(); }
          roster.dataset.names = names;
        })
        .catch(function () {});
    }, 15000);
  }
})();
