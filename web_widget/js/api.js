// The tablet's line to the web app. Answers go through an outbox kept in localStorage:
// each has its own id, so an answer chosen while the server is unreachable is sent when
// the connection returns, and the server records it exactly once however often it is sent.
// An answer leaves the outbox only on a final reply: a fault (5xx, or a reply saying
// retry: the assistant or the record could not take it just now) keeps it there, the page
// shows a calm message (onWaiting), and it is sent again until it is taken. The only
// timers are a retry while an answer waits or the conversation has not started yet; close()
// clears them both.

const RETRY_MS = 3000;

function newId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return "id-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
}

// Not a final reply: the same message should be sent again later.
function retryable(status, data) {
  return status >= 500 || status === 429 || (data && data.retry === true);
}

export class Api {
  constructor(token, {onMessages, onProblem, onOffline, onOnline, onWaiting}) {
    this.token = token;
    this.onMessages = onMessages;
    this.onProblem = onProblem;
    this.onOffline = onOffline;
    this.onOnline = onOnline;
    this.onWaiting = onWaiting;
    this.outboxKey = "pupil-voice-outbox-" + token.slice(0, 12);
    this.sending = false;
    this.closed = false;
    this.retryTimer = null;   // sends the outbox again, only while an answer waits
    this.startTimer = null;   // asks to start again, only until the assistant answers
    this.onOnlineEvent = () => this.flush();
    window.addEventListener("online", this.onOnlineEvent);
  }

  headers() {
    return {"Authorization": `Bearer ${this.token}`, "Content-Type": "application/json"};
  }

  async post(path, body) {
    const response = await fetch(path, {method: "POST", headers: this.headers(),
                                        body: JSON.stringify(body || {})});
    const data = await response.json().catch(() => ({}));
    return {status: response.status, data};
  }

  async get(path) {
    const response = await fetch(path, {headers: this.headers()});
    return {status: response.status, data: await response.json().catch(() => ({}))};
  }

  // Start, repeat, skip, stop: nothing to keep, so no outbox.
  async command(path) {
    try {
      const {status, data} = await this.post(path);
      if (retryable(status, data)) this.onWaiting(data, false);
      else this.handle(status, data);
      return status;
    } catch (error) {
      this.onOffline(false);
      return 0;
    }
  }

  // Begin or resume the conversation; until the assistant answers, ask again now and then.
  async start() {
    this.startTimer = null;
    const status = await this.command("/api/chat/start");
    if ((status === 0 || status >= 500) && !this.closed) {
      this.startTimer = setTimeout(() => this.start(), RETRY_MS);
    }
    return status;
  }

  // A reply carries the messages, the session's status and the id of the prompt on screen.
  handle(status, data) {
    if (status >= 200 && status < 300) {
      this.onMessages(data.messages || [], data);
    } else {
      this.onProblem(data.error || "Something went wrong.", status, data);
      if (data.messages && data.messages.length) this.onMessages(data.messages, data);
    }
  }

  outbox() {
    try { return JSON.parse(localStorage.getItem(this.outboxKey) || "[]"); } catch { return []; }
  }

  saveOutbox(items) {
    localStorage.setItem(this.outboxKey, JSON.stringify(items));
  }

  // An answer: kept first, then sent.
  answer(body) {
    const items = this.outbox();
    items.push({...body, client_id: newId()});
    this.saveOutbox(items);
    return this.flush();
  }

  // The session has ended: no more sending, and the timers stop.
  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.startTimer);
    this.retryTimer = this.startTimer = null;
    window.removeEventListener("online", this.onOnlineEvent);
  }

  // Send again later, once, while something is still in the outbox.
  retryLater() {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, RETRY_MS);
  }

  async flush() {
    if (this.sending) return;
    this.sending = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    try {
      let items = this.outbox();
      while (items.length) {
        let result;
        try {
          result = await this.post("/api/chat/message", items[0]);
        } catch (error) {
          this.onOffline(true);
          this.retryLater();
          return;
        }
        if (retryable(result.status, result.data)) {
          this.onWaiting(result.data, true);
          this.retryLater();
          return;  // kept in the outbox; sent again on the next round
        }
        items = this.outbox().filter((item) => item.client_id !== items[0].client_id);
        this.saveOutbox(items);
        this.onOnline();
        this.handle(result.status, result.data);
      }
    } finally {
      this.sending = false;
    }
  }
}
