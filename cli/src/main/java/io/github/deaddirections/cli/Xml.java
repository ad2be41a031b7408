package io.github.deaddirections.cli;

import java.util.Locale;

/** Escaping and number formatting shared by the XHTML report and its SVG plots. */
final class Xml {

    private Xml() {
    }

    /** Text or attribute content, safe inside quotes and between tags. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    // XML 1.0 forbids most control characters even when escaped.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** A coordinate: two decimals are plenty on screen and keep the file small. */
    static String coord(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** A value for people: 4 significant digits, or a dash when absent. */
    static String number(Double v) {
        if (v == null || v.isNaN()) {
            return "-";
        }
        if (v.isInfinite()) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
