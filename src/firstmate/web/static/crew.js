// Live countdown on the timing panel and a roster that refreshes itself; the page works without it.
(function () {
  var panel = document.querySelector("[data-countdown]");
  var live = document.querySelector("[data-live]");
  if (panel && live && panel.dataset.countdown) {
    var due = new Date(panel.dataset.countdown).getTime();
    var base = live.textContent.replace(/ (due|overdue: was due) .*/, "");
    var tick = function () {
      var minutes = Math.round((due - Date.now()) / 60000);
      var m = Math.abs(minutes);
      // the same wording as the server: minutes, then hours, then days past two days
      var span = m >= 2880 ? Math.floor(m / 1440) + " days"
        : m >= 60 ? Math.floor(m / 60) + " h" + (m % 60 ? " " + (m % 60) + " min" : "")
        : m + " min";
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
