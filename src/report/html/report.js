// stance report: renders the JSON blocks of the page. Text from the data is only ever inserted
// as text (textContent, createTextNode, setAttribute), never as markup.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const cache = {};
  const data = (id) => (id in cache ? cache[id] : (cache[id] = JSON.parse($("data-" + id).textContent)));
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const svg = (tag, attrs) => {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  };
  const meta = data("meta");
  const experts = data("experts");
  const speakers = data("speakers");
  const articles = data("articles");
  const labels = meta.labels;
  const topics = meta.topics;
  const ROWS = 50, EVIDENCE = 20, ARTICLES = 50, WEAK = 3, RANGE = 0.5, TOP_LINES = 5;
  const sentences = () => data("sentences");
  const fmt = (x) => (x === null || x === undefined ? "–" : (x > 0 ? "+" : "") + x.toFixed(2));
  const state = { sort: "name", topic: "", find: "", page: 0, cell: null, evPage: 0, artPage: 0, chosen: null };

  // Colours: PuOr from cautionary (orange) through light grey to optimistic (purple).
  const PUOR = [[179, 88, 6], [241, 163, 64], [247, 247, 247], [153, 142, 195], [84, 39, 136]];
  const NAMED = { optimistic: [84, 39, 136], cautionary: [179, 88, 6], neutral: [140, 140, 140] };
  const OKABE = [[0, 114, 178], [230, 159, 0], [0, 158, 115], [204, 121, 167], [86, 180, 233], [213, 94, 0], [120, 120, 120], [0, 0, 0]];
  const mix = (a, b, t) => a.map((x, i) => Math.round(x + (b[i] - x) * t));
  const rgb = (c) => `rgb(${c[0]},${c[1]},${c[2]})`;
  const scoreColour = (s) => {
    const f = ((Math.max(-1, Math.min(1, s / RANGE)) + 1) / 2) * 4;
    const i = Math.min(3, Math.floor(f));
    return mix(PUOR[i], PUOR[i + 1], f - i);
  };
  const labelColour = (k) => NAMED[labels[k]] || OKABE[k % OKABE.length];
  const cellColour = (cell) => {
    if (cell[2] !== null) return scoreColour(cell[2]);
    const floor = 1 / labels.length;
    const t = Math.max(0.15, Math.min(1, (cell[4][cell[3]] - floor) / (1 - floor)));
    return mix([255, 255, 255], labelColour(cell[3]), t);
  };
  const dark = (c) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] < 140;
  const stanceClass = (k) => (k < 0 ? "s-uncertain" : NAMED[labels[k]] ? "s-" + labels[k] : "s-other");
  const stanceName = (k) => (k < 0 ? "uncertain" : labels[k]);
  const cellsOf = experts.map((row) => {
    const m = {};
    row[2].forEach((c) => (m[c[0]] = c));
    return m;
  });

  // ----- Overview -----
  function setupOverview() {
    const pick = $("topic");
    topics.slice(1).forEach((t, i) => pick.appendChild(el("option", { value: String(i + 1) }, t)));
    $("sort").addEventListener("change", (e) => { state.sort = e.target.value; state.page = 0; renderHeatmap(); });
    pick.addEventListener("change", (e) => { state.topic = e.target.value; state.page = 0; renderHeatmap(); });
    $("find").addEventListener("input", (e) => { state.find = e.target.value.toLowerCase(); state.page = 0; renderHeatmap(); });
    $("heatmap").addEventListener("click", (e) => {
      const td = e.target.closest("td[data-e]");
      if (td && td.dataset.n !== "0") location.hash = `#cell=${td.dataset.e},${td.dataset.t}`;
    });
    const legend = $("legend");
    if (meta.polarity) {
      const stops = [-1, -0.5, 0, 0.5, 1].map((x) => rgb(scoreColour(x * RANGE)));
      legend.appendChild(el("span", {}, `cautionary −${RANGE}`));
      const bar = el("span", { class: "bar" });
      bar.style.background = `linear-gradient(to right,${stops.join(",")})`;
      legend.appendChild(bar);
      legend.appendChild(el("span", {}, `+${RANGE} optimistic (mean score; beyond ±${RANGE} at full colour)`));
    } else {
      labels.forEach((l, k) => {
        const s = el("span", { class: "swatch" });
        s.style.background = rgb(labelColour(k));
        legend.appendChild(s);
        legend.appendChild(el("span", {}, l));
      });
      legend.appendChild(el("span", {}, "(colour: the cell's stance; strength: its mean probability)"));
    }
    legend.appendChild(el("span", {}, `· number: sentences; hatched and faded: fewer than ${WEAK}`));
  }

  function visibleRows() {
    const key = state.topic ? Number(state.topic) : 0;
    let rows = experts.map((_, i) => i);
    if (state.topic) rows = rows.filter((i) => cellsOf[i][key]);
    if (state.find) {
      rows = rows.filter((i) => [experts[i][0]].concat(experts[i][1]).some((n) => n.toLowerCase().includes(state.find)));
    }
    const name = (a, b) => experts[a][0].localeCompare(experts[b][0]);
    const n = (i) => (cellsOf[i][key] ? cellsOf[i][key][1] : 0);
    const score = (i) => {
      const c = cellsOf[i][key];
      return c && c[2] !== null ? c[2] : -Infinity;
    };
    if (state.sort === "n") rows.sort((a, b) => n(b) - n(a) || name(a, b));
    else if (state.sort === "score") rows.sort((a, b) => score(b) - score(a) || name(a, b));
    else rows.sort(name);
    return rows;
  }

  function pager(box, page, size, total, what, go) {
    box.textContent = "";
    if (total <= size) {
      box.appendChild(el("span", {}, `${total} ${total === 1 ? what.replace(/s$/, "") : what}`));
      return;
    }
    const last = Math.ceil(total / size) - 1;
    const prev = el("button", { type: "button", class: "prev" }, "‹ previous");
    const next = el("button", { type: "button", class: "next" }, "next ›");
    prev.disabled = page === 0;
    next.disabled = page >= last;
    prev.onclick = () => go(page - 1);
    next.onclick = () => go(page + 1);
    box.appendChild(prev);
    box.appendChild(el("span", {}, `${what} ${page * size + 1}–${Math.min(total, (page + 1) * size)} of ${total}`));
    box.appendChild(next);
  }

  function renderHeatmap() {
    const rows = visibleRows();
    const columns = state.topic ? [Number(state.topic)] : topics.map((_, i) => i);
    pager($("rows-pager"), state.page, ROWS, rows.length, "experts", (p) => { state.page = p; renderHeatmap(); });
    const head = $("heatmap").tHead;
    head.textContent = "";
    const hr = el("tr");
    hr.appendChild(el("th", {}, "expert"));
    columns.forEach((t) => hr.appendChild(el("th", { scope: "col" }, topics[t])));
    head.appendChild(hr);
    const body = $("heatmap").tBodies[0];
    body.textContent = "";
    for (const i of rows.slice(state.page * ROWS, (state.page + 1) * ROWS)) {
      const [name, variants] = experts[i];
      const tr = el("tr", { "data-expert": name });
      const th = el("th", { scope: "row" }, name);
      if (variants.length) th.appendChild(el("span", { class: "also" }, "also " + variants.join(", ")));
      tr.appendChild(th);
      for (const t of columns) {
        const c = cellsOf[i][t];
        const td = el("td", { "data-topic": topics[t], "data-n": c ? c[1] : 0, "data-e": i, "data-t": t });
        if (!c) {
          td.className = "empty";
        } else {
          const colour = cellColour(c);
          td.textContent = c[1];
          td.style.background = rgb(colour);
          if (dark(colour)) td.style.color = "#fff";
          if (c[1] < WEAK) td.classList.add("weak");
          if (state.cell && state.cell[0] === i && state.cell[1] === t) td.classList.add("sel");
          const p = c[4][c[3]];
          td.title = `${name} · ${topics[t]}: ${labels[c[3]]} (P ${p.toFixed(2)}), score ${fmt(c[2])}, ${c[1]} sentence${c[1] === 1 ? "" : "s"}`;
        }
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
  }

  function cellSentences(e, t) {
    const s = sentences();
    const out = [];
    for (let i = 0; i < s.length; i++) {
      const q = s[i];
      if (q[3] < 0 || q[0] < 0 || speakers[q[0]][1] !== e) continue;
      if (t > 0 && !q[6].includes(t - 1)) continue;
      out.push(i);
    }
    return out;
  }

  function renderEvidence() {
    const box = $("evidence");
    if (!state.cell) {
      box.hidden = true;
      return;
    }
    const [e, t] = state.cell;
    const cell = cellsOf[e] && cellsOf[e][t];
    if (!cell) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const k = cell[3];
    const s = sentences();
    const list = cellSentences(e, t).sort((a, b) => s[b][5][k] - s[a][5][k] || a - b);
    $("evidence-title").textContent = `${experts[e][0]} · ${topics[t]}: ${labels[k]}, score ${fmt(cell[2])}, ${cell[1]} sentence${cell[1] === 1 ? "" : "s"} (strongest ${labels[k]} first)`;
    const go = (p) => { state.evPage = p; renderEvidence(); };
    pager($("evidence-pager"), state.evPage, EVIDENCE, list.length, "sentences", go);
    const ol = $("evidence-list");
    ol.textContent = "";
    ol.start = state.evPage * EVIDENCE + 1;
    for (const i of list.slice(state.evPage * EVIDENCE, (state.evPage + 1) * EVIDENCE)) {
      const q = s[i];
      const li = el("li", { "data-sentence": i });
      const own = q[3] >= 0 ? ` ${q[5][q[3]].toFixed(2)}` : "";
      li.appendChild(el("span", { class: "badge " + stanceClass(q[3]) }, stanceName(q[3]) + own));
      li.appendChild(el("span", { class: "p", "data-p": q[5][k] }, `P(${labels[k]}) ${q[5][k].toFixed(2)}`));
      li.appendChild(el("q", { class: "text" }, q[2]));
      const who = speakers[q[0]][0];
      if (who !== experts[e][0]) li.appendChild(el("span", { class: "p" }, ` (as ${who})`));
      if (q[1] >= 0) {
        li.appendChild(document.createTextNode(" — "));
        li.appendChild(el("a", { href: `#article=${q[1]}&q=${i}`, class: "article" }, articles[q[1]][0]));
      }
      ol.appendChild(li);
    }
  }

  // ----- Articles -----
  function renderArticleList(current) {
    const go = (p) => { state.artPage = p; renderArticleList(current); };
    pager($("articles-pager"), state.artPage, ARTICLES, articles.length, "articles", go);
    const ol = $("article-list");
    ol.textContent = "";
    ol.start = state.artPage * ARTICLES + 1;
    articles.slice(state.artPage * ARTICLES, (state.artPage + 1) * ARTICLES).forEach((a, j) => {
      const i = state.artPage * ARTICLES + j;
      const li = el("li");
      li.appendChild(el("a", { href: `#article=${i}`, class: i === current ? "on" : "" }, a[0]));
      li.appendChild(el("span", { class: "p" }, ` ${a[1]}`));
      ol.appendChild(li);
    });
  }

  function renderArticle(a, focus) {
    state.artPage = Math.floor(a / ARTICLES);
    renderArticleList(a);
    const box = $("article-text");
    const listed = $("article-sentences");
    box.textContent = "";
    listed.textContent = "";
    if (!articles[a]) {
      $("article-title").textContent = articles.length ? "Choose an article" : "No articles (the input was quote records)";
      $("article-note").textContent = "";
      return;
    }
    const [name, n, hasText] = articles[a];
    $("article-title").textContent = name;
    const s = sentences();
    if (hasText) {
      $("article-note").textContent = `${n} attributed sentence${n === 1 ? "" : "s"}, highlighted by stance; hover one for its probabilities and strongest terms.`;
      for (const piece of data("article-" + a)) {
        if (typeof piece === "string") {
          box.appendChild(document.createTextNode(piece));
          continue;
        }
        const [i, text] = piece;
        const q = s[i];
        box.appendChild(el("span", { class: "who" }, speakers[q[0]] ? speakers[q[0]][0] : "?"));
        box.appendChild(el("mark", { class: stanceClass(q[3]), "data-q": i }, text));
      }
    } else {
      $("article-note").textContent = `The text of this article is not available (its file could not be read when the report was written); its ${n} attributed sentence${n === 1 ? "" : "s"}:`;
      s.forEach((q, i) => {
        if (q[1] !== a) return;
        const li = el("li", { "data-q": i });
        li.appendChild(el("span", { class: "who" }, speakers[q[0]] ? speakers[q[0]][0] : "?"));
        li.appendChild(el("mark", { class: stanceClass(q[3]), "data-q": i }, q[2]));
        listed.appendChild(li);
      });
    }
    if (focus !== null) {
      const m = document.querySelector(`mark[data-q="${Number(focus)}"]`);
      if (m) {
        m.classList.add("flash");
        m.scrollIntoView({ block: "center" });
      }
    }
  }

  function showTip(mark) {
    const q = sentences()[Number(mark.dataset.q)];
    const tip = $("tip");
    tip.textContent = "";
    tip.appendChild(el("strong", {}, speakers[q[0]] ? speakers[q[0]][0] : ""));
    tip.appendChild(el("div", {}, `${stanceName(q[3])}${q[4] !== null ? ", score " + fmt(q[4]) : ""}`));
    const table = el("table", { class: "probabilities" });
    labels.forEach((l, k) => {
      const tr = el("tr");
      tr.appendChild(el("td", {}, l));
      tr.appendChild(el("td", {}, q[5][k].toFixed(3)));
      table.appendChild(tr);
    });
    tip.appendChild(table);
    if (q[8].length) {
      tip.appendChild(el("div", {}, "strongest terms:"));
      const ul = el("ul", { class: "terms" });
      q[8].forEach(([term, w]) => ul.appendChild(el("li", {}, `${data("terms")[term]} ${fmt(w)}`)));
      tip.appendChild(ul);
    }
    const r = mark.getBoundingClientRect();
    tip.hidden = false;
    tip.style.left = Math.max(4, Math.min(window.innerWidth - tip.offsetWidth - 4, r.left)) + "px";
    tip.style.top = (r.bottom + 6 + tip.offsetHeight > window.innerHeight ? r.top - tip.offsetHeight - 6 : r.bottom + 6) + "px";
  }

  // ----- Over time -----
  function setupTime() {
    const T = data("timeline");
    const n = T.undated;
    $("undated").textContent = `${n} sentence${n === 1 ? "" : "s"} without a date (not on the chart)`;
    const counts = new Map();
    T.points.forEach((p) => counts.set(p[0], (counts.get(p[0]) || 0) + p[2]));
    const order = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || experts[a][0].localeCompare(experts[b][0]));
    state.chosen = order.slice(0, TOP_LINES);
    const box = $("time-experts");
    order.forEach((e) => {
      const label = el("label");
      const box1 = el("input", { type: "checkbox", "data-expert": experts[e][0] });
      box1.checked = state.chosen.includes(e);
      box1.onchange = () => {
        state.chosen = order.filter((x) => box.querySelector(`input[data-e="${x}"]`).checked);
        renderChart();
      };
      box1.dataset.e = e;
      label.appendChild(box1);
      label.appendChild(document.createTextNode(` ${experts[e][0]} (${counts.get(e)})`));
      box.appendChild(label);
    });
    if (!meta.polarity) {
      $("time-label-pick").hidden = false;
      labels.forEach((l, k) => $("time-label").appendChild(el("option", { value: k }, l)));
      $("time-label").onchange = renderChart;
    }
  }

  function renderChart() {
    const T = data("timeline");
    const box = $("chart-box");
    box.textContent = "";
    if (!T.months.length) {
      box.appendChild(el("p", {}, "No sentence has a date."));
      return;
    }
    const ordinal = (m) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
    const first = ordinal(T.months[0]), last = ordinal(T.months[T.months.length - 1]);
    const W = 900, H = 380, L = 64, R = 20, TOP = 20, B = 60;
    const x = (m) => L + (last === first ? (W - L - R) / 2 : ((ordinal(m) - first) / (last - first)) * (W - L - R));
    const k = Number($("time-label").value || 0);
    const [lo, hi] = meta.polarity ? [-1, 1] : [0, 1];
    const y = (v) => TOP + ((hi - v) / (hi - lo)) * (H - TOP - B);
    const chart = svg("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, id: "chart", role: "img" });
    const axis = { stroke: "#999", "stroke-width": 1 };
    for (let v = lo; v <= hi + 1e-9; v += 0.5) {
      chart.appendChild(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: v === 0 ? "#999" : "#e4e4e4" }));
      const t = svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" });
      t.textContent = meta.polarity ? fmt(v) : v.toFixed(1);
      chart.appendChild(t);
    }
    chart.appendChild(svg("line", Object.assign({ x1: L, x2: L, y1: TOP, y2: H - B }, axis)));
    const span = last - first + 1;
    const every = Math.max(1, Math.ceil(span / 18));
    for (let o = first; o <= last; o += every) {
      const m = `${Math.floor(o / 12)}-${String((o % 12) + 1).padStart(2, "0")}`;
      const t = svg("text", { x: x(m), y: H - B + 16, "text-anchor": "end", transform: `rotate(-40 ${x(m)} ${H - B + 16})` });
      t.textContent = m;
      chart.appendChild(t);
    }
    const yTitle = svg("text", { x: 12, y: TOP + (H - TOP - B) / 2, transform: `rotate(-90 12 ${TOP + (H - TOP - B) / 2})`, "text-anchor": "middle" });
    yTitle.textContent = meta.polarity ? "mean score (− cautionary, + optimistic)" : `mean P(${labels[k]})`;
    chart.appendChild(yTitle);
    state.chosen.forEach((e, c) => {
      const colour = rgb(OKABE[c % OKABE.length]);
      const points = T.points.filter((p) => p[0] === e);
      const value = (p) => (meta.polarity ? p[3] : p[4][k]);
      const line = points.map((p) => `${x(T.months[p[1]])},${y(value(p))}`).join(" ");
      chart.appendChild(svg("polyline", { points: line, fill: "none", stroke: colour, "stroke-width": 2, "data-expert": experts[e][0] }));
      for (const p of points) {
        const m = T.months[p[1]];
        const dot = svg("circle", { cx: x(m), cy: y(value(p)), r: Math.min(14, 3 + 2 * Math.sqrt(p[2])), fill: colour, "fill-opacity": 0.75, "data-expert": experts[e][0], "data-month": m, "data-n": p[2] });
        const title = svg("title");
        title.textContent = `${experts[e][0]}, ${m}: ${meta.polarity ? "score " + fmt(p[3]) : labels[k] + " " + p[4][k].toFixed(2)}, ${p[2]} sentence${p[2] === 1 ? "" : "s"}`;
        dot.appendChild(title);
        chart.appendChild(dot);
      }
      const swatch = document.querySelector(`#time-experts input[data-e="${e}"]`);
      if (swatch) swatch.parentNode.style.color = colour;
    });
    document.querySelectorAll("#time-experts input").forEach((i) => {
      if (!state.chosen.includes(Number(i.dataset.e))) i.parentNode.style.color = "";
    });
    box.appendChild(chart);
  }

  // ----- Routing: #overview, #cell=E,T, #articles, #article=A[&q=S], #time -----
  function route() {
    const hash = location.hash.slice(1);
    const params = new URLSearchParams(hash.includes("=") ? hash : "");
    let view = hash.includes("=") ? "" : hash || "overview";
    if (params.has("cell")) {
      const [e, t] = params.get("cell").split(",").map(Number);
      if (!state.cell || state.cell[0] !== e || state.cell[1] !== t) state.evPage = 0;
      state.cell = [e, t];
      view = "overview";
    }
    if (params.has("article")) view = "article";
    document.querySelectorAll(".view").forEach((v) => (v.hidden = true));
    const shown = view === "article" ? "articles" : ["overview", "articles", "time"].includes(view) ? view : "overview";
    $(shown).hidden = false;
    document.querySelectorAll("#tabs a").forEach((a) => a.classList.toggle("on", a.dataset.view === shown));
    $("tip").hidden = true;
    if (shown === "overview") {
      renderHeatmap();
      renderEvidence();
    } else if (shown === "articles") {
      const a = view === "article" ? Number(params.get("article")) : 0;
      renderArticle(a, params.has("q") ? params.get("q") : null);
    } else {
      if (state.chosen === null) setupTime();
      renderChart();
    }
  }

  $("summary").textContent = `${experts.length} expert${experts.length === 1 ? "" : "s"}, ${meta.sentences} sentence${meta.sentences === 1 ? "" : "s"}` +
    (articles.length ? ` from ${articles.length} article${articles.length === 1 ? "" : "s"}` : "") + ` · model ${meta.model}` +
    (meta.min_confidence > 0 ? ` · sentences below P ${meta.min_confidence} are uncertain and left out of the experts` : "");
  setupOverview();
  $("article-text").addEventListener("mouseover", (e) => {
    const m = e.target.closest("mark");
    if (m) showTip(m);
  });
  $("article-text").addEventListener("mouseout", (e) => {
    if (e.target.closest("mark")) $("tip").hidden = true;
  });
  window.addEventListener("hashchange", route);
  route();
  window.__rendered = performance.now();
})();
