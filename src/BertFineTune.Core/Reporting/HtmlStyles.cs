namespace BertFineTune.Reporting;

/// <summary>The report's stylesheet, inlined so the page needs nothing else.</summary>
internal static class HtmlStyles
{
    public const string Css = """

        :root { --blue: #1f5fa8; --ink: #1d2430; --muted: #667085; --line: #e3e7ee; --bg: #f6f8fb; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--ink);
               font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 48px; }
        header h1 { margin: 0; font-size: 26px; }
        .sub { margin: 4px 0 16px; color: var(--muted); }
        section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
        h2 { margin: 0 0 12px; font-size: 19px; }
        h3 { margin: 18px 0 8px; font-size: 15px; }
        .note, .empty, footer { color: var(--muted); }
        p.point { margin: 4px 0; }
        footer { font-size: 12px; margin-top: 24px; }
        table { border-collapse: collapse; margin: 8px 0; }
        th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; }
        thead th { border-bottom: 2px solid #cfd6e2; font-weight: 600; }
        table.num td { text-align: right; font-variant-numeric: tabular-nums; }
        table.num th { text-align: right; }
        table.num td:first-child, table.num td.label, table.num th:first-child, table.num th.label { text-align: left; }
        table.kv th { color: var(--muted); font-weight: 500; padding-right: 24px; }
        table.kv td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
        tfoot td { font-weight: 600; border-bottom: none; }
        td.score { background: linear-gradient(90deg, #dbe7f6 var(--v), transparent var(--v)); }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 8px; }
        .card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 140px; }
        .card .value { font-size: 24px; font-weight: 600; color: var(--blue); font-variant-numeric: tabular-nums; }
        .card .label { color: var(--muted); font-size: 12px; }
        .charts { display: grid; grid-template-columns: 1fr; gap: 12px; }
        figure { margin: 8px 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
        figcaption { color: var(--muted); font-size: 12px; }
        .scroll { overflow-x: auto; }
        table.heatmap td { text-align: center; min-width: 44px; border: 1px solid #fff; font-variant-numeric: tabular-nums; }
        table.heatmap td.diag { outline: 2px solid #0e3a6b; outline-offset: -2px; font-weight: 600; }
        table.heatmap td.total { background: #fff; color: var(--muted); border: none; }
        table.heatmap th.row { text-align: right; white-space: nowrap; }
        table.heatmap th.col { vertical-align: bottom; height: 110px; padding: 0 2px; }
        table.heatmap th.col span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
        table.heatmap th.corner { color: var(--muted); font-weight: 400; font-size: 12px; vertical-align: bottom; }

        """;
}
