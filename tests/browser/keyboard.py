"""Keyboard-only journeys: move with Tab, act with Enter, Space and the arrow keys, never the mouse.

Every time focus moves, the focused element is checked for a visible focus indicator: its
outline, shadow, background, colour or underline must differ from how it looks unfocused, and it
must be on screen. Journeys are written against labels a person reads, for example:

    keys = KeyboardUser(page)
    keys.fill("Email address", "lead@example.org")
    keys.press_button("Sign in")
    keys.assert_focus_was_always_visible()
"""

from dataclasses import dataclass

# What the focused element looks like, and what a copy of it looks like unfocused in the same place.
# Its labels are included because GOV.UK radios and tick boxes draw their focus ring on the label.
# Script-focused targets (tabindex=-1, like the error summary) are reported but not required to show it.
FOCUS_CHECK = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const styleOf = (node, pseudo) => {
    const s = getComputedStyle(node, pseudo);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
      && !s.outlineColor.endsWith(", 0)") && s.outlineColor !== "transparent";
    return [outline ? `outline ${s.outlineWidth} ${s.outlineColor}` : "no outline", s.boxShadow,
            s.backgroundColor, s.color, s.textDecorationLine, s.textDecorationThickness, s.borderWidth].join(" ");
  };
  // A transparent part (like the hidden native radio under GOV.UK's drawn one) shows nothing.
  const look = (node) => [node, ...(el.labels || [])]
    .filter((part) => getComputedStyle(part).opacity !== "0")
    .flatMap((part) => [styleOf(part), styleOf(part, "::before"), styleOf(part, "::after")]).join(" / ");
  const focused = look(el);
  const copy = el.cloneNode(true);
  copy.removeAttribute("id");
  copy.removeAttribute("name");
  copy.setAttribute("aria-hidden", "true");
  el.after(copy);
  const unfocused = look(copy);
  copy.remove();
  const box = el.getBoundingClientRect();
  const onScreen = box.width >= 1 && box.height >= 1 && box.bottom > 0 && box.right > 0
    && box.top < window.innerHeight && box.left < window.innerWidth;
  const name = (el.labels && el.labels[0] ? el.labels[0].innerText : "")
    || el.getAttribute("aria-label") || el.innerText || el.value || el.name || el.id || "";
  window.focusStopsSeen = window.focusStopsSeen || new WeakSet();
  const seenBefore = window.focusStopsSeen.has(el);
  window.focusStopsSeen.add(el);
  return {element: `${el.tagName.toLowerCase()} "${name.trim().replace(/\\s+/g, " ").slice(0, 60)}"`,
          where: location.pathname + location.search, focused, unfocused, onScreen, seenBefore,
          byScript: el.tabIndex < 0};
}
"""


@dataclass(frozen=True)
class FocusStop:
    """Where focus landed, and whether a sighted keyboard user could see it there."""

    page: str
    element: str
    focused: str
    unfocused: str
    on_screen: bool
    seen_before: bool = False
    by_script: bool = False

    @property
    def visible(self):
        """Whether a sighted keyboard user can see it; only required where Tab can reach."""
        return self.by_script or (self.on_screen and self.focused != self.unfocused)

    def __str__(self):
        where = "" if self.on_screen else " (off screen)"
        return f"{self.element} on {self.page}{where}: focused [{self.focused}] unfocused [{self.unfocused}]"


class KeyboardUser:
    """A person who uses only the keyboard, and notices when they lose sight of the focus."""

    def __init__(self, page, max_tabs=80):
        self.page = page
        self.max_tabs = max_tabs
        self.stops = []

    def tab(self, backwards=False):
        """Press Tab (or Shift+Tab) and check the focus indicator where it lands."""
        self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
        return self._check_focus()

    def _check_focus(self):
        found = self.page.evaluate(FOCUS_CHECK)
        if found is None:
            return None
        stop = FocusStop(
            found["where"],
            found["element"],
            found["focused"],
            found["unfocused"],
            found["onScreen"],
            found["seenBefore"],
            found["byScript"],
        )
        self.stops.append(stop)
        return stop

    def tab_to(self, target, within=False):
        """Tab until the locator (or, within, something inside it) has focus, checking every stop."""
        check = "(el) => el.contains(document.activeElement)" if within else "(el) => el === document.activeElement"
        for _ in range(self.max_tabs):
            self.tab()
            if target.evaluate(check):
                return
        passed = "\n".join(f"  {stop}" for stop in self.stops[-self.max_tabs :])
        raise AssertionError(f"{target} was not reached in {self.max_tabs} presses of Tab; focus went:\n{passed}")

    def press(self, key, navigates=False):
        """Press a key (Enter, Space, ArrowDown...) where focus is, and check focus afterwards.

        With navigates, wait for the page the key leads to (a link followed, a form sent).
        """
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
        else:
            self.page.keyboard.press(key)
        self._check_focus()

    def fill(self, label, text):
        """Tab to the field with this label and type into it."""
        self.tab_to(self.page.get_by_label(label, exact=True))
        self.page.keyboard.press("ControlOrMeta+A")
        self.page.keyboard.type(text)

    def press_button(self, name):
        """Tab to a button and press Enter, waiting for the page it leads to."""
        self.tab_to(self.page.get_by_role("button", name=name, exact=True))
        self.press("Enter", navigates=True)

    def follow_link(self, name):
        """Tab to a link and press Enter, waiting for the page it leads to."""
        self.tab_to(self.page.get_by_role("link", name=name, exact=True))
        self.press("Enter", navigates=True)

    def sign_in(self, email, password):
        """Sign in from the sign-in page: Tab to each field, type, and press Enter to send."""
        self.fill("Email address", email)
        self.fill("Password", password)
        self.press("Enter", navigates=True)

    def fill_date(self, day, label_of_group=None):
        """Type a date into a GOV.UK date input (Day, Month and Year fields)."""
        group = self.page.get_by_role("group", name=label_of_group) if label_of_group else self.page
        for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
            self.tab_to(group.get_by_label(part, exact=True))
            self.page.keyboard.press("ControlOrMeta+A")
            self.page.keyboard.type(str(value))

    def follow_fragment(self, name):
        """Tab to an in-page link (such as an error summary's) and press Enter to move focus there."""
        self.tab_to(self.page.get_by_role("link", name=name, exact=True))
        self.press("Enter")

    def tick(self, label):
        """Tab to a tick box and press Space to tick or untick it."""
        self.tab_to(self.page.get_by_label(label, exact=True))
        self.press("Space")

    def choose_radio(self, label):
        """Tab into a radio group and move with the arrow keys until the option is chosen."""
        option = self.page.get_by_label(label, exact=True)
        fieldset = option.locator("xpath=ancestor::fieldset[1]")
        self.tab_to(fieldset, within=True)
        for _ in range(fieldset.get_by_role("radio").count()):
            if option.is_checked():
                return
            self.press("ArrowDown")
        assert option.is_checked(), f"could not choose {label!r} with the arrow keys"

    def choose_option(self, label, option_text):
        """Tab to a drop-down and move with the arrow keys until the option is selected."""
        select = self.page.get_by_label(label, exact=True)
        self.tab_to(select)
        texts = select.locator("option").all_inner_texts()
        assert option_text in texts, f"{option_text!r} is not one of {texts}"
        key = "ArrowDown" if texts.index(option_text) > select.evaluate("(el) => el.selectedIndex") else "ArrowUp"
        for _ in texts:
            if select.evaluate("(el) => el.options[el.selectedIndex].text") == option_text:
                return
            self.press(key)
        raise AssertionError(f"could not select {option_text!r} with the arrow keys")

    def walk_page(self):
        """Tab through every stop of the page once, from the top, checking each."""
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        for _ in range(self.max_tabs * 3):
            stop = self.tab()
            if stop is None or stop.seen_before:
                return
        raise AssertionError(f"focus did not come back round {self.page.url} in {self.max_tabs * 3} presses of Tab")

    def invisible_stops(self):
        """Stops where focus could not be seen."""
        return [stop for stop in self.stops if not stop.visible]

    def assert_focus_was_always_visible(self):
        hidden = self.invisible_stops()
        assert self.stops, "focus never moved"
        assert not hidden, "focus was not visible at:\n" + "\n".join(f"  {stop}" for stop in hidden)
