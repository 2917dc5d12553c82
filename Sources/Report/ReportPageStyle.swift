/// The report's CSS (no web fonts, nothing fetched).
enum ReportPageStyle {
    static let text = """
    :root { color-scheme: light; --ink: #1b1f24; --muted: #5b6470; --line: #d9dde3; --accent: #2364aa; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #f6f7f9; }
    header, main { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
    header { padding-top: 22px; }
    h1 { font-size: 22px; margin: 0 0 4px; }
    h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
    .summary { color: var(--muted); margin: 0; }
    .viewer-wrap { background: #1d2127; border-radius: 8px; overflow: hidden; }
    #viewer { width: 100%; height: 560px; position: relative; }
    #viewer canvas { display: block; touch-action: none; cursor: grab; }
    .controls { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; padding: 10px 12px; background: #272c34; color: #e8eaed; font-size: 13px; }
    .controls button { background: #3a414c; color: #e8eaed; border: 0; border-radius: 4px; padding: 5px 10px; cursor: pointer; font: inherit; }
    .controls button.on { background: var(--accent); }
    .controls label { display: flex; gap: 6px; align-items: center; }
    .controls .hint { color: #aab1bb; margin-left: auto; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 14px; }
    figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
    figure img { width: 100%; display: block; image-rendering: auto; background: #000; }
    figcaption { font-size: 13px; color: var(--muted); margin-top: 6px; }
    .compare-row { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 14px; }
    .compare { position: relative; user-select: none; }
    .compare-frame { position: relative; }
    .compare-frame img { width: 100%; display: block; }
    .compare-top { position: absolute; inset: 0; }
    .compare-bar { position: absolute; top: 0; bottom: 0; width: 2px; background: #fff; box-shadow: 0 0 3px #000; pointer-events: none; }
    .compare input[type=range] { width: 100%; margin-top: 6px; }
    .compare .labels { display: flex; justify-content: space-between; font-size: 13px; color: var(--muted); }
    .charts { display: flex; flex-wrap: wrap; gap: 10px; }
    .chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; }
    .chart-title { font-size: 12px; font-weight: 600; fill: var(--ink); }
    .chart-tick { font-size: 10px; fill: var(--muted); }
    .chart-frame { fill: none; stroke: var(--line); }
    table { border-collapse: collapse; background: #fff; font-size: 13px; }
    td, th { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
    th { background: #eef0f3; }
    details summary { cursor: pointer; font-weight: 600; font-size: 13px; margin-bottom: 6px; }
    .tables { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
    .note { color: var(--muted); font-size: 13px; }
    .warn { color: #9a3412; }
    footer { max-width: 1180px; margin: 30px auto; padding: 0 20px; color: var(--muted); font-size: 12px; }
    a { color: var(--accent); }
    """
}
