// Applies the remembered light/dark choice (css/theme.css: html[data-theme="dark"]) before the page paints, so a
// dark page never flashes light. Loaded in <head>, in a file rather than inline for the CSP.
(function () {
    var apply = function () {
        var theme = null;
        try { theme = localStorage.getItem("portal-theme"); } catch { /* storage disabled: light */ }
        if (theme === "dark") document.documentElement.dataset.theme = "dark";
        else delete document.documentElement.dataset.theme;
    };
    apply();
    window.portal = window.portal || {};
    window.portal.applyTheme = apply;
})();
