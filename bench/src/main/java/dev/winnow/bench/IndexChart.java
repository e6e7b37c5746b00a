package dev.winnow.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws the QPS-vs-recall@10 curves of the last {@link IndexBenchmark} run, read from the JSON block of the index
 * section of {@code docs/benchmarks.md}, into {@code docs/img/index-qps-recall-<n>.png}. Run from the project root.
 * Not thread-safe (a main).
 */
public final class IndexChart {
  private IndexChart() {}

  public static void main(String[] args) throws IOException {
    Path root = Paths.get(System.getProperty("winnow.root", ".")).toAbsolutePath().normalize();
    draw(root);
  }

  static void draw(Path root) throws IOException {
    System.setProperty("java.awt.headless", "true");
    String md = Files.readString(root.resolve("docs/benchmarks.md"));
    String section = md.substring(md.indexOf("<!-- index:begin -->"), md.indexOf("<!-- index:end -->"));
    int a = section.indexOf("```json\n") + 8;
    JsonObject json = JsonParser.parseString(section.substring(a, section.indexOf("\n```", a))).getAsJsonObject();
    JsonArray sets = json.getAsJsonArray("sets");
    Files.createDirectories(root.resolve("docs/img"));
    for (int i = 0; i < sets.size(); i++) {
      JsonObject set = sets.get(i).getAsJsonObject();
      XYSeriesCollection data = new XYSeriesCollection();
      data.addSeries(series("Winnow HNSW", set.getAsJsonObject("winnow").getAsJsonArray("curve")));
      data.addSeries(series("Lucene 9.12 HNSW", set.getAsJsonObject("lucene").getAsJsonArray("curve")));
      XYSeries exact = new XYSeries("exact (FlatVectorIndex)");
      exact.add(1.0, set.getAsJsonObject("exact").get("qps").getAsDouble());
      data.addSeries(exact);
      JFreeChart chart = ChartFactory.createXYLineChart(set.get("name").getAsString() + ", n=" + set.get("n").getAsInt(),
          "recall@10", "queries/s (1 thread)", data, PlotOrientation.VERTICAL, true, false, false);
      XYPlot plot = chart.getXYPlot();
      plot.setBackgroundPaint(Color.WHITE);
      plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
      plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
      LogAxis y = new LogAxis("queries/s (1 thread, log scale)");
      y.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
      plot.setRangeAxis(y);
      ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
      XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
      r.setSeriesPaint(0, new Color(0x1f77b4));
      r.setSeriesPaint(1, new Color(0xd62728));
      r.setSeriesPaint(2, Color.DARK_GRAY);
      for (int s = 0; s < 3; s++) {
        r.setSeriesStroke(s, new BasicStroke(2f));
      }
      plot.setRenderer(r);
      Path png = root.resolve("docs/img/index-qps-recall-" + (i + 1) + ".png");
      ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 520);
      System.err.println("wrote " + png);
    }
  }

  private static XYSeries series(String name, JsonArray curve) {
    XYSeries s = new XYSeries(name, false);
    for (JsonElement e : curve) {
      JsonObject p = e.getAsJsonObject();
      s.add(p.get("recall").getAsDouble(), p.get("qps").getAsDouble());
    }
    return s;
  }
}
