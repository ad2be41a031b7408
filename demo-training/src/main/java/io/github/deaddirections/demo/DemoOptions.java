package io.github.deaddirections.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's command line: {@code --name value} pairs and two flags.
 *
 * @param epochs         epochs to train
 * @param port           port of the Prometheus endpoint on 127.0.0.1 (path /metrics)
 * @param readEvery      read after every N-th epoch
 * @param probeExamples  training examples the reads use as probe inputs
 * @param nonInteractive exit when training ends instead of serving metrics until Ctrl-C
 * @param maxSeconds     stop training after this many seconds (0: no limit)
 * @param model          the {@code model} tag of the meters
 * @param seed           seed of the data and the student
 * @param config         optional YAML settings (config/dead-directions.yaml format); flags override it
 * @param quiet          no report table after each read (the benchmark)
 */
public record DemoOptions(int epochs, int port, int readEvery, int probeExamples, boolean nonInteractive,
                          double maxSeconds, String model, long seed, Path config, boolean quiet) {

    public static final String USAGE = """
            usage: DemoTraining [--epochs N] [--port P] [--read-every N] [--probe N] [--max-seconds S]
                                [--model NAME] [--seed S] [--config FILE.yaml] [--non-interactive] [--quiet]
              --epochs N         epochs to train (default 1000)
              --port P           Prometheus endpoint http://127.0.0.1:P/metrics (default 9404)
              --read-every N     read dead directions after every N-th epoch (default 10)
              --probe N          training examples used as probe inputs (default 128)
              --max-seconds S    stop training after S seconds (default: no limit)
              --model NAME       value of the model tag on every meter (default demo-student)
              --seed S           seed of the data and the student (default 42)
              --config FILE      listener settings in YAML (see config/dead-directions.yaml)
              --non-interactive  exit when training ends (default: keep serving metrics until Ctrl-C)
              --quiet            no report table after each read
            """;

    public static DemoOptions defaults() {
        return new DemoOptions(1000, 9404, 10, 128, false, 0, "demo-student", 42, null, false);
    }

    /** Parses the command line; throws IllegalArgumentException with a message for the user. */
    public static DemoOptions parse(String... args) {
        DemoOptions o = defaults();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            switch (flag) {
                case "--non-interactive" -> o = o.with(flag, "true");
                case "--quiet" -> o = o.with(flag, "true");
                case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                default -> {
                    if (rest.isEmpty()) {
                        throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
                    }
                    o = o.with(flag, rest.remove(0));
                }
            }
        }
        return o;
    }

    private DemoOptions with(String flag, String value) {
        try {
            return switch (flag) {
                case "--epochs" -> new DemoOptions(positive(flag, value), port, readEvery, probeExamples, nonInteractive,
                        maxSeconds, model, seed, config, quiet);
                case "--port" -> new DemoOptions(epochs, Integer.parseInt(value), readEvery, probeExamples, nonInteractive,
                        maxSeconds, model, seed, config, quiet);
                case "--read-every" -> new DemoOptions(epochs, port, positive(flag, value), probeExamples, nonInteractive,
                        maxSeconds, model, seed, config, quiet);
                case "--probe" -> new DemoOptions(epochs, port, readEvery, positive(flag, value), nonInteractive,
                        maxSeconds, model, seed, config, quiet);
                case "--max-seconds" -> new DemoOptions(epochs, port, readEvery, probeExamples, nonInteractive,
                        Double.parseDouble(value), model, seed, config, quiet);
                case "--model" -> new DemoOptions(epochs, port, readEvery, probeExamples, nonInteractive, maxSeconds,
                        value, seed, config, quiet);
                case "--seed" -> new DemoOptions(epochs, port, readEvery, probeExamples, nonInteractive, maxSeconds,
                        model, Long.parseLong(value), config, quiet);
                case "--config" -> new DemoOptions(epochs, port, readEvery, probeExamples, nonInteractive, maxSeconds,
                        model, seed, Path.of(value), quiet);
                case "--non-interactive" -> new DemoOptions(epochs, port, readEvery, probeExamples, true, maxSeconds,
                        model, seed, config, quiet);
                case "--quiet" -> new DemoOptions(epochs, port, readEvery, probeExamples, nonInteractive, maxSeconds,
                        model, seed, config, true);
                default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, not '" + value + "'");
        }
    }

    private static int positive(String flag, String value) {
        int v = Integer.parseInt(value);
        if (v < 1) {
            throw new IllegalArgumentException(flag + " must be at least 1, not " + v);
        }
        return v;
    }
}
