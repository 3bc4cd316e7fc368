package io.packtrail.client.report;

/** The pages' one style sheet, inline: screen and A4 print. System fonts only. */
final class Css {
  private Css() {}

  static final String PAGE = """
      :root{--ink:#1d2430;--muted:#5b6576;--line:#d5dae2;--ok:#17723a;--bad:#b3261e;\
      --pack:#e8f0fb;--module:#eaf6ee;--cell:#fdf4e3;--lot:#f3ecfa}
      *{box-sizing:border-box}
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",\
      sans-serif;color:var(--ink);margin:0 auto;max-width:1100px;padding:20px}
      h1{font-size:22px;margin:0}h2{font-size:17px;margin:26px 0 8px;padding-bottom:4px;\
      border-bottom:2px solid var(--ink)}h3{font-size:14px;margin:14px 0 6px}
      .code,code,pre,td.seq,td.time,dd{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,\
      Consolas,monospace}
      header{display:flex;justify-content:space-between;align-items:flex-start;gap:16px}
      .sub{color:var(--muted);margin:4px 0 0}
      .badge{border-radius:6px;padding:8px 14px;font-weight:600;color:#fff;text-align:center;\
      white-space:nowrap}.badge small{display:block;font-weight:400;font-size:11px}
      .badge.ok{background:var(--ok)}.badge.bad{background:var(--bad)}
      dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}
      dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere;font-size:13px}
      .verdict{padding:8px 12px;border-left:5px solid}.verdict.ok{border-color:var(--ok);\
      background:#eef8f1}.verdict.bad{border-color:var(--bad);background:#fdeeee}
      ul.checks li,ul.warnings li{margin:2px 0}ul.warnings{color:#8a5300}
      .checkpoint{border:1px solid var(--line);border-radius:6px;padding:4px 12px 10px;\
      margin-top:10px}.label{margin:8px 0 2px;color:var(--muted)}
      pre{background:#f6f7f9;border:1px solid var(--line);padding:8px;white-space:pre-wrap;\
      overflow-wrap:anywhere;font-size:11px;margin:0}
      details.bundle{margin-top:10px}details.bundle pre{max-height:320px;overflow:auto}
      table{border-collapse:collapse;width:100%;font-size:12.5px}
      th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;\
      vertical-align:top}th{background:#eef1f5}
      table.timeline{table-layout:fixed}table.timeline th:nth-child(1){width:3%}\
      table.timeline th:nth-child(2){width:11%}table.timeline th:nth-child(3){width:9%}\
      table.timeline th:nth-child(4){width:18%}table.timeline th:nth-child(5){width:13%}\
      table.timeline th:nth-child(6){width:7%}table.timeline th:nth-child(7){width:8%}\
      table.timeline td{overflow-wrap:anywhere}table.timeline td.site small{font-size:10.5px}td small{color:var(--muted)}
      td .k{color:var(--muted)}td.num{text-align:right}\
      ol.acks{margin:0;padding-left:1.2em}li.ack .principal{font-weight:600}\
      li.ack q.note{display:block;white-space:pre-wrap;color:var(--ink)}
      .graph{overflow-x:auto}.graph svg{max-width:100%;height:auto;display:block;margin:0 auto}
      .legend .k{display:inline-block;margin-right:12px;padding-left:22px;position:relative}
      .legend .k:before{content:"";position:absolute;left:0;top:50%;width:16px;border-top:3px \
      solid}.legend .dismantled_into:before{border-color:#2f6fd0}.legend .assembled_into:before\
      {border-color:#1b8a4b}.legend .recycled_into:before{border-color:#8b4fc7}\
      .legend .replaced_by:before{border-color:#8a8f99;border-top-style:dashed}
      svg text{font-family:system-ui,"DejaVu Sans",sans-serif;font-size:11px;fill:var(--ink)}
      svg.lineage .node rect{stroke:#7a8597;stroke-width:1}svg.lineage .node.pack rect\
      {fill:var(--pack)}svg.lineage .node.module rect{fill:var(--module)}\
      svg.lineage .node.cell rect{fill:var(--cell)}svg.lineage .node.lot rect{fill:var(--lot)}
      svg.lineage .node.root rect{stroke:var(--ink);stroke-width:3}
      svg.lineage text.code{font-family:"DejaVu Sans Mono",monospace;font-size:10.5px}
      svg.lineage text.what{fill:var(--muted)}
      svg .edge{fill:none;stroke-width:1.6}.edge-dismantled_into{stroke:#2f6fd0;fill:none}\
      .edge-assembled_into{stroke:#1b8a4b}.edge-recycled_into{stroke:#8b4fc7}\
      .edge-replaced_by{stroke:#8a8f99;stroke-dasharray:5 3}
      marker path{stroke:none}marker path.edge-dismantled_into{fill:#2f6fd0}\
      marker path.edge-assembled_into{fill:#1b8a4b}marker path.edge-recycled_into{fill:#8b4fc7}\
      marker path.edge-replaced_by{fill:#8a8f99}
      svg.health .grid{stroke:var(--line)}svg.health .axis{stroke:var(--ink)}\
      svg.health .tick{text-anchor:end;fill:var(--muted)}svg.health .date{text-anchor:middle;\
      fill:var(--muted)}svg.health .trend{fill:none;stroke:#2f6fd0;stroke-width:2}\
      svg.health .point circle{fill:#fff;stroke:#2f6fd0;stroke-width:2}\
      svg.health .point text{text-anchor:middle;font-size:10px}\
      svg.health .empty{text-anchor:middle;fill:var(--muted)}
      table.readings{width:auto;margin-top:8px}
      .none,.pending,.note-small{color:var(--muted)}.findings{border:1px dashed var(--line);\
      border-radius:6px;padding:2px 12px;margin-top:10px}
      footer{margin-top:28px;padding-top:8px;border-top:1px solid var(--line);\
      color:var(--muted);font-size:11.5px}
      @page{size:A4;margin:14mm 12mm}
      @media print{body{max-width:none;padding:0;font-size:10pt}\
      *{-webkit-print-color-adjust:exact;print-color-adjust:exact}\
      h2{break-after:avoid}tr,.graph,dl.facts,.checkpoint{break-inside:avoid}\
      thead{display:table-header-group}details.bundle{display:none}\
      .graph{overflow:visible}table{font-size:8.5pt}pre{font-size:7.5pt}}
      """;

  /** What the regional overview adds. */
  static final String OVERVIEW = """
      svg.bars .label{text-anchor:end}svg.bars rect{fill:#2f6fd0}svg.bars .value{fill:var(--ink)}
      svg.mini rect.collected,.legend .collected:before{fill:#2f6fd0;border-color:#2f6fd0}\
      svg.mini rect.received,.legend .received:before{fill:#1b8a4b;border-color:#1b8a4b}\
      svg.mini rect.recycled,.legend .recycled:before{fill:#8b4fc7;border-color:#8b4fc7}
      svg.mini rect.cap{fill:#eef1f5}svg.mini rect.used{fill:#1b8a4b}\
      svg.mini rect.used.over{fill:var(--bad)}
      tr.element.misses td.verdict-cell{color:var(--bad);font-weight:600}\
      tr.element.meets td.verdict-cell{color:var(--ok)}
      """;
}
