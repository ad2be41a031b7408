package io.github.deaddirections.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Not a test: what a read costs inside a user's training against the CLI's read of the same
 * checkpoint. {@link UserTraining} trains in a JVM of its own with ND4J's default threading (no
 * OMP_NUM_THREADS, as a user's training has) and the listener's defaults; then the CLI reads the
 * checkpoints of the epochs whose reads finished, in a JVM with OMP_NUM_THREADS=1 (the README's
 * advice for the CLI). Prints per model the ratio of the read times (the reports' own timing,
 * the same quantity on both sides) and the share of scheduled reads that were skipped.
 *
 * <pre>mvn -B -pl tests -am test -DexcludedTags=none -Dtest=ListenerReadCostBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * {@code -Dbench.models=mlp400,demo}, {@code -Dbench.epochs=100}, {@code -Dbench.cliReads=3}.
 */
@Tag("benchmark")
class ListenerReadCostBenchmark {

    private static final List<String> MODELS = List.of(System.getProperty("bench.models", "mlp400,demo").split(","));
    private static final int EPOCHS = Integer.getInteger("bench.epochs", 100);
    private static final int CLI_READS = Integer.getInteger("bench.cliReads", 3);
    private static final Pattern READ = Pattern.compile("^READ epoch=(\\d+) millis=([0-9.]+)");
    private static final Pattern SUMMARY = Pattern.compile("^SUMMARY .*scheduled=(\\d+) success=(\\d+) skipped=(\\d+)");

    @Test
    void printListenerReadTimeAgainstTheCliAndTheSkippedShare() throws Exception {
        List<String> lines = new ArrayList<>();
        for (String model : MODELS) {
            Path dir = Files.createTempDirectory("read-cost-" + model);
            List<String> training = java(false, UserTraining.class.getName(), model, Integer.toString(EPOCHS), dir.toString());
            Map<Integer, Double> listenerMillis = new TreeMap<>();
            int scheduled = 0;
            int skipped = 0;
            for (String line : training) {
                Matcher r = READ.matcher(line);
                if (r.find()) {
                    listenerMillis.put(Integer.parseInt(r.group(1)), Double.parseDouble(r.group(2)));
                }
                Matcher s = SUMMARY.matcher(line);
                if (s.find()) {
                    scheduled = Integer.parseInt(s.group(1));
                    skipped = Integer.parseInt(s.group(3));
                    System.out.println(model + ": " + line);
                }
            }
            if (listenerMillis.isEmpty()) {
                throw new AssertionError("no read finished in the training of " + model + ":\n" + String.join("\n", training));
            }
            // The last few epochs that the listener read; the first read also warms the JIT up.
            List<Integer> epochs = new ArrayList<>(listenerMillis.keySet());
            List<Integer> compared = epochs.subList(Math.max(epochs.size() > 1 ? 1 : 0, epochs.size() - CLI_READS), epochs.size());
            double listenerSum = 0;
            double cliSum = 0;
            for (int epoch : compared) {
                Path json = dir.resolve("cli-" + epoch + ".json");
                java(true, "io.github.deaddirections.cli.DeadDirectionsCli", "read", "-q",
                        "--model", dir.resolve(String.format("epoch-%05d.zip", epoch)).toString(),
                        "--probe", dir.resolve("probe.bin").toString(), "--max-samples", "256", "--json", json.toString());
                double cli = new ObjectMapper().readTree(json.toFile()).path("timing").path("totalMillis").asDouble();
                listenerSum += listenerMillis.get(epoch);
                cliSum += cli;
                System.out.printf(Locale.ROOT, "%s epoch %d: listener read %.0f ms, CLI read %.0f ms%n", model, epoch,
                        listenerMillis.get(epoch), cli);
            }
            lines.add(String.format(Locale.ROOT, "%-7s listener read / CLI read = %.2f over epochs %s (target <= 2); "
                            + "skipped %d of %d scheduled reads (%.0f%%)", model, listenerSum / cliSum, compared, skipped,
                    scheduled, 100.0 * skipped / Math.max(1, scheduled)));
        }
        System.out.println();
        lines.forEach(System.out::println);
    }

    /** Runs a main class on this test's classpath; OMP_NUM_THREADS=1 only when asked. Returns its output lines. */
    private static List<String> java(boolean oneOmpThread, String... mainAndArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        command.addAll(List.of(mainAndArgs));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("OMP_NUM_THREADS");
        if (oneOmpThread) {
            pb.environment().put("OMP_NUM_THREADS", "1");
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", mainAndArgs) + " failed:\n" + out);
        }
        return out.lines().toList();
    }
}
