// The web consoles' two languages (issue 24). French is what the page and the scripts are
// written in; the other language's texts come from the server's gettext catalogue
// (GET i18n/<lang>.json beside this script). Mark a page text with `data-i18n` (the element's
// own text is the French), attributes with `data-i18n-attr="placeholder title"`; scripts call
// t("Texte %(name)s", {name}). The choice (the <select id="language">) is kept in
// localStorage; fetch calls send it as Accept-Language (headers()); a "languagechange" event
// lets a console redraw what it drew itself.
"use strict";

window.i18n = (() => {
  const KEY = "ngomna.language";
  const LANGUAGES = ["fr", "en"];
  const base = new URL(".", document.currentScript.src).href;
  const tidy = (text) => text.replace(/\s+/g, " ").trim();
  const loaded = { fr: {} };
  let language = LANGUAGES.includes(localStorage.getItem(KEY)) ? localStorage.getItem(KEY) : "fr";

  function t(text, params) {
    const template = (loaded[language] && loaded[language][text]) || text;
    if (!params) return template;
    return template.replace(/%\((\w+)\)[sd]/g, (_, name) => String(params[name]));
  }

  function apply() {
    document.documentElement.lang = language;
    for (const node of document.querySelectorAll("[data-i18n]")) {
      if (!node.dataset.i18n) node.dataset.i18n = tidy(node.textContent);
      node.textContent = t(node.dataset.i18n);
    }
    for (const node of document.querySelectorAll("[data-i18n-attr]")) {
      for (const name of node.dataset.i18nAttr.split(/\s+/)) {
        const key = `fr${name}`;
        if (!(key in node.dataset)) node.dataset[key] = node.getAttribute(name) || "";
        node.setAttribute(name, t(node.dataset[key]));
      }
    }
    const select = document.getElementById("language");
    if (select) select.value = language;
  }

  async function use(next) {
    if (!LANGUAGES.includes(next)) next = "fr";
    if (!loaded[next]) {
      const response = await fetch(`${base}i18n/${next}.json`, { credentials: "same-origin" });
      loaded[next] = response.ok ? await response.json() : {};
    }
    language = next;
    localStorage.setItem(KEY, next);
    apply();
    document.dispatchEvent(new CustomEvent("languagechange", { detail: next }));
  }

  const select = document.getElementById("language");
  if (select) select.addEventListener("change", () => use(select.value));
  const ready = use(language);
  return {
    t,
    ready,
    use,
    language: () => language,
    headers: (more = {}) => ({ "Accept-Language": language, ...more }),
  };
})();
