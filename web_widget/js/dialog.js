// A modal dialog (W3C ARIA APG dialog pattern) on a native <dialog aria-modal="true">, always
// opened with showModal, so the page behind it is inert. Started from its root element:
//
//   const stop = new ModalDialog(element, {onEscape: () => keepGoing(), returnFocus});
//   stop.open();                 // focus goes to its first control
//   stop.close();                // focus goes back to whoever opened it
//
// Keys: Tab and Shift+Tab go round the dialog's own controls and never leave it; Escape
// chooses the safe option (onEscape, given by the page; by default it just closes). A close
// request that is not a key (a device's back gesture) is an Escape too. On close, focus goes
// back to the element that was focused when it opened (returnFocus may send it elsewhere).

const FOCUSABLE = "button, input, textarea, select, a[href], [tabindex]:not([tabindex='-1'])";

// Can focus go there: a control still in the page, enabled, shown (not in a closed dialog).
export function focusable(element) {
  return Boolean(element && element.isConnected && !element.disabled && element.focus
                 && element !== element.ownerDocument.body
                 && (element.checkVisibility ? element.checkVisibility() : element.offsetParent !== null));
}

export class ModalDialog {
  constructor(root, {onEscape = null, returnFocus = null} = {}) {
    this.root = root;
    this.onEscape = onEscape || (() => this.close());
    this.returnFocus = returnFocus || ((opener) => { if (focusable(opener)) opener.focus(); });
    this.opener = null;
    root.addEventListener("keydown", (event) => this.onKey(event));
    root.addEventListener("cancel", (event) => {
      event.preventDefault();
      this.escape();
    });
  }

  get isOpen() {
    return this.root.open;
  }

  // Open (or, if open, just focus its first control); `opener` gets focus back on close.
  open(opener = this.root.ownerDocument.activeElement) {
    if (!this.root.open) {
      this.opener = opener;
      this.root.showModal();
    }
    const [first] = this.stops();
    if (first) first.focus();
  }

  // Close; focus goes back to the opener unless another dialog takes over (returnFocus false).
  close({returnFocus = true} = {}) {
    if (!this.root.open) return;
    const opener = this.opener;
    this.opener = null;
    this.root.close();
    if (returnFocus) this.returnFocus(opener);
  }

  escape() {
    if (this.root.open) this.onEscape();
  }

  // The controls Tab can reach, in order.
  stops() {
    return [...this.root.querySelectorAll(FOCUSABLE)].filter(focusable);
  }

  onKey(event) {
    if (event.key === "Escape") {
      // Handled here, so the browser's own close request (no safe choice made) never runs.
      event.preventDefault();
      event.stopPropagation();
      this.escape();
      return;
    }
    if (event.key !== "Tab") return;
    const stops = this.stops();
    if (!stops.length) return;
    const active = this.root.ownerDocument.activeElement;
    const first = stops[0];
    const last = stops[stops.length - 1];
    if (event.shiftKey && (active === first || !this.root.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !this.root.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }
}
