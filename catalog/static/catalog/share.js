// Optional: the "Chia sẻ" link opens the phone's share sheet (Web Share API), or copies the
// address where there is none. Without this file it is a plain link to the page itself.
document.addEventListener("click", function (event) {
  var link = event.target && event.target.closest ? event.target.closest("a.share-link") : null;
  if (!link) { return; }
  var url = link.href;
  var done = link.parentNode.querySelector(".share-done");
  if (navigator.share) {
    event.preventDefault();
    navigator.share({ title: link.dataset.shareTitle, text: link.dataset.shareText, url: url })
      .catch(function () { /* closed by the person: nothing to do */ });
    return;
  }
  if (navigator.clipboard && navigator.clipboard.writeText) {
    event.preventDefault();
    navigator.clipboard.writeText(url).then(function () {
      if (done) { done.textContent = " " + link.dataset.copied; }
    }, function () { window.location.href = url; });
  }
});
