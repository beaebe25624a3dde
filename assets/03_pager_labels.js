/* Dash's DataTable (Dash 4.4) draws its pager's first / previous / next / last buttons as
   icons without a name, which a screen reader announces as "button" (axe: button-name).
   Name them in the page's language, with the words the page frame carries in
   #pager-labels (layouts/frame.py, from the i18n catalogue). Tables appear and page after
   the first load, so the names are set again whenever the page's content changes. */
(function () {
    "use strict";
    var KINDS = ["first", "previous", "next", "last"];
    function nameThePagers() {
        var labels = document.getElementById("pager-labels");
        if (!labels) { return; }
        KINDS.forEach(function (kind) {
            var name = labels.getAttribute("data-" + kind);
            document.querySelectorAll(".previous-next-container button." + kind + "-page").forEach(function (button) {
                if (name && button.getAttribute("aria-label") !== name) { button.setAttribute("aria-label", name); }
            });
        });
    }
    new MutationObserver(nameThePagers).observe(document.documentElement, {childList: true, subtree: true});
})();
