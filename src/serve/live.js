// mieru serve: reloads the page when the site has been rebuilt, and shows the
// error overlay as a modal dialog. Added to pages only by `mieru serve`, as
// they are sent; never part of a built site.
(function () {
  "use strict";
  var me = document.currentScript;
  var generation = (me && me.getAttribute("data-generation")) || "";
  var overlay = document.getElementById("mieru-overlay");
  if (overlay && typeof overlay.showModal === "function") {
    try {
      overlay.close();
      overlay.showModal();
    } catch (e) {
      overlay.setAttribute("open", "");
    }
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && overlay && overlay.hasAttribute("open")) {
      if (typeof overlay.close === "function") {
        overlay.close();
      } else {
        overlay.removeAttribute("open");
      }
    }
  });
  try {
    var y = sessionStorage.getItem("mieru-scroll");
    if (y !== null) {
      sessionStorage.removeItem("mieru-scroll");
      window.scrollTo(0, Number(y) || 0);
    }
  } catch (e) {}
  if (!window.EventSource) {
    return;
  }
  var source = new EventSource(
    "/__mieru/events?since=" + encodeURIComponent(generation)
  );
  source.addEventListener("reload", function () {
    try {
      sessionStorage.setItem("mieru-scroll", String(window.scrollY));
    } catch (e) {}
    source.close();
    window.location.reload();
  });
})();
