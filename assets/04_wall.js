/* The NSCC wall (/wall): the space bar or P pauses the rotation of its panels and resumes it
   (a pause ends by itself after 10 minutes), the arrow keys and Page Up/Down step back and
   forth (callbacks/wall.py reads window.__wall every second). Other keys (F11 for full
   screen, Escape) do nothing here; neither does a held key. Does nothing on other pages. */
(function () {
    document.addEventListener("keydown", function (event) {
        if (!document.querySelector(".wall") || event.ctrlKey || event.altKey || event.metaKey || event.repeat) {
            return;
        }
        var wall = window.__wall || (window.__wall = {paused: false, step: 0, shown: Date.now()});
        if (event.key === "ArrowRight" || event.key === "ArrowDown" || event.key === "PageDown") {
            wall.step = 1;
        } else if (event.key === "ArrowLeft" || event.key === "ArrowUp" || event.key === "PageUp") {
            wall.step = -1;
        } else if (event.key === " " || event.key === "p" || event.key === "P") {
            wall.paused = !wall.paused;
            wall.pausedAt = Date.now();
            wall.shown = Date.now();
            event.preventDefault();
        }
    });
})();
