// The search page: the reader's query in the index's search form, Pagefind's results as a list.
//
// `searchForm` must give exactly what khabar/textnorm.py's `search_form` gives, since the
// index holds each article's words in that form (tests/test_search.py feeds both the same words).

const TASHKEEL = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]/gu;
const TATWEEL = /\u0640/gu;
const LETTER_FORMS = { "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه" };
const LETTER_VARIANTS = /[أإآٱىة]/gu;
const WORD = /[\u0610-\u061a\u0620-\u065f\u066e-\u06d3\u06d5-\u06ff]+|[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff]+|[\u0660-\u0669]+/gu;
const ARABIC_INDIC_DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/gu;
// Clitics taken off the front of an Arabic word, longest first, with the letters that must be left (see textnorm.py).
const CLITICS = [["وال", 3], ["فال", 3], ["بال", 3], ["كال", 3], ["لل", 3], ["ال", 3], ["و", 3], ["ب", 5], ["ل", 5]];
const RESULTS_PER_PAGE = 20;

export function searchForm(text) {
  return (text.match(WORD) || []).map(searchWord).filter(Boolean).join(" ");
}

function searchWord(word) {
  word = word.toLowerCase()
    .replace(ARABIC_INDIC_DIGITS, (digit) => String(digit.charCodeAt(0) & 0xf))
    .replace(TASHKEEL, "").replace(TATWEEL, "").replace(LETTER_VARIANTS, (letter) => LETTER_FORMS[letter]);
  if (!word || word[0] < "\u0600" || word[0] > "\u06ff") return word;
  word = word.replaceAll("تش", "ش");
  for (let stripped = true; stripped;) {
    stripped = false;
    for (const [clitic, lettersLeft] of CLITICS) {
      if (word.startsWith(clitic) && word.length - clitic.length >= lettersLeft) {
        word = word.slice(clitic.length);
        stripped = true;
        break;
      }
    }
  }
  return word;
}

function start(form) {
  const input = form.elements.q;
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const strings = JSON.parse(document.getElementById("search-strings").textContent);
  const plural = new Intl.PluralRules(document.documentElement.lang);
  let pagefind = null;
  let latest = 0;  // the newest query asked; answers to older ones are dropped
  let pending = [];  // results found but not listed yet

  const digits = (number) => String(number).replace(/[0-9]/g, (digit) => strings.digits[digit]);
  const counted = (count) => (strings.results[plural.select(count)] || strings.results.other).replace("{count}", digits(count));

  function loadPagefind() {
    // pagefind.js finds its index beside itself, so the page's base path carries over. The index's
    // addresses already carry that base path: Pagefind must not add it again (baseUrl "/").
    pagefind ??= import(new URL("pagefind.js", new URL(form.dataset.index, document.baseURI)).href)
      .then(async (module) => { await module.options({ baseUrl: "/" }); return module; });
    return pagefind;
  }

  async function show(count, asked) {
    const shown = pending.splice(0, count);
    const articles = await Promise.all(shown.map((result) => result.data()));
    if (asked !== latest) return;
    for (const article of articles) list.append(resultItem(article));
    more.hidden = pending.length === 0;
  }

  async function search(query) {
    const asked = ++latest;
    const words = searchForm(query);
    const url = new URL(location.href);
    if (query.trim()) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    if (!words) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
      return;
    }
    try {
      const found = await (await loadPagefind()).search(words, { sort: { published: "desc" } });
      if (asked !== latest) return;
      pending = found.results;
      list.replaceChildren();
      status.textContent = pending.length ? counted(pending.length) : strings.none;
      await show(RESULTS_PER_PAGE, asked);
    } catch (error) {
      if (asked === latest) status.textContent = strings.failed;
      throw error;
    }
  }

  let typing;
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => search(input.value), 200);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typing);
    search(input.value);
  });
  more.addEventListener("click", async () => {
    const next = list.children.length;
    await show(RESULTS_PER_PAGE, latest);
    list.children[next]?.querySelector("a")?.focus();
  });

  const query = new URLSearchParams(location.search).get("q");
  if (query) {
    input.value = query;
    search(query);
  }
}

// Built from text nodes only: nothing from the index is ever read as HTML.
function resultItem(article) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = article.url;
  link.textContent = article.meta.title;
  heading.append(link);
  const date = document.createElement("p");
  date.className = "search-date";
  date.textContent = article.meta.date;
  const summary = document.createElement("p");
  summary.className = "search-summary";
  summary.textContent = article.meta.summary;
  item.append(heading, date, summary);
  return item;
}

if (typeof document !== "undefined") {
  const form = document.querySelector(".search-form[data-index]");
  if (form) start(form);
}
