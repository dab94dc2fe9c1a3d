// Party picker: add positions found by the search, remove them, change their order.
(function () {
  "use strict";
  function renumber(list) {
    list.querySelectorAll("li").forEach(function (li, i) {
      var n = li.querySelector(".party-order");
      if (n) { n.textContent = (i + 1) + "."; }
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-add-party]");
    var list = document.getElementById("party-list");
    if (button && list) {
      var id = button.getAttribute("data-add-party");
      if (!list.querySelector('input[value="' + id + '"]')) {
        var template = document.getElementById("party-template");
        var li = template.content.firstElementChild.cloneNode(true);
        li.querySelector("input").value = id;
        li.querySelector(".party-label").textContent = button.getAttribute("data-label");
        list.appendChild(li);
        renumber(list);
      }
      button.disabled = true;
      return;
    }
    var remove = event.target.closest("button[data-remove-party]");
    if (remove) {
      var item = remove.closest("li");
      var parent = item.parentNode;
      item.remove();
      renumber(parent);
      return;
    }
    var up = event.target.closest("button[data-party-up]");
    if (up) {
      var row = up.closest("li");
      if (row.previousElementSibling) {
        row.parentNode.insertBefore(row, row.previousElementSibling);
        renumber(row.parentNode);
        up.focus();
      }
    }
  });
})();
