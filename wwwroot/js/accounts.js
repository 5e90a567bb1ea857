// WebAuthn ceremonies for the portal (sign-in, passkey, enrollment, step-up) and the idle-session activity ping.
// A file, not inline script, so the Content-Security-Policy can stay at script-src 'self'.
window.portalWebAuthn = (() => {
    const toBuffer = (text) => {
        const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
        return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
    };
    const toText = (buffer) => {
        let binary = "";
        new Uint8Array(buffer).forEach((b) => { binary += String.fromCharCode(b); });
        return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    };
    // The server's JSON may carry nulls for absent members; WebAuthn dictionaries reject them.
    const withoutNulls = (value) => {
        if (Array.isArray(value)) return value.map(withoutNulls);
        if (value && typeof value === "object") {
            return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
        }
        return value;
    };
    const descriptors = (list) => (list || []).map((c) => ({ ...c, id: toBuffer(c.id) }));

    async function create(optionsJson) {
        const options = withoutNulls(JSON.parse(optionsJson));
        options.challenge = toBuffer(options.challenge);
        options.user.id = toBuffer(options.user.id);
        options.excludeCredentials = descriptors(options.excludeCredentials);
        const credential = await navigator.credentials.create({ publicKey: options });
        return JSON.stringify({
            id: credential.id,
            rawId: toText(credential.rawId),
            type: credential.type,
            response: {
                attestationObject: toText(credential.response.attestationObject),
                clientDataJSON: toText(credential.response.clientDataJSON),
                transports: credential.response.getTransports ? credential.response.getTransports() : [],
            },
            clientExtensionResults: credential.getClientExtensionResults(),
        });
    }

    async function get(optionsJson) {
        const options = withoutNulls(JSON.parse(optionsJson));
        options.challenge = toBuffer(options.challenge);
        options.allowCredentials = descriptors(options.allowCredentials);
        const credential = await navigator.credentials.get({ publicKey: options });
        return JSON.stringify({
            id: credential.id,
            rawId: toText(credential.rawId),
            type: credential.type,
            response: {
                authenticatorData: toText(credential.response.authenticatorData),
                clientDataJSON: toText(credential.response.clientDataJSON),
                signature: toText(credential.response.signature),
                userHandle: credential.response.userHandle ? toText(credential.response.userHandle) : null,
            },
            clientExtensionResults: credential.getClientExtensionResults(),
        });
    }

    const antiforgery = () => document.querySelector("input[name=__RequestVerificationToken]")?.value ?? "";

    async function post(url, body) {
        const response = await fetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json", "RequestVerificationToken": antiforgery() },
            body: JSON.stringify(body ?? {}),
            credentials: "same-origin",
        });
        const data = await response.json().catch(() => ({}));
        if (!response.ok) throw new Error(data.title || "The request failed. Reload the page and try again.");
        return data;
    }

    // Buttons on server-rendered pages: data-webauthn="passkey" | "second-factor" | "register".
    async function run(button) {
        const status = document.querySelector("[data-webauthn-status]");
        const say = (text) => { if (status) status.textContent = text; };
        const returnUrl = button.dataset.returnUrl || null;
        const kind = button.dataset.webauthn;
        button.disabled = true;
        say(kind === "register" ? "Follow your browser to create the key…" : "Waiting for your security key…");
        try {
            let result;
            if (kind === "register") {
                const start = await post("/account/webauthn/registration/options");
                const response = await create(start.optionsJson);
                const name = document.querySelector("[data-webauthn-name]")?.value ?? "";
                result = await post("/account/webauthn/registration", { requestId: start.requestId, response: JSON.parse(response), name, returnUrl });
            } else {
                const start = await post(`/account/webauthn/${kind}/options`);
                const response = await get(start.optionsJson);
                result = await post(`/account/webauthn/${kind}`, { requestId: start.requestId, response: JSON.parse(response), returnUrl });
            }
            if (result.recoveryCodes) {
                showRecoveryCodes(result.recoveryCodes, result.redirect);
            } else {
                window.location.assign(result.redirect || "/");
            }
        } catch (error) {
            say(error && error.name === "NotAllowedError"
                ? "No key was used (cancelled, timed out, or not a key of this account). Try again."
                : (error && error.message) || "That did not work. Try again.");
            button.disabled = false;
        }
    }

    function showRecoveryCodes(codes, redirect) {
        const section = document.querySelector("[data-recovery-codes]");
        const list = section.querySelector("ol");
        list.replaceChildren(...codes.map((code) => { const li = document.createElement("li"); const c = document.createElement("code"); c.textContent = code; li.append(c); return li; }));
        section.querySelector("[data-continue]").href = redirect || "/";
        document.querySelector("[data-enroll-step]")?.setAttribute("hidden", "");
        section.hidden = false;
    }

    document.addEventListener("click", (event) => {
        const button = event.target.closest("[data-webauthn]");
        if (button) { event.preventDefault(); run(button); }
    });

    return { create, get };
})();

// An enrollment link carries its one-time token in the fragment (/enroll#token), which never reaches a server log.
// Move it into the page's form, take it out of the address bar and history, and post it.
(() => {
    const form = document.querySelector("[data-enroll-open]");
    if (!form) return;
    // Sent as it stands: tokens are base64url (nothing to decode), and decoding a damaged link could throw and leave the
    // page stuck on "Opening…"; the server answers any text that is not a token as "not valid".
    const token = window.location.hash.slice(1);
    history.replaceState(null, "", window.location.pathname);
    if (token) {
        form.querySelector("[data-enroll-token]").value = token;
        form.submit();
    } else {
        document.querySelector("[data-enroll-opening]").hidden = true;
        document.querySelector("[data-enroll-missing]").hidden = false;
    }
})();

// A click or key press on an open page is use of the session (PCI DSS 8.2.8 idle limit); tell the server now and then.
(() => {
    let last = 0;
    const ping = () => {
        const now = Date.now();
        if (now - last < 30_000 || !document.documentElement.dataset.interactive) return;
        last = now;
        fetch("/account/activity", { method: "POST", credentials: "same-origin" }).catch(() => { });
    };
    document.addEventListener("pointerdown", ping, { passive: true });
    document.addEventListener("keydown", ping, { passive: true });
})();
