import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** One series of a line plot: points (x, y) under a legend label. */
export interface Series {
  label: string;
  points: [number, number][];
}

/**
 * Renders line plots as SVG with Vega-Lite (headless, no canvas needed): one panel per y quantity,
 * stacked vertically and sharing the x axis.
 */
export async function linePlotsSvg(panels: { title: string; yTitle: string; series: Series[] }[], xTitle: string): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    vconcat: panels.map((p) => ({
      title: p.title,
      width: 520,
      height: 200,
      data: { values: p.series.flatMap((s) => s.points.map(([x, y]) => ({ x, y, series: s.label }))) },
      mark: { type: "line", point: { size: 12 } },
      encoding: {
        x: { field: "x", type: "quantitative", title: xTitle },
        y: { field: "y", type: "quantitative", title: p.yTitle, scale: { zero: false } },
        color: { field: "series", type: "nominal", title: null },
      },
    })),
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}
