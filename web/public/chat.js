/*
 * Leadership coach: the chat page's script (served at /chat/static/chat.js).
 *
 * Talks to the coach's `web` channel over Socket.IO as docs/web-protocol.md describes. Plain
 * modern JavaScript, no build step. Everything the server sends is shown as text: the page builds
 * its elements with createElement and textContent only, never from HTML strings.
 *
 * For tests: <body data-state> is one of connecting, ready, waiting, refused, ended, and
 * <body data-last-refusal> keeps the reason of the last session_refused.
 */
(() => {
  "use strict";

  const STORAGE_KEY = "coachSessionId";
  const SVG_NS = "http://www.w3.org/2000/svg";
  const REPLY_TIMEOUT_MS = 90000;
  const script = document.currentScript || document.querySelector("script[src$='chat.js']");
  const body = document.body;
  const embedded = new URLSearchParams(window.location.search).get("embed") === "1";
  if (embedded) {
    document.documentElement.classList.add("coach-embed");
  }
  const reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  const $ = (id) => document.getElementById(id);
  const ui = {
    connection: $("coach-connection"),
    notice: $("coach-notice"),
    conversation: $("coach-conversation"),
    log: $("coach-log"),
    typing: $("coach-typing"),
    typingText: document.querySelector("#coach-typing .coach-typing__text"),
    form: $("coach-form"),
    input: $("coach-input"),
    send: $("coach-send"),
    end: $("coach-end"),
    ended: $("coach-ended"),
    endedHeading: $("coach-ended-heading"),
    restart: $("coach-restart"),
    resumePanel: $("coach-resume-panel"),
    resumeCode: $("coach-resume-code"),
    resumeDetails: $("coach-resume-details"),
    resumeForm: $("coach-resume-form"),
    resumeGroup: $("coach-resume-group"),
    resumeInput: $("coach-resume-input"),
    resumeError: $("coach-resume-error"),
    resumeSubmit: $("coach-resume-submit"),
  };

  // ------------------------------------------------------------------ storage

  const storage = {
    get() {
      try {
        return window.sessionStorage.getItem(STORAGE_KEY);
      } catch (e) {
        return null;
      }
    },
    set(value) {
      try {
        window.sessionStorage.setItem(STORAGE_KEY, value);
      } catch (e) {
        /* storage may be blocked (private mode, some frames): the session lasts this page */
      }
    },
    clear() {
      try {
        window.sessionStorage.removeItem(STORAGE_KEY);
      } catch (e) {
        /* nothing to clear */
      }
    },
  };

  /** A token from the address (#token=..., then taken out of the address bar) or the script tag. */
  function takeToken() {
    const hash = window.location.hash.replace(/^#/, "");
    if (hash) {
      const params = new URLSearchParams(hash);
      if (params.has("token")) {
        const token = params.get("token");
        params.delete("token");
        const rest = params.toString();
        const url = window.location.pathname + window.location.search + (rest ? "#" + rest : "");
        try {
          window.history.replaceState(window.history.state, "", url);
        } catch (e) {
          window.location.hash = rest;
        }
        if (token) {
          return token;
        }
      }
    }
    const fromTag = script && script.dataset ? script.dataset.token : "";
    return fromTag || null;
  }

  // ------------------------------------------------------------------ what the page knows

  const state = {
    socket: null,
    token: takeToken(), // sent with the next session request
    originalToken: null, // kept to ask again if the server forgets the session
    pendingResume: null, // a resume code to send with the next session request
    fallbackId: null, // the session to go back to if a resume code is refused
    bound: false, // this connection has a confirmed session
    historyLoaded: false,
    refused: false, // refused and nothing to try automatically
    ended: false,
    connectedBefore: false,
    reconnecting: false, // the connection dropped: say so when it is back
    waitingReply: false,
    serverTyping: false,
    typingShown: false,
    outbox: [], // messages typed before the session was ready: {payload, display}
    lastSent: null,
    replyTimer: null,
    chartCount: 0,
    retriedToken: false,
    keepNotice: false, // the next confirmation leaves the problem shown on screen
  };
  state.originalToken = state.token;

  function refreshState() {
    let name;
    if (state.ended) {
      name = "ended";
    } else if (state.refused) {
      name = "refused";
    } else if (!state.bound || !state.historyLoaded) {
      name = "connecting";
    } else if (state.waitingReply || state.serverTyping || state.outbox.length) {
      name = "waiting";
    } else {
      name = "ready";
    }
    body.dataset.state = name;
    updateTyping();
  }

  // ------------------------------------------------------------------ small DOM helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function hiddenText(text) {
    return el("span", "nhsuk-u-visually-hidden", text);
  }

  function setConnection(text) {
    if (ui.connection.textContent !== text) {
      ui.connection.textContent = text;
    }
  }

  function scrollToShow(node) {
    if (node && typeof node.scrollIntoView === "function") {
      node.scrollIntoView({ block: "nearest", behavior: reduceMotion ? "auto" : "smooth" });
    }
  }

  // ------------------------------------------------------------------ text, links and lists

  const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
  const TRAILING = /[.,;:!?)\]'"\u00bb\u201d\u2019]$/;

  function count(text, ch) {
    return text.split(ch).length - 1;
  }

  function webAddress(candidate) {
    try {
      const url = new URL(candidate);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  /** Text with its web addresses turned into links, appended to `parent`. */
  function appendInline(parent, text) {
    let last = 0;
    for (const match of text.matchAll(URL_PATTERN)) {
      let address = match[0];
      while (TRAILING.test(address)) {
        const ch = address.slice(-1);
        if (ch === ")" && count(address, "(") >= count(address, ")")) {
          break;
        }
        address = address.slice(0, -1);
      }
      const href = webAddress(address);
      if (!href) {
        continue;
      }
      if (match.index > last) {
        parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      }
      const link = el("a", "coach-link", address);
      link.href = href;
      link.rel = "noopener noreferrer";
      if (embedded) {
        link.target = "_blank";
        link.appendChild(hiddenText(" (opens in a new tab)"));
      }
      parent.appendChild(link);
      last = match.index + address.length;
    }
    if (last < text.length) {
      parent.appendChild(document.createTextNode(text.slice(last)));
    }
  }

  /** A message's text: a paragraph per line; lines starting "• ", "- " or "* " become a list. */
  function appendText(parent, text) {
    let list = null;
    for (const raw of String(text).split(/\r?\n/)) {
      const line = raw.trim();
      if (!line) {
        list = null;
        continue;
      }
      const bullet = /^[\u2022*-]\s+(.*)$/.exec(line);
      if (bullet) {
        if (!list) {
          list = el("ul", "nhsuk-list nhsuk-list--bullet coach-list");
          parent.appendChild(list);
        }
        const item = el("li");
        appendInline(item, bullet[1]);
        list.appendChild(item);
      } else {
        list = null;
        const para = el("p", "coach-para");
        appendInline(para, line);
        parent.appendChild(para);
      }
    }
  }

  // ------------------------------------------------------------------ messages

  function messageShell(who) {
    const bot = who === "bot";
    const wrap = el("div", "coach-message " + (bot ? "coach-message--bot" : "coach-message--user"));
    const bubble = el("div", "coach-message__bubble");
    bubble.appendChild(hiddenText(bot ? "Coach said: " : "You said: "));
    const content = el("div", "coach-message__content");
    bubble.appendChild(content);
    wrap.appendChild(bubble);
    return { wrap, bubble, content };
  }

  function appendUser(text) {
    const shell = messageShell("user");
    appendText(shell.content, text);
    ui.log.appendChild(shell.wrap);
    return shell.wrap;
  }

  function imageSource(src) {
    if (typeof src !== "string" || !src) {
      return null;
    }
    if (/^data:image\/(png|jpe?g|gif|webp);/i.test(src)) {
      return src;
    }
    try {
      const url = new URL(src, window.location.href);
      if (url.protocol === "https:" || url.origin === window.location.origin) {
        return url.href;
      }
    } catch (e) {
      /* not an address */
    }
    return null;
  }

  function appendAttachment(parent, attachment) {
    if (!attachment || typeof attachment !== "object") {
      return false;
    }
    const payload = attachment.payload && typeof attachment.payload === "object" ? attachment.payload : {};
    if (attachment.type === "image") {
      const src = imageSource(payload.src);
      if (!src) {
        return false;
      }
      const img = el("img", "coach-image");
      img.alt = "Image from the coach";
      img.src = src;
      img.decoding = "async";
      parent.appendChild(img);
      return true;
    }
    const href = webAddress(typeof payload.src === "string" ? payload.src : payload.url);
    if (href) {
      const para = el("p", "coach-para");
      const link = el("a", "coach-link", "Open what the coach sent");
      link.href = href;
      link.rel = "noopener noreferrer";
      para.appendChild(link);
      parent.appendChild(para);
      return true;
    }
    return false;
  }

  function levelText(levels, index) {
    if (Number.isInteger(index) && index >= 0 && index < levels.length) {
      return levels[index] + " (" + (index + 1) + " of " + levels.length + ")";
    }
    return null;
  }

  function widthClass(levels, index) {
    const share = (index + 1) / levels.length;
    return "coach-chart__bar--w" + Math.max(5, Math.min(100, Math.round(share * 20) * 5));
  }

  function chartBar(kind, label, levels, index) {
    const row = el("div", "coach-chart__bar-row coach-chart__bar-row--" + kind);
    row.appendChild(el("span", "coach-chart__bar-label", label));
    const track = el("span", "coach-chart__track");
    if (Number.isInteger(index) && index >= 0 && index < levels.length) {
      track.appendChild(el("span", "coach-chart__bar coach-chart__bar--" + kind + " " + widthClass(levels, index)));
      row.appendChild(track);
      row.appendChild(el("span", "coach-chart__value", levels[index]));
    } else {
      row.appendChild(track);
      row.appendChild(el("span", "coach-chart__value", kind === "now" ? "Skipped" : "None"));
    }
    return row;
  }

  /** A profile chart: a heading, the summary, bars (hidden from screen readers) and a table. */
  function appendChart(parent, chart) {
    if (!chart || typeof chart !== "object") {
      return false;
    }
    const levels = Array.isArray(chart.levels) && chart.levels.length ? chart.levels.map(String) : ["Essential", "Proficient", "Strong", "Exemplary"];
    const dimensions = Array.isArray(chart.dimensions)
      ? chart.dimensions.filter((d) => d && typeof d === "object" && typeof d.name === "string")
      : [];
    const title = typeof chart.title === "string" && chart.title ? chart.title : "Your profile";
    const hasPrevious = dimensions.some((d) => Number.isInteger(d.previous));
    state.chartCount += 1;
    const id = "coach-chart-" + state.chartCount;

    const section = el("section", "coach-chart");
    section.setAttribute("aria-labelledby", id);
    section.appendChild(el("h3", "nhsuk-heading-s coach-chart__title", title)).id = id;
    if (typeof chart.summary === "string" && chart.summary) {
      const summary = el("div", "coach-chart__summary");
      appendText(summary, chart.summary);
      section.appendChild(summary);
    }

    if (dimensions.length) {
      // The bars say what the table says, so screen readers get the table only.
      const figure = el("div", "coach-chart__figure");
      figure.setAttribute("aria-hidden", "true");
      if (hasPrevious) {
        const legend = el("p", "coach-chart__legend");
        legend.appendChild(el("span", "coach-chart__key coach-chart__key--now"));
        legend.appendChild(document.createTextNode("Now "));
        legend.appendChild(el("span", "coach-chart__key coach-chart__key--before"));
        legend.appendChild(document.createTextNode("Before"));
        figure.appendChild(legend);
      }
      for (const dimension of dimensions) {
        const group = el("div", "coach-chart__group");
        group.appendChild(el("p", "coach-chart__name", dimension.name));
        group.appendChild(chartBar("now", "Now", levels, dimension.level));
        if (hasPrevious) {
          group.appendChild(chartBar("before", "Before", levels, dimension.previous));
        }
        figure.appendChild(group);
      }
      section.appendChild(figure);

      const table = el("table", "nhsuk-table coach-chart__table");
      table.appendChild(el("caption", "nhsuk-table__caption nhsuk-table__caption--s", title + ": the figures"));
      const head = el("thead", "nhsuk-table__head");
      const headRow = el("tr", "nhsuk-table__row");
      const columns = hasPrevious ? ["Dimension", "Now", "Before"] : ["Dimension", "Your level"];
      for (const name of columns) {
        const th = el("th", "nhsuk-table__header", name);
        th.scope = "col";
        headRow.appendChild(th);
      }
      head.appendChild(headRow);
      table.appendChild(head);
      const tbody = el("tbody", "nhsuk-table__body");
      for (const dimension of dimensions) {
        const row = el("tr", "nhsuk-table__row");
        const th = el("th", "nhsuk-table__header", dimension.name);
        th.scope = "row";
        row.appendChild(th);
        row.appendChild(el("td", "nhsuk-table__cell", levelText(levels, dimension.level) || "Skipped"));
        if (hasPrevious) {
          row.appendChild(el("td", "nhsuk-table__cell", levelText(levels, dimension.previous) || "No earlier answer"));
        }
        tbody.appendChild(row);
      }
      table.appendChild(tbody);
      section.appendChild(table);
    }
    parent.appendChild(section);
    return true;
  }

  function appendReplies(parent, replies) {
    const usable = replies.filter((r) => r && typeof r === "object" && (r.title || r.payload));
    if (!usable.length) {
      return false;
    }
    const group = el("div", "coach-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Suggested replies");
    for (const reply of usable) {
      const title = String(reply.title || reply.payload);
      const payload = String(reply.payload || reply.title);
      const button = el("button", "nhsuk-button nhsuk-button--secondary nhsuk-button--small coach-reply", title);
      button.type = "button";
      button.addEventListener("click", () => {
        if (button.disabled) {
          return;
        }
        disableReplies(group);
        button.classList.add("coach-reply--chosen");
        sendMessage(payload, title);
        ui.input.focus();
      });
      group.appendChild(button);
    }
    parent.appendChild(group);
    return true;
  }

  /** Turns off one set of quick replies (or, with no argument, every set still open). */
  function disableReplies(group) {
    const groups = group ? [group] : ui.log.querySelectorAll(".coach-replies:not(.coach-replies--used)");
    for (const g of groups) {
      g.classList.add("coach-replies--used");
      for (const button of g.querySelectorAll("button")) {
        button.disabled = true;
      }
    }
  }

  /** A bot message (a `bot_uttered` event or a bot message in `history`). */
  function appendBot(message) {
    if (!message || typeof message !== "object") {
      return null;
    }
    const shell = messageShell("bot");
    let shown = false;
    if (typeof message.text === "string" && message.text.trim()) {
      appendText(shell.content, message.text);
      shown = true;
    }
    if (message.attachment) {
      shown = appendAttachment(shell.content, message.attachment) || shown;
    }
    if (typeof message.image === "string") {
      shown = appendAttachment(shell.content, { type: "image", payload: { src: message.image } }) || shown;
    }
    if (message.chart) {
      shown = appendChart(shell.content, message.chart) || shown;
      shell.wrap.classList.add("coach-message--chart");
    }
    const replies = Array.isArray(message.quick_replies) ? message.quick_replies : Array.isArray(message.buttons) ? message.buttons : [];
    if (replies.length) {
      shown = appendReplies(shell.bubble, replies) || shown;
    }
    if (!shown) {
      return null;
    }
    ui.log.appendChild(shell.wrap);
    return shell.wrap;
  }

  function clearLog() {
    ui.log.replaceChildren();
  }

  // ------------------------------------------------------------------ typing indicator

  function updateTyping() {
    const on = !state.ended && !state.refused && (state.waitingReply || state.serverTyping || state.outbox.length > 0);
    if (on === state.typingShown) {
      return;
    }
    state.typingShown = on;
    ui.typing.dataset.typing = on ? "true" : "false";
    ui.typing.classList.toggle("coach-typing--on", on);
    // Said once when it starts (the element is a polite status), cleared when it stops.
    ui.typingText.textContent = on ? "The coach is typing" : "";
  }

  function startWaiting() {
    state.waitingReply = true;
    window.clearTimeout(state.replyTimer);
    state.replyTimer = window.setTimeout(() => {
      if (state.waitingReply && !state.serverTyping) {
        state.waitingReply = false;
        setConnection("The coach has not replied. Please try sending your message again.");
        refreshState();
      }
    }, REPLY_TIMEOUT_MS);
    refreshState();
  }

  function stopWaiting() {
    state.waitingReply = false;
    window.clearTimeout(state.replyTimer);
  }

  // ------------------------------------------------------------------ notices

  function clearNotice() {
    ui.notice.replaceChildren();
  }

  /** An NHS.UK error summary; `link` points its message at a field. */
  function showError(message, options = {}) {
    clearNotice();
    const summary = el("div", "nhsuk-error-summary coach-error");
    summary.tabIndex = -1;
    summary.setAttribute("aria-labelledby", "coach-error-title");
    const alert = el("div");
    alert.setAttribute("role", "alert");
    const heading = el("h2", "nhsuk-error-summary__heading", "There is a problem");
    heading.id = "coach-error-title";
    alert.appendChild(heading);
    const inner = el("div", "nhsuk-error-summary__body");
    if (options.link) {
      const list = el("ul", "nhsuk-list nhsuk-error-summary__list");
      const item = el("li");
      const link = el("a", "", message);
      link.href = "#" + options.link;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        const target = $(options.link);
        if (target) {
          target.focus();
        }
      });
      item.appendChild(link);
      list.appendChild(item);
      inner.appendChild(list);
    } else {
      inner.appendChild(el("p", "", message));
    }
    alert.appendChild(inner);
    summary.appendChild(alert);
    if (options.retry) {
      const again = el("button", "nhsuk-button nhsuk-button--secondary nhsuk-button--small", "Try again");
      again.type = "button";
      again.addEventListener("click", () => {
        clearNotice();
        state.refused = false;
        state.token = state.originalToken;
        setConnection("Connecting to the coach…");
        requestSession();
        refreshState();
        ui.input.focus();
      });
      summary.appendChild(again);
    }
    ui.notice.appendChild(summary);
    if (options.focus) {
      summary.focus();
    }
  }

  /** A message kept on screen in an inset, said politely once. */
  function showInfo(message) {
    clearNotice();
    const inset = el("div", "nhsuk-inset-text coach-info");
    inset.appendChild(hiddenText("Information: "));
    const para = el("p");
    para.setAttribute("role", "status");
    inset.appendChild(para);
    ui.notice.appendChild(inset);
    // Filled in after the live region is in the page, so it is announced.
    window.setTimeout(() => {
      para.textContent = message;
    }, 100);
  }

  function showResumeError(message) {
    ui.resumeError.replaceChildren(hiddenText("Error: "), document.createTextNode(message));
    ui.resumeError.hidden = false;
    ui.resumeGroup.classList.add("nhsuk-form-group--error");
    ui.resumeInput.classList.add("nhsuk-input--error");
    ui.resumeInput.setAttribute("aria-describedby", "coach-resume-hint coach-resume-error");
  }

  function clearResumeError() {
    ui.resumeError.hidden = true;
    ui.resumeError.replaceChildren();
    ui.resumeGroup.classList.remove("nhsuk-form-group--error");
    ui.resumeInput.classList.remove("nhsuk-input--error");
    ui.resumeInput.setAttribute("aria-describedby", "coach-resume-hint");
  }

  // ------------------------------------------------------------------ the session

  function sessionRequest() {
    if (state.token) {
      return { token: state.token };
    }
    const id = storage.get();
    if (id) {
      return { session_id: id };
    }
    if (state.pendingResume) {
      return { resume_code: state.pendingResume };
    }
    return {};
  }

  function requestSession() {
    state.bound = false;
    state.historyLoaded = false;
    if (state.socket && state.socket.connected) {
      state.socket.emit("session_request", sessionRequest());
    }
  }

  function showResumeCode(code) {
    if (code) {
      ui.resumeCode.textContent = code;
      ui.resumePanel.hidden = false;
    } else {
      ui.resumeCode.textContent = "";
      ui.resumePanel.hidden = true;
    }
  }

  function onConfirm(data) {
    if (!data || typeof data.session_id !== "string" || state.ended) {
      return;
    }
    storage.set(data.session_id);
    const resumed = Boolean(state.pendingResume);
    state.token = null;
    state.pendingResume = null;
    state.fallbackId = null;
    state.refused = false;
    state.bound = true;
    state.historyLoaded = false;
    const verified = Boolean(data.verified);
    showResumeCode(!verified && typeof data.resume_code === "string" ? data.resume_code : "");
    ui.resumeDetails.hidden = verified;
    if (resumed) {
      ui.resumeInput.value = "";
      clearResumeError();
      ui.resumeDetails.open = false;
      clearNotice();
      setConnection("Your earlier conversation is shown below.");
      ui.input.focus();
    } else if (state.reconnecting) {
      setConnection("Connected again.");
    } else {
      setConnection("");
    }
    if (state.keepNotice) {
      state.keepNotice = false;
    } else if (ui.notice.querySelector(".coach-error")) {
      clearNotice();
    }
    state.connectedBefore = true;
    state.reconnecting = false;
    refreshState();
  }

  function onHistory(data) {
    if (state.ended) {
      return;
    }
    const messages = data && Array.isArray(data.messages) ? data.messages : [];
    // A reconnect sends the whole conversation again: start from empty, and do not read it all out.
    ui.log.setAttribute("aria-live", "off");
    clearLog();
    let last = null;
    for (const message of messages) {
      if (!message || typeof message !== "object") {
        continue;
      }
      if (message.sender === "user") {
        if (typeof message.text === "string" && message.text) {
          last = appendUser(message.text);
        }
      } else {
        last = appendBot(message) || last;
      }
    }
    // Only the replies offered by the last message can still be chosen.
    for (const group of ui.log.querySelectorAll(".coach-replies")) {
      if (!last || !last.contains(group)) {
        disableReplies(group);
      }
    }
    window.setTimeout(() => ui.log.setAttribute("aria-live", "polite"), 200);
    state.historyLoaded = true;
    state.serverTyping = false;
    stopWaiting();
    // Messages typed while connecting: show them again after the history, then send them.
    const queued = state.outbox.splice(0);
    for (const item of queued) {
      appendUser(item.display);
      emitUser(item);
    }
    if (queued.length) {
      startWaiting();
    }
    if (last || queued.length) {
      scrollToShow(ui.log.lastElementChild);
    }
    if (embedded && document.hasFocus() && document.activeElement === body) {
      ui.input.focus();
    }
    refreshState();
  }

  function onRefused(data) {
    const reason = data && typeof data.reason === "string" ? data.reason : "server_error";
    const message = data && typeof data.message === "string" && data.message ? data.message : "Something went wrong. Please try again in a minute.";
    const wasBound = state.bound;
    body.dataset.lastRefusal = reason;
    state.bound = false;
    state.historyLoaded = false;
    state.serverTyping = false;
    if (state.ended) {
      refreshState();
      return;
    }
    if (reason === "unknown_session") {
      // The server has forgotten the session: drop it and ask again (a new conversation).
      storage.clear();
      if (wasBound && state.waitingReply && state.lastSent) {
        state.outbox.push(state.lastSent); // it was not read: send it again
      }
      stopWaiting();
      if (state.originalToken && !state.retriedToken) {
        state.retriedToken = true;
        state.token = state.originalToken;
      }
      showInfo(message);
      showResumeCode("");
      requestSession();
    } else if (reason === "bad_resume_code") {
      // Go back to the conversation the person had, or a new one, and show what went wrong.
      state.pendingResume = null;
      if (state.fallbackId) {
        storage.set(state.fallbackId);
      }
      state.fallbackId = null;
      ui.resumeDetails.open = true;
      showResumeError(message);
      showError(message, { link: "coach-resume-input", focus: true });
      state.keepNotice = true;
      requestSession();
    } else {
      // bad_token, expired_token, token_required, server_error: nothing to try by itself.
      stopWaiting();
      state.token = null;
      state.refused = true;
      state.outbox = [];
      setConnection("");
      showResumeCode("");
      showError(message, { retry: reason === "server_error" });
    }
    refreshState();
  }

  // ------------------------------------------------------------------ talking

  function emitUser(item) {
    state.lastSent = item;
    state.socket.emit("user_uttered", { message: item.payload });
  }

  /** Shows `display` as the person's message and sends `payload` (a button's payload or the text). */
  function sendMessage(payload, display) {
    if (state.ended) {
      return;
    }
    const item = { payload, display: display || payload };
    disableReplies();
    const node = appendUser(item.display);
    if (ui.connection.textContent && !/^(Connecting|Reconnecting|Cannot)/.test(ui.connection.textContent)) {
      setConnection("");
    }
    if (state.bound && state.historyLoaded && state.socket && state.socket.connected) {
      emitUser(item);
    } else {
      state.outbox.push(item);
    }
    startWaiting();
    scrollToShow(ui.form);
    return node;
  }

  function onBotUttered(message) {
    if (state.ended) {
      return;
    }
    const node = appendBot(message);
    stopWaiting();
    refreshState();
    if (node) {
      scrollToShow(node);
    }
  }

  function onTyping(data) {
    const typing = Boolean(data && data.typing);
    state.serverTyping = typing;
    if (!typing) {
      stopWaiting();
    }
    refreshState();
  }

  // ------------------------------------------------------------------ the page's controls

  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = ui.input.value.trim();
    if (!text) {
      ui.input.focus();
      return;
    }
    if (state.refused) {
      const problem = ui.notice.querySelector(".coach-error");
      if (problem) {
        problem.focus();
      }
      return;
    }
    ui.input.value = "";
    sendMessage(text);
    ui.input.focus();
  });

  ui.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey && !event.isComposing) {
      event.preventDefault();
      ui.form.requestSubmit ? ui.form.requestSubmit(ui.send) : ui.send.click();
    }
  });

  ui.end.addEventListener("click", () => {
    if (state.socket && state.socket.connected && state.bound) {
      state.socket.emit("session_end", {});
    }
    storage.clear();
    stopWaiting();
    Object.assign(state, {
      ended: true,
      bound: false,
      historyLoaded: false,
      serverTyping: false,
      outbox: [],
      lastSent: null,
      token: null,
      pendingResume: null,
      fallbackId: null,
      refused: false,
    });
    clearLog();
    clearNotice();
    showResumeCode("");
    setConnection("");
    ui.conversation.hidden = true;
    ui.ended.hidden = false;
    refreshState();
    ui.endedHeading.focus();
  });

  function leaveEnded() {
    state.ended = false;
    ui.ended.hidden = true;
    ui.conversation.hidden = false;
  }

  ui.restart.addEventListener("click", () => {
    leaveEnded();
    clearNotice();
    state.token = state.originalToken;
    state.retriedToken = false;
    setConnection(state.socket && state.socket.connected ? "" : "Connecting to the coach…");
    requestSession();
    refreshState();
    ui.input.focus();
  });

  ui.resumeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = ui.resumeInput.value.trim();
    if (!code) {
      showResumeError("Enter your code");
      ui.resumeInput.focus();
      return;
    }
    clearResumeError();
    clearNotice();
    if (state.ended) {
      leaveEnded();
    }
    const current = storage.get();
    if (current) {
      state.fallbackId = current;
    }
    storage.clear();
    state.token = null;
    state.refused = false;
    state.pendingResume = code;
    stopWaiting();
    setConnection("Looking for your conversation…");
    requestSession();
    refreshState();
  });

  if (embedded) {
    // In a frame the host page cannot see key presses here: ask it to close the panel.
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && window.parent && window.parent !== window) {
        window.parent.postMessage({ type: "coach:close" }, "*");
      }
    });
  }

  // ------------------------------------------------------------------ the connection

  function connect() {
    if (typeof window.io !== "function") {
      state.refused = true;
      setConnection("");
      showError("The chat could not load. Please try again later.");
      refreshState();
      return;
    }
    const socket = window.io({ path: "/socket.io", transports: ["websocket", "polling"] });
    state.socket = socket;

    socket.on("connect", () => {
      if (!state.ended && !state.refused) {
        setConnection(state.connectedBefore ? "Reconnecting…" : "Connecting to the coach…");
        requestSession();
      }
      refreshState();
    });
    socket.on("disconnect", (reason) => {
      state.bound = false;
      state.historyLoaded = false;
      state.serverTyping = false;
      state.reconnecting = true;
      if (!state.ended) {
        setConnection("Reconnecting…");
      }
      if (reason === "io server disconnect") {
        socket.connect(); // the server closed it: the client does not try again by itself
      }
      refreshState();
    });
    socket.on("connect_error", () => {
      if (!state.ended) {
        setConnection(state.connectedBefore ? "Reconnecting…" : "Cannot reach the coach yet. Trying again…");
      }
    });
    socket.on("session_confirm", onConfirm);
    socket.on("history", onHistory);
    socket.on("session_refused", onRefused);
    socket.on("bot_uttered", onBotUttered);
    socket.on("bot_typing", onTyping);
    socket.on("session_ended", () => {
      // Events can overtake each other: only an ended page takes this as news.
      if (state.ended) {
        state.bound = false;
        refreshState();
      }
    });
  }

  refreshState();
  connect();
})();
