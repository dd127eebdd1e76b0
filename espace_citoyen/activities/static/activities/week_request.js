// The page a family lands on after asking for a holiday week (booking queue): while the
// request waits, ask the server for its answer after 1 s, then 2 s, 3 s… (at most 5 s
// apart, for at most 5 minutes) and show it in the live region, which screen readers
// announce; after 5 minutes without an answer, the region says to reload the page later.
// Without JavaScript the page says to reload it. The page may be the answer to the form's
// POST: the address shown becomes the request's own page, so that reloading it, or coming
// back to it, asks for the page instead of posting the form again.
(function () {
  // Deferred: the document is parsed when this runs. The address first, before anything
  // else, so that a reload asks for the request's page as early as possible.
  var region = document.querySelector("[data-poll-url]");
  if (!region) {
    return;
  }
  var page = region.getAttribute("data-page-url");
  if (page && window.location.pathname !== page && window.history.replaceState) {
    window.history.replaceState(null, "", page);
  }
  var url = region.getAttribute("data-poll-url");
  var delay = 1000;
  var waited = 0;

  function schedule() {
    if (waited > 300000) {
      var late = region.querySelector(".request-late");
      if (late) {
        late.hidden = false;
      }
      return;
    }
    window.setTimeout(ask, delay);
    waited += delay;
    delay = Math.min(delay + 1000, 5000);
  }

  function ask() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        if (answer.pending) {
          schedule();
          return;
        }
        region.removeAttribute("data-poll-url");
        region.innerHTML = answer.html;
        // The page's title becomes the answer's; the site's name after it stays.
        var site = document.title.lastIndexOf(" — ");
        document.title = answer.title + (site >= 0 ? document.title.slice(site) : "");
      })
      .catch(schedule);
  }

  schedule();
})();
