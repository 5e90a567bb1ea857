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
// The merchant chosen in the app bar's switcher (a merchant id; absent means "All merchants"). Kept in a cookie so the
// server already narrows the first (prerendered) response of the next page load; the server checks it against the
// person's scope, so it can only narrow.
window.portal.merchant = {
    cookie: "portal-merchant",
    get: () => {
        const name = window.portal.merchant.cookie + "=";
        const found = document.cookie.split("; ").find((c) => c.startsWith(name));
        return found ? decodeURIComponent(found.substring(name.length)) : null;
    },
    set: (value) => {
        const secure = location.protocol === "https:" ? "; Secure" : "";
        document.cookie = value
            ? `${window.portal.merchant.cookie}=${encodeURIComponent(value)}; Path=/; Max-Age=31536000; SameSite=Strict${secure}`
            : `${window.portal.merchant.cookie}=; Path=/; Max-Age=0; SameSite=Strict${secure}`;
    },
};
// Set once the page's circuit is live, so people (and browser tests) know clicks are handled.
window.portal.markInteractive = () => { document.documentElement.dataset.interactive = "true"; };
// Table rows that open a page ([data-row-link] on the tbody, such as the fraud queue's, or on a MudTable, such as the
// device, merchant and incident lists): a click anywhere on a row follows the row's first link, as a click on the link
// itself would (Blazor's router handles it). Done here so the server keeps no click handler per row, and a click is not
// lost while the table reloads or before the page's circuit is up; the link stays the way in for the keyboard, and
// clicks on links, buttons or a text selection inside the row are left alone.
document.addEventListener("click", (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    const row = e.target.closest("[data-row-link] > tr, [data-row-link] tbody > tr");
    if (!row || e.target.closest("a, button, input, select, textarea, label")) return;
    if (window.getSelection && String(window.getSelection()).length > 0) return;
    const link = row.querySelector("a[href]");
    if (link) link.click();
});
// Disclosures ([data-disclosure]: a [data-disclosure-toggle] button with aria-controls naming the panel), such as the
// account menu. Handled here, in the browser, so the server keeps no state for them; delegated from the document, so
// they work on prerendered markup and after enhanced navigation.
(() => {
    const panelOf = (toggle) => document.getElementById(toggle.getAttribute("aria-controls"));
    const setOpen = (toggle, open) => {
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        const panel = panelOf(toggle);
        if (panel) panel.hidden = !open;
    };
    const closeAll = (except) => {
        document.querySelectorAll("[data-disclosure-toggle][aria-expanded=true]").forEach((t) => { if (t !== except) setOpen(t, false); });
    };
    document.addEventListener("click", (e) => {
        const toggle = e.target.closest("[data-disclosure-toggle]");
        if (toggle) {
            closeAll(toggle);
            setOpen(toggle, toggle.getAttribute("aria-expanded") !== "true");
            return;
        }
        // A click elsewhere closes open disclosures; following a link inside one closes it too.
        const inside = e.target.closest("[data-disclosure]");
        if (!inside || e.target.closest("a")) closeAll(null);
    });
    document.addEventListener("keydown", (e) => {
        if (e.key !== "Escape") return;
        const open = document.querySelector("[data-disclosure-toggle][aria-expanded=true]");
        if (!open) return;
        setOpen(open, false);
        open.focus();
    });
})();
// The shell of a statically rendered page ([data-static-shell], e.g. the fraud queue, whose live part is an interactive
// island): the same markup the interactive shell renders, its toggles and merchant switcher worked here in the browser,
// so no circuit keeps the shell. Delegated from the document, so it works on the server's markup as it arrives.
(() => {
    const shell = () => document.querySelector("[data-static-shell]");
    const setDrawer = (open) => {
        const layout = shell();
        if (!layout) return;
        layout.classList.toggle("mud-drawer-open-responsive-md-left", open);
        layout.classList.toggle("mud-drawer-close-responsive-md-left", !open);
        const drawer = layout.querySelector("#main-navigation");
        if (drawer) {
            drawer.classList.toggle("mud-drawer--open", open);
            drawer.classList.toggle("mud-drawer--closed", !open);
        }
        layout.querySelectorAll("[data-drawer-toggle]").forEach((t) => t.setAttribute("aria-expanded", open ? "true" : "false"));
    };
    const showTheme = () => {
        const dark = document.documentElement.dataset.theme === "dark";
        document.querySelectorAll("[data-static-shell] [data-theme-toggle]").forEach((t) => {
            t.title = dark ? "Switch to light theme" : "Switch to dark theme";
        });
    };
    // What the static shell does when this script loads and after each enhanced navigation: the drawer starts closed on
    // a narrow screen, and the theme toggle's hint follows the remembered theme.
    const start = () => {
        if (!shell()) return;
        if (window.portal.isNarrow()) setDrawer(false);
        showTheme();
    };
    document.addEventListener("click", (e) => {
        const drawerToggle = e.target.closest("[data-static-shell] [data-drawer-toggle]");
        if (drawerToggle) {
            setDrawer(drawerToggle.getAttribute("aria-expanded") !== "true");
            return;
        }
        if (e.target.closest("[data-static-shell] [data-theme-toggle]")) {
            window.portal.theme.set(document.documentElement.dataset.theme === "dark" ? "light" : "dark");
            showTheme();
        }
    });
    document.addEventListener("change", (e) => {
        const switcher = e.target.closest("[data-static-shell] select[data-static-switcher]");
        if (!switcher) return;
        // "All merchants" is the empty Guid: no cookie. The server checks the choice against the person's scope.
        window.portal.merchant.set(/^0{8}-(0{4}-){3}0{12}$/.test(switcher.value) ? null : switcher.value);
        switcher.disabled = true;
        location.reload();
    });
    start();
    if (window.Blazor) window.Blazor.addEventListener("enhancedload", start);
})();
