package io.github.deaddirections.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * lambda(infinity) and lambda(n) over training, from the listener's JSON reports
 * ({@code reportDirectory}): one SVG line chart, epoch on x. Also says how often lambda(n) changed
 * between consecutive reads in the second half of training.
 *
 * <pre>
 * mvn -q -pl demo-training -am compile exec:java -Dexec.args="plot REPORT_DIR OUT.svg"
 * </pre>
 */
public final class LambdaPlot {

    private static final Pattern EPOCH = Pattern.compile("-epoch-(\\d+)-");

    /** One read: its epoch, lambda(infinity) and lambda(n) (NaN when missing). */
    record Point(int epoch, double exact, double sample) {
    }

    private LambdaPlot() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: LambdaPlot REPORT_DIR OUT.svg");
            System.exit(2);
        }
        List<Point> points = points(Path.of(args[0]));
        Files.writeString(Path.of(args[1]), svg(points), StandardCharsets.UTF_8);
        int half = points.size() / 2;
        int flips = 0;
        for (int i = half + 1; i < points.size(); i++) {
            if (Double.compare(points.get(i).sample(), points.get(i - 1).sample()) != 0) {
                flips++;
            }
        }
        int exactFlips = 0;
        for (int i = half + 1; i < points.size(); i++) {
            if (Double.compare(points.get(i).exact(), points.get(i - 1).exact()) != 0) {
                exactFlips++;
            }
        }
        System.out.printf(Locale.ROOT, "%d reads, epochs %d-%d; second half: lambda(n) changed %d times, lambda(infinity) %d times%n",
                points.size(), points.isEmpty() ? 0 : points.get(0).epoch(), points.isEmpty() ? 0 : points.get(points.size() - 1).epoch(),
                flips, exactFlips);
        for (Point p : points) {
            System.out.printf(Locale.ROOT, "epoch %5d  lambda(inf) %7.2f  lambda(n) %7.2f%n", p.epoch(), p.exact(), p.sample());
        }
    }

    static List<Point> points(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Point> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                Matcher m = EPOCH.matcher(f.getFileName().toString());
                if (!m.find()) {
                    continue;
                }
                JsonNode root = json.readTree(f.toFile());
                JsonNode sample = root.path("resolution").path("learningCoefficient");
                out.add(new Point(Integer.parseInt(m.group(1)), root.path("global").path("learningCoefficient").asDouble(Double.NaN),
                        sample.isNumber() ? sample.asDouble() : Double.NaN));
            }
        }
        out.sort(java.util.Comparator.comparingInt(Point::epoch));
        return out;
    }

    static String svg(List<Point> points) {
        int w = 720;
        int h = 360;
        int left = 60;
        int right = 20;
        int top = 30;
        int bottom = 40;
        double maxEpoch = points.stream().mapToInt(Point::epoch).max().orElse(1);
        double maxLambda = points.stream().mapToDouble(p -> Math.max(p.exact(), Double.isNaN(p.sample()) ? 0 : p.sample()))
                .max().orElse(1);
        double yMax = Math.ceil(maxLambda / 5) * 5;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", w, h));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\">lambda over training: exact at the parameters, lambda(inf), "
                + "and at the training set size, lambda(n)</text>%n", left));
        for (int i = 0; i <= 5; i++) {
            double v = yMax * i / 5;
            double y = top + (h - top - bottom) * (1 - v / yMax);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n", left, w - right, y, y, left - 6, y + 4, v));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch (0 to %.0f)</text>%n",
                (left + w - right) / 2, h - 8, maxEpoch));
        line(s, points, true, "#1f77b4", w, h, left, right, top, bottom, maxEpoch, yMax);
        line(s, points, false, "#d62728", w, h, left, right, top, bottom, maxEpoch, yMax);
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#1f77b4\">lambda(inf)</text>"
                + "<text x=\"%d\" y=\"%d\" fill=\"#d62728\">lambda(n)</text>%n", w - 200, top + 14, w - 110, top + 14));
        return s.append("</svg>\n").toString();
    }

    private static void line(StringBuilder s, List<Point> points, boolean exact, String colour, int w, int h, int left,
                             int right, int top, int bottom, double maxEpoch, double yMax) {
        StringBuilder path = new StringBuilder();
        for (Point p : points) {
            double v = exact ? p.exact() : p.sample();
            if (Double.isNaN(v)) {
                continue;
            }
            double x = left + (w - left - right) * p.epoch() / maxEpoch;
            double y = top + (h - top - bottom) * (1 - v / yMax);
            path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
        }
        s.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", path, colour));
    }
}
