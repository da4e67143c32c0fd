// Live reload, added by the dev server to every page it sends (never to the built site).
// The server tells the page what a rebuild changed; each message has a "type".
"use strict";
(() => {
  const address = new URL("/_khabar/live", location.href);
  address.protocol = "ws:";
  let lost = false;

  const connect = () => {
    const socket = new WebSocket(address);
    // Back after the server was away (restarted, or the laptop slept): the site may have changed meanwhile.
    socket.addEventListener("open", () => lost && location.reload());
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "reload") {
        location.reload();
      }
    });
    socket.addEventListener("close", () => {
      lost = true;
      setTimeout(connect, 1000);
    });
  };
  connect();
})();
