// Optional: redraw the address lists as soon as a picker changes. Without this file the
// "Cập nhật danh sách" button does the same, so the page works with JavaScript off.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.hasAttribute && target.hasAttribute("data-refresh")) {
    var button = document.querySelector("button[name=refresh]");
    if (button) { button.click(); }
  }
});
