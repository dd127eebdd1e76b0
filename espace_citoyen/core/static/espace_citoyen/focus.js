// After a change, a page may come back with the changed item as the URL's fragment
// (e.g. the day just booked, a cell with tabindex="-1"): put the focus there, so that a
// keyboard or screen reader user carries on from that item, not from the top of the page.
// Without JavaScript the page still scrolls to it.
document.addEventListener("DOMContentLoaded", function () {
  var id = decodeURIComponent(window.location.hash.slice(1));
  var target = id && document.getElementById(id);
  if (target && target.getAttribute("tabindex") === "-1") {
    target.focus();
  }
});
