/* The NSCC wall (/wall): a key pauses or resumes the rotation of its panels, the arrow keys
   step back and forth (callbacks/wall.py reads window.__wall every second). Does nothing on
   other pages. */
(function () {
    document.addEventListener("keydown", function (event) {
        if (!document.querySelector(".wall") || event.ctrlKey || event.altKey || event.metaKey) {
            return;
        }
        var wall = window.__wall || (window.__wall = {paused: false, step: 0, shown: Date.now()});
        if (event.key === "ArrowRight" || event.key === "ArrowDown" || event.key === "PageDown") {
            wall.step = 1;
        } else if (event.key === "ArrowLeft" || event.key === "ArrowUp" || event.key === "PageUp") {
            wall.step = -1;
        } else if (event.key !== "Shift" && event.key !== "Tab") {
            wall.paused = !wall.paused;
            wall.shown = Date.now();
        }
    });
})();
