// Live reload, added by the dev server to every page it sends (never to the built site).
// The server tells the page what a rebuild changed; each message has a "type".
"use strict";
(() => {
  const address = new URL("/_khabar/live", location.href);
  address.protocol = "ws:";
  let lost = false;

  // Each old stylesheet URL's link gets a new one beside it, removed once the new one has loaded: no flash of an unstyled page.
  const restyle = (stylesheets) => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const replacement = stylesheets[new URL(link.href).pathname];
      if (replacement) {
        const fresh = link.cloneNode();
        fresh.href = replacement;
        fresh.addEventListener("load", () => link.remove(), { once: true });
        link.after(fresh);
      }
    }
  };

  // The build's problems over the page, in a modal alert dialog in a shadow root, so that neither the site's
  // styles nor this one's reach the other. It is a tool for the editor, not part of the site: plain English,
  // left to right on Arabic pages too, the problem lines exactly as the terminal printed them, one item each.
  let overlay = null;
  const STYLE = `
    dialog { box-sizing: border-box; inline-size: min(60rem, 100vw - 2rem); max-block-size: calc(100vh - 2rem);
      overflow: auto; margin: 1rem auto; padding: 1.25rem 1.5rem; border: 0.2rem solid #b00020; border-radius: 0.5rem;
      background: #fff; color: #1a1a1a; font: 1rem/1.5 system-ui, sans-serif; text-align: start; }
    dialog::backdrop { background: rgb(0 0 0 / 0.55); }
    h2 { margin: 0 0 0.5rem; font-size: 1.25rem; color: #b00020; }
    p { margin: 0 0 1rem; }
    ul { margin: 0 0 1rem; padding: 0.75rem; list-style: none; background: #f4f4f4; color: #1a1a1a;
      font: 0.9rem/1.5 ui-monospace, monospace; }
    li { padding-inline-start: 2ch; text-indent: -2ch; white-space: pre-wrap; overflow-wrap: anywhere; }
    li + li { margin-block-start: 0.5rem; }
    button { font: inherit; padding: 0.35rem 1rem; border: 0.1rem solid #1a1a1a; border-radius: 0.3rem; background: #fff; color: #1a1a1a; }
    button:focus-visible { outline: 0.2rem solid #0b57d0; outline-offset: 0.15rem; }`;

  const showProblems = (lines) => {
    if (!overlay) {
      const host = document.createElement("div");
      host.setAttribute("data-khabar-live", "problems");
      const root = host.attachShadow({ mode: "open" });
      root.innerHTML = `<style>${STYLE}</style>
        <dialog role="alertdialog" aria-labelledby="title" aria-describedby="what" lang="en" dir="ltr">
          <h2 id="title">The build failed</h2>
          <p id="what">This page is the last good build. Fix what is listed below: the page reloads once the build succeeds.</p>
          <ul dir="ltr"></ul>
          <button type="button">Close</button>
        </dialog>`;
      const dialog = root.querySelector("dialog");
      root.querySelector("button").addEventListener("click", () => dialog.close());
      document.body.append(host);
      overlay = { host, dialog, list: root.querySelector("ul") };
    }
    overlay.list.replaceChildren(...lines.map((line) => Object.assign(document.createElement("li"), { textContent: line })));
    if (!overlay.dialog.open) {
      overlay.dialog.showModal(); // Escape closes it, as the button does; the next failed build shows it again
    }
  };

  const clearProblems = () => {
    if (overlay) {
      overlay.dialog.close();
      overlay.host.remove();
      overlay = null;
    }
  };

  const connect = () => {
    const socket = new WebSocket(address);
    // Back after the server was away (restarted, or the laptop slept): the site may have changed meanwhile.
    socket.addEventListener("open", () => lost && location.reload());
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "reload") {
        location.reload();
      } else if (message.type === "css") {
        restyle(message.stylesheets);
      } else if (message.type === "problems" && message.lines.length) {
        showProblems(message.lines);
      } else if (message.type === "problems") {
        clearProblems();
      }
    });
    socket.addEventListener("close", () => {
      lost = true;
      setTimeout(connect, 1000);
    });
  };
  connect();
})();
