// Mizalla's one script, a progressive enhancement: every page works without it.
// - Marks the page as scripted (`html.js`), which lets the stylesheet fold the menu behind a
//   button on phones and show tables as cards.
// - The menu button opens and closes the menu, saying so to screen readers (aria-expanded).
// - Each cell of a list table gets its column's name (data-label), shown beside the value when
//   the table is read as cards on a narrow screen.
// - A form that sends a file carries its CSRF token in its address (the server checks it before
//   reading the file); a page shown again after a mistake in such a form would keep the token in
//   the address bar, to be copied into a link: the address becomes the page's own (its
//   rel=canonical), or loses the token.
document.documentElement.classList.add("js");
if (location.search.includes("_csrf=")) {
  const canonical = document.querySelector('link[rel="canonical"]');
  const url = new URL(canonical ? canonical.href : location.href);
  url.searchParams.delete("_csrf");
  history.replaceState(null, "", url);
}

document.addEventListener("DOMContentLoaded", () => {
  const header = document.querySelector("header.top");
  const toggle = document.querySelector(".menu-toggle");
  if (header && toggle) {
    toggle.addEventListener("click", () => {
      const open = header.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
    // Escape closes the open menu and gives the focus back to its button.
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && header.classList.contains("open")) {
        header.classList.remove("open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }
  for (const table of document.querySelectorAll("table.list:not(.side-by-side)")) {
    const heads = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
    if (heads.length === 0) continue;
    table.classList.add("cards");
    for (const row of table.querySelectorAll("tbody tr")) {
      Array.from(row.children).forEach((cell, i) => {
        if (heads[i]) cell.setAttribute("data-label", heads[i]);
      });
    }
  }
});
