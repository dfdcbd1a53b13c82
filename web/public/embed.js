/*
 * Leadership coach: put the coach on another page (an intranet page) with one script tag.
 *
 *   <script src="https://coach.example.org/chat/static/embed.js"
 *           data-coach-url="https://coach.example.org"
 *           data-token="..."                      (optional: a signed token naming the person)
 *           data-label="Talk to the leadership coach"
 *           defer></script>
 *
 * Adds a button that opens a panel with the chat page in a frame (<coach-url>/chat?embed=1, the
 * token passed in the address's fragment, #token=..., which is never sent to any server in the
 * request). Escape or the Close button closes the panel and puts focus back on the button.
 * Styles are set through the DOM (element.style), so a strict content security policy on the
 * host page does not block them; the host page's policy must allow this script and frames from
 * the coach's address, and the coach must allow the host page (COACH_WEB_FRAME_ANCESTORS).
 */
(() => {
  "use strict";

  const script = document.currentScript;
  if (!script || window.__leadershipCoachEmbed) {
    return;
  }
  window.__leadershipCoachEmbed = true;

  const FOCUS = "#ffeb3b";
  const TEXT = "#212b32";
  const BLUE = "#005eb8";

  function coachBase() {
    const given = (script.dataset.coachUrl || "").trim();
    try {
      const url = new URL(given || script.src, document.baseURI);
      if (url.protocol !== "https:" && url.protocol !== "http:") {
        return null;
      }
      return given ? url.href.replace(/\/+$/, "") : url.origin;
    } catch (e) {
      return null;
    }
  }

  const base = coachBase();
  if (!base) {
    if (window.console) {
      window.console.error("leadership coach: data-coach-url is not a web address");
    }
    return;
  }
  const coachOrigin = new URL(base).origin;
  const token = (script.dataset.token || "").trim();
  const label = (script.dataset.label || "").trim() || "Talk to the leadership coach";
  const uid = "leadership-coach-" + Math.random().toString(36).slice(2, 8);

  function style(node, rules) {
    for (const [name, value] of Object.entries(rules)) {
      node.style.setProperty(name, value);
    }
    return node;
  }

  /** The NHS.UK focus style (yellow, dark underline), shown for keyboard focus. */
  function focusStyle(button, normal) {
    const apply = (on) => {
      if (on) {
        style(button, { "background-color": FOCUS, color: TEXT, "box-shadow": "0 4px " + TEXT, outline: "4px solid transparent" });
      } else {
        style(button, normal);
      }
    };
    button.addEventListener("focus", () => {
      let visible = true;
      try {
        visible = button.matches(":focus-visible");
      } catch (e) {
        /* older browsers: always show it */
      }
      apply(visible);
    });
    button.addEventListener("blur", () => apply(false));
    apply(false);
  }

  function button(text, normal) {
    const node = document.createElement("button");
    node.type = "button";
    node.textContent = text;
    style(node, {
      "font-family": "arial, sans-serif",
      "font-size": "1rem",
      "font-weight": "600",
      "line-height": "1.5",
      cursor: "pointer",
      "border-radius": "4px",
      margin: "0",
    });
    focusStyle(node, normal);
    return node;
  }

  const toggleNormal = {
    "background-color": BLUE,
    color: "#ffffff",
    border: "2px solid " + BLUE,
    "box-shadow": "0 4px #003087",
    outline: "none",
  };
  const toggle = button(label, toggleNormal);
  toggle.id = uid + "-toggle";
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("aria-controls", uid + "-panel");
  style(toggle, {
    position: "fixed",
    right: "16px",
    bottom: "16px",
    "z-index": "2147483000",
    padding: "8px 16px",
    "max-width": "calc(100vw - 32px)",
  });

  const panel = document.createElement("div");
  panel.id = uid + "-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-modal", "false");
  panel.setAttribute("aria-labelledby", uid + "-title");
  style(panel, {
    position: "fixed",
    right: "16px",
    bottom: "72px",
    "z-index": "2147483001",
    width: "min(28rem, calc(100vw - 32px))",
    height: "min(40rem, calc(100vh - 104px))",
    "flex-direction": "column",
    "background-color": "#ffffff",
    border: "2px solid " + TEXT,
    "border-radius": "4px",
    "box-shadow": "0 4px 16px rgba(33, 43, 50, 0.35)",
    overflow: "hidden",
  });

  const bar = document.createElement("div");
  style(bar, {
    display: "flex",
    "align-items": "center",
    "justify-content": "space-between",
    gap: "8px",
    padding: "8px 8px 8px 16px",
    "background-color": BLUE,
    color: "#ffffff",
    "font-family": "arial, sans-serif",
  });
  const title = document.createElement("h2");
  title.id = uid + "-title";
  title.textContent = label;
  style(title, { margin: "0", "font-size": "1.125rem", "line-height": "1.3", color: "#ffffff", "font-family": "inherit" });
  const closeNormal = {
    "background-color": "#ffffff",
    color: TEXT,
    border: "2px solid #ffffff",
    "box-shadow": "none",
    outline: "none",
  };
  const close = button("Close", closeNormal);
  close.setAttribute("aria-label", "Close the leadership coach");
  style(close, { padding: "4px 12px", "flex-shrink": "0" });
  bar.append(title, close);
  panel.appendChild(bar);

  let frame = null;

  function chatAddress() {
    const url = base + "/chat?embed=1";
    return token ? url + "#token=" + encodeURIComponent(token) : url;
  }

  function fit() {
    const narrow = window.matchMedia && window.matchMedia("(max-width: 40em), (max-height: 30em)").matches;
    style(panel, narrow
      ? { right: "0", bottom: "0", left: "0", top: "0", width: "100vw", height: "100vh", "border-radius": "0" }
      : { right: "16px", bottom: "72px", left: "auto", top: "auto", width: "min(28rem, calc(100vw - 32px))", height: "min(40rem, calc(100vh - 104px))", "border-radius": "4px" });
    // On a small screen the panel fills it: hide the button underneath rather than leave it
    // focusable but covered.
    style(toggle, { display: narrow && !panel.hidden ? "none" : "inline-block" });
  }

  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.title = "Leadership coach chat";
      frame.src = chatAddress();
      frame.setAttribute("referrerpolicy", "no-referrer");
      style(frame, { flex: "1 1 auto", width: "100%", border: "0", display: "block" });
      panel.appendChild(frame);
    }
    panel.hidden = false;
    style(panel, { display: "flex" });
    fit();
    toggle.setAttribute("aria-expanded", "true");
    frame.focus();
  }

  function shut() {
    if (panel.hidden) {
      return;
    }
    panel.hidden = true;
    style(panel, { display: "none" });
    style(toggle, { display: "inline-block" });
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  }

  toggle.addEventListener("click", () => (panel.hidden ? open() : shut()));
  close.addEventListener("click", shut);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      shut();
    }
  });
  // The chat page in the frame asks to close when Escape is pressed inside it.
  window.addEventListener("message", (event) => {
    if (frame && event.source === frame.contentWindow && event.origin === coachOrigin &&
        event.data && event.data.type === "coach:close") {
      shut();
    }
  });
  window.addEventListener("resize", () => {
    if (!panel.hidden) {
      fit();
    }
  });

  function mount() {
    style(panel, { display: "none" });
    document.body.append(toggle, panel);
  }

  if (document.body) {
    mount();
  } else {
    document.addEventListener("DOMContentLoaded", mount);
  }
})();
