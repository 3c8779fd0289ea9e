/* The virtual POS simulator's return page: post the signed answer back to the
   merchant at once, as a bank's 3-D Secure page does. Without JavaScript the
   page's button does the same. */
document.addEventListener("DOMContentLoaded", function () {
  var f = document.getElementById("pos-return");
  if (f) f.submit();
});
