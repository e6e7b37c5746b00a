package dev.winnow.examples.walkthrough;

import dev.winnow.Similarity;
import dev.winnow.encoders.DjlEncoder;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * The seed's semantic-similarity heatmap: the 11 example messages of TensorFlow Hub's Universal Sentence Encoder
 * notebook, encoded with all-MiniLM-L6-v2 (the bundled model; the seed's encoder is not available offline),
 * their 11×11 cosine matrix printed as a table and drawn as a PNG with JFreeChart (headless).
 *
 * <pre>
 * mvn -q -B -pl examples exec:java -Dexec.mainClass=dev.winnow.examples.walkthrough.SimilarityHeatmap
 *     [-Dexec.args="--out docs/heatmap.png"]
 * </pre>
 */
public final class SimilarityHeatmap {
  static final String USAGE = "usage: SimilarityHeatmap [--out FILE.png]   (default docs/heatmap.png, relative to"
      + " the working directory)";
  static final List<String> MESSAGES = List.of(
      // smartphones
      "I like my phone",
      "My phone is not good.",
      "Your cellphone looks great.",
      // weather
      "Will it snow tomorrow?",
      "Recently a lot of hurricanes have hit the US",
      "Global warming is real",
      // food and health
      "An apple a day, keeps the doctors away",
      "Eating strawberries is healthy",
      "Is paleo better than keto?",
      // asking about age
      "How old are you?",
      "what is your age?");
  /** The four topics of the messages, as index ranges [from, to). */
  static final int[][] TOPICS = {{0, 3}, {3, 6}, {6, 9}, {9, 11}};
  static final int WIDTH = 1000;
  static final int HEIGHT = 860;

  private SimilarityHeatmap() {}

  public static void main(String[] args) throws IOException {
    int rc = run(args, System.out, System.err);
    if (rc != 0) {
      System.exit(rc);
    }
  }

  /** Runs the walkthrough, printing to {@code out}; returns the exit status (2 for bad flags). */
  static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
    Cli cli = Cli.parseOrUsage(args, Set.of("--out"), USAGE, out, err);
    if (cli == null || cli.helpShown()) {
      return cli == null ? Cli.USAGE : 0;
    }
    Path png = cli.path("--out", Paths.get("docs", "heatmap.png")).toAbsolutePath();
    if (!png.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
      err.println("--out must name a .png file, got " + png);
      err.println(USAGE);
      return Cli.USAGE;
    }
    double[][] cos;
    try (DjlEncoder minilm = DjlEncoder.defaultModel()) {
      float[][] v = minilm.encode(MESSAGES);
      cos = new double[v.length][v.length];
      for (int i = 0; i < v.length; i++) {
        for (int j = 0; j < v.length; j++) {
          cos[i][j] = Similarity.COSINE.score(v[i], v[j]);
        }
      }
    }
    out.println("Cosine similarity of the 11 messages, all-MiniLM-L6-v2 (bundled ONNX; the seed's Universal"
        + " Sentence Encoder is not available offline)");
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-47s", ""));
    for (int j = 0; j < MESSAGES.size(); j++) {
      head.append(String.format(Locale.ROOT, " %5d", j + 1));
    }
    out.println(head);
    for (int i = 0; i < MESSAGES.size(); i++) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %2d %-44s", i + 1, MESSAGES.get(i)));
      for (int j = 0; j < MESSAGES.size(); j++) {
        row.append(String.format(Locale.ROOT, " %5.2f", cos[i][j]));
      }
      out.println(row);
    }
    double[] topic = withinAndAcross(cos);
    out.printf(Locale.ROOT, "  mean cosine within a topic %.3f, across topics %.3f%n", topic[0], topic[1]);

    Files.createDirectories(png.getParent());
    ChartUtils.saveChartAsPNG(png.toFile(), chart(cos), WIDTH, HEIGHT);
    out.printf(Locale.ROOT, "Heatmap: %s (%d x %d PNG)%n", png, WIDTH, HEIGHT);

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("model", "all-MiniLM-L6-v2");
    json.put("messages", MESSAGES);
    List<List<Double>> matrix = new ArrayList<>();
    for (double[] row : cos) {
      List<Double> r = new ArrayList<>();
      for (double x : row) {
        r.add(Cli.round6(x));
      }
      matrix.add(r);
    }
    json.put("cosine", matrix);
    json.put("within_topic_mean", Cli.round6(topic[0]));
    json.put("across_topic_mean", Cli.round6(topic[1]));
    json.put("png", png.toString());
    json.put("width", WIDTH);
    json.put("height", HEIGHT);
    Cli.printJson(out, json);
    return 0;
  }

  /** {mean cosine of distinct pairs within a topic, mean cosine of pairs across topics}. */
  static double[] withinAndAcross(double[][] cos) {
    int[] topicOf = new int[cos.length];
    for (int t = 0; t < TOPICS.length; t++) {
      for (int i = TOPICS[t][0]; i < TOPICS[t][1]; i++) {
        topicOf[i] = t;
      }
    }
    double within = 0, across = 0;
    int nw = 0, na = 0;
    for (int i = 0; i < cos.length; i++) {
      for (int j = i + 1; j < cos.length; j++) {
        if (topicOf[i] == topicOf[j]) {
          within += cos[i][j];
          nw++;
        } else {
          across += cos[i][j];
          na++;
        }
      }
    }
    return new double[] {within / nw, across / na};
  }

  /** The heatmap: message i on row i (top to bottom) and column i, a cell's colour and label its cosine. */
  static JFreeChart chart(double[][] cos) {
    // 1. cells as (x = column, y = row from the top, z = cosine); 2. axes labelled with the messages;
    // 3. one text annotation per cell; 4. a colour-scale legend on the right
    int n = cos.length;
    double[] xs = new double[n * n], ys = new double[n * n], zs = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        xs[i * n + j] = j;
        ys[i * n + j] = n - 1 - i;
        zs[i * n + j] = cos[i][j];
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("cosine", new double[][] {xs, ys, zs});

    String[] columns = new String[n], rows = new String[n];
    for (int i = 0; i < n; i++) {
      columns[i] = MESSAGES.get(i);
      rows[n - 1 - i] = MESSAGES.get(i);
    }
    Font labels = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    SymbolAxis x = new SymbolAxis(null, columns);
    x.setVerticalTickLabels(true);
    x.setTickLabelFont(labels);
    x.setGridBandsVisible(false);
    SymbolAxis y = new SymbolAxis(null, rows);
    y.setTickLabelFont(labels);
    y.setGridBandsVisible(false);

    PaintScale scale = new YlOrRd(0, 1);
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(scale);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setDomainAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    plot.setOutlineStroke(new BasicStroke(0.5f));
    plot.setBackgroundPaint(Color.WHITE);
    Font cell = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    for (int k = 0; k < zs.length; k++) {
      XYTextAnnotation a = new XYTextAnnotation(String.format(Locale.ROOT, "%.2f", zs[k]), xs[k], ys[k]);
      a.setFont(cell);
      a.setPaint(zs[k] > 0.6 ? Color.WHITE : Color.BLACK);
      plot.addAnnotation(a);
    }

    JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    chart.setTitle(new TextTitle("Semantic textual similarity (cosine), all-MiniLM-L6-v2",
        new Font(Font.SANS_SERIF, Font.BOLD, 16)));
    chart.setBackgroundPaint(Color.WHITE);
    NumberAxis legendAxis = new NumberAxis("cosine");
    legendAxis.setRange(0, 1);
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
    legend.setMargin(new RectangleInsets(40, 10, 150, 10));
    legend.setStripWidth(18);
    legend.setBackgroundPaint(Color.WHITE);
    chart.addSubtitle(legend);
    return chart;
  }

  /** The yellow-orange-red colour map seaborn heatmaps commonly use, interpolated over [lower, upper]. */
  record YlOrRd(double lower, double upper) implements PaintScale {
    private static final int[][] STOPS = {
        {255, 255, 204}, {255, 237, 160}, {254, 217, 118}, {254, 178, 76}, {253, 141, 60}, {252, 78, 42},
        {227, 26, 28}, {189, 0, 38}, {128, 0, 38}};

    @Override
    public double getLowerBound() {
      return lower;
    }

    @Override
    public double getUpperBound() {
      return upper;
    }

    @Override
    public Paint getPaint(double value) {
      double t = (Math.max(lower, Math.min(upper, value)) - lower) / (upper - lower) * (STOPS.length - 1);
      int k = Math.min((int) t, STOPS.length - 2);
      double f = t - k;
      int[] a = STOPS[k], b = STOPS[k + 1];
      return new Color((int) Math.round(a[0] + f * (b[0] - a[0])), (int) Math.round(a[1] + f * (b[1] - a[1])),
          (int) Math.round(a[2] + f * (b[2] - a[2])));
    }
  }
}
