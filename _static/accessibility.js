// The sidebar's expand/collapse toggles are <summary> elements holding only an icon: give each
// the name a screen reader announces (WCAG 4.1.2), after the section it opens.
document.addEventListener("DOMContentLoaded", () => {
  for (const summary of document.querySelectorAll("summary")) {
    if (summary.textContent.trim() || summary.hasAttribute("aria-label")) continue;
    const link = summary.closest("li")?.querySelector(":scope > a");
    const section = link ? link.textContent.trim() : "this section";
    summary.setAttribute("aria-label", `Show or hide the pages of ${section}`);
  }
});
