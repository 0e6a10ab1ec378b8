// Live countdown on the timing panel and a roster that refreshes itself; the page works without it.
(function () {
  var panel = document.querySelector("[data-countdown]");
  var live = document.querySelector("[data-live]");
  if (panel && live && panel.dataset.countdown) {
    var due = new Date(panel.dataset.countdown).getTime();
    var clock = (live.textContent.match(/ \([^()]*\)$/) || [""])[0];  // " (15:30)": kept as it is
    var base = live.textContent.replace(/ (due|overdue: was due) .*/, "");
    var tick = function () {
      // the server's wording (timing.relative): whole minutes, then hours, then days past two days
      var seconds = Math.trunc((due - Date.now()) / 1000);
      var m = Math.floor(Math.abs(seconds) / 60);
      var span = m < 1 ? "less than a minute"
        : m < 60 ? m + " min"
        : m < 2880 ? Math.floor(m / 60) + " h" + (m % 60 ? " " + (m % 60) + " min" : "")
        : Math.floor(m / 1440) + " days";
      live.textContent = base + (seconds >= 0 ? " due in " + span : " overdue: was due " + span + " ago") + clock;
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
