package io.github.deaddirections.cli;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loss-trace plot: its bucket means against a direct sum, and its drawing against the values it was given. */
class TracePlotTest {

    private static final String SVG = "http://www.w3.org/2000/svg";

    /** Random lengths and bucket limits: every bucket mean equals nβ times the direct mean of its draws less the anchor. */
    @Test
    void bucketsAreMeansOfConsecutiveDraws() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(3000);
            int max = 1 + rnd.nextInt(400);
            double anchor = rnd.nextGaussian();
            double nBeta = 1 + 100 * rnd.nextDouble();
            double[] trace = new double[n];
            for (int i = 0; i < n; i++) {
                trace[i] = anchor + rnd.nextGaussian();
            }
            int diverge = rnd.nextInt(4) == 0 ? rnd.nextInt(n) : -1;
            if (diverge >= 0) {
                trace[diverge] = Double.NaN;
            }
            TracePlot.Series s = TracePlot.series(trace, anchor, nBeta, max);
            int finite = diverge >= 0 ? diverge : n;
            assertEquals(diverge, s.firstNonFinite());
            assertTrue(s.value().length <= max, "at most " + max + " points");
            // Reassemble the buckets from their centres: consecutive, covering draws 0..finite-1.
            int covered = 0;
            for (int b = 0; b < s.value().length; b++) {
                int width = b + 1 < s.value().length ? (int) Math.round(2 * (s.draw()[b] - covered) + 1) : finite - covered;
                double sum = 0;
                for (int i = covered; i < covered + width; i++) {
                    sum += trace[i] - anchor;
                }
                assertEquals(nBeta * sum / width, s.value()[b], 1e-9 * nBeta, "bucket " + b + " of trial " + trial);
                covered += width;
            }
            assertEquals(finite, covered, "the buckets cover every finite draw");
        }
    }

    /** One line per chain, all drawn through one affine map of the values, with the zero line at the map's intercept. */
    @Test
    void linesAreTheSeriesUnderOneAxisMap() throws Exception {
        Random rnd = new Random(5);
        double anchor = 0.7;
        double nBeta = 144.8;
        double[][] traces = new double[3][1000];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 1000; i++) {
                traces[c][i] = anchor + (c + 1) * 0.01 + 0.002 * rnd.nextGaussian() - (i < 100 ? 0.02 * (100 - i) / 100.0 : 0);
            }
        }
        traces[2][700] = Double.POSITIVE_INFINITY;
        String svg = TracePlot.svg(traces, new double[]{1.4, 2.9, Double.NaN}, anchor, nBeta, "test & <plot>");
        Document doc = parse(svg);
        NodeList lines = doc.getElementsByTagNameNS(SVG, "polyline");
        assertEquals(3, lines.getLength(), "one line per chain");
        List<double[]> pairs = new ArrayList<>(); // {value, y}
        for (int c = 0; c < 3; c++) {
            TracePlot.Series s = TracePlot.series(traces[c], anchor, nBeta, TracePlot.MAX_POINTS);
            String[] points = ((Element) lines.item(c)).getAttribute("points").trim().split(" ");
            assertEquals(s.value().length, points.length, "chain " + c);
            for (int i = 0; i < points.length; i++) {
                pairs.add(new double[]{s.value()[i], Double.parseDouble(points[i].split(",")[1])});
            }
        }
        // Least squares y = a + b v over every point of every chain: an exact affine map leaves no residual.
        double mv = 0;
        double my = 0;
        for (double[] p : pairs) {
            mv += p[0] / pairs.size();
            my += p[1] / pairs.size();
        }
        double svv = 0;
        double svy = 0;
        for (double[] p : pairs) {
            svv += (p[0] - mv) * (p[0] - mv);
            svy += (p[0] - mv) * (p[1] - my);
        }
        double b = svy / svv;
        double a = my - b * mv;
        assertTrue(b < 0, "larger values are drawn higher (smaller SVG y)");
        for (double[] p : pairs) {
            assertEquals(a + b * p[0], p[1], 0.01, "rounded to two decimals only");
        }
        Element zero = null;
        NodeList all = doc.getElementsByTagNameNS(SVG, "line");
        for (int i = 0; i < all.getLength(); i++) {
            Element l = (Element) all.item(i);
            if ("4,3".equals(l.getAttribute("stroke-dasharray"))) {
                zero = l;
            }
        }
        assertTrue(zero != null, "the checkpoint's loss is drawn");
        assertEquals(a, Double.parseDouble(zero.getAttribute("y1")), 0.01, "the zero line sits at value 0");
        assertTrue(svg.contains("diverged at draw 700"), "the diverged chain is named in the legend");
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
