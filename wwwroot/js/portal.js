// Small browser helpers the portal calls through JS interop. Kept in a file (no inline script) for the CSP.
window.portal = window.portal || {};
window.portal.theme = {
    get: () => { try { return localStorage.getItem("portal-theme"); } catch { return null; } },
    set: (value) => {
        try { localStorage.setItem("portal-theme", value); } catch { /* storage disabled: not remembered */ }
        if (value === "dark") document.documentElement.dataset.theme = "dark"; else delete document.documentElement.dataset.theme;
    },
};
// An enhanced navigation (to or from a page without interactivity) may bring a fresh <html>: apply the theme again.
if (window.Blazor && window.portal.applyTheme) window.Blazor.addEventListener("enhancedload", window.portal.applyTheme);
// The drawer starts closed below MudBlazor's "md" breakpoint, as MudDrawer's responsive variant does.
window.portal.isNarrow = () => window.matchMedia("(max-width: 959.98px)").matches;
// The merchant chosen in the app bar's switcher (a merchant id; absent means "All merchants").
window.portal.merchant = {
    get: () => { try { return localStorage.getItem("portal-merchant"); } catch { return null; } },
    set: (value) => {
        try {
            if (value) localStorage.setItem("portal-merchant", value); else localStorage.removeItem("portal-merchant");
        } catch { /* storage disabled: not remembered */ }
    },
};
// Set once the page's circuit is live, so people (and browser tests) know clicks are handled.
window.portal.markInteractive = () => { document.documentElement.dataset.interactive = "true"; };
