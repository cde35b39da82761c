// The live comparison page: polls /v1/telemetry/dashboard and draws, per model, one card per pool and one chart per
// figure with a line per pool. Pools without live workers are absent from the data, so they leave the page.
"use strict";

(() => {
  const params = new URLSearchParams(location.search);
  const refreshSeconds = Math.max(0.5, Number(params.get("refresh")) || 2);
  const palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];
  const models = document.getElementById("models");
  const status = document.getElementById("status");
  const charts = new Map(); // "model|chart" -> { plot, signature, element }

  const chartDefinitions = [
    { id: "ttft", title: "Time to first token (ms)", note: "p50 solid, p99 thin", lines: [["ttft_p50", 1000, 2], ["ttft_p99", 1000, 1]] },
    { id: "itl", title: "Inter-token latency (ms)", note: "p50 solid, p99 thin", lines: [["itl_p50", 1000, 2], ["itl_p99", 1000, 1]] },
    { id: "tokens", title: "Output tokens per second", lines: [["output_tokens_per_second", 1, 2]] },
    { id: "queue", title: "Queue depth (sequences waiting for a slot)", lines: [["queue_depth", 1, 2]] },
    { id: "cost", title: "Cost per million output tokens (USD)", noteFrom: (d) => `trailing ${d.cost_window_seconds} s; workers count while idle`, lines: [["cost_per_million_output_tokens_usd", 1, 2]], emptyNote: "No pool reports a price (Worker__PricePerHour)." },
    { id: "cache", title: "Prefix-cache hit rate", lines: [["cache_hit_rate", 1, 2]], onlyWithData: true },
    { id: "workers", title: "Live workers", lines: [["workers", 1, 2]] },
  ];

  document.getElementById("refresh").textContent = String(refreshSeconds);

  // Colours by order of appearance, so pools on one page never share one (a hash of the name can collide).
  const colors = new Map();
  function colorOf(name) {
    if (!colors.has(name)) colors.set(name, palette[colors.size % palette.length]);
    return colors.get(name);
  }

  function element(tag, attributes = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attributes)) {
      if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const child of children) e.append(child);
    return e;
  }

  function last(values) {
    for (let i = values.length - 1; i >= 0; i--) {
      if (values[i] !== null && values[i] !== undefined) return values[i];
    }
    return null;
  }

  function format(value, scale = 1, digits = 1, unit = "") {
    if (value === null || value === undefined || Number.isNaN(value)) return "–";
    return (value * scale).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) + unit;
  }

  function poolCard(pool) {
    const s = pool.series;
    const figure = (label, value) => element("div", {}, element("dt", { text: label }), element("dd", { text: value }));
    const card = element("article", { class: "pool", "data-pool": pool.pool, "data-backend": pool.backend, "data-simulated": String(pool.simulated) },
      element("h3", {},
        element("span", { class: "swatch", style: `background:${colorOf(pool.pool)}` }),
        element("span", { text: pool.pool }),
        element("span", { class: "badge", text: pool.backend }),
        ...(pool.simulated ? [element("span", { class: "badge sim", text: "simulated" })] : [])),
      element("dl", { class: "figures" },
        figure("workers", String(pool.workers.length)),
        figure("TTFT p50", format(last(s.ttft_p50), 1000, 1, " ms")),
        figure("ITL p50", format(last(s.itl_p50), 1000, 2, " ms")),
        figure("tokens/s", format(last(s.output_tokens_per_second), 1, 0)),
        figure("queue", format(last(s.queue_depth), 1, 0)),
        figure("requests", pool.totals.requests.toLocaleString("en-US")),
        figure("price / h", format(pool.totals.price_per_hour_usd, 1, 2, " $")),
        figure("$ / 1M out", format(pool.totals.cost_per_million_output_tokens_usd, 1, 2))));
    const rows = pool.workers.map((w) => element("tr", { "data-worker": w.worker_id },
      element("td", { text: w.worker_id }),
      element("td", {}, element("span", { class: "state", "data-state": w.state, text: w.state })),
      element("td", { class: "num", text: `${w.running_sequences}/${w.max_sequences}` }),
      element("td", { class: "num", text: String(w.waiting_sequences) }),
      element("td", { class: "num", text: format(w.kv_cache_usage, 100, 0, " %") }),
      element("td", { text: w.device })));
    card.append(element("table", { class: "workers" },
      element("thead", {}, element("tr", {}, ...["worker", "state", "running", "waiting", "KV", "device"].map((h) => element("th", { text: h })))),
      element("tbody", {}, ...rows)));
    return card;
  }

  // uPlot wants one x array: the union of the pools' interval ends (one tick closes every pool's interval at once).
  function alignedData(pools, definition) {
    const times = [...new Set(pools.flatMap((p) => p.series.time))].sort((a, b) => a - b);
    const index = new Map(times.map((t, i) => [t, i]));
    const data = [times];
    let points = 0;
    for (const pool of pools) {
      for (const [field, scale] of definition.lines) {
        const column = new Array(times.length).fill(null);
        pool.series[field].forEach((v, i) => {
          if (v !== null) {
            column[index.get(pool.series.time[i])] = v * scale;
            points++;
          }
        });
        data.push(column);
      }
    }
    return { data, points };
  }

  function seriesOptions(pools, definition) {
    const series = [{}];
    for (const pool of pools) {
      for (const [field, , width] of definition.lines) {
        const color = colorOf(pool.pool);
        series.push({
          label: `${pool.pool}${pool.simulated ? " (simulated)" : ""}${definition.lines.length > 1 ? " " + field.split("_").pop() : ""}`,
          stroke: width > 1 ? color : color + "99",
          width,
          dash: pool.simulated ? [6, 4] : undefined,
          spanGaps: false,
          points: { show: false },
        });
      }
    }
    return series;
  }

  function drawChart(container, model, pools, definition, snapshot) {
    const key = `${model}|${definition.id}`;
    const { data, points } = alignedData(pools, definition);
    let entry = charts.get(key);
    if (definition.onlyWithData && points === 0) {
      if (entry) entry.element.hidden = true;
      return;
    }

    const signature = pools.map((p) => `${p.pool}:${p.simulated}`).join(",");
    if (!entry) {
      const holder = element("div", { class: "plot" });
      const note = element("div", { class: "note" });
      const box = element("div", { class: "chart", "data-chart": definition.id }, element("h4", { text: definition.title }), holder, note);
      entry = { element: box, holder, note, plot: null, signature: null };
      charts.set(key, entry);
    }

    container.append(entry.element);
    entry.element.hidden = false;
    entry.element.dataset.points = String(points);
    entry.element.dataset.series = signature;
    entry.note.textContent = points === 0 && definition.emptyNote ? definition.emptyNote
      : definition.noteFrom ? definition.noteFrom(snapshot) : (definition.note || "");
    const width = Math.max(300, entry.holder.clientWidth || 440);
    if (entry.plot && entry.signature === signature) {
      entry.plot.setData(data);
      return;
    }

    entry.plot?.destroy();
    entry.signature = signature;
    entry.plot = new uPlot({
      width,
      height: 200,
      scales: { x: { time: true } },
      series: seriesOptions(pools, definition),
      axes: [{}, { size: 56 }],
      legend: { live: false },
    }, data, entry.holder);
  }

  function render(snapshot) {
    document.getElementById("interval").textContent = String(snapshot.interval_seconds);
    document.getElementById("empty").hidden = snapshot.pools.length > 0;
    const byModel = new Map();
    for (const pool of snapshot.pools) {
      if (!byModel.has(pool.model)) byModel.set(pool.model, []);
      byModel.get(pool.model).push(pool);
    }

    for (const section of [...models.children]) {
      if (!byModel.has(section.dataset.model)) section.remove();
    }

    for (const [key, entry] of [...charts]) {
      if (!byModel.has(key.split("|")[0])) {
        entry.plot?.destroy();
        charts.delete(key);
      }
    }

    for (const [model, pools] of byModel) {
      let section = [...models.children].find((s) => s.dataset.model === model);
      if (!section) {
        section = element("section", { class: "model", "data-model": model },
          element("h2", { text: `Model ${model}` }), element("div", { class: "pools" }), element("div", { class: "charts" }));
        models.append(section);
      }

      section.querySelector(".pools").replaceChildren(...pools.map(poolCard));
      const chartGrid = section.querySelector(".charts");
      for (const definition of chartDefinitions) {
        drawChart(chartGrid, model, pools, definition, snapshot);
      }
    }
  }

  async function refresh() {
    try {
      const response = await fetch("/v1/telemetry/dashboard", { cache: "no-store" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const snapshot = await response.json();
      render(snapshot);
      status.dataset.state = "live";
      status.textContent = `updated ${new Date(snapshot.generated_at).toLocaleTimeString()}`;
      document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes || 0) + 1);
    } catch (e) {
      status.dataset.state = "error";
      status.textContent = `cannot read telemetry: ${e.message}`;
    } finally {
      setTimeout(refresh, refreshSeconds * 1000);
    }
  }

  refresh();
})();
