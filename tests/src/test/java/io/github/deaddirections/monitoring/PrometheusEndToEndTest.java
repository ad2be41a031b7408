package io.github.deaddirections.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.deaddirections.demo.DemoOptions;
import io.github.deaddirections.demo.DemoTraining;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The monitoring stack end to end with real parts: the demo trains in this JVM and serves
 * /metrics, a real Prometheus server (Debian's package) scrapes it and evaluates the shipped alert
 * rules, and every PromQL expression of the Grafana dashboard and of the alert rules must return
 * data through Prometheus's HTTP API. promtool checks the configuration, the rules and the
 * exported metrics. Skipped only when no prometheus binary is installed.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PrometheusEndToEndTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path RULES = ROOT.resolve("config/prometheus/alert-rules.yml");
    private static final Path SCRAPE_CONFIG = ROOT.resolve("config/prometheus/prometheus.yml");
    private static final Path DASHBOARD = ROOT.resolve("config/grafana/dashboards/dead-directions.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path prometheus;
    private static Path promtool;
    private static Path work;
    private static DemoTraining demo;
    private static Thread demoThread;
    private static final ByteArrayOutputStream DEMO_OUTPUT = new ByteArrayOutputStream();
    private static int demoPort;
    private static Process server;
    private static String serverUrl;

    @BeforeAll
    static void startDemoAndPrometheus() throws Exception {
        prometheus = binary("prometheus");
        assumeTrue(prometheus != null, "no prometheus binary on PATH or in /usr/bin: install Debian's package "
                + "'prometheus' (.ci/run does) to run the end-to-end monitoring test");
        promtool = binary("promtool");
        work = Files.createTempDirectory("dead-directions-e2e");

        demoPort = freePort();
        demo = new DemoTraining(new DemoOptions(100_000, demoPort, 1, 128, true, 150, "e2e", 42, null, true),
                new PrintStream(DEMO_OUTPUT, true, StandardCharsets.UTF_8));
        demoThread = new Thread(() -> {
            try {
                demo.run();
            } catch (Exception e) {
                e.printStackTrace(new PrintStream(DEMO_OUTPUT, true, StandardCharsets.UTF_8));
            }
        }, "demo-training");
        demoThread.start();

        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: ["%s"]
                scrape_configs:
                  - job_name: dead-directions-demo
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(RULES, demoPort));
        int serverPort = freePort();
        serverUrl = "http://127.0.0.1:" + serverPort;
        server = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + serverPort)
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        if (demo != null) {
            demo.stop();
            demoThread.join(TimeUnit.SECONDS.toMillis(150));
        }
    }

    @Test
    void everyDashboardPanelAndAlertRuleReturnsDataFromARealPrometheus() throws Exception {
        awaitData("deaddirections_reads_total{outcome=\"success\"} > 0", Duration.ofSeconds(150));
        // Rates and deltas need two samples after the first read; scrapes come every second.
        Thread.sleep(4000);

        List<String> empty = new ArrayList<>();
        List<String> dashboard = dashboardExpressions();
        assertTrue(dashboard.size() >= 8, "the dashboard has its panels");
        for (String expr : dashboard) {
            if (query(expr.replace("${model}", ".*").replace("$model", ".*")).isEmpty()) {
                empty.add("panel: " + expr);
            }
        }
        List<String> rules = alertExpressions();
        assertTrue(rules.size() >= 3, "the rules file has its alerts");
        for (String expr : rules) {
            if (query(asSignal(expr)).isEmpty()) {
                empty.add("alert: " + asSignal(expr));
            }
        }
        assertEquals(List.of(), empty, "expressions without data; demo output:\n" + DEMO_OUTPUT);
        JsonNode loaded = get("/api/v1/rules").path("data").path("groups");
        assertEquals(rules.size(), loaded.get(0).path("rules").size(), "Prometheus loaded every alert rule");
        assertEquals("ok", loaded.get(0).path("rules").get(0).path("health").asText());
    }

    /**
     * The demo shows dead structure forming, and the shipped alerts stay silent while it does: a
     * read finds dead ReLU units (none at the start), and no alert was firing at any evaluation
     * (every second) over the run up to 10 s after dead units have stayed for 20 s. A firing alert in normal operation would
     * page someone for nothing.
     */
    @Test
    void deadUnitsFormAndNoAlertFires() throws Exception {
        awaitData("deaddirections_reads_total{outcome=\"success\"} >= 1", Duration.ofSeconds(150));
        assertTrue(query("min_over_time(deaddirections_dead_relu_units[1h]) == 0").size() > 0,
                "the demo starts without dead units");
        // Units inactive on the probe for one read can revive; dead units stay: present in every read for 20 s.
        awaitData("min_over_time(deaddirections_dead_relu_units[20s]) > 0", Duration.ofSeconds(150));
        Thread.sleep(10_000);
        assertEquals(rulesLoaded(), alertExpressions().size(), "Prometheus evaluates every shipped rule");
        JsonNode fired = query("count_over_time(ALERTS{alertstate=\"firing\"}[1h])");
        assertEquals(0, fired.size(), "alerts that fired during the demo: " + fired + "\ndemo output:\n" + DEMO_OUTPUT);
        JsonNode failures = query("deaddirections_reads_total{outcome=\"failure\"} > 0");
        assertEquals(0, failures.size(), "no read failed: " + failures);
    }

    private static int rulesLoaded() throws Exception {
        return get("/api/v1/rules").path("data").path("groups").get(0).path("rules").size();
    }

    @Test
    void promtoolAcceptsTheConfigurationTheRulesAndTheExportedMetrics() throws Exception {
        assumeTrue(promtool != null, "no promtool binary (Debian's prometheus package ships it)");
        promtool("check", "config", SCRAPE_CONFIG.toString());
        promtool("check", "rules", RULES.toString());
        awaitData("deaddirections_reads_total{outcome=\"success\"} > 0", Duration.ofSeconds(150));
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demoPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("deaddirections_learning_coefficient{model=\"e2e\",resolution=\"exact\"}"), metrics);
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        check.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), "promtool check metrics: " + out);
    }

    /**
     * An alert expression is "signal comparison threshold". Queried as is it returns nothing in
     * normal operation; as a bool comparison it returns a 0/1 series whenever the signal exists.
     */
    static String asSignal(String alertExpr) {
        Matcher m = Pattern.compile("(?s)^(.*?)\\s*(>=|<=|==|!=|>|<)\\s*(-?[0-9.]+)\\s*$").matcher(alertExpr.trim());
        if (!m.matches()) {
            fail("alert expression is not 'signal comparison threshold': " + alertExpr);
        }
        return m.group(1) + " " + m.group(2) + " bool " + m.group(3);
    }

    private static List<String> dashboardExpressions() throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : JSON.readTree(DASHBOARD.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.add(target.path("expr").asText());
            }
        }
        return out;
    }

    private static List<String> alertExpressions() throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode group : new YAMLMapper().readTree(RULES.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                out.add(rule.path("expr").asText());
            }
        }
        return out;
    }

    private static void awaitData(String expr, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (!query(expr).isEmpty()) {
                    return;
                }
            } catch (IOException notUpYet) {
                // Prometheus is still starting
            }
            assertTrue(server.isAlive(), "prometheus exited: " + Files.readString(work.resolve("prometheus.log")));
            Thread.sleep(500);
        }
        fail("no data for " + expr + " within " + timeout + "; demo output:\n" + DEMO_OUTPUT
                + "\nprometheus log:\n" + Files.readString(work.resolve("prometheus.log")));
    }

    /** The result vector of an instant query (empty when the expression has no data). */
    private static JsonNode query(String expr) throws Exception {
        JsonNode body = get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        assertEquals("success", body.path("status").asText(), "query " + expr + ": " + body);
        return body.path("data").path("result");
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(serverUrl + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static void promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
        assertFalse(out.contains("FAILED"), out);
    }

    private static Path binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        Path usr = Path.of("/usr/bin", name);
        return Files.isExecutable(usr) ? usr : null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
